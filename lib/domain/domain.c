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
	free(res->rows[p].reason_text);
	res->rows[p].status = st;
	va_start(ap, fmt);
	res->rows[p].reason = mc_vasprintf_both(fmt, ap, &res->rows[p].reason_text);
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

size_t domain_txt_records(const mc_dns_answer *a, bool (*is)(const char *, size_t),
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
				mc_buf_addf(&names, ", ...");
		} else if (k->verdict == MC_VERDICT_TEMPERROR) {
			temp++;
		} else {
			bad++;
		}
	}
	if (bad && usable)
		domain_row(res, MC_PART_DKIM, MC_PART_ERROR, bad == 1
		           ? N_("%zu key unusable (others usable)")
		           : N_("%zu keys unusable (others usable)"), bad);
	else if (bad)
		domain_row(res, MC_PART_DKIM, MC_PART_ERROR, bad == 1
		           ? N_("%zu key unusable (none usable)")
		           : N_("%zu keys unusable (none usable)"), bad);
	else if (temp && !usable)
		domain_row(res, MC_PART_DKIM, MC_PART_TEMPERROR, "key lookups failed (DNS)");
	else if (usable)
		domain_row(res, MC_PART_DKIM, status_of(w), usable > 1 ? N_("keys at selectors %s")
		           : N_("key at selector %s"), names.s);
	else
		domain_row(res, MC_PART_DKIM, MC_PART_NOT_PUBLISHED, "no key at the %zu selectors tried "
		    "(selectors cannot be listed from DNS)", res->selectors_tried);
	if (!usable && !bad && !temp)
		mc_finding_hint(domain_finding(res, "dkim.no_key_found", MC_SEV_INFO,
			"no DKIM key was found at the %zu selectors tried for %s: the commonly used "
			"ones and those given with --selector. DNS cannot list a domain's selectors, so "
			"this does not mean the domain has none", res->selectors_tried, res->domain),
			"give the selector your signer uses with --selector SEL (it is s= in the "
			"DKIM-Signature of a message you sent)");
	mc_buf_free(&names);
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
		domain_row(res, MC_PART_MX, MC_PART_ERROR, m->reason == MC_MX_NXDOMAIN
		    ? N_("the domain does not exist") : m->reason == MC_MX_NO_ROUTE
		    ? N_("no MX and no address: mail cannot be delivered")
		    : N_("no MX host has an address: mail cannot be delivered"));
	else if (m->implicit)
		domain_row(res, MC_PART_MX, status_of(w), "no MX: mail goes to the domain's own address");
	else
		domain_row(res, MC_PART_MX, status_of(w), own == MC_SEV_WARNING
		    ? (m->n_hosts > 1 ? N_("%zu hosts, first %s; reverse DNS incomplete")
		       : N_("%zu host, first %s; reverse DNS incomplete"))
		    : m->n_hosts > 1 ? N_("%zu hosts, first %s") : N_("%zu host, first %s"),
		    m->n_hosts, m->hosts[0].host);
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
		domain_row(res, MC_PART_SPF, status_of(w), w == MC_SEV_WARNING
		    ? N_("%d of 10 DNS lookups; see the warnings") : N_("%d of 10 DNS lookups"),
		    s->dns_lookups);
		break;
	default:
		domain_row(res, MC_PART_SPF, MC_PART_ERROR, s->verdict == MC_VERDICT_PERMERROR
		    ? N_("receivers get permerror") : N_("the record has errors"));
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
		if (d->record.domain && strcmp(d->record.domain, res->domain))
			domain_row(res, MC_PART_DMARC, status_of(w), "p=%s from %s",
			    mc_dmarc_policy_name(d->policy) ? mc_dmarc_policy_name(d->policy) : "?",
			    d->record.domain);
		else
			domain_row(res, MC_PART_DMARC, status_of(w), "p=%s",
			    mc_dmarc_policy_name(d->policy) ? mc_dmarc_policy_name(d->policy) : "?");
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
		mc_finding_hint(spf
			? domain_finding(res, "domain.parked_spf", MC_SEV_WARNING, "%s accepts no mail "
			    "(null MX) but its SPF record is '%s': a domain that sends no mail should say "
			    "so, or others can send in its name", res->domain, spf)
			: domain_finding(res, "domain.parked_spf", MC_SEV_WARNING, "%s accepts no mail "
			    "(null MX) but has no SPF record: a domain that sends no mail should say so, "
			    "or others can send in its name", res->domain),
			"publish the SPF record \"v=spf1 -all\" for %s", res->domain);
	if (res->dmarc.verdict == MC_VERDICT_NONE || (res->dmarc.verdict == MC_VERDICT_PASS &&
	                                              res->dmarc.policy != MC_DMARC_POLICY_REJECT))
		mc_finding_hint(res->dmarc.verdict == MC_VERDICT_NONE
			? domain_finding(res, "domain.parked_dmarc", MC_SEV_WARNING, "%s accepts no mail "
			    "(null MX) and publishes no DMARC record: receivers would deliver mail forged "
			    "in its name", res->domain)
			: domain_finding(res, "domain.parked_dmarc", MC_SEV_WARNING, "%s accepts no mail "
			    "(null MX) and its DMARC policy is not reject: receivers would deliver mail "
			    "forged in its name", res->domain),
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
	error |= worst(&res->blocklists.findings, NULL) == MC_SEV_ERROR;
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
	if (domain_txt_records(ba, domain_is_bimi, &(const mc_dns_rr *){NULL}) == 0 &&
	    !mc_dns_status_is_temporary(ba->status) && out->dmarc.org_domain &&
	    strcmp(out->dmarc.org_domain, out->domain) != 0) {
		char *name = mc_asprintf("default._bimi.%s", out->dmarc.org_domain);
		const mc_dns_answer *oa = name ? mc_dns_lookup(r, name, MC_RR_TXT) : NULL;

		free(name);
		if (oa)
			domain_bimi_row(out, oa, out->dmarc.org_domain);
	} else {
		domain_bimi_row(out, ba, out->domain);
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
	    (st = domain_mta_sts(r, out, opts, domain_answer(b, at->sts), domain_answer(b, at->sts4),
	                  domain_answer(b, at->sts6))) != MC_OK ||
	    (st = smtp_part(r, out, opts)) != MC_OK)
		return st;
	domain_tlsrpt(out, domain_answer(b, at->rpt));
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
	if ((st = conclude(r, out, log_start)) == MC_OK && out->exists &&
	    (st = domain_blocklists(r, out, opts)) == MC_OK)
		verdict(out);
out:
	domain_batch_free(&b);
	return st;
}

void mc_domain_result_clear(mc_domain_result *res)
{
	mc_bl_result_clear(&res->blocklists);
	mc_requirements_clear(&res->requirements);
	free(res->domain);
	for (int p = 0; p < MC_PART_COUNT; p++) {
		free(res->rows[p].reason);
		free(res->rows[p].reason_text);
	}
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
	for (size_t i = 0; res->tls && i < res->n_smtp; i++)
		mc_tls_scan_clear(&res->tls[i]);
	free(res->tls);
	free(res->dnssec_reason);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
