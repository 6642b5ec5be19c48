/*
 * CAA of a mail server's name (RFC 8659): the relevant record set -- the
 * name's own, else its parent's, up the tree -- and whether its issue
 * properties allow the CA that issued the certificate the server presents.
 * A CA is told from the organisation of the certificate's issuer, and named
 * in CAA by the domains it documents for "issue".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "domain/internal.h"
#include "mailcheck/net.h"

/* The issuer organisations of the CAs that issue most server certificates,
 * and the CAA issuer domains each documents (its CAA help page). */
static const struct {
	const char *org;
	const char *domains[5];
} cas[] = {
	{"Let's Encrypt", {"letsencrypt.org"}},
	{"Google Trust Services", {"pki.goog"}},
	{"Google Trust Services LLC", {"pki.goog"}},
	{"DigiCert Inc", {"digicert.com", "www.digicert.com", "symantec.com", "geotrust.com",
	                  "rapidssl.com"}},
	{"Sectigo Limited", {"sectigo.com", "comodoca.com", "comodo.com", "usertrust.com",
	                     "trust-provider.com"}},
	{"ZeroSSL", {"sectigo.com", "zerossl.com"}},
	{"GlobalSign nv-sa", {"globalsign.com"}},
	{"Amazon", {"amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com"}},
	{"Buypass AS-983163327", {"buypass.com", "buypass.no"}},
	{"SSL Corporation", {"ssl.com"}},
	{"Entrust, Inc.", {"entrust.net", "affirmtrust.com"}},
	{"GoDaddy.com, Inc.", {"godaddy.com"}},
	{"Starfield Technologies, Inc.", {"starfieldtech.com"}},
	{"Microsoft Corporation", {"microsoft.com"}},
	{"Actalis S.p.A.", {"actalis.it"}},
	{"Hellenic Academic and Research Institutions CA", {"harica.gr"}},
};

/* The CA domain of an issue property's value ("letsencrypt.org;
 * accounturi=..." -> "letsencrypt.org"; ";" -> "": no CA), lower case. */
static char *issuer_domain(const char *value)
{
	const char *v = value;
	size_t n;
	char *d;

	while (*v == '"' || isspace((unsigned char)*v))
		v++;
	n = strcspn(v, ";\" \t");
	if (!(d = mc_strndup(v, n)))
		return NULL;
	for (char *c = d; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return d;
}

/* Whether an issuer organisation may issue under these CA domains: 1, 0,
 * or -1 when the organisation is not one mailcheck knows. */
static int allowed(const char *org, char *const *issue, size_t n)
{
	for (size_t i = 0; org && i < sizeof(cas) / sizeof(cas[0]); i++) {
		if (strcasecmp(org, cas[i].org) != 0)
			continue;
		for (size_t k = 0; k < n; k++)
			for (size_t j = 0; j < 5 && cas[i].domains[j]; j++)
				if (!strcmp(issue[k], cas[i].domains[j]))
					return 1;
		return 0;
	}
	return -1;
}

/* The CAA records of one name into s: true when there are some (the
 * relevant set, RFC 8659 3). */
static bool caa_at(mc_resolver *r, const char *name, mc_tls_scan *s, mc_status *st)
{
	mc_dns_query q = {.name = name, .type = MC_RR_CAA};
	bool any = false, issue_tags = false;

	if ((*st = mc_dns_resolve(r, &q, 1)) != MC_OK || !q.answer || q.answer->status != MC_DNS_OK)
		return false;
	for (size_t k = 0; k < q.answer->n_rrs; k++) {
		unsigned flags;
		char tag[32];
		int used = 0;

		if (q.answer->rrs[k].type != MC_RR_CAA ||
		    sscanf(q.answer->rrs[k].data, "%u %31s %n", &flags, tag, &used) != 2)
			continue;
		any = true;
		if (strcasecmp(tag, "issue") != 0 || s->n_caa_issue == MC_TLS_MAX_TLSA)
			continue;
		issue_tags = true;
		if ((s->caa_issue[s->n_caa_issue] = issuer_domain(q.answer->rrs[k].data + used)))
			s->n_caa_issue++;
	}
	if (any) {
		s->caa_name = mc_strdup(name);
		/* RFC 8659 4.2: a set without issue properties restricts no CA */
		s->caa_allowed = !issue_tags ? 1 : allowed(s->issuer, s->caa_issue, s->n_caa_issue);
	}
	return any;
}

mc_status domain_caa(mc_resolver *r, const char *host, mc_tls_scan *s)
{
	mc_status st = MC_OK;

	/* the name, then each parent up to the top-level domain (the root
	 * itself publishes none) */
	for (const char *name = host; name && *name && st == MC_OK; ) {
		const char *dot = strchr(name, '.');

		if (caa_at(r, name, s, &st))
			break;
		name = dot ? dot + 1 : NULL;
	}
	return st;
}
