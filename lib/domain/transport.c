/*
 * What a domain's transport-security records promise, checked the way a
 * sending server checks it: the MTA-STS policy fetched over HTTPS and
 * matched against the MX hosts (RFC 8461 3.3, 4.1).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "domain/internal.h"

#define STS_POLICY_MAX (64 * 1024) /* RFC 8461 3.3: a suggested limit of 64 KiB */
#define STS_MAX_AGE_SHORT 86400L   /* under a day, the policy protects little */



/* A fetch that gave no policy: which finding, and the row. */
static void fetch_failed(mc_domain_result *res)
{
	const mc_fetch *f = &res->mta_sts.fetch;
	const char *code = "mta_sts.policy_unreachable", *hint;

	switch (f->error) {
	case MC_FETCH_REFUSED:
		domain_row(res, MC_PART_MTA_STS, MC_PART_WARNING, "policy not fetched: the policy "
		           "host has no public address");
		mc_finding_hint(domain_finding(res, "mta_sts.policy_refused", MC_SEV_WARNING, "the MTA-STS "
			"policy of %s was not fetched: %s", res->domain, f->message),
			"give mta-sts.%s a public address; when checking a test or internal network on "
			"purpose, add --allow-private", res->domain);
		return;
	case MC_FETCH_NO_ADDRESS:
		domain_row(res, MC_PART_MTA_STS, MC_PART_TEMPERROR, "the address lookup of the policy "
		           "host failed");
		return;
	case MC_FETCH_TLS:
	case MC_FETCH_CERTIFICATE:
		code = "mta_sts.policy_certificate";
		hint = N_("serve the policy with a certificate from a public CA that names mta-sts.%s "
		          "(in subjectAltName), with its intermediate certificates, not expired");
		break;
	case MC_FETCH_REDIRECT:
	case MC_FETCH_STATUS:
		code = "mta_sts.policy_http";
		hint = N_("serve https://mta-sts.%s/.well-known/mta-sts.txt itself with status 200: "
		          "RFC 8461 3.3 has senders follow no redirect");
		break;
	case MC_FETCH_TOO_LARGE:
		code = "mta_sts.policy_too_large";
		hint = N_("the policy of mta-sts.%s needs a few lines (version, mode, mx, max_age): "
		          "check what the server sends there");
		break;
	default:
		hint = N_("make https://mta-sts.%s/.well-known/mta-sts.txt reachable on port 443 from "
		          "the Internet");
		break;
	}
	domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "the policy cannot be fetched (%s)",
	           mc_fetch_error_name(f->error));
	mc_finding_hint(domain_finding(res, code, MC_SEV_ERROR, "the MTA-STS policy %s cannot be "
		"fetched as a sender fetches it: %s; senders with no cached policy then deliver as "
		"if there were none (TLS not required), those that cached one keep using it until "
		"its max_age runs out", f->url, f->message), hint, res->domain);
}

/* Every MX host against the mx: patterns. Returns how many none covers. */
static size_t match_mx(mc_domain_result *res)
{
	mc_mta_sts *m = &res->mta_sts;
	size_t n = res->mx.null_mx ? 0 : res->mx.n_hosts, uncovered = 0;

	if (n && !(m->mx = calloc(n, sizeof(*m->mx))))
		return 0;
	for (size_t i = 0; i < n; i++) {
		mc_sts_mx *x = &m->mx[m->n_mx++];

		x->host = mc_strdup(res->mx.hosts[i].host);
		for (size_t k = 0; x->host && k < m->policy.n_mx && !x->pattern; k++)
			if (domain_sts_mx_match(m->policy.mx[k], x->host))
				x->pattern = mc_strdup(m->policy.mx[k]);
		uncovered += !x->pattern;
	}
	return uncovered;
}

