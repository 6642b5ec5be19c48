/*
 * mailcheck domain: the parts of a domain's mail setup, each by the check
 * that already exists for it (mx, spf lint, dmarc, dkim key) or by the
 * record parsers of records.c, with the DNS asked step by step in batches:
 *   1. MX, the domain's A/AAAA and TXT, _dmarc, every selector, _mta-sts,
 *      mta-sts.DOMAIN, _smtp._tls, default._bimi -- all in flight at once;
 *   2. the checks themselves (answered mostly from the cache);
 *   3. PTR of every MX address and TLSA of every MX host;
 *   4. the addresses of the PTR names (forward confirmation);
 * then, with network DNS only (transport.c, bimi.c): the MTA-STS policy and
 * the BIMI logo and certificate fetched over HTTPS, the MX addresses probed
 * over SMTP (--smtp), and every answer validated with DNSSEC (lib/dns).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/tags.h"
#include "common/util.h"
#include "domain/internal.h"

static const struct {
	const char *name, *label;
} parts[MC_PART_COUNT] = {
	[MC_PART_MX] = {"mx", "MX"},           [MC_PART_SPF] = {"spf", "SPF"},
	[MC_PART_DMARC] = {"dmarc", "DMARC"},  [MC_PART_DKIM] = {"dkim", "DKIM"},
	[MC_PART_MTA_STS] = {"mta_sts", "MTA-STS"}, [MC_PART_TLSRPT] = {"tlsrpt", "TLS-RPT"},
	[MC_PART_BIMI] = {"bimi", "BIMI"},     [MC_PART_SMTP] = {"smtp", "SMTP"},
	[MC_PART_DANE] = {"dane", "DANE"},
	[MC_PART_DNSSEC] = {"dnssec", "DNSSEC"},
	[MC_PART_BULK] = {"bulk_senders", "Bulk"},
};

const char *mc_domain_part_name(mc_domain_part p)
{
	return p < MC_PART_COUNT ? parts[p].name : "?";
}

const char *mc_domain_part_label(mc_domain_part p)
{
	return p < MC_PART_COUNT ? parts[p].label : "?";
}

const char *mc_part_status_name(mc_part_status s)
{
	static const char *const names[] = {
		[MC_PART_PASS] = "pass", [MC_PART_WARNING] = "warning", [MC_PART_ERROR] = "error",
		[MC_PART_NOT_PUBLISHED] = "not_published", [MC_PART_TEMPERROR] = "temperror",
		[MC_PART_NOT_CHECKED] = "not_checked",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

bool domain_ask(struct domain_batch *b, const char *fmt, const char *arg, uint16_t type, size_t *index)
{
	size_t cap = b->cap;
	char *name = mc_asprintf(fmt, arg);

	if (!name || mc_grow(&b->q, &cap, b->n + 1, sizeof(*b->q)) < 0 ||
	    mc_grow(&b->names, &b->cap, b->n + 1, sizeof(*b->names)) < 0) {
		free(name);
		return false;
	}
	b->names[b->n] = name;
	b->q[b->n] = (mc_dns_query){.name = name, .type = type};
	*index = b->n++;
	return true;
}

void domain_batch_free(struct domain_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->names[i]);
	free(b->names);
	free(b->q);
	memset(b, 0, sizeof(*b));
}

const mc_dns_answer *domain_answer(const struct domain_batch *b, size_t i)
{
	return i < b->n ? b->q[i].answer : NULL;
}


void domain_row(mc_domain_result *res, mc_domain_part p, mc_part_status st, const char *fmt, ...)
{
	va_list ap;

	free(res->rows[p].reason);
	res->rows[p].status = st;
	va_start(ap, fmt);
	res->rows[p].reason = mc_vasprintf(fmt, ap);
	va_end(ap);
}

/* The worst severity among findings whose code starts with prefix (NULL:
 * all): -1 when none. */
static int worst(const mc_findings *f, const char *prefix)
{
	int w = -1;

	for (size_t i = 0; i < f->n; i++)
		if ((!prefix || strncmp(f->items[i].code, prefix, strlen(prefix)) == 0) &&
		    (int)f->items[i].severity > w)
			w = (int)f->items[i].severity;
	return w;
}

static mc_part_status status_of(int severity)
{
	return severity == MC_SEV_ERROR ? MC_PART_ERROR
	     : severity == MC_SEV_WARNING ? MC_PART_WARNING : MC_PART_PASS;
}

/* The TXT records of an answer that `is` accepts. */
static size_t txt_records(const mc_dns_answer *a, bool (*is)(const char *, size_t),
                          const mc_dns_rr **first)
{
	size_t n = 0;

	*first = NULL;
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type != MC_RR_TXT || !is(a->rrs[i].data, a->rrs[i].data_len))
			continue;
		if (n++ == 0)
			*first = &a->rrs[i];
	}
	return n;
}

