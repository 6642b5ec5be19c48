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

#include "common/util.h"
#include "spf/eval.h"

/* PTR name suffix -> the include name the provider documents. Used only
 * when that include really passes for the client. */
static const struct {
	const char *ptr_suffix;
	const char *include;
} providers[] = {
	{"google.com", "_spf.google.com"},
	{"googlemail.com", "_spf.google.com"},
	{"outlook.com", "spf.protection.outlook.com"},
	{"amazonses.com", "amazonses.com"},
	{"sendgrid.net", "sendgrid.net"},
	{"mailgun.net", "mailgun.org"},
	{"mandrillapp.com", "spf.mandrillapp.com"},
	{"mcsv.net", "servers.mcsv.net"},
	{"rsgsv.net", "servers.mcsv.net"},
	{"sparkpostmail.com", "sparkpostmail.com"},
	{"mailjet.com", "spf.mailjet.com"},
	{"mtasv.net", "spf.mtasv.net"},
	{"protonmail.ch", "_spf.protonmail.ch"},
	{"secureserver.net", "secureserver.net"},
};

#define MAX_CANDIDATES 4

/* Evaluate `domain` for the same client with fresh counters; on pass, the
 * name to include (the first include: on the way, else domain itself). */
static char *passes_for_client(const struct spf_eval *outer, const char *domain)
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
	if (o.verdict == MC_VERDICT_PASS) {
		for (size_t i = 0; i < ev.n_path && !name; i++)
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

void spf_suggest(struct spf_eval *ev, mc_spf_result *res)
{
	char rev[80], *cand[MAX_CANDIDATES], *found = NULL;
	const char *ptr = NULL;
	size_t n = 0;
	const mc_dns_answer *a;

	res->suggestion = mc_asprintf("%s:%s", ev->family == AF_INET ? "ip4" : "ip6", res->ip);
	spf_reverse_name(ev, rev, sizeof(rev));
	a = mc_dns_lookup(ev->r, rev, MC_RR_PTR);
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs && !ptr; i++)
		if (a->rrs[i].type == MC_RR_PTR)
			ptr = a->rrs[i].data;
	if (!ptr)
		return;
	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (mc_dns_name_within(ptr, providers[i].ptr_suffix))
			add_candidate(cand, &n, providers[i].include);
	char *org = mc_registrable_domain(ptr);

	if (org && strcasecmp(org, res->domain) != 0)
		add_candidate(cand, &n, org);
	free(org);
	for (size_t i = 0; i < n && !found; i++)
		found = passes_for_client(ev, cand[i]);
	if (found) {
		free(res->suggestion);
		res->suggestion = mc_asprintf("include:%s", found);
		mc_finding_add(&res->findings, "spf.provider_detected", MC_SEV_INFO,
			"%s is %s (its PTR name), and the SPF record of %s authorizes it: the "
			"sending service is that provider's, and 'include:%s' covers it",
			res->ip, ptr, found, found);
	}
	free(found);
	for (size_t i = 0; i < n; i++)
		free(cand[i]);
}
