/*
 * ARC (RFC 8617): the chain of ARC sets an intermediary adds -- its
 * ARC-Authentication-Results (what it found), ARC-Message-Signature (a
 * DKIM-like signature of the message as it forwarded it) and ARC-Seal (a
 * signature over the ARC fields so far) -- validated as RFC 8617 5.2 says:
 * the structure, the newest seal's cv=, the newest AMS, the oldest AMS that
 * still verifies (oldest-pass), then every seal. Signatures are checked by
 * the DKIM core (core.c) with the keys of lib/dns.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dkim/arc.h"
#include "mailcheck/trace.h"

#define ARC_MAX 50 /* RFC 8617 4.2.1: at most 50 sets */

/* The i= at the start of an ARC-Authentication-Results value ("i=N;"), 0
 * when it is not there (RFC 8617 4.1.1). */
static int aar_instance(const char *v)
{
	int n = 0, digits = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	if (v[0] != 'i' || v[1] != '=')
		return 0;
	for (v += 2; *v == ' ' || *v == '\t'; v++)
		;
	for (; isdigit((unsigned char)*v) && digits < 3; v++, digits++)
		n = n * 10 + (*v - '0');
	while (*v == ' ' || *v == '\t')
		v++;
	return digits && *v == ';' && n >= 1 && n <= ARC_MAX ? n : 0;
}