/* ---- DKIM: keys at the selectors asked and the common ones ---- */

struct selectors {
	const char *name[MC_DOMAIN_MAX_SELECTORS];
	bool asked[MC_DOMAIN_MAX_SELECTORS]; /* given with --selector */
	size_t at[MC_DOMAIN_MAX_SELECTORS];  /* index in the batch */
	size_t n;
};

/* Each selector once (a --selector that is also a common one counts as
 * asked). */
static void add_selector(struct selectors *s, const char *name, bool asked)
{
	for (size_t k = 0; k < s->n; k++)
		if (strcasecmp(s->name[k], name) == 0)
			return;
	if (s->n == MC_DOMAIN_MAX_SELECTORS)
		return;
	s->asked[s->n] = asked;
	s->name[s->n++] = name;
}

static void selectors_of(const mc_domain_opts *o, struct selectors *s)
{
	const char *const *common;
	size_t n_common = mc_domain_common_selectors(&common);

	s->n = 0;
	for (size_t i = 0; o && i < o->n_selectors; i++)
		add_selector(s, o->selectors[i], true);
	for (size_t i = 0; !(o && o->no_common_selectors) && i < n_common; i++)
		add_selector(s, common[i], false);
}

/* Does a TXT answer at a guessed selector hold a DKIM key record (and not,
 * say, a wildcard's SPF record)? */
static bool looks_like_key(const mc_dns_answer *a)
{
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		mc_tags tags;
		size_t pos;

		if (a->rrs[i].type != MC_RR_TXT)
			continue;
		if (!mc_tags_parse(a->rrs[i].data, a->rrs[i].data_len, &tags, &pos) &&
		    (mc_tag_has(&tags, "p") || (tags.n && strcmp(tags.t[0].name, "v") == 0 &&
		                                 tags.t[0].len == 5 &&
		                                 memcmp(tags.t[0].value, "DKIM1", 5) == 0)))
			return true;
	}
	return false;
}

