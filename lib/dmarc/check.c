/*
 * mc_dmarc_check: the DMARC record and policy that apply to mail from a
 * domain (RFC 9989), with findings that say what it means, where reports
 * go, and where an RFC 7489 receiver (or libopendmarc) decides otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dmarc/internal.h"

struct walk {
	char names[MC_DMARC_MAX_WALK][256];
	size_t n;
	const mc_dns_answer *answers[MC_DMARC_MAX_WALK];
	mc_dmarc_record recs[MC_DMARC_MAX_WALK];
	char psd[MC_DMARC_MAX_WALK];  /* of valid records; 0: none at that name */
	const mc_dns_answer *exists;  /* A of the domain itself */
};

/* The first DMARC record of a TXT answer, and how many there are (a name
 * with several has none: RFC 7489 6.6.3, RFC 9989). */
static const mc_dns_rr *dmarc_record_of(const mc_dns_answer *a, size_t *count)
{
	const mc_dns_rr *found = NULL;

	*count = 0;
	for (size_t k = 0; a && a->status == MC_DNS_OK && k < a->n_rrs; k++)
		if (a->rrs[k].type == MC_RR_TXT && dmarc_is_record(a->rrs[k].data, a->rrs[k].data_len))
			found = (*count)++ ? found : &a->rrs[k];
	return found;
}

/* The one DMARC record at a name, parsed; a name with several has none. */
static void record_at(struct walk *w, size_t i, mc_findings *f)
{
	const mc_dns_answer *a = w->answers[i];
	size_t count;
	const mc_dns_rr *found = dmarc_record_of(a, &count);

	for (size_t k = 0; a->status == MC_DNS_OK && k < a->n_rrs; k++)
		if (a->rrs[k].type == MC_RR_TXT &&
		    !dmarc_is_record(a->rrs[k].data, a->rrs[k].data_len) &&
		    a->rrs[k].data_len >= 8 && memmem(a->rrs[k].data, a->rrs[k].data_len, "v=DMARC1", 8))
			mc_finding_hint(mc_finding_add(f, "dmarc.not_a_record", MC_SEV_ERROR,
				"the TXT record at _dmarc.%s mentions v=DMARC1 but does not start with "
				"it: receivers ignore it", w->names[i]),
				"start the record with v=DMARC1;");
	if (count > 1) {
		mc_finding_hint(mc_finding_add(f, "dmarc.multiple_records", MC_SEV_ERROR,
			"_dmarc.%s has %zu DMARC records: receivers treat the name as having none",
			w->names[i], count), "keep exactly one v=DMARC1 record at _dmarc.%s",
			w->names[i]);
		return;
	}
	if (!found)
		return;
	w->recs[i].domain = mc_strdup(w->names[i]);
	dmarc_record_parse(&w->recs[i], found->data, found->data_len, f);
	if (w->recs[i].valid)
		w->psd[i] = w->recs[i].psd;
}

/* Ask every name of the walk (and whether the domain exists) at once. */
static mc_status walk(mc_resolver *r, const char *domain, struct walk *w, mc_findings *f)
{
	mc_dns_query q[MC_DMARC_MAX_WALK + 1];
	char qnames[MC_DMARC_MAX_WALK][264];
	mc_status st;

	memset(w, 0, sizeof(*w));
	w->n = dmarc_walk_names(domain, w->names);
	for (size_t i = 0; i < w->n; i++) {
		snprintf(qnames[i], sizeof(qnames[i]), "_dmarc.%s", w->names[i]);
		q[i] = (mc_dns_query){.name = qnames[i], .type = MC_RR_TXT};
	}
	q[w->n] = (mc_dns_query){.name = domain, .type = MC_RR_A};
	if ((st = mc_dns_resolve(r, q, w->n + 1)) != MC_OK)
		return st;
	for (size_t i = 0; i < w->n; i++) {
		w->answers[i] = q[i].answer;
		record_at(w, i, f);
	}
	w->exists = q[w->n].answer;
	return MC_OK;
}

static void walk_clear(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		dmarc_record_clear(&w->recs[i]);
}

char *mc_dmarc_org_domain(mc_resolver *r, const char *domain, bool *temp)
{
	struct walk w;
	char *folded = mc_dns_name_fold(domain), *org = NULL;

	*temp = false;
	if (folded && walk(r, folded, &w, NULL) == MC_OK) { /* findings discarded */
		for (size_t i = 0; i < w.n; i++)
			*temp |= mc_dns_status_is_temporary(w.answers[i]->status);
		org = dmarc_org_from_walk(folded, w.names, w.psd, w.n);
		walk_clear(&w);
	}
	free(folded);
	return org;
}