static void judge(mc_domain_result *res)
{
	mc_mta_sts *m = &res->mta_sts;
	const mc_sts_policy *p = &m->policy;
	bool enforce = strcmp(p->mode, "enforce") == 0, none = strcmp(p->mode, "none") == 0;
	size_t uncovered = none ? 0 : match_mx(res);
	mc_buf names = {0};

	if (none)
		mc_finding_hint(domain_finding(res, "mta_sts.mode_none", MC_SEV_INFO, "the MTA-STS policy of %s "
			"has mode none: senders drop any policy they cached and require nothing",
			res->domain), "that is the way to withdraw MTA-STS; to protect mail, publish "
			"mode: testing, then enforce");
	else if (!enforce)
		mc_finding_hint(domain_finding(res, "mta_sts.testing", MC_SEV_INFO, "the MTA-STS policy of %s "
			"is in testing mode: senders deliver even when TLS to the MX hosts fails, and "
			"only report it (TLS-RPT)", res->domain),
			"once the TLS reports show no failures, set mode: enforce (and a new id)");
	if (p->max_age < STS_MAX_AGE_SHORT)
		mc_finding_hint(domain_finding(res, "mta_sts.max_age_short", MC_SEV_WARNING, "the MTA-STS "
			"policy of %s has max_age %ld s: senders forget it within a day, so an attacker "
			"who blocks the policy fetch soon strips it", res->domain, p->max_age),
			"set max_age to weeks (604800 or more; at most 31557600)");
	for (size_t i = 0; i < m->n_mx; i++)
		if (!m->mx[i].pattern)
			mc_buf_addf(&names, "%s%s", names.len ? ", " : "", m->mx[i].host);
	if (uncovered) {
		/* one host or several; mode enforce (senders do not deliver) or not */
		static const char *const says[2][2] = {
			{N_("%zu MX host of %s (%s) matches no mx: pattern of the MTA-STS policy: in "
			    "enforce mode senders would not deliver there"),
			 N_("%zu MX host of %s (%s) matches no mx: pattern of the MTA-STS policy: senders "
			    "that honour MTA-STS will not deliver there")},
			{N_("%zu MX hosts of %s (%s) match no mx: pattern of the MTA-STS policy: in "
			    "enforce mode senders would not deliver there"),
			 N_("%zu MX hosts of %s (%s) match no mx: pattern of the MTA-STS policy: senders "
			    "that honour MTA-STS will not deliver there")},
		};

		mc_finding_hint(domain_finding(res, "mta_sts.mx_not_covered", enforce ? MC_SEV_ERROR
			: MC_SEV_WARNING, says[uncovered > 1][enforce], uncovered, res->domain,
			names.s ? names.s : ""),
			"add an mx: line for each MX host (\"*.example.net\" covers one label) and "
			"change the id of the _mta-sts record");
	}
	mc_buf_free(&names);
	if (uncovered && enforce)
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "enforce, but %zu of %zu MX hosts "
		           "not covered", uncovered, m->n_mx);
	else if (none)
		domain_row(res, MC_PART_MTA_STS, MC_PART_WARNING, "mode none: the policy is withdrawn");
	else if (uncovered || p->max_age < STS_MAX_AGE_SHORT)
		domain_row(res, MC_PART_MTA_STS, MC_PART_WARNING, "%s, max_age %ld, %zu of %zu MX "
		           "hosts covered", p->mode, p->max_age, m->n_mx - uncovered, m->n_mx);
	else
		domain_row(res, MC_PART_MTA_STS, MC_PART_PASS, m->n_mx == 1
		           ? N_("%s, max_age %ld, all %zu MX host covered (policy fetched)")
		           : N_("%s, max_age %ld, all %zu MX hosts covered (policy fetched)"), p->mode,
		           p->max_age, m->n_mx);
}