static mc_status check_keys(mc_resolver *r, mc_domain_result *res, const struct selectors *s,
                            const struct domain_batch *b)
{
	size_t cap = 0;
	mc_status st;

	res->selectors_tried = s->n;
	for (size_t i = 0; i < s->n; i++) {
		const mc_dns_answer *a = domain_answer(b, s->at[i]);
		bool temp = a && mc_dns_status_is_temporary(a->status);

		if (!s->asked[i] && !temp && !looks_like_key(a))
			continue;
		if (mc_grow(&res->keys, &cap, res->n_keys + 1, sizeof(*res->keys)) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		st = mc_dkim_key_check(r, res->domain, s->name[i], &res->keys[res->n_keys]);
		if (st == MC_EINVAL) { /* a --selector that cannot be one: said by the CLI */
			mc_dkim_key_clear(&res->keys[res->n_keys]);
			return st;
		}
		res->n_keys++;
		if (st != MC_OK)
			return st;
	}
	return MC_OK;
}

static void dkim_row(mc_domain_result *res)
{
	size_t usable = 0, temp = 0, bad = 0;
	int w = -1;
	mc_buf names = {0};

	for (size_t i = 0; i < res->n_keys; i++) {
		const mc_dkim_key *k = &res->keys[i];
		int kw = worst(&k->findings, NULL);

		if (kw > w)
			w = kw;
		if (k->verdict == MC_VERDICT_PASS) {
			if (++usable <= 5)
				mc_buf_addf(&names, "%s%s", names.len ? ", " : "", k->selector);
			else if (usable == 6)
				mc_buf_addf(&names, " and more");
		} else if (k->verdict == MC_VERDICT_TEMPERROR) {
			temp++;
		} else {
			bad++;
		}
	}
	if (bad)
		domain_row(res, MC_PART_DKIM, MC_PART_ERROR, "%zu key%s unusable (%s)", bad, bad > 1 ? "s" : "",
		    usable ? "others usable" : "none usable");
	else if (temp && !usable)
		domain_row(res, MC_PART_DKIM, MC_PART_TEMPERROR, "key lookups failed (DNS)");
	else if (usable)
		domain_row(res, MC_PART_DKIM, status_of(w), "key%s at selector%s %s", usable > 1 ? "s" : "",
		    usable > 1 ? "s" : "", names.s);
	else
		domain_row(res, MC_PART_DKIM, MC_PART_NOT_PUBLISHED, "no key at the %zu selectors tried "
		    "(selectors cannot be listed from DNS)", res->selectors_tried);
	if (!usable && !bad && !temp)
		mc_finding_hint(add(res, "dkim.no_key_found", MC_SEV_INFO,
			"no DKIM key was found at the %zu selectors tried for %s: the commonly used "
			"ones%s. DNS cannot list a domain's selectors, so this does not mean the domain "
			"has none", res->selectors_tried, res->domain,
			res->selectors_tried > 0 ? " and those given with --selector" : ""),
			"give the selector your signer uses with --selector SEL (it is s= in the "
			"DKIM-Signature of a message you sent)");
	mc_buf_free(&names);
}

/* ---- MTA-STS, TLS-RPT, BIMI ---- */

/* The one v=STSv1 record at _mta-sts, read; false when there is none
 * usable (the row and findings said). */
static bool sts_record(mc_domain_result *res, const mc_dns_answer *txt)
{
	const mc_dns_rr *rec;
	mc_mta_sts *m = &res->mta_sts;
	size_t pos = 0;
	const char *why;

	m->n_records = txt_records(txt, domain_is_sts, &rec);
	if (m->n_records == 0) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_NOT_PUBLISHED, "no _mta-sts record: senders "
		    "may deliver without TLS when an attacker strips STARTTLS");
		mc_finding_hint(add(res, "mta_sts.none", MC_SEV_INFO, "%s publishes no MTA-STS "
			"policy (RFC 8461): senders cannot tell that its MX hosts must be reached "
			"over TLS", res->domain),
			"publish a policy at https://mta-sts.%s/.well-known/mta-sts.txt (mode: testing "
			"first) and a TXT record _mta-sts.%s \"v=STSv1; id=<a new id for each "
			"change>\"", res->domain, res->domain);
		return false;
	}
	if (m->n_records > 1) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "%zu v=STSv1 records: senders use none",
		    m->n_records);
		mc_finding_hint(add(res, "mta_sts.multiple_records", MC_SEV_ERROR, "_mta-sts.%s "
			"has %zu records beginning v=STSv1; RFC 8461 3.1 makes senders ignore them "
			"all, as if no policy were published", res->domain, m->n_records),
			"keep exactly one v=STSv1 record at _mta-sts.%s", res->domain);
		return false;
	}
	m->record = mc_strndup(rec->data, rec->data_len);
	if ((why = domain_sts_parse(rec->data, rec->data_len, &m->id, &pos))) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "the _mta-sts record is malformed");
		mc_finding_hint(add(res, "mta_sts.syntax", MC_SEV_ERROR, "the MTA-STS record of %s "
			"is malformed at position %zu: %s (record: %s)", res->domain, pos + 1, why,
			m->record ? m->record : ""),
			"publish: v=STSv1; id=20260101T000000 (id: 1 to 32 letters and digits)");
		return false;
	}
	return true;
}

static mc_status mta_sts(mc_resolver *r, mc_domain_result *res, const mc_domain_opts *o,
                         const mc_dns_answer *txt, const mc_dns_answer *a4,
                         const mc_dns_answer *a6)
{
	mc_mta_sts *m = &res->mta_sts;

	if (mc_dns_status_is_temporary(txt->status)) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_TEMPERROR, "the lookup of _mta-sts.%s failed",
		    res->domain);
		return MC_OK;
	}
	if (!sts_record(res, txt))
		return MC_OK;
	m->host_resolves = (a4->status == MC_DNS_OK && a4->n_rrs) ||
	                   (a6->status == MC_DNS_OK && a6->n_rrs);
	if (!m->host_resolves && (mc_dns_status_is_temporary(a4->status) ||
	                          mc_dns_status_is_temporary(a6->status))) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_TEMPERROR, "the lookup of mta-sts.%s failed",
		    res->domain);
		return MC_OK;
	}
	if (!m->host_resolves) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "id=%s, but mta-sts.%s has no address",
		    m->id, res->domain);
		mc_finding_hint(add(res, "mta_sts.no_policy_host", MC_SEV_ERROR, "%s publishes an "
			"MTA-STS record (id=%s) but mta-sts.%s, the host that serves the policy, has "
			"no address: senders cannot fetch the policy", res->domain, m->id, res->domain),
			"point mta-sts.%s (A/AAAA or CNAME) at an HTTPS server that serves "
			"/.well-known/mta-sts.txt with a certificate for that name", res->domain);
		return MC_OK;
	}
	if (!mc_resolver_offline(r))
		return domain_sts_policy(r, res, o ? &o->net : NULL);
	domain_row(res, MC_PART_MTA_STS, MC_PART_PASS, "id=%s; policy host mta-sts.%s resolves "
	           "(the policy is not fetched offline, with --zone)", m->id,
	           res->domain);
	return MC_OK;
}