bool mc_dmarc_aligned(const char *a, const char *b, bool strict, const char *org_a,
                      const char *org_b)
{
	char *x = mc_dns_name_fold(a), *y = mc_dns_name_fold(b);
	char *ox = org_a ? mc_dns_name_fold(org_a) : NULL, *oy = org_b ? mc_dns_name_fold(org_b) : NULL;
	bool same = x && y && strcmp(x, y) == 0;

	if (!strict && !same && ox && oy)
		same = strcmp(ox, oy) == 0;
	free(x);
	free(y);
	free(ox);
	free(oy);
	return same;
}

/* The policy for mail from the domain, given where the record was found. */
static void apply_policy(mc_dmarc_result *res, bool at_domain)
{
	const mc_dmarc_record *rec = &res->record;

	res->subdomain_policy = rec->sp ? rec->sp : rec->p;
	res->nonexistent_policy = rec->np ? rec->np : res->subdomain_policy;
	if (at_domain)
		res->policy = rec->p;
	else if (!res->domain_exists)
		res->policy = res->nonexistent_policy;
	else
		res->policy = res->subdomain_policy;
}

/* RFC 9989 (as RFC 7489 7.1): a report address outside the organizational
 * domain must be authorized by <domain>._report._dmarc.<destination>. */
static void check_report_destinations(mc_resolver *r, mc_dmarc_result *res)
{
	char *const *lists[2] = {res->record.rua, res->record.ruf};
	size_t counts[2] = {res->record.n_rua, res->record.n_ruf};

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			const char *at = strrchr(lists[l][i], '@');
			bool temp;
			char *dest = at ? mc_dns_name_fold(at + 1) : NULL;
			/* the domain itself or its organizational domain: known, no walk */
			bool known = dest && (strcmp(dest, res->domain) == 0 ||
			                      strcmp(dest, res->org_domain) == 0);
			char *org = known ? mc_strdup(res->org_domain)
			          : dest ? mc_dmarc_org_domain(r, dest, &temp) : NULL;

			if (org && strcasecmp(org, res->org_domain) != 0) {
				char *name = mc_asprintf("%s._report._dmarc.%s", res->record.domain, dest);
				const mc_dns_answer *a = name ? mc_dns_lookup(r, name, MC_RR_TXT) : NULL;
				bool ok = false;

				for (size_t k = 0; a && a->status == MC_DNS_OK && k < a->n_rrs; k++)
					ok |= a->rrs[k].type == MC_RR_TXT &&
					      dmarc_is_record(a->rrs[k].data, a->rrs[k].data_len);
				if (!ok)
					mc_finding_hint(mc_finding_add(&res->findings,
						"dmarc.report_not_authorized", MC_SEV_WARNING,
						"%s is outside %s and %s has no v=DMARC1 record: receivers "
						"will not send %s reports there", lists[l][i], res->org_domain,
						name, l ? "failure" : "aggregate"),
						"ask the owner of %s to publish TXT \"v=DMARC1\" at %s",
						dest, name);
				free(name);
			}
			free(org);
			free(dest);
		}
	}
}

static void policy_findings(mc_dmarc_result *res, bool at_domain)
{
	const mc_dmarc_record *rec = &res->record;
	const char *d = res->domain;

	if (!at_domain)
		mc_finding_add(&res->findings, "dmarc.inherited", MC_SEV_INFO,
			rec->psd == 'y' ? N_("%s has no DMARC record of its own: the record of %s "
			                     "applies (a public suffix domain), with the policy %s")
			                : N_("%s has no DMARC record of its own: the record of %s "
			                     "applies, with the policy %s"),
			d, rec->domain, mc_dmarc_policy_name(res->policy));
	if (res->policy == MC_DMARC_POLICY_NONE)
		mc_finding_hint(mc_finding_add(&res->findings, "dmarc.policy_none", MC_SEV_WARNING,
			"the policy for %s is none: monitoring only, receivers are asked to deliver "
			"mail that fails DMARC as usual, so spoofed mail is not stopped", d),
			"once reports show your own mail passes, move to p=quarantine, then p=reject");
	if (rec->testing)
		mc_finding_hint(mc_finding_add(&res->findings, "dmarc.testing", MC_SEV_WARNING,
			"the DMARC record of %s says t=y (testing): receivers are asked to apply a "
			"policy one step milder", rec->domain), "remove t=y when the rollout is done");
	if (rec->n_rua == 0)
		mc_finding_hint(mc_finding_add(&res->findings, "dmarc.no_rua", MC_SEV_WARNING,
			"the DMARC record of %s has no rua=: you will not receive aggregate reports, "
			"so you cannot see who sends mail as %s", rec->domain, d),
			"add rua=mailto:dmarc-reports@%s", rec->domain);
	if (res->subdomain_policy < rec->p || res->nonexistent_policy < rec->p)
		mc_finding_hint(mc_finding_add(&res->findings, "dmarc.weaker_subdomain_policy",
			MC_SEV_WARNING, "the record of %s asks for %s but sp=/np= give subdomains only "
			"%s: spoofers can use a subdomain", rec->domain, mc_dmarc_policy_name(rec->p),
			mc_dmarc_policy_name(res->subdomain_policy < res->nonexistent_policy
			                     ? res->subdomain_policy : res->nonexistent_policy)),
			"remove sp= and np=, or set them to %s", mc_dmarc_policy_name(rec->p));
}