mc_status domain_sts_policy(mc_resolver *r, mc_domain_result *res, const mc_net_opts *o)
{
	mc_mta_sts *m = &res->mta_sts;
	char *host = mc_asprintf("mta-sts.%s", res->domain);
	const char *why;
	size_t line = 0;
	bool bad_type;
	mc_status st;

	if (!host)
		return mc_error_set(MC_ENOMEM, "out of memory");
	m->fetched = true;
	st = mc_https_get(r, host, "/.well-known/mta-sts.txt", STS_POLICY_MAX, o, &m->fetch);
	free(host);
	if (st != MC_OK)
		return mc_error_set(st, "out of memory");
	if (m->fetch.error != MC_FETCH_OK) {
		fetch_failed(res);
		return MC_OK;
	}
	/* RFC 8461 3.3: "MUST have a media type of text/plain" */
	bad_type = !mc_fetch_media_type(&m->fetch, "text/plain");
	if (bad_type)
		mc_finding_hint(domain_finding(res, "mta_sts.policy_content_type", MC_SEV_ERROR, "the MTA-STS "
			"policy %s is served as %s, not text/plain: RFC 8461 3.3 requires text/plain, "
			"and senders that check it ignore the policy", m->fetch.url,
			m->fetch.content_type ? m->fetch.content_type : "(no Content-Type)"),
			"serve mta-sts.txt with Content-Type: text/plain");
	if ((why = domain_sts_policy_parse(m->fetch.body, m->fetch.len, &m->policy, &line))) {
		m->policy_error = line ? mc_asprintf("line %zu: %s", line, why) : mc_strdup(why);
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "the policy is malformed");
		mc_finding_hint(domain_finding(res, "mta_sts.policy_syntax", MC_SEV_ERROR, "the MTA-STS "
			"policy %s is malformed, %s: senders ignore it; senders with no cached policy "
			"then deliver as if there were none (TLS not required), those that cached one "
			"keep using it until its max_age runs out", m->fetch.url,
			m->policy_error ? m->policy_error : why),
			"serve lines \"version: STSv1\", \"mode: enforce|testing|none\", one \"mx: "
			"HOST\" per MX host and \"max_age: SECONDS\" (at most 31557600)");
		return MC_OK;
	}
	m->policy_valid = true;
	judge(res);
	if (bad_type)
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "the policy is not served as "
		           "text/plain");
	return MC_OK;
}

void domain_mta_sts_clear(mc_mta_sts *m)
{
	free(m->record);
	free(m->id);
	mc_fetch_clear(&m->fetch);
	free(m->policy_error);
	domain_sts_policy_clear(&m->policy);
	for (size_t i = 0; i < m->n_mx; i++) {
		free(m->mx[i].host);
		free(m->mx[i].pattern);
	}
	free(m->mx);
	*m = (mc_mta_sts){0};
}

/* ---- SMTP of the MX hosts (--smtp) ---- */

#define CERT_EXPIRY_WARNING 14.0 /* days */

static const mc_tlsa_host *tlsa_of(const mc_domain_result *res, const char *host)
{
	for (size_t i = 0; i < res->n_tlsa; i++)
		if (res->tlsa[i].host && strcmp(res->tlsa[i].host, host) == 0)
			return &res->tlsa[i];
	return NULL;
}

static const char *ptr_of(const mc_domain_result *res, const char *address)
{
	for (size_t i = 0; i < res->n_fcrdns; i++)
		if (res->fcrdns[i].address && strcmp(res->fcrdns[i].address, address) == 0)
			return res->fcrdns[i].ptr;
	return NULL;
}

/* The findings of one probe. strict: a sender will not deliver when TLS
 * fails here (MTA-STS enforce, or DNSSEC-secure TLSA records). */