static bool tlsa_published(const mc_domain_result *res)
{
	for (size_t i = 0; i < res->n_tlsa; i++)
		if (res->tlsa[i].n_records)
			return true;
	return false;
}

static void tlsrpt(mc_domain_result *res, const mc_dns_answer *txt)
{
	const mc_dns_rr *rec;
	mc_tlsrpt *t = &res->tlsrpt;
	size_t pos = 0;
	const char *why;

	if (mc_dns_status_is_temporary(txt->status)) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_TEMPERROR, "the lookup of _smtp._tls.%s failed",
		    res->domain);
		return;
	}
	t->n_records = txt_records(txt, domain_is_tlsrpt, &rec);
	if (t->n_records == 0) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_NOT_PUBLISHED, "no _smtp._tls record: no reports "
		    "of TLS failures");
		if (res->mta_sts.record || tlsa_published(res))
			mc_finding_hint(add(res, "tlsrpt.none", MC_SEV_WARNING, "%s uses %s but "
				"publishes no TLS-RPT record (RFC 8460): senders that fail to reach its MX "
				"hosts over TLS cannot tell it", res->domain,
				res->mta_sts.record ? "MTA-STS" : "DANE"),
				"publish TXT _smtp._tls.%s \"v=TLSRPTv1; rua=mailto:tls-reports@%s\"",
				res->domain, res->domain);
		return;
	}
	if (t->n_records > 1) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_ERROR, "%zu v=TLSRPTv1 records: senders use none",
		    t->n_records);
		mc_finding_hint(add(res, "tlsrpt.multiple_records", MC_SEV_ERROR, "_smtp._tls.%s "
			"has %zu records beginning v=TLSRPTv1; RFC 8460 3 makes senders send no "
			"reports", res->domain, t->n_records),
			"keep exactly one v=TLSRPTv1 record (several rua= URIs go in one record, "
			"separated by commas)");
		return;
	}
	t->record = mc_strndup(rec->data, rec->data_len);
	if ((why = domain_tlsrpt_parse(rec->data, rec->data_len, &t->rua, &t->n_rua, &pos))) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_ERROR, "the _smtp._tls record is malformed");
		mc_finding_hint(add(res, "tlsrpt.syntax", MC_SEV_ERROR, "the TLS-RPT record of %s is "
			"malformed at position %zu: %s (record: %s)", res->domain, pos + 1, why,
			t->record ? t->record : ""),
			"publish: v=TLSRPTv1; rua=mailto:tls-reports@%s", res->domain);
		return;
	}
	domain_row(res, MC_PART_TLSRPT, MC_PART_PASS, "reports to %s%s", t->rua[0],
	    t->n_rua > 1 ? " and more" : "");
}

/* The DMARC policy BIMI needs: quarantine or reject, for the domain and its
 * subdomains, applied to all mail (RFC 7489 pct). true when it is weaker
 * (said). */
static bool bimi_too_weak(mc_domain_result *res)
{
	const mc_dmarc_result *d = &res->dmarc;
	bool weak = d->verdict != MC_VERDICT_PASS || d->policy < MC_DMARC_POLICY_QUARANTINE ||
	            (d->subdomain_policy && d->subdomain_policy < MC_DMARC_POLICY_QUARANTINE) ||
	            (d->record.pct && d->record.pct < 100);

	if (!weak)
		return false;
	domain_row(res, MC_PART_BIMI, MC_PART_ERROR, "published, but the DMARC policy is too weak "
	    "for mailbox providers to show the logo");
	mc_finding_hint(add(res, "bimi.dmarc_policy", MC_SEV_ERROR, "%s publishes a BIMI "
		"record, but mailbox providers show the logo only under a DMARC policy of "
		"quarantine or reject (also for subdomains, applied to all mail); %s's is %s",
		res->domain, res->domain, d->verdict != MC_VERDICT_PASS ? "missing or invalid"
		: d->policy < MC_DMARC_POLICY_QUARANTINE ? "p=none"
		: d->subdomain_policy && d->subdomain_policy < MC_DMARC_POLICY_QUARANTINE
		? "sp=none" : "pct below 100"),
		"move DMARC to p=quarantine or p=reject (without sp=none or pct<100) once "
		"reports show that your mail passes");
	return true;
}