/* What an RFC 7489 receiver decides: organizational domain from the public
 * suffix list, the record at the domain or else at that organizational
 * domain, pct applied (RFC 7489 6.6.3). */
static void view_7489(mc_resolver *r, mc_dmarc_result *res)
{
	mc_dmarc_view7489 *v = &res->rfc7489;
	char *org = mc_registrable_domain(res->domain);
	const char *names[2] = {res->domain, org ? org : res->domain};

	v->org_domain = mc_strdup(names[1]);
	for (int i = 0; i < 2 && !v->record_domain; i++) {
		char *q = mc_asprintf("_dmarc.%s", names[i]);
		const mc_dns_answer *a = q ? mc_dns_lookup(r, q, MC_RR_TXT) : NULL;
		size_t count;
		const mc_dns_rr *txt = dmarc_record_of(a, &count);

		if (count == 1) {
			mc_dmarc_record rec = {.domain = mc_strdup(names[i])};

			dmarc_record_parse(&rec, txt->data, txt->data_len, NULL);
			/* libopendmarc reads the record even where RFC 7489 says it is
			 * invalid: that is where deployed receivers part from the RFC */
			if (!v->opendmarc_ran)
				v->opendmarc_ran = dmarc_opendmarc_view(&rec, res->domain, v->org_domain,
				                                        &v->opendmarc_policy,
				                                        &v->opendmarc_pct);
			if (rec.valid) {
				v->record_domain = mc_strdup(names[i]);
				v->policy = i == 0 ? rec.p : rec.sp ? rec.sp : rec.p;
				v->pct = rec.pct;
			}
			dmarc_record_clear(&rec);
		}
		free(q);
		if (strcmp(names[0], names[1]) == 0)
			break;
	}
	free(org);
}