/* A probe that stopped short: where, and what senders then do. */
static void stopped_findings(mc_domain_result *res, const mc_smtp_probe *p, bool sts, bool dane)
{
	bool strict = sts || dane;
	mc_severity sev = strict ? MC_SEV_ERROR : MC_SEV_WARNING;
	/* who will not deliver there: none, MTA-STS senders, DANE senders, both */
	int who = (sts ? 1 : 0) + (dane ? 2 : 0);
	static const char *const no_starttls[4] = {
		N_("MX host %s (%s) does not offer STARTTLS: mail to it travels unencrypted"),
		N_("MX host %s (%s) does not offer STARTTLS: mail to it travels unencrypted; senders "
		   "that honour MTA-STS (mode enforce) will not deliver there"),
		N_("MX host %s (%s) does not offer STARTTLS: mail to it travels unencrypted; DANE "
		   "senders will not deliver there"),
		N_("MX host %s (%s) does not offer STARTTLS: mail to it travels unencrypted; MTA-STS "
		   "and DANE senders will not deliver there"),
	};
	static const char *const tls_failed[4] = {
		N_("MX host %s (%s) offers STARTTLS, but TLS does not come up: %s; most senders then "
		   "deliver without TLS"),
		N_("MX host %s (%s) offers STARTTLS, but TLS does not come up: %s; senders that honour "
		   "MTA-STS (mode enforce) will not deliver there"),
		N_("MX host %s (%s) offers STARTTLS, but TLS does not come up: %s; DANE senders will "
		   "not deliver there"),
		N_("MX host %s (%s) offers STARTTLS, but TLS does not come up: %s; MTA-STS and DANE "
		   "senders will not deliver there"),
	};

	switch (p->stage) {
	case MC_SMTP_REFUSED:
		domain_finding(res, "smtp.not_probed", MC_SEV_INFO, "MX host %s: %s", p->host, p->error);
		break;
	case MC_SMTP_CONNECT:
		mc_finding_hint(domain_finding(res, "smtp.unreachable", MC_SEV_WARNING, "MX host %s cannot be "
			"reached on the SMTP port: %s", p->host, p->error), "check that the server "
			"listens on port 25 and that its firewall lets the Internet in; many home and "
			"cloud networks block outgoing port 25, so probe from a server that can send mail");
		break;
	case MC_SMTP_BANNER:
	case MC_SMTP_EHLO:
		mc_finding_hint(domain_finding(res, "smtp.greeting", MC_SEV_ERROR, "MX host %s (%s) does not "
			"hold an SMTP conversation: %s", p->host, p->address, p->error),
			"check the mail server on %s: it must greet with 220 at once and answer EHLO "
			"with 250", p->host);
		break;
	case MC_SMTP_NO_STARTTLS:
		mc_finding_hint(domain_finding(res, "smtp.no_starttls", sev, no_starttls[who], p->host,
			p->address),
			"enable STARTTLS on %s with a certificate for that name", p->host);
		break;
	case MC_SMTP_STARTTLS:
	case MC_SMTP_TLS:
		mc_finding_hint(domain_finding(res, "smtp.tls_failed", sev, tls_failed[who], p->host,
			p->address, p->error), "check the TLS configuration of %s (protocols, ciphers, "
			"certificate and key files)", p->host);
		break;
	case MC_SMTP_DONE:
		break;
	}
}

/* A probe that got through TLS: the certificate, DANE and the greeting. */
static void certificate_findings(mc_domain_result *res, const mc_smtp_probe *p,
                                 bool sts_enforce)
{
	const char *ptr = ptr_of(res, p->address);

	if (!p->chain_ok)
		mc_finding_hint(domain_finding(res, "smtp.certificate_untrusted", sts_enforce
			? MC_SEV_ERROR : MC_SEV_WARNING, sts_enforce
			? N_("the certificate of MX host %s (%s) does not verify: %s; senders that honour "
			     "MTA-STS will not deliver there")
			: N_("the certificate of MX host %s (%s) does not verify: %s (senders without "
			     "MTA-STS or DANE deliver anyway)"),
			p->host, p->address, p->chain_error ? p->chain_error : "?"),
			"install a certificate from a public CA (e.g. Let's Encrypt) for %s, with its "
			"intermediate certificates", p->host);
	if (!p->name_ok) {
		/* the names it has (the first, and whether there are more), and whether
		 * MTA-STS senders then refuse it */
		static const char *const names[2][2] = {
			{N_("the certificate of MX host %s names %s, not %s"),
			 N_("the certificate of MX host %s names %s, not %s: senders that honour MTA-STS "
			    "will not deliver there")},
			{N_("the certificate of MX host %s names %s and more, not %s"),
			 N_("the certificate of MX host %s names %s and more, not %s: senders that honour "
			    "MTA-STS will not deliver there")},
		};
		const char *first = p->n_names ? p->names[0] : p->subject;

		if (first)
			mc_finding_hint(domain_finding(res, "smtp.certificate_name", sts_enforce
				? MC_SEV_ERROR : MC_SEV_WARNING, names[p->n_names > 1][sts_enforce], p->host,
				first, p->host), "add %s to the certificate's subjectAltName", p->host);
		else
			mc_finding_hint(domain_finding(res, "smtp.certificate_name", sts_enforce
				? MC_SEV_ERROR : MC_SEV_WARNING, sts_enforce
				? N_("the certificate of MX host %s names no host, not %s: senders that "
				     "honour MTA-STS will not deliver there")
				: N_("the certificate of MX host %s names no host, not %s"), p->host, p->host),
				"add %s to the certificate's subjectAltName", p->host);
	}
	if (p->not_after && p->days_left >= 0 && p->days_left < CERT_EXPIRY_WARNING)
		mc_finding_hint(domain_finding(res, "smtp.certificate_expiring", MC_SEV_WARNING, "the certificate "
			"of MX host %s expires in %.1f days", p->host, p->days_left),
			"renew it now and check that automatic renewal also reloads the mail server");
	if (p->dane_tried && !p->dane_ok)
		mc_finding_hint(domain_finding(res, "dane.mismatch", MC_SEV_ERROR, "MX host %s: %s; DANE senders "
			"(RFC 7672) will not deliver there", p->host, p->dane_error ? p->dane_error : "?"),
			"publish TLSA records for the certificate in use (e.g. \"3 1 1\" with the SHA-256 "
			"of its public key) before a new certificate goes live, and drop the old ones "
			"after");
	if (ptr && p->banner_name && strcasecmp(ptr, p->banner_name) != 0)
		domain_finding(res, "smtp.banner_name", MC_SEV_INFO, "MX host %s (%s) greets as %s, but the PTR "
		    "name of %s is %s", p->host, p->address, p->banner_name, p->address, ptr);
}