/* A record without a= (no mark certificate): true when so (said). */
static bool bimi_without_certificate(mc_domain_result *res)
{
	if (res->bimi.authority)
		return false;
	domain_row(res, MC_PART_BIMI, MC_PART_WARNING, "logo %s, without a mark certificate (a=)",
	    res->bimi.location);
	mc_finding_hint(add(res, "bimi.no_certificate", MC_SEV_WARNING, "the BIMI record "
		"of %s has no a= (Verified Mark Certificate): Gmail and Apple Mail show "
		"logos only with one, Yahoo shows some without", res->domain),
		"obtain a VMC (or CMC) for the logo and publish its PEM URL in a=");
	return true;
}

static void bimi(mc_domain_result *res, const mc_dns_answer *txt, const char *where)
{
	const mc_dns_rr *rec;
	mc_bimi *b = &res->bimi;
	size_t pos = 0;
	const char *why;

	if (mc_dns_status_is_temporary(txt->status)) {
		domain_row(res, MC_PART_BIMI, MC_PART_TEMPERROR, "the lookup of default._bimi.%s failed",
		    where);
		return;
	}
	b->n_records = txt_records(txt, domain_is_bimi, &rec);
	if (b->n_records == 0) {
		domain_row(res, MC_PART_BIMI, MC_PART_NOT_PUBLISHED, "no default._bimi record");
		return;
	}
	b->found_at = mc_asprintf("default._bimi.%s", where);
	if (b->n_records > 1) {
		domain_row(res, MC_PART_BIMI, MC_PART_ERROR, "%zu v=BIMI1 records: mailbox providers use "
		    "none", b->n_records);
		mc_finding_hint(add(res, "bimi.multiple_records", MC_SEV_ERROR, "%s has %zu records "
			"beginning v=BIMI1: mailbox providers treat that as no BIMI record",
			b->found_at, b->n_records), "keep exactly one v=BIMI1 record");
		return;
	}
	b->record = mc_strndup(rec->data, rec->data_len);
	if ((why = domain_bimi_parse(rec->data, rec->data_len, b, &pos))) {
		domain_row(res, MC_PART_BIMI, MC_PART_ERROR, "the BIMI record is malformed");
		mc_finding_hint(add(res, "bimi.syntax", MC_SEV_ERROR, "the BIMI record at %s is "
			"malformed at position %zu: %s (record: %s)", b->found_at, pos + 1, why,
			b->record ? b->record : ""),
			"publish: v=BIMI1; l=https://%s/logo.svg; a=https://%s/vmc.pem", res->domain,
			res->domain);
		return;
	}
	if (b->declined) {
		domain_row(res, MC_PART_BIMI, MC_PART_PASS, "declined (v=BIMI1 with empty l= and a=)");
		return;
	}
	if (bimi_too_weak(res) || bimi_without_certificate(res))
		return;
	domain_row(res, MC_PART_BIMI, MC_PART_PASS, "logo %s, certificate %s (neither fetched)",
	    b->location ? b->location : "(none)", b->authority);
}

/* ---- rows of the checks that exist on their own ---- */

static void mx_row(mc_domain_result *res)
{
	const mc_mx_result *m = &res->mx;
	int w = worst(&m->findings, NULL), own = worst(&res->findings, "mx.");

	if (own > w)
		w = own;
	if (m->verdict == MC_VERDICT_TEMPERROR)
		domain_row(res, MC_PART_MX, MC_PART_TEMPERROR, "a lookup failed (DNS)");
	else if (m->null_mx)
		domain_row(res, MC_PART_MX, m->n_hosts > 1 ? MC_PART_ERROR : MC_PART_PASS,
		    "null MX: the domain accepts no mail");
	else if (m->verdict != MC_VERDICT_PASS)
		domain_row(res, MC_PART_MX, MC_PART_ERROR, "%s", m->reason == MC_MX_NXDOMAIN
		    ? "the domain does not exist" : m->reason == MC_MX_NO_ROUTE
		    ? "no MX and no address: mail cannot be delivered"
		    : "no MX host has an address: mail cannot be delivered");
	else if (m->implicit)
		domain_row(res, MC_PART_MX, status_of(w), "no MX: mail goes to the domain's own address");
	else
		domain_row(res, MC_PART_MX, status_of(w), "%zu host%s, first %s%s", m->n_hosts,
		    m->n_hosts > 1 ? "s" : "", m->hosts[0].host,
		    own == MC_SEV_WARNING ? "; reverse DNS incomplete" : "");
}

