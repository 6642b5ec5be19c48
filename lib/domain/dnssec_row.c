/*
 * The DNSSEC row of `mailcheck domain`: were the domain's answers
 * authenticated -- validated by mailcheck from its trust anchors (lib/dns),
 * or only the AD bit of a resolver -- and where the chain ended.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "domain/internal.h"

/* ---- DNSSEC: were the answers authenticated? ---- */

/* mailcheck's own validation of the answers under the domain. */
/* Count the answers under the domain by their DNSSEC state; the reason
 * said is the first answer's of the worst state. */
static void dnssec_count(mc_domain_result *res)
{
	const char *first[MC_DNSSEC_INDETERMINATE + 1] = {0};

	for (size_t i = 0; i < res->dns.n; i++) {
		const mc_dns_answer *a = res->dns.entries[i].answer;

		if (a->dnssec == MC_DNSSEC_UNCHECKED || !mc_dns_name_within(a->name, res->domain) ||
		    a->type == MC_RR_DS || a->type == MC_RR_DNSKEY)
			continue;
		res->answers++;
		res->authenticated += a->ad;
		if (!first[a->dnssec])
			first[a->dnssec] = a->dnssec_reason;
		switch (a->dnssec) {
		case MC_DNSSEC_SECURE:
			res->secure++;
			if (a->sig_expires && (!res->sig_expires || a->sig_expires < res->sig_expires))
				res->sig_expires = a->sig_expires;
			if (a->algorithm)
				res->algorithm = a->algorithm;
			break;
		case MC_DNSSEC_INSECURE: res->insecure++; break;
		case MC_DNSSEC_BOGUS: res->bogus++; break;
		default: res->indeterminate++; break;
		}
	}
	if (first[MC_DNSSEC_BOGUS] || first[MC_DNSSEC_INSECURE] || first[MC_DNSSEC_INDETERMINATE])
		res->dnssec_reason = mc_strdup(first[MC_DNSSEC_BOGUS] ? first[MC_DNSSEC_BOGUS]
		                             : first[MC_DNSSEC_INDETERMINATE]
		                             ? first[MC_DNSSEC_INDETERMINATE]
		                             : first[MC_DNSSEC_INSECURE]);
}

/* The row from the counts: bogus, incomplete, secure, unsigned or partly. */
static void dnssec_state_row(mc_domain_result *res)
{
	if (res->answers == 0) {
		domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_CHECKED, "no answers to judge");
	} else if (res->bogus) {
		domain_row(res, MC_PART_DNSSEC, MC_PART_ERROR, "%zu of %zu answers bogus", res->bogus,
		           res->answers);
		mc_finding_hint(domain_finding(res, "dnssec.bogus", MC_SEV_ERROR, "%zu of the %zu answers under "
			"%s fail DNSSEC validation (bogus): %s; validating resolvers answer SERVFAIL "
			"for them, so mail to and from the domain fails there", res->bogus,
			res->answers, res->domain, res->dnssec_reason ? res->dnssec_reason : "?"),
			"re-sign the zone (check that automatic signing runs), or make the DS record "
			"at the registrar match a published DNSKEY; to go unsigned, remove the DS "
			"record first and the signatures after its TTL");
	} else if (res->indeterminate) {
		if (res->dnssec_reason)
			domain_row(res, MC_PART_DNSSEC, MC_PART_TEMPERROR, "validation incomplete: %s",
			           res->dnssec_reason);
		else
			domain_row(res, MC_PART_DNSSEC, MC_PART_TEMPERROR, "validation incomplete: a "
			           "lookup failed");
	} else if (res->secure == res->answers) {
		domain_row(res, MC_PART_DNSSEC, MC_PART_PASS, "all %zu answers under %s validated "
		           "from the trust anchor (%s)", res->answers, res->domain,
		           mc_dnssec_algorithm_name(res->algorithm));
	} else if (res->secure == 0) {
		mc_finding *f;

		if (res->dnssec_reason) {
			domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_PUBLISHED, "unsigned: %s",
			           res->dnssec_reason);
			f = domain_finding(res, "dnssec.unsigned", MC_SEV_INFO, "the answers under %s are "
			                   "not protected by DNSSEC: %s", res->domain, res->dnssec_reason);
		} else {
			domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_PUBLISHED, "unsigned: no signatures");
			f = domain_finding(res, "dnssec.unsigned", MC_SEV_INFO, "the answers under %s are "
			                   "not protected by DNSSEC: they carry no signatures", res->domain);
		}
		mc_finding_hint(f,
			"sign the zone at your DNS provider and publish the DS record at your "
			"registrar; DANE and a forged-answer-proof MX need it");
	} else {
		domain_row(res, MC_PART_DNSSEC, MC_PART_WARNING, "%zu of %zu answers secure",
		           res->secure, res->answers);
		mc_finding_hint(res->dnssec_reason
			? domain_finding(res, "dnssec.partial", MC_SEV_WARNING, "only %zu of the %zu answers "
			                 "under %s are DNSSEC-secure: %s", res->secure, res->answers,
			                 res->domain, res->dnssec_reason)
			: domain_finding(res, "dnssec.partial", MC_SEV_WARNING, "only %zu of the %zu answers "
			                 "under %s are DNSSEC-secure: part is unsigned", res->secure,
			                 res->answers, res->domain),
			"sign every zone under the domain, or publish the DS records of the "
			"delegations that lack them");
	}
}