static void probe_findings(mc_domain_result *res, const mc_smtp_probe *p, bool sts_enforce,
                           bool dane)
{
	if (p->stage != MC_SMTP_DONE)
		stopped_findings(res, p, sts_enforce, dane);
	else
		certificate_findings(res, p, sts_enforce);
}

/* One probe, on a thread of its own: the probes of a domain wait on the
 * network, not on each other. */
#define PROBES_AT_ONCE 8

struct probe_job {
	const mc_fcrdns *f;
	const mc_tlsa_host *t; /* DNSSEC-secure TLSA records, or NULL */
	const mc_net_opts *o;
	mc_smtp_probe *p;
	mc_tls_scan *scan;     /* graded when the probe reached TLS */
	mc_status st;
};

static void *probe_one(void *arg)
{
	struct probe_job *j = arg;
	mc_tls_target t = {.host = j->f->host, .address = j->f->address, .service = "smtp",
	                   .tlsa = j->t ? j->t->records : NULL, .n_tlsa = j->t ? j->t->n_records : 0,
	                   .authenticated = j->t != NULL};

	j->st = mc_smtp_probe_run(j->f->host, j->f->address, j->t ? j->t->records : NULL,
	                          j->t ? j->t->n_records : 0, j->o, j->p);
	/* what a sender meets there graded, as mailcheck smtp does */
	if (j->st == MC_OK && j->p->stage == MC_SMTP_DONE)
		j->st = mc_tls_scan_run(&t, j->o, j->scan);
	return NULL;
}

/* How the probes went, for the rows. */
struct probe_counts {
	size_t good, reached, dane_ok, dane_tried, insufficient;
};

/* Every MX address probed, PROBES_AT_ONCE threads at a time (one that
 * cannot start runs here). */
static void run_probes(struct probe_job *jobs, size_t n_jobs)
{
	for (size_t base = 0; base < n_jobs; base += PROBES_AT_ONCE) {
		pthread_t th[PROBES_AT_ONCE];
		bool started[PROBES_AT_ONCE] = {0};
		size_t n = n_jobs - base < PROBES_AT_ONCE ? n_jobs - base : PROBES_AT_ONCE;

		for (size_t k = 0; k < n; k++)
			if (!(started[k] = pthread_create(&th[k], NULL, probe_one, &jobs[base + k]) == 0))
				probe_one(&jobs[base + k]); /* no thread: here and now */
		for (size_t k = 0; k < n; k++)
			if (started[k])
				pthread_join(th[k], NULL);
	}
}