static void arc_fail(mc_arc_result *out, const char *reason, int instance, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void arc_fail(mc_arc_result *out, const char *reason, int instance, const char *fmt, ...)
{
	va_list ap;

	if (out->verdict == MC_VERDICT_FAIL)
		return;
	out->verdict = MC_VERDICT_FAIL;
	out->reason = reason;
	out->failed_instance = instance;
	va_start(ap, fmt);
	out->detail = mc_vasprintf_both(fmt, ap, &out->detail_text);
	va_end(ap);
}

/* What the sealer's ADMD recorded: the results of spf, dkim, dmarc. */
static void recorded(mc_arc_set *set, const mc_header *aar)
{
	mc_auth_results ar = {0};

	if (mc_auth_results_parse("ARC-Authentication-Results", aar->value, &ar) != MC_OK)
		return;
	for (size_t i = 0; i < ar.n; i++) {
		const mc_auth_result *r = &ar.items[i];
		char **slot = !strcasecmp(r->method, "spf") ? &set->spf
		            : !strcasecmp(r->method, "dkim") ? &set->dkim
		            : !strcasecmp(r->method, "dmarc") ? &set->dmarc : NULL;

		if (!set->authserv_id && r->authserv_id)
			set->authserv_id = mc_strdup(r->authserv_id);
		/* a pass among several results of a method is what counts */
		if (slot && (!*slot || (strcasecmp(*slot, "pass") && !strcasecmp(r->result, "pass")))) {
			free(*slot);
			*slot = mc_strdup(r->result);
			const char *p = r->properties ? r->properties : "";
			const char *d = strstr(p, "header.d="), *m = strstr(p, "smtp.mailfrom=");

			if (slot == &set->dkim && d) {
				free(set->dkim_domain);
				set->dkim_domain = mc_strndup(d + 9, strcspn(d + 9, " ;"));
			}
			if (slot == &set->spf && m) {
				const char *at = memchr(m, '@', strcspn(m, " ;"));
				const char *dom = at ? at + 1 : m + 14;

				free(set->spf_domain);
				set->spf_domain = mc_strndup(dom, strcspn(dom, " ;"));
			}
		}
	}
	mc_auth_results_clear(&ar);
}

static const dkim_pending *of_instance(const dkim_sigset *s, int i)
{
	for (size_t k = 0; k < s->n; k++)
		if (s->items[k].t.instance == i)
			return &s->items[k];
	return NULL;
}

static bool signs_seal(const dkim_tags *t)
{
	for (size_t k = 0; k < t->n_h; k++)
		if (strcmp(t->h[k], "arc-seal") == 0)
			return true;
	return false;
}

/* Check an AMS: the DKIM rules, rsa-sha1 refused (RFC 8301), and no
 * ARC-Seal among the signed fields (RFC 8617 4.1.2). */
static const char *check_ams(mc_resolver *r, const mc_message *msg, const dkim_pending *p)
{
	dkim_outcome o;

	dkim_check(r, msg, p, NULL, 0, &o);
	if (!o.reason && p->t.hash == DKIM_SHA1)
		return "rsa_sha1";
	if (!o.reason && signs_seal(&p->t))
		return "ams_signs_seal";
	return o.reason;
}

/* Check the seal of instance i: over the ARC sets 1..i, in order AAR, AMS,
 * AS, relaxed (RFC 8617 5.1.1). */
static const char *check_seal(mc_resolver *r, const mc_message *msg, const size_t *aar,
                              const dkim_sigset *ams, const dkim_sigset *seals, int i)
{
	size_t idx[3 * ARC_MAX], n = 0;
	const dkim_pending *as = of_instance(seals, i);
	dkim_pending p;
	dkim_outcome o;

	for (int j = 1; j <= i; j++) {
		idx[n++] = aar[j];
		idx[n++] = of_instance(ams, j)->header;
		if (j < i)
			idx[n++] = of_instance(seals, j)->header;
	}
	p = *as;
	p.t.hcanon = DKIM_RELAXED;
	p.body = NULL;
	dkim_check(r, msg, &p, idx, n, &o);
	if (!o.reason && p.t.hash == DKIM_SHA1)
		return "rsa_sha1";
	return o.reason;
}

static bool structure(const mc_message *msg, const dkim_sigset *ams, const dkim_sigset *seals,
                      size_t *aar, int *n_sets, mc_arc_result *out)
{
	int count[3][ARC_MAX + 1] = {{0}}, n = 0;
	static const char *const names[] = {"ARC-Authentication-Results", "ARC-Message-Signature",
	                                    "ARC-Seal"};

	for (size_t i = 0; i < msg->n_headers; i++) {
		const mc_header *h = &msg->headers[i];
		int k = !strcasecmp(h->name, names[0]) ? 0 : !strcasecmp(h->name, names[1]) ? 1
		      : !strcasecmp(h->name, names[2]) ? 2 : -1, inst = 0;

		if (k < 0)
			continue;
		if (k == 0)
			inst = aar_instance(h->value);
		else
			for (size_t s = 0; s < (k == 1 ? ams : seals)->n; s++)
				if ((k == 1 ? ams : seals)->items[s].header == i)
					inst = (k == 1 ? ams : seals)->items[s].t.instance;
		if (!inst) {
			arc_fail(out, "structure", 0, "an %s field has no valid instance (i= from 1 to %d)",
			     names[k], ARC_MAX);
			return false;
		}
		if (k == 0)
			aar[inst] = i;
		count[k][inst]++;
		n = inst > n ? inst : n;
	}
	if (ams->skipped || seals->skipped) {
		arc_fail(out, "structure", 0, "more than %d ARC sets", ARC_MAX);
		return false;
	}
	for (int i = 1; i <= n; i++)
		for (int k = 0; k < 3; k++)
			if (count[k][i] != 1) {
				arc_fail(out, "structure", i, "instance %d has %d %s fields (one is needed)", i,
				     count[k][i], names[k]);
				return false;
			}
	*n_sets = n;
	return true;
}

static void fill_sets(const mc_message *msg, const size_t *aar, const dkim_sigset *ams,
                      const dkim_sigset *seals, int n, mc_arc_result *out)
{
	if (!(out->sets = calloc((size_t)n, sizeof(*out->sets))))
		return;
	out->n_sets = (size_t)n;
	for (int i = 1; i <= n; i++) {
		mc_arc_set *set = &out->sets[i - 1];
		const dkim_tags *as = &of_instance(seals, i)->t, *ms = &of_instance(ams, i)->t;

		set->instance = i;
		set->seal_domain = mc_strdup(as->d);
		set->seal_selector = mc_strdup(as->s);
		set->ams_domain = mc_strdup(ms->d);
		set->ams_selector = mc_strdup(ms->s);
		set->cv = mc_strdup(as->cv);
		recorded(set, &msg->headers[aar[i]]);
	}
}

/* Each set, who sealed it and what its ADMD recorded, in English and in
 * the locale's language. */
static void sets_said(const mc_arc_result *out, char **en, char **tr)
{
	/* TRANSLATORS: between the ARC sets of a chain */
	const char *sep = _("; ");
	mc_buf e = {0}, t = {0};

	for (size_t i = 0; i < out->n_sets; i++) {
		const mc_arc_set *s = &out->sets[i];
		char *text, *english = mc_asprintf_both(&text,
			"i=%d sealed by %s (ADMD %s recorded spf=%s, dkim=%s, dmarc=%s)", s->instance,
			s->seal_domain ? s->seal_domain : "?", s->authserv_id ? s->authserv_id : "?",
			s->spf ? s->spf : "none", s->dkim ? s->dkim : "none",
			s->dmarc ? s->dmarc : "none");

		mc_buf_addf(&e, "%s%s", i ? "; " : "", english ? english : "");
		mc_buf_addf(&t, "%s%s", i ? sep : "", text ? text : english ? english : "");
		free(english);
		free(text);
	}
	*en = mc_buf_take(&e);
	*tr = mc_buf_take(&t);
}

static void findings(const mc_arc_result *out, mc_findings *f)
{
	char *sets, *sets_tr;
	const char *detail = out->detail ? out->detail : out->reason;
	const char *detail_tr = out->detail_text ? out->detail_text : detail;
	bool active = mc_i18n_active();

	sets_said(out, &sets, &sets_tr);
	if (out->verdict == MC_VERDICT_PASS) {
		const char *many = mc_ntr("the ARC chain of %zu set verifies: %s",
		                          "the ARC chain of %zu sets verifies: %s", out->n_sets);

		mc_finding_add_made(f, "arc.pass", MC_SEV_INFO,
			mc_asprintf(out->n_sets == 1 ? "the ARC chain of %zu set verifies: %s"
			            : "the ARC chain of %zu sets verifies: %s", out->n_sets,
			            sets ? sets : ""),
			active ? mc_asprintf(many, out->n_sets, sets_tr ? sets_tr : "") : NULL);
	} else if (out->verdict == MC_VERDICT_FAIL) {
		/* at an instance or not, with the chain's sets or without */
		static const char *const says[2][2] = {
			{N_("the ARC chain fails: %s"), N_("the ARC chain fails: %s; the chain: %s")},
			{N_("the ARC chain fails at instance %d: %s"),
			 N_("the ARC chain fails at instance %d: %s; the chain: %s")},
		};
		const char *fmt = says[out->failed_instance != 0][out->n_sets && sets];
		char *en = out->failed_instance
		         ? mc_asprintf(fmt, out->failed_instance, detail, sets ? sets : "")
		         : mc_asprintf(fmt, detail, sets ? sets : "");
		char *tr = !active ? NULL : out->failed_instance
		         ? mc_asprintf(_(fmt), out->failed_instance, detail_tr, sets_tr ? sets_tr : "")
		         : mc_asprintf(_(fmt), detail_tr, sets_tr ? sets_tr : "");

		mc_finding_hint(mc_finding_add_made(f, "arc.fail", MC_SEV_WARNING, en, tr),
			"receivers ignore a broken ARC chain: the intermediary that sealed last (or "
			"changed the message after an older seal) must fix its ARC signing");
	}
	if (out->verdict == MC_VERDICT_PASS && out->oldest_pass > 1)
		mc_finding_add(f, "arc.changed_after_seal", MC_SEV_INFO,
			"the message signature of instance %d no longer verifies, the one of instance "
			"%d does: the message was changed between those hops (oldest-pass=%d)",
			out->oldest_pass - 1, out->oldest_pass, out->oldest_pass);
	free(sets);
	free(sets_tr);
}

/* RFC 8617 5.2 steps 2 and 3: the seals' cv= -- fail nowhere (the newest
 * would say so), none at instance 1, pass after it. false: the chain fails. */
static bool cv_chain(const dkim_sigset *seals, int n, mc_arc_result *out)
{
	if (of_instance(seals, n)->t.cv && !strcasecmp(of_instance(seals, n)->t.cv, "fail")) {
		arc_fail(out, "cv_fail", n, "the newest seal (instance %d) records cv=fail: the chain "
		     "was already broken when it was sealed", n);
		return false;
	}
	for (int i = 1; i <= n; i++) {
		const char *cv = of_instance(seals, i)->t.cv;

		if (!cv || strcasecmp(cv, i == 1 ? "none" : "pass")) {
			arc_fail(out, "structure", i, "the seal of instance %d says cv=%s where %s is "
			     "required", i, cv ? cv : "(nothing)", i == 1 ? "none" : "pass");
			return false;
		}
	}
	return true;
}

/* Steps 4 and 5: the message signatures newest first -- the newest must
 * verify; the oldest that still does is oldest-pass. false: the chain fails. */
static bool ams_chain(mc_resolver *r, const mc_message *msg, const dkim_sigset *ams, int n,
                      mc_arc_result *out)
{
	for (int i = n; i >= 1; i--) {
		mc_arc_set *set = &out->sets[i - 1];
		const char *why = check_ams(r, msg, of_instance(ams, i));

		set->ams = why ? MC_VERDICT_FAIL : MC_VERDICT_PASS;
		set->ams_reason = why;
		if (why && i == n) {
			arc_fail(out, "ams_fails", n, "the newest message signature (instance %d, d=%s) "
			     "does not verify: %s", n, set->ams_domain ? set->ams_domain : "?", why);
			return false;
		}
		if (why) {
			out->oldest_pass = i + 1;
			break;
		}
	}
	return true;
}

/* Step 6: every seal, newest first. false: the chain fails. */
static bool seal_chain(mc_resolver *r, const mc_message *msg, const size_t *aar,
                       const dkim_sigset *ams, const dkim_sigset *seals, int n,
                       mc_arc_result *out)
{
	for (int i = n; i >= 1; i--) {
		mc_arc_set *set = &out->sets[i - 1];
		const char *why = check_seal(r, msg, aar, ams, seals, i);

		set->seal = why ? MC_VERDICT_FAIL : MC_VERDICT_PASS;
		set->seal_reason = why;
		if (why) {
			arc_fail(out, "seal_fails", i, "the seal of instance %d (d=%s) does not verify: %s",
			     i, set->seal_domain ? set->seal_domain : "?", why);
			return false;
		}
	}
	return true;
}

mc_status arc_evaluate(mc_resolver *r, const mc_message *msg, const dkim_sigset *ams,
                       const dkim_sigset *seals, mc_arc_result *out, mc_findings *f)
{
	size_t aar[ARC_MAX + 1] = {0};
	int n = 0;

	memset(out, 0, sizeof(*out));
	out->verdict = MC_VERDICT_NONE;
	if (structure(msg, ams, seals, aar, &n, out) && n > 0) {
		fill_sets(msg, aar, ams, seals, n, out);
		if (cv_chain(seals, n, out) && ams_chain(r, msg, ams, n, out) &&
		    seal_chain(r, msg, aar, ams, seals, n, out))
			out->verdict = MC_VERDICT_PASS;
	}
	findings(out, f);
	return MC_OK;
}

void arc_result_clear(mc_arc_result *res)
{
	for (size_t i = 0; i < res->n_sets; i++) {
		mc_arc_set *s = &res->sets[i];

		free(s->seal_domain);
		free(s->seal_selector);
		free(s->ams_domain);
		free(s->ams_selector);
		free(s->cv);
		free(s->authserv_id);
		free(s->spf);
		free(s->dkim);
		free(s->dmarc);
		free(s->dkim_domain);
		free(s->spf_domain);
	}
	free(res->sets);
	free(res->detail);
	free(res->detail_text);
	memset(res, 0, sizeof(*res));
}