/* Secure answers whose signatures expire within a week. */
static void dnssec_expiry(mc_domain_result *res)
{
	int64_t now = (int64_t)time(NULL);
	char when[32];
	time_t t = (time_t)res->sig_expires;
	struct tm tm;

	if (!res->secure || !res->sig_expires || res->sig_expires - now >= 7 * 86400)
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	mc_finding_hint(domain_finding(res, "dnssec.expiring", MC_SEV_WARNING, "DNSSEC signatures under "
		"%s expire %s (in %.1f days): if re-signing stops, the domain turns bogus "
		"then and validating resolvers stop answering for it", res->domain, when,
		(double)(res->sig_expires - now) / 86400.0),
		"check that the signer re-signs well before expiry (a validity of weeks, "
		"refreshed at half-life)");
	if (res->rows[MC_PART_DNSSEC].status == MC_PART_PASS)
		domain_row(res, MC_PART_DNSSEC, MC_PART_WARNING, "secure, but signatures expire "
		           "in %.1f days", (double)(res->sig_expires - now) / 86400.0);
}

/* A signing algorithm RFC 8624 advises against. */
static void dnssec_algorithm(mc_domain_result *res)
{
	bool must_not;

	if (!res->secure || !mc_dnssec_algorithm_status(res->algorithm))
		return;
	must_not = strcmp(mc_dnssec_algorithm_status(res->algorithm), "must_not") == 0;
	mc_finding_hint(domain_finding(res, "dnssec.algorithm", must_not ? MC_SEV_ERROR
		: MC_SEV_WARNING, must_not
		? N_("the zone of %s is signed with algorithm %u (%s), which RFC 8624 says MUST NOT be "
		     "used for signing; validators treat it as unsigned")
		: N_("the zone of %s is signed with algorithm %u (%s), which RFC 8624 says NOT "
		     "RECOMMENDED to be used for signing"), res->domain, res->algorithm,
		mc_dnssec_algorithm_name(res->algorithm)),
		"roll to algorithm 13 (ECDSAP256SHA256) or 8 (RSASHA256): new keys, new DS");
}

static void dnssec_validated(mc_domain_result *res)
{
	dnssec_count(res);
	dnssec_state_row(res);
	dnssec_expiry(res);
	dnssec_algorithm(res);
}

/* From the result's own DNS log (each query once). */
void domain_dnssec_row(mc_domain_result *res)
{
	if (res->validated) {
		dnssec_validated(res);
		return;
	}
	if (res->dnssec_reason) /* then the resolver's AD bit is all there is */
		mc_finding_hint(domain_finding(res, "dnssec.not_validated", MC_SEV_INFO, "mailcheck could not "
			"validate DNSSEC itself: %s; the DANE row relies on the AD bit of the resolver "
			"instead, and the DNSSEC row is not checked unless that bit authenticates every "
			"answer", res->dnssec_reason),
			"use a resolver that returns DNSSEC records (--dns), e.g. Unbound or 1.1.1.1");
	for (size_t i = 0; i < res->dns.n; i++) {
		const mc_dns_answer *a = res->dns.entries[i].answer;

		if (a->status != MC_DNS_OK || !mc_dns_name_within(a->name, res->domain))
			continue;
		res->answers++;
		res->authenticated += a->ad;
	}
	if (!res->dnssec_checked)
		domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_CHECKED, "offline (--zone): zone files carry "
		    "no DNSSEC validation");
	else if (res->dnssec_reason && res->authenticated < res->answers)
		/* the anchor could not be used: what the answers lack proves nothing
		 * (RFC 4035 4.3: indeterminate), so never "unsigned" */
		domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_CHECKED, "not validated: %s",
		    res->dnssec_reason);
	else if (res->answers == 0)
		domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_CHECKED, "no answers to judge");
	else if (res->authenticated == res->answers)
		domain_row(res, MC_PART_DNSSEC, MC_PART_PASS, "all %zu answers under %s authenticated (AD)",
		    res->answers, res->domain);
	else if (res->authenticated == 0) {
		domain_row(res, MC_PART_DNSSEC, MC_PART_NOT_PUBLISHED, "no answer authenticated: unsigned, "
		    "or the resolver does not validate");
		mc_finding_hint(domain_finding(res, "dnssec.unsigned", MC_SEV_INFO, "none of the %zu answers "
			"under %s came back authenticated (AD bit): the zone is not signed with DNSSEC, "
			"or the resolver asked does not validate", res->answers, res->domain),
			"sign the zone at your DNS provider and publish the DS record at your "
			"registrar; DANE and a forged-answer-proof MX need it");
	} else {
		domain_row(res, MC_PART_DNSSEC, MC_PART_WARNING, "%zu of %zu answers authenticated",
		    res->authenticated, res->answers);
		mc_finding_hint(domain_finding(res, "dnssec.partial", MC_SEV_WARNING, "only %zu of the %zu "
			"answers under %s came back authenticated (AD bit): part of the names are in "
			"an unsigned zone or delegation", res->authenticated, res->answers,
			res->domain), "sign every zone under the domain, or check the delegations "
			"that lack DS records");
	}
}
