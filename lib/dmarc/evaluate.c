/*
 * The DMARC decision for a message (RFC 9989): identifier alignment of the
 * SPF-authenticated domain and of each passing DKIM d= with the From domain,
 * relaxed (same organizational domain, found by the tree walk) or strict
 * (the same name) as the record says, and the disposition that follows.
 */
#include <stdarg.h>
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

/* out->why, and out->why_text in the locale's language. */
static void say_why(mc_dmarc_decision *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_why(mc_dmarc_decision *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out->why = mc_vasprintf_both(fmt, ap, &out->why_text);
	va_end(ap);
}

static void decide(mc_dmarc_decision *out, const mc_dmarc_result *pol, const mc_dmarc_auth *a)
{
	const char *from = pol->domain;
	const char *mode_spf = pol->record.strict_spf ? "strict" : "relaxed";
	const char *mode_dkim = pol->record.strict_dkim ? "strict" : "relaxed";
	bool spf_aligned = a->spf_domain && mc_dmarc_aligned(from, a->spf_domain,
	                                                     pol->record.strict_spf, out->from_org,
	                                                     out->spf_org);
	const char *spf = a->spf_domain ? mc_verdict_name(a->spf) : NULL;

	out->result = out->dkim_aligned || out->spf_aligned ? MC_VERDICT_PASS : MC_VERDICT_FAIL;
	if (out->dkim_aligned)
		say_why(out, "DKIM passed for %s, which is aligned (%s) with the From domain %s",
		    out->aligned_dkim_domain, mode_dkim, from);
	else if (out->spf_aligned)
		say_why(out, "SPF passed for %s, which is aligned (%s) with the From domain %s",
		    a->spf_domain, mode_spf, from);
	else if (!a->spf_domain && a->n_dkim)
		say_why(out, "neither an aligned SPF pass nor an aligned DKIM pass: SPF was not "
		    "evaluated, and no DKIM signature of an aligned domain passed");
	else if (!a->spf_domain)
		say_why(out, "neither an aligned SPF pass nor an aligned DKIM pass: SPF was not "
		    "evaluated, and the message has no DKIM signature");
	else if (spf_aligned && a->n_dkim)
		say_why(out, "neither an aligned SPF pass nor an aligned DKIM pass: SPF %s for %s "
		    "(aligned, %s), and no DKIM signature of an aligned domain passed", spf,
		    a->spf_domain, mode_spf);
	else if (spf_aligned)
		say_why(out, "neither an aligned SPF pass nor an aligned DKIM pass: SPF %s for %s "
		    "(aligned, %s), and the message has no DKIM signature", spf, a->spf_domain,
		    mode_spf);
	else if (a->n_dkim)
		say_why(out, "neither an aligned SPF pass nor an aligned DKIM pass: SPF %s for %s "
		    "(not aligned, %s), and no DKIM signature of an aligned domain passed", spf,
		    a->spf_domain, mode_spf);
	else
		say_why(out, "neither an aligned SPF pass nor an aligned DKIM pass: SPF %s for %s "
		    "(not aligned, %s), and the message has no DKIM signature", spf, a->spf_domain,
		    mode_spf);
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
		if (pol->verdict == MC_VERDICT_NONE)
			say_why(out, "the From domain has no DMARC policy");
		else if (pol->verdict == MC_VERDICT_TEMPERROR)
			say_why(out, "the DMARC policy could not be looked up");
		else
			say_why(out, "the DMARC record is invalid");
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
	free(d->why_text);
	memset(d, 0, sizeof(*d));
}
