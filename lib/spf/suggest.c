/*
 * What to add to a record that does not authorize the client.
 *
 * The plain answer is "ip4:ADDR" (or ip6:). Better, when the client belongs
 * to a mail provider: the client's PTR name points at the provider, and if
 * the provider's SPF record (a known include name, or the SPF record of the
 * PTR name's registrable domain) authorizes the client, the term to add is
 * that include. Nothing is guessed: a candidate is suggested only when
 * evaluating it for the client gives pass.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "common/providers.h"
#include "common/util.h"
#include "spf/eval.h"

#define MAX_CANDIDATES 4

/* Evaluate `domain` for the same client with fresh counters; on pass, the
 * name to include (the first include: on the way, else domain itself; a
 * provider's documented include: itself). *verdict: the result. */
static char *passes_for_client(const struct spf_eval *outer, const char *domain, bool itself,
                               mc_verdict *verdict)
{
	mc_spf_result scratch = {0};
	struct spf_eval ev = *outer;
	struct spf_outcome o;
	char *name = NULL;

	ev.res = &scratch;
	ev.lookups = ev.voids = 0;
	ev.problem_reported = false;
	ev.validated = NULL;
	ev.path = NULL;
	ev.n_path = ev.cap_path = 0;
	o = spf_check_host(&ev, domain, 0, false);
	free(o.explanation);
	*verdict = o.verdict;
	if (o.verdict == MC_VERDICT_PASS) {
		for (size_t i = 0; i < ev.n_path && !name && !itself; i++)
			if (strncasecmp(ev.path[i].term, "include:", 8) == 0 ||
			    strncasecmp(ev.path[i].term, "+include:", 9) == 0)
				name = mc_strdup(strchr(ev.path[i].term, ':') + 1);
		if (!name)
			name = mc_strdup(domain);
	}
	for (size_t i = 0; i < ev.n_path; i++) {
		free(ev.path[i].domain);
		free(ev.path[i].term);
	}
	free(ev.path);
	free(ev.validated);
	mc_findings_clear(&scratch.findings);
	return name;
}

static int add_candidate(char **cand, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcasecmp(cand[i], name) == 0)
			return 0;
	if (*n == MAX_CANDIDATES || !(cand[*n] = mc_strdup(name)))
		return -1;
	(*n)++;
	return 0;
}

/* The finding that names the client's provider: the English (JSON) with its
 * English name, the text with the name people read in their language. fmt
 * takes the address, the name, what named it, the name, the include, last. */
static mc_finding *provider_finding(mc_spf_result *res, const mc_provider *p, const char *by,
                                    const char *fmt, const char *last)
{
	const char *shown = mc_provider_display(p);

	return mc_finding_add_made(&res->findings, "spf.provider_detected", MC_SEV_INFO,
	                           mc_asprintf(fmt, res->ip, p->name, by, p->name, p->include, last),
	                           mc_i18n_active() ? mc_asprintf(_(fmt), res->ip, shown, by, shown,
	                                                          p->include, last) : NULL);
}

/* The sending provider named by the client's PTR name, else its HELO name. */
static const mc_provider *sending_provider(struct spf_eval *ev, const char **by)
{
	char rev[80];
	const mc_dns_answer *a;
	const mc_provider *p = NULL;

	*by = NULL;
	spf_reverse_name(ev, rev, sizeof(rev));
	a = mc_dns_lookup(ev->r, rev, MC_RR_PTR);
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs && !*by; i++)
		if (a->rrs[i].type == MC_RR_PTR)
			*by = a->rrs[i].data;
	if ((p = mc_provider_of(*by)) || !ev->helo)
		return p;
	if ((p = mc_provider_of(ev->helo)))
		*by = ev->helo;
	return p;
}

void spf_suggest(struct spf_eval *ev, mc_spf_result *res)
{
	char *cand[MAX_CANDIDATES], *found = NULL;
	const char *by;
	const mc_provider *p = sending_provider(ev, &by);
	mc_verdict v = MC_VERDICT_NONE;
	size_t n = 0;

	res->suggestion = mc_asprintf("%s:%s", ev->family == AF_INET ? "ip4" : "ip6", res->ip);
	if (p) { /* the provider's documented include, whatever DNS says today */
		found = passes_for_client(ev, p->include, true, &v);
		free(res->suggestion);
		res->suggestion = mc_asprintf("include:%s", p->include);
		mc_finding *f = provider_finding(res, p, by, found
			? N_("%s is %s's (%s), and %s's documented include %s authorizes it: add "
			     "'include:%s', not the address of one of its servers, which change")
			: v == MC_VERDICT_FAIL || v == MC_VERDICT_SOFTFAIL
			? N_("%s is %s's (%s): the term to add is %s's documented 'include:%s', not "
			     "the address of one of its servers, which change; that include does not "
			     "list it for %s today")
			: N_("%s is %s's (%s): the term to add is %s's documented 'include:%s', not "
			     "the address of one of its servers, which change; that include could not "
			     "be evaluated for %s today"), found ? p->include : res->ip);

		if (!found && f) { /* "ask %s (the sending provider) ...", the name as read */
			static const char *ask = N_("ask %s (the sending provider) which include "
			                            "covers the server that sent this mail, if it is "
			                            "not 'include:%s'");

			f->hint = mc_asprintf(ask, p->name, p->include);
			if (mc_i18n_active())
				f->hint_text = mc_asprintf(_(ask), mc_provider_display(p), p->include);
		}
		free(found);
		return;
	}
	if (!by)
		return;
	char *org = mc_registrable_domain(by);

	if (org && strcasecmp(org, res->domain) != 0)
		add_candidate(cand, &n, org);
	free(org);
	for (size_t i = 0; i < n && !found; i++)
		found = passes_for_client(ev, cand[i], false, &v);
	if (found) {
		free(res->suggestion);
		res->suggestion = mc_asprintf("include:%s", found);
		mc_finding_add(&res->findings, "spf.provider_detected", MC_SEV_INFO,
			"%s is %s (its PTR name), and the SPF record of %s authorizes it: the "
			"sending service is that provider's, and 'include:%s' covers it",
			res->ip, by, found, found);
	}
	free(found);
	for (size_t i = 0; i < n; i++)
		free(cand[i]);
}