/* The SMTP row, and the DANE row once certificates were matched. */
static void smtp_rows(mc_domain_result *res, const struct probe_counts *c)
{
	if (res->n_smtp == 0)
		domain_row(res, MC_PART_SMTP, MC_PART_NOT_CHECKED, "no MX address to probe");
	else if (c->reached == 0)
		domain_row(res, MC_PART_SMTP, MC_PART_NOT_CHECKED, "no MX address reached on the SMTP "
		           "port (%zu tried)", res->n_smtp);
	else if (c->good == res->n_smtp && c->insufficient)
		domain_row(res, MC_PART_SMTP, MC_PART_WARNING, c->insufficient == 1
		           ? N_("STARTTLS with a valid certificate, but TLS graded insufficient at %zu "
		                "MX address (mailcheck smtp)")
		           : N_("STARTTLS with a valid certificate, but TLS graded insufficient at %zu "
		                "MX addresses (mailcheck smtp)"), c->insufficient);
	else if (c->good == res->n_smtp)
		domain_row(res, MC_PART_SMTP, MC_PART_PASS, res->n_smtp == 1
		           ? N_("STARTTLS with a valid certificate at all %zu MX address")
		           : N_("STARTTLS with a valid certificate at all %zu MX addresses"), res->n_smtp);
	else
		domain_row(res, MC_PART_SMTP, MC_PART_WARNING, "STARTTLS with a valid certificate at "
		           "%zu of %zu MX addresses", c->good, res->n_smtp);
	if (c->dane_tried && c->dane_ok == c->dane_tried)
		domain_row(res, MC_PART_DANE, MC_PART_PASS, c->dane_ok == 1
		           ? N_("TLSA records matched the certificate at %zu MX address (DNSSEC-secure)")
		           : N_("TLSA records matched the certificate at %zu MX addresses (DNSSEC-secure)"),
		           c->dane_ok);
	else if (c->dane_tried)
		domain_row(res, MC_PART_DANE, MC_PART_ERROR, "TLSA records match at %zu of %zu MX "
		           "addresses probed", c->dane_ok, c->dane_tried);
}

mc_status domain_smtp(mc_domain_result *res, const mc_net_opts *o)
{
	const mc_mta_sts *m = &res->mta_sts;
	bool sts_enforce = m->policy_valid && strcmp(m->policy.mode, "enforce") == 0;
	struct probe_counts c = {0};
	struct probe_job *jobs;

	res->smtp_probed = true;
	if (res->n_fcrdns == 0) {
		smtp_rows(res, &c);
		return MC_OK;
	}
	res->smtp = calloc(res->n_fcrdns, sizeof(*res->smtp));
	res->tls = calloc(res->n_fcrdns, sizeof(*res->tls));
	jobs = calloc(res->n_fcrdns, sizeof(*jobs));
	if (!res->smtp || !res->tls || !jobs) {
		free(jobs);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < res->n_fcrdns; i++) {
		const mc_tlsa_host *t = tlsa_of(res, res->fcrdns[i].host);

		jobs[i] = (struct probe_job){.f = &res->fcrdns[i], .o = o, .p = &res->smtp[i],
		                             .scan = &res->tls[i],
		                             .t = t && t->authenticated && t->n_records ? t : NULL};
	}
	run_probes(jobs, res->n_fcrdns);
	res->n_smtp = res->n_fcrdns; /* all of them are cleared with the result */
	for (size_t i = 0; i < res->n_smtp; i++) {
		const mc_smtp_probe *p = &res->smtp[i];

		if (jobs[i].st != MC_OK) {
			free(jobs);
			return mc_error_set(MC_ENOMEM, "out of memory");
		}
		probe_findings(res, p, sts_enforce, jobs[i].t != NULL);
		if (res->tls[i].host) {
			domain_tls_findings(&res->tls[i], &res->findings);
			c.insufficient += res->tls[i].grade == MC_TLS_INSUFFICIENT || res->tls[i].cut_short;
		}
		c.reached += p->stage != MC_SMTP_REFUSED && p->stage != MC_SMTP_CONNECT;
		c.good += p->stage == MC_SMTP_DONE && p->chain_ok && p->name_ok;
		c.dane_tried += p->dane_tried;
		c.dane_ok += p->dane_ok;
	}
	free(jobs);
	smtp_rows(res, &c);
	return MC_OK;
}
