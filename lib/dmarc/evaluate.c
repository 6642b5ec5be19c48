/*
 * The DMARC decision for a message (RFC 9989): identifier alignment of the
 * SPF-authenticated domain and of each passing DKIM d= with the From domain,
 * relaxed (same organizational domain, found by the tree walk) or strict
 * (the same name) as the record says, and the disposition that follows.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dmarc/internal.h"

/* t=y: receivers apply a policy one step milder (RFC 9989). */
static mc_dmarc_policy milder(mc_dmarc_policy p)
{
	return p == MC_DMARC_POLICY_REJECT ? MC_DMARC_POLICY_QUARANTINE : MC_DMARC_POLICY_NONE;
}

static bool aligned(mc_resolver *r, const char *from, const char *from_org, const char *id,
                    bool strict, bool *temp, char **id_org)
{
	bool t = false;
	/* the From domain itself needs no walk: its organizational domain is known */
	bool same = mc_dmarc_aligned(from, id, true, NULL, NULL);
	char *org = same ? mc_strdup(from_org) : strict ? NULL : mc_dmarc_org_domain(r, id, &t);
	bool ok = same || mc_dmarc_aligned(from, id, strict, from_org, org);

	*temp |= t && !ok;
	if (id_org && !*id_org && org)
		*id_org = mc_strdup(org);
	free(org);
	return ok;
}

static void decide(mc_dmarc_decision *out, const mc_dmarc_result *pol, const mc_dmarc_auth *a)
{
	const char *from = pol->domain;
	const char *mode_spf = pol->record.strict_spf ? "strict" : "relaxed";
	const char *mode_dkim = pol->record.strict_dkim ? "strict" : "relaxed";
	const char *dkim_why = a->n_dkim ? "no DKIM signature of an aligned domain passed"
	                                 : "the message has no DKIM signature";

	if (out->dkim_aligned) {
		out->result = MC_VERDICT_PASS;
		out->why = mc_asprintf("DKIM passed for %s, which is aligned (%s) with the From "
			"domain %s", out->aligned_dkim_domain, mode_dkim, from);
	} else if (out->spf_aligned) {
		out->result = MC_VERDICT_PASS;
		out->why = mc_asprintf("SPF passed for %s, which is aligned (%s) with the From "
			"domain %s", a->spf_domain, mode_spf, from);
	} else if (!a->spf_domain) {
		out->result = MC_VERDICT_FAIL;
		out->why = mc_asprintf("neither an aligned SPF pass nor an aligned DKIM pass: SPF was "
			"not evaluated, and %s", dkim_why);
	} else {
		out->result = MC_VERDICT_FAIL;
		out->why = mc_asprintf("neither an aligned SPF pass nor an aligned DKIM pass: SPF %s "
			"for %s (%saligned, %s), and %s", mc_verdict_name(a->spf), a->spf_domain,
			mc_dmarc_aligned(from, a->spf_domain, pol->record.strict_spf, out->from_org,
			                 out->spf_org) ? "" : "not ",
			mode_spf, dkim_why);
	}
	out->disposition = out->result == MC_VERDICT_PASS ? MC_DMARC_POLICY_NONE
	                 : pol->record.testing ? milder(out->policy) : out->policy;
}

mc_status mc_dmarc_evaluate(mc_resolver *r, const mc_dmarc_result *pol,
                            const mc_dmarc_auth *a, mc_dmarc_decision *out)
{
	bool temp = false;

	memset(out, 0, sizeof(*out));
	out->policy = pol->policy;
	if (pol->verdict != MC_VERDICT_PASS) {
		out->result = pol->verdict;
		out->why = mc_asprintf("%s", pol->verdict == MC_VERDICT_NONE ? "the From domain has "
			"no DMARC policy" : pol->verdict == MC_VERDICT_TEMPERROR ? "the DMARC policy "
			"could not be looked up" : "the DMARC record is invalid");
		return MC_OK;
	}
	out->from_org = mc_strdup(pol->org_domain);
	if (a->spf == MC_VERDICT_PASS && a->spf_domain)
		out->spf_aligned = aligned(r, pol->domain, pol->org_domain, a->spf_domain,
		                           pol->record.strict_spf, &temp, &out->spf_org);
	for (size_t i = 0; i < a->n_dkim && !out->dkim_aligned; i++) {
		if (a->dkim[i] != MC_VERDICT_PASS || !a->dkim_domains[i])
			continue;
		if (aligned(r, pol->domain, pol->org_domain, a->dkim_domains[i],
		            pol->record.strict_dkim, &temp, NULL)) {
			out->dkim_aligned = true;
			out->aligned_dkim_domain = mc_strdup(a->dkim_domains[i]);
		}
	}
	decide(out, pol, a);
	if (out->result == MC_VERDICT_FAIL && temp) {
		out->result = MC_VERDICT_TEMPERROR; /* an organizational domain was unknown */
		out->disposition = MC_DMARC_POLICY_UNSET;
	}
	return MC_OK;
}

void mc_dmarc_decision_clear(mc_dmarc_decision *d)
{
	free(d->aligned_dkim_domain);
	free(d->from_org);
	free(d->spf_org);
	free(d->why);
	memset(d, 0, sizeof(*d));
}