static void spf_row(mc_domain_result *res)
{
	const mc_spf_lint *s = &res->spf;
	int w = worst(&s->findings, NULL);

	switch (s->verdict) {
	case MC_VERDICT_NONE: /* spf.none is an error: receivers cannot tell who may send */
		domain_row(res, MC_PART_SPF, w == MC_SEV_ERROR ? MC_PART_ERROR : MC_PART_NOT_PUBLISHED,
		    "no SPF record");
		break;
	case MC_VERDICT_TEMPERROR:
		domain_row(res, MC_PART_SPF, MC_PART_TEMPERROR, "a lookup failed (DNS)");
		break;
	case MC_VERDICT_PASS:
		domain_row(res, MC_PART_SPF, status_of(w), "%d of 10 DNS lookups%s", s->dns_lookups,
		    w == MC_SEV_WARNING ? "; see the warnings" : "");
		break;
	default:
		domain_row(res, MC_PART_SPF, MC_PART_ERROR, "%s", s->verdict == MC_VERDICT_PERMERROR
		    ? "receivers get permerror" : "the record has errors");
		break;
	}
}

static void dmarc_row(mc_domain_result *res)
{
	const mc_dmarc_result *d = &res->dmarc;
	int w = worst(&d->findings, NULL);

	switch (d->verdict) {
	case MC_VERDICT_NONE:
		domain_row(res, MC_PART_DMARC, w == MC_SEV_ERROR ? MC_PART_ERROR : MC_PART_NOT_PUBLISHED,
		    "no DMARC record");
		break;
	case MC_VERDICT_TEMPERROR:
		domain_row(res, MC_PART_DMARC, MC_PART_TEMPERROR, "a lookup failed (DNS)");
		break;
	case MC_VERDICT_PASS:
		domain_row(res, MC_PART_DMARC, status_of(w), "p=%s%s%s",
		    mc_dmarc_policy_name(d->policy) ? mc_dmarc_policy_name(d->policy) : "?",
		    d->record.domain && strcmp(d->record.domain, res->domain) ? " from " : "",
		    d->record.domain && strcmp(d->record.domain, res->domain) ? d->record.domain : "");
		break;
	default:
		domain_row(res, MC_PART_DMARC, MC_PART_ERROR, "the record is invalid");
		break;
	}
}

/* A domain with a null MX sends no mail either: RFC 7505 4.3 and M3AAWG's
 * parked-domain advice -- SPF "v=spf1 -all" and DMARC p=reject. */
static void parked(mc_domain_result *res)
{
	const char *spf = res->spf.record;

	if (!res->mx.null_mx)
		return;
	if (!spf || strcasecmp(spf, "v=spf1 -all") != 0)
		mc_finding_hint(add(res, "domain.parked_spf", MC_SEV_WARNING, "%s accepts no mail "
			"(null MX) but its SPF record is %s%s%s: a domain that sends no mail should say "
			"so, or others can send in its name", res->domain, spf ? "'" : "",
			spf ? spf : "missing", spf ? "'" : ""),
			"publish the SPF record \"v=spf1 -all\" for %s", res->domain);
	if (res->dmarc.verdict == MC_VERDICT_NONE || (res->dmarc.verdict == MC_VERDICT_PASS &&
	                                              res->dmarc.policy != MC_DMARC_POLICY_REJECT))
		mc_finding_hint(add(res, "domain.parked_dmarc", MC_SEV_WARNING, "%s accepts no mail "
			"(null MX) and %s: receivers would deliver mail forged in its name",
			res->domain, res->dmarc.verdict == MC_VERDICT_NONE ? "publishes no DMARC record"
			: "its DMARC policy is not reject"),
			"publish TXT _dmarc.%s \"v=DMARC1; p=reject\"", res->domain);
}

static bool part_temp(const mc_domain_result *res)
{
	for (int p = 0; p < MC_PART_COUNT; p++)
		if (res->rows[p].status == MC_PART_TEMPERROR)
			return true;
	return false;
}

static void verdict(mc_domain_result *res)
{
	bool error = false;

	/* an error anywhere: a row, this check's own findings, or a part's */
	for (int p = 0; p < MC_PART_COUNT; p++)
		error |= res->rows[p].status == MC_PART_ERROR;
	error |= worst(&res->findings, NULL) == MC_SEV_ERROR ||
	         worst(&res->mx.findings, NULL) == MC_SEV_ERROR ||
	         worst(&res->spf.findings, NULL) == MC_SEV_ERROR ||
	         worst(&res->dmarc.findings, NULL) == MC_SEV_ERROR;
	for (size_t i = 0; i < res->n_keys; i++)
		error |= worst(&res->keys[i].findings, NULL) == MC_SEV_ERROR;
	/* DNS trouble first, as the other commands do: what could not be asked
	 * may change the picture, and a retry is what CI should do */
	res->verdict = part_temp(res) ? MC_VERDICT_TEMPERROR : error ? MC_VERDICT_FAIL
	                                                             : MC_VERDICT_PASS;
}

/* The first round's answers that later steps read. */
struct first_round {
	size_t sts, sts4, sts6, rpt, bimi;
};

