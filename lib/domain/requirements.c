/*
 * The bulk-sender requirements (include/mailcheck/requirements.h) as far
 * as a domain's DNS shows them: SPF and DKIM published, a DMARC record.
 * The rest -- alignment, the sending server's reverse DNS, TLS, the
 * message's fields, one-click unsubscribe -- belongs to each message
 * (verify --requirements) and is said to be so.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "domain/internal.h"

#define ev mc_req_evidence

static void set(mc_requirement *it, mc_req_status st, char *evidence)
{
	it->status = st;
	it->evidence = evidence;
}

/* SPF: pass when a usable record is published; DKIM: pass with a usable
 * key, unknown when none was found (selectors cannot be listed). */
static mc_req_status spf_status(const mc_domain_result *res)
{
	switch (res->spf.verdict) {
	case MC_VERDICT_PASS: return MC_REQ_PASS;
	case MC_VERDICT_TEMPERROR: return MC_REQ_NOT_CHECKABLE;
	default: return MC_REQ_FAIL;
	}
}

static mc_req_status dkim_status(const mc_domain_result *res, const char **selector)
{
	*selector = NULL;
	for (size_t i = 0; i < res->n_keys; i++)
		if (res->keys[i].verdict == MC_VERDICT_PASS) {
			*selector = res->keys[i].selector;
			return MC_REQ_PASS;
		}
	/* none found is no proof of none used; unusable keys are the DKIM
	 * row's error */
	return MC_REQ_NOT_CHECKABLE;
}

/* What the DNS shows of SPF and DKIM, in both languages (it->evidence_text). */
static char *auth_words(const mc_domain_result *res, const char *selector, mc_requirement *it)
{
	static const char *const spf_words[] = {
		N_("SPF record published"), N_("no SPF record"), N_("SPF lookup failed (DNS)"),
		N_("SPF record with errors"),
	};
	int k = res->spf.verdict == MC_VERDICT_PASS ? 0 : res->spf.verdict == MC_VERDICT_NONE ? 1
	      : res->spf.verdict == MC_VERDICT_TEMPERROR ? 2 : 3;
	size_t n = res->selectors_tried;
	char *dkim, *dkim_text;

	if (selector)
		dkim = mc_asprintf_both(&dkim_text, "DKIM key at %1$s._domainkey.%2$s", selector,
		                        res->domain);
	else
		dkim = mc_both_n(&dkim_text, "no usable DKIM key at the %zu selector tried (give yours "
		                 "with --selector)", "no usable DKIM key at the %zu selectors tried (give "
		                 "yours with --selector)", n, n);
	return mc_req_evidence_pair(it, mc_strdup(spf_words[k]),
	                            mc_i18n_active() ? mc_strdup(_(spf_words[k])) : NULL, dkim,
	                            dkim_text);
}

static void judge(const mc_domain_result *res, mc_requirement *it)
{
	const char *id = it->rule->id, *sel;
	mc_req_status spf = spf_status(res), dkim = dkim_status(res, &sel);

	if (!strcmp(id, "spf_or_dkim")) {
		set(it, spf == MC_REQ_PASS || dkim == MC_REQ_PASS ? MC_REQ_PASS
		    : spf == MC_REQ_FAIL && dkim == MC_REQ_FAIL ? MC_REQ_FAIL : MC_REQ_NOT_CHECKABLE,
		    auth_words(res, sel, it));
	} else if (!strcmp(id, "spf_and_dkim")) {
		set(it, spf == MC_REQ_FAIL ? MC_REQ_FAIL : spf == MC_REQ_PASS && dkim == MC_REQ_PASS
		    ? MC_REQ_PASS : MC_REQ_NOT_CHECKABLE, auth_words(res, sel, it));
	} else if (!strcmp(id, "dmarc_record")) {
		const mc_dmarc_result *d = &res->dmarc;

		if (d->verdict == MC_VERDICT_PASS)
			set(it, MC_REQ_PASS, ev(it, "_dmarc.%s: p=%s",
			                                 d->record.domain ? d->record.domain : res->domain,
			                                 mc_dmarc_policy_name(d->policy)));
		else if (d->verdict == MC_VERDICT_TEMPERROR)
			set(it, MC_REQ_NOT_CHECKABLE, ev(it, "the DMARC lookup failed (DNS)"));
		else
			set(it, MC_REQ_FAIL, d->verdict == MC_VERDICT_NONE
			    ? ev(it, "no DMARC record: publish \"v=DMARC1; p=none; rua=mailto:...\" "
			                  "at _dmarc.%s", res->domain)
			    : ev(it, "the DMARC record is not valid"));
	} else {
		set(it, MC_REQ_NOT_CHECKABLE, !strcmp(id, "spam_rate")
		    ? ev(it, "known to the provider only (Google Postmaster Tools, Yahoo Sender Hub)")
		    : ev(it, "a property of each message: run mailcheck verify --requirements on one"));
	}
}

void domain_requirements(mc_domain_result *res, unsigned providers)
{
	mc_requirements *q = &res->requirements;
	const mc_req_rule *rules;
	size_t n = mc_req_rules(&rules), fails = 0, dns = 0;
	mc_buf b = {0};

	q->providers = providers;
	for (size_t i = 0; i < n && q->n < MC_REQ_MAX; i++) {
		mc_requirement *it;

		if (!(rules[i].providers & providers))
			continue;
		it = &q->items[q->n++];
		it->rule = &rules[i];
		judge(res, it);
		if (it->status == MC_REQ_FAIL)
			mc_buf_addf(&b, "%s%s", fails++ ? ", " : "", it->rule->id);
		dns += it->status != MC_REQ_NOT_CHECKABLE;
	}
	q->failed = fails;
	if (fails)
		domain_row(res, MC_PART_BULK, MC_PART_ERROR, "%s not met in DNS", b.s);
	else if (dns)
		domain_row(res, MC_PART_BULK, MC_PART_PASS, "what DNS shows is in place (%zu of %zu "
		           "rules); the rest is judged per message: verify --requirements", dns, q->n);
	else
		domain_row(res, MC_PART_BULK, MC_PART_NOT_CHECKED, "judged per message: verify "
		           "--requirements");
	mc_buf_free(&b);
}