/* One reason more, in English (en) and in the locale's language (tx). */
static void add_why(mc_buf *en, mc_buf *tx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_why(mc_buf *en, mc_buf *tx, const char *fmt, ...)
{
	va_list ap;
	char *text, *english;

	va_start(ap, fmt);
	english = mc_vasprintf_both(fmt, ap, &text);
	va_end(ap);
	/* TRANSLATORS: between two reasons in one sentence */
	mc_buf_addf(tx, "%s%s", tx->len ? _("; ") : "", MC_OR(text, english ? english : ""));
	mc_buf_addf(en, "%s%s", en->len ? "; " : "", english ? english : "");
	free(english);
	free(text);
}

static void compare_7489(mc_dmarc_result *res)
{
	mc_dmarc_view7489 *v = &res->rfc7489;
	mc_buf why = {0}, why_t = {0};
	const char *ours = res->record.domain;
	const char *od = mc_dmarc_policy_name(v->opendmarc_policy), *none = N_("no valid record");
	const char *given = v->record_domain ? mc_dmarc_policy_name(v->policy) : NULL;

	/* the organizational domain matters when a record applies (alignment) */
	if (strcasecmp(v->org_domain, res->org_domain) != 0 && (ours || v->record_domain))
		add_why(&why, &why_t, "the organizational domain is %s (public suffix list), not %s",
		        v->org_domain, res->org_domain);
	if ((ours == NULL) != (v->record_domain == NULL) ||
	    (ours && v->record_domain && strcasecmp(ours, v->record_domain) != 0))
		add_why(&why, &why_t, "the record used is %s",
		        v->record_domain ? v->record_domain : "none");
	else if (ours && v->policy != res->policy)
		add_why(&why, &why_t, "the policy is %s (RFC 7489 has no np=)",
		        mc_dmarc_policy_name(v->policy));
	if (v->record_domain && v->pct < 100)
		add_why(&why, &why_t, "pct=%d: the policy applies to only %d%% of failing mail",
		        v->pct, v->pct);
	v->agrees = why.len == 0;
	if (!v->agrees)
		mc_finding_both(&res->findings, "dmarc.rfc7489_differs", MC_SEV_WARNING,
			"receivers still on RFC 7489 decide otherwise for %s: %s", (res->domain, why.s),
			(res->domain, why_t.s));
	mc_buf_free(&why);
	mc_buf_free(&why_t);
	v->opendmarc_agrees = !v->opendmarc_ran ||
	                      (v->opendmarc_policy == v->policy &&
	                       (!v->record_domain || v->opendmarc_pct == v->pct));
	if (!v->opendmarc_agrees)
		mc_finding_both(&res->findings, "dmarc.opendmarc_differs", MC_SEV_WARNING,
			"OpenDMARC 1.4-based receivers decide otherwise for %s: they read the policy "
			"as %s (pct=%d) where RFC 7489 gives %s: they will act on that",
			(res->domain, od ? od : none, v->opendmarc_pct, given ? given : none),
			(res->domain, od ? od : _(none), v->opendmarc_pct, given ? given : _(none)));
}

/* Pick the policy record: the first valid one, most specific first. A DNS
 * failure at or before it leaves the answer unknown. */
static long pick(const struct walk *w, bool *temp)
{
	*temp = false;
	for (size_t i = 0; i < w->n; i++) {
		if (mc_dns_status_is_temporary(w->answers[i]->status)) {
			*temp = true;
			return -1;
		}
		if (w->recs[i].valid)
			return (long)i;
	}
	return -1;
}

static void no_record(mc_dmarc_result *res, const struct walk *w)
{
	bool invalid = false;

	for (size_t i = 0; i < w->n; i++)
		invalid |= w->recs[i].text && !w->recs[i].valid;
	res->verdict = invalid ? MC_VERDICT_PERMERROR : MC_VERDICT_NONE;
	if (!invalid) {
		/* at the registrable domain, a record covers the subdomains under
		 * both RFC 9989 and RFC 7489 */
		char *reg = mc_registrable_domain(res->domain);
		const char *at = reg ? reg : res->domain;

		mc_finding_hint(mc_finding_add(&res->findings, "dmarc.none", MC_SEV_ERROR,
			"%s has no DMARC record (none at _dmarc.%s or above): receivers apply no "
			"policy, so mail forged in its name is not rejected and you get no reports",
			res->domain, res->domain),
			"publish TXT at _dmarc.%s: \"v=DMARC1; p=none; rua=mailto:dmarc-reports@%s\", "
			"then tighten p as reports allow", at, at);
		free(reg);
	}
}

mc_status mc_dmarc_check(mc_resolver *r, const char *domain, mc_dmarc_result *out)
{
	size_t log_start = mc_dns_log_size(r);
	struct walk w;
	bool temp;
	long at;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = mc_domain_normalize(domain, &out->domain)) != MC_OK ||
	    (st = walk(r, out->domain, &w, &out->findings)) != MC_OK)
		return st;
	out->org_domain = dmarc_org_from_walk(out->domain, w.names, w.psd, w.n);
	out->domain_exists = w.exists->status != MC_DNS_NXDOMAIN;
	at = pick(&w, &temp);
	if (temp) {
		out->verdict = MC_VERDICT_TEMPERROR;
		for (size_t i = 0; i < w.n; i++) {
			const mc_dns_answer *a = w.answers[i];

			if (mc_dns_status_is_temporary(a->status)) {
				mc_finding_hint(mc_finding_both(&out->findings, "dmarc.temperror",
					MC_SEV_ERROR, "the DNS lookup %s TXT failed: %s; the DMARC policy "
					"of %s cannot be known now", (a->name, mc_dns_why(a), out->domain),
					(a->name, mc_dns_why_text(a), out->domain)),
					"retry later; if it persists, check the nameservers of %s",
					w.names[i]);
				break;
			}
		}
	} else if (at < 0) {
		no_record(out, &w);
	} else {
		out->verdict = MC_VERDICT_PASS;
		out->record = w.recs[at];
		memset(&w.recs[at], 0, sizeof(w.recs[at]));
		apply_policy(out, at == 0);
		policy_findings(out, at == 0);
		check_report_destinations(r, out);
	}
	walk_clear(&w);
	if (out->verdict != MC_VERDICT_TEMPERROR) {
		view_7489(r, out);
		compare_7489(out);
	}
	if ((st = mc_dns_log_copy(r, log_start, &out->dns)) == MC_OK)
		mc_findings_dns(&out->findings, &out->dns);
	return st;
}

void mc_dmarc_result_clear(mc_dmarc_result *res)
{
	free(res->domain);
	free(res->org_domain);
	dmarc_record_clear(&res->record);
	free(res->rfc7489.org_domain);
	free(res->rfc7489.record_domain);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