/* 1: everything that does not depend on another answer, at once. */
static mc_status ask_first_round(mc_resolver *r, const char *domain, struct selectors *sel,
                                 struct domain_batch *b, struct first_round *at)
{
	size_t dummy;

	if (!domain_ask(b, "%s", domain, MC_RR_MX, &dummy) ||
	    !domain_ask(b, "%s", domain, MC_RR_TXT, &dummy) ||
	    !domain_ask(b, "%s", domain, MC_RR_A, &dummy) ||
	    !domain_ask(b, "%s", domain, MC_RR_AAAA, &dummy) ||
	    !domain_ask(b, "_dmarc.%s", domain, MC_RR_TXT, &dummy) ||
	    !domain_ask(b, "_mta-sts.%s", domain, MC_RR_TXT, &at->sts) ||
	    !domain_ask(b, "mta-sts.%s", domain, MC_RR_A, &at->sts4) ||
	    !domain_ask(b, "mta-sts.%s", domain, MC_RR_AAAA, &at->sts6) ||
	    !domain_ask(b, "_smtp._tls.%s", domain, MC_RR_TXT, &at->rpt) ||
	    !domain_ask(b, "default._bimi.%s", domain, MC_RR_TXT, &at->bimi))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < sel->n; i++) {
		char *name = mc_asprintf("%s._domainkey.%s", sel->name[i], domain);

		if (!name || mc_dns_name_problem(name) || !domain_ask(b, "%s", name, MC_RR_TXT, &sel->at[i]))
			sel->at[i] = SIZE_MAX;
		free(name);
	}
	return mc_dns_resolve(r, b->q, b->n);
}

/* The SMTP row: probed only when asked, online, with an MX to probe. */
static mc_status smtp_part(mc_resolver *r, mc_domain_result *out, const mc_domain_opts *opts)
{
	if (mc_resolver_offline(r))
		domain_row(out, MC_PART_SMTP, MC_PART_NOT_CHECKED, "not probed offline (--zone)");
	else if (!opts || !opts->smtp)
		domain_row(out, MC_PART_SMTP, MC_PART_NOT_CHECKED, "not probed (--smtp connects to "
		           "the MX hosts on port 25)");
	else if (out->mx.null_mx)
		domain_row(out, MC_PART_SMTP, MC_PART_NOT_CHECKED, "null MX: nothing to probe");
	else
		return domain_smtp(out, &opts->net);
	return MC_OK;
}

/* The BIMI record (the domain's, else its organizational domain's), then
 * the logo and its certificate as a mailbox provider fetches them. */
static mc_status bimi_part(mc_resolver *r, mc_domain_result *out, const mc_domain_opts *opts,
                           const mc_dns_answer *ba)
{
	if (txt_records(ba, domain_is_bimi, &(const mc_dns_rr *){NULL}) == 0 &&
	    !mc_dns_status_is_temporary(ba->status) && out->dmarc.org_domain &&
	    strcmp(out->dmarc.org_domain, out->domain) != 0) {
		char *name = mc_asprintf("default._bimi.%s", out->dmarc.org_domain);
		const mc_dns_answer *oa = name ? mc_dns_lookup(r, name, MC_RR_TXT) : NULL;

		free(name);
		if (oa)
			bimi(out, oa, out->dmarc.org_domain);
	} else {
		bimi(out, ba, out->domain);
	}
	if (!mc_resolver_offline(r) && out->bimi.n_records == 1 && !out->bimi.declined &&
	    worst(&out->findings, "bimi.syntax") < 0)
		return domain_bimi_assets(r, out, opts ? &opts->net : NULL);
	return MC_OK;
}

/* 2-4: the checks (from the cache, plus what they ask next), then the rows. */
static mc_status check_parts(mc_resolver *r, mc_domain_result *out, const mc_domain_opts *opts,
                             const struct selectors *sel, struct domain_batch *b,
                             const struct first_round *at)
{
	mc_status st;

	if ((st = mc_spf_lint_check(r, out->domain, &out->spf)) != MC_OK ||
	    (st = mc_dmarc_check(r, out->domain, &out->dmarc)) != MC_OK ||
	    (st = check_keys(r, out, sel, b)) != MC_OK)
		return st;
	/* reverse DNS of the MX addresses; TLSA of the MX hosts */
	if ((st = domain_reverse_dns(r, out)) != MC_OK || (st = domain_dane(r, out)) != MC_OK ||
	    (st = mta_sts(r, out, opts, domain_answer(b, at->sts), domain_answer(b, at->sts4),
	                  domain_answer(b, at->sts6))) != MC_OK ||
	    (st = smtp_part(r, out, opts)) != MC_OK)
		return st;
	tlsrpt(out, domain_answer(b, at->rpt));
	if ((st = bimi_part(r, out, opts, domain_answer(b, at->bimi))) != MC_OK)
		return st;
	parked(out);
	mx_row(out);
	spf_row(out);
	dmarc_row(out);
	dkim_row(out);
	out->requirements_asked = opts && opts->requirements;
	domain_requirements(out, out->requirements_asked ? opts->requirements : MC_REQ_ALL);
	return MC_OK;
}

/* The answers validated from the trust anchor (when this resolver can:
 * the walk adds its DS/DNSKEY), kept in the result, the DNSSEC row and
 * the verdict. */
static mc_status conclude(mc_resolver *r, mc_domain_result *out, size_t log_start)
{
	mc_status st = MC_OK;

	if (out->validated) {
		mc_dns_log so_far = {0};

		if ((st = mc_dns_log_copy(r, log_start, &so_far)) != MC_OK)
			return st;
		for (size_t i = 0; i < so_far.n && st == MC_OK; i++)
			st = mc_dns_validate(r, so_far.entries[i].answer);
		mc_dns_log_clear(&so_far);
		if (st != MC_OK)
			return st;
	}
	if ((st = mc_dns_log_copy(r, log_start, &out->dns)) != MC_OK)
		return st;
	mc_dns_log_unique(&out->dns);
	if (out->exists) {
		domain_dnssec_row(out);
		verdict(out);
	}
	mc_findings_dns(&out->findings, &out->dns);
	return MC_OK;
}

mc_status mc_domain_check(mc_resolver *r, const char *domain, const mc_domain_opts *opts,
                          mc_domain_result *out)
{
	size_t log_start = mc_dns_log_size(r);
	struct domain_batch b = {0};
	struct selectors sel;
	struct first_round at;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = mc_domain_normalize(domain, &out->domain)) != MC_OK)
		return st;
	out->dnssec_checked = !mc_resolver_offline(r);
	/* validation from the trust anchor, when this resolver can give it */
	if (mc_resolver_validates(r) && !(out->dnssec_reason = mc_dnssec_unusable(r, out->domain)))
		out->validated = true;
	selectors_of(opts, &sel);
	if ((st = ask_first_round(r, out->domain, &sel, &b, &at)) != MC_OK ||
	    (st = mc_mx_check(r, out->domain, &out->mx)) != MC_OK)
		goto out;
	out->exists = out->mx.reason != MC_MX_NXDOMAIN;
	if (!out->exists) { /* nothing else to look at: say that once */
		mx_row(out);
		for (int p = MC_PART_MX + 1; p < MC_PART_COUNT; p++)
			domain_row(out, (mc_domain_part)p, MC_PART_NOT_CHECKED, "the domain does not exist");
		out->verdict = MC_VERDICT_FAIL;
	} else if ((st = check_parts(r, out, opts, &sel, &b, &at)) != MC_OK) {
		goto out;
	}
	st = conclude(r, out, log_start);
out:
	domain_batch_free(&b);
	return st;
}

void mc_domain_result_clear(mc_domain_result *res)
{
	mc_requirements_clear(&res->requirements);
	free(res->domain);
	for (int p = 0; p < MC_PART_COUNT; p++)
		free(res->rows[p].reason);
	mc_mx_result_clear(&res->mx);
	for (size_t i = 0; i < res->n_fcrdns; i++) {
		free(res->fcrdns[i].host);
		free(res->fcrdns[i].address);
		free(res->fcrdns[i].ptr);
	}
	free(res->fcrdns);
	mc_spf_lint_clear(&res->spf);
	mc_dmarc_result_clear(&res->dmarc);
	for (size_t i = 0; i < res->n_keys; i++)
		mc_dkim_key_clear(&res->keys[i]);
	free(res->keys);
	domain_mta_sts_clear(&res->mta_sts);
	free(res->tlsrpt.record);
	for (size_t i = 0; i < res->tlsrpt.n_rua; i++)
		free(res->tlsrpt.rua[i]);
	free(res->tlsrpt.rua);
	domain_bimi_clear(&res->bimi);
	for (size_t i = 0; i < res->n_tlsa; i++) {
		free(res->tlsa[i].host);
		free(res->tlsa[i].name);
		for (size_t k = 0; k < res->tlsa[i].n_records; k++)
			free(res->tlsa[i].records[k]);
		free(res->tlsa[i].records);
	}
	free(res->tlsa);
	for (size_t i = 0; i < res->n_smtp; i++)
		mc_smtp_probe_clear(&res->smtp[i]);
	free(res->smtp);
	free(res->dnssec_reason);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
