/*
 * mc_bl_check: an address, or a domain and its mail addresses, asked of
 * every usable list of the set at once (one batch through lib/dns), the
 * answers read as the lists' return codes, the TXT reasons of listings
 * fetched, and the verdict and findings drawn.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist/internal.h"
#include "common/util.h"

#define TXT_MAX 300   /* bytes of a list's TXT reason kept */

static bool is_ip(const char *s)
{
	unsigned char b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* The addresses of the names of SPF a/mx terms and of MX hosts. */
static void name_addresses(mc_resolver *r, mc_bl_result *res, struct bl_names *names,
                           const char *const *mx_hosts, size_t n_mx)
{
	const char *hosts[BL_MAX_HOSTS + BL_MAX_NAMES * (BL_MAX_HOSTS + 1)];
	char *vias[sizeof(hosts) / sizeof(hosts[0])];
	mc_dns_query q[BL_MAX_NAMES];
	size_t n = 0, n_q = 0;

	for (size_t i = 0; i < n_mx; i++) {
		hosts[n] = mx_hosts[i];
		vias[n++] = mc_asprintf("MX %s", mx_hosts[i]);
	}
	for (size_t i = 0; i < names->n; i++)
		if (names->item[i].mx)
			q[n_q++] = (mc_dns_query){.name = names->item[i].name, .type = MC_RR_MX};
	if (n_q && mc_dns_resolve(r, q, n_q) != MC_OK)
		n_q = 0;
	for (size_t i = 0, k = 0; i < names->n; i++) {
		const char *h[BL_MAX_HOSTS];
		size_t m;

		if (!names->item[i].mx) {
			hosts[n] = names->item[i].name;
			vias[n++] = mc_asprintf("SPF %s", names->item[i].term);
			continue;
		}
		m = k < n_q ? bl_mx_hosts(q[k++].answer, h) : 0;
		for (size_t j = 0; j < m; j++) {
			hosts[n] = h[j];
			vias[n++] = mc_asprintf("SPF %s, MX %s", names->item[i].term, h[j]);
		}
	}
	bl_host_addresses(r, res, hosts, vias, n);
	for (size_t i = 0; i < n; i++)
		free(vias[i]);
}

/* A domain's targets: itself, its organizational domain, its MX and SPF
 * addresses. */
static void domain_targets(mc_resolver *r, mc_bl_result *res)
{
	mc_dns_query q[4] = {{res->input, MC_RR_MX, NULL}, {res->input, MC_RR_TXT, NULL},
	                     {res->input, MC_RR_A, NULL}, {res->input, MC_RR_AAAA, NULL}};
	char *org = mc_registrable_domain(res->input);
	struct bl_names names = {.domain = res->input};
	const char *hosts[BL_MAX_HOSTS];
	size_t n_hosts = 0;

	bl_add_target(res, res->input, false, NULL);
	if (org && strcmp(org, res->input) != 0)
		bl_add_target(res, org, false, N_("organizational domain"));
	free(org);
	if (mc_dns_resolve(r, q, 4) != MC_OK)
		return;
	if (q[0].answer->status == MC_DNS_OK)
		n_hosts = bl_mx_hosts(q[0].answer, hosts);
	else if (q[0].answer->status == MC_DNS_NODATA)
		bl_implicit_mx(res, q[2].answer, q[3].answer); /* RFC 5321 5.1 */
	bl_spf_terms(res, q[1].answer, &names);
	name_addresses(r, res, &names, hosts, n_hosts);
	bl_names_clear(&names);
}

/* Why a list is not asked about a target (and *text the same in the
 * locale's language), or NULL: ask it. */
static const char *not_asked(const mc_bl_list *l, const mc_bl_target *t, const char **text)
{
	const char *why = NULL;

	*text = NULL;
	if (l->health != MC_BL_HEALTH_WORKING && l->health != MC_BL_HEALTH_UNTESTED) {
		if (l->health_reason) {
			*text = l->health_reason_text;
			return l->health_reason;
		}
		why = N_("the list was set aside");
	} else if (t->ip && !l->ipv6 && strchr(t->name, ':')) {
		why = N_("the list holds no IPv6 addresses");
	}
	if (why && mc_i18n_active())
		*text = _(why);
	return why;
}

/* One hit per target and list of its kind. */
static mc_status plan_hits(const mc_bl_set *s, mc_bl_result *res)
{
	size_t cap = res->n_targets * s->n + 1;

	if (!(res->hits = calloc(cap, sizeof(*res->hits))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t t = 0; t < res->n_targets; t++) {
		for (size_t i = 0; i < s->n; i++) {
			const mc_bl_list *l = &s->lists[i];
			mc_bl_hit *h = &res->hits[res->n_hits];
			const char *why, *why_text;

			if ((l->kind == MC_BL_KIND_IP) != res->targets[t].ip)
				continue;
			*h = (mc_bl_hit){.list = i, .target = t, .state = MC_BL_NOT_ASKED};
			h->query = bl_query_name(l, res->targets[t].name, res->targets[t].ip);
			if ((why = not_asked(l, &res->targets[t], &why_text))) {
				h->why = mc_strdup(why);
				h->why_text = mc_strdup(why_text);
			} else if (!h->query) {
				h->why = mc_asprintf_both(&h->why_text, "the name to ask would be longer "
				                          "than DNS allows");
			} else {
				h->state = MC_BL_DNS_ERROR; /* asked: the answer sets it */
			}
			res->n_hits++;
		}
	}
	return MC_OK;
}

/* The A records of an answer, as 4-byte addresses. */
static void read_answer(const mc_bl_set *s, mc_bl_hit *h, const mc_dns_answer *a)
{
	unsigned char (*addrs)[4];
	size_t n = 0;

	if (!a || mc_dns_status_is_temporary(a->status)) {
		h->state = MC_BL_DNS_ERROR;
		h->why = mc_strdup(a ? mc_dns_why(a) : "out of memory");
		h->why_text = a && mc_i18n_active() ? mc_strdup(mc_dns_why_text(a)) : NULL;
		return;
	}
	h->state = MC_BL_NOT_LISTED;
	if (a->status != MC_DNS_OK || !(addrs = calloc(a->n_rrs, sizeof(*addrs))))
		return;
	for (size_t i = 0; i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_A)
			memcpy(addrs[n++], a->rrs[i].addr, 4);
	h->state = mc_bl_read_codes(&s->lists[h->list], (const unsigned char (*)[4])addrs, n,
	                            &h->codes, &h->n_codes, &h->why, &h->why_text);
	free(addrs);
}

/* Ask every planned query at once, then the TXT reason of each listing. */
static mc_status ask(mc_resolver *r, const mc_bl_set *s, mc_bl_result *res)
{
	mc_dns_query *q = calloc(res->n_hits + 1, sizeof(*q));
	size_t *of = calloc(res->n_hits + 1, sizeof(*of)), n = 0;
	mc_status st;

	if (!q || !of) {
		free(q);
		free(of);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < res->n_hits; i++)
		if (res->hits[i].state == MC_BL_DNS_ERROR) {
			of[n] = i;
			q[n++] = (mc_dns_query){.name = res->hits[i].query, .type = MC_RR_A};
		}
	if ((st = mc_dns_resolve(r, q, n)) == MC_OK) {
		for (size_t k = 0; k < n; k++)
			read_answer(s, &res->hits[of[k]], q[k].answer);
		n = 0;
		for (size_t i = 0; i < res->n_hits; i++)
			if (res->hits[i].state == MC_BL_LISTED) {
				of[n] = i;
				q[n++] = (mc_dns_query){.name = res->hits[i].query, .type = MC_RR_TXT};
			}
		st = mc_dns_resolve(r, q, n);
	}
	for (size_t k = 0; st == MC_OK && k < n; k++) {
		const mc_dns_answer *a = q[k].answer;

		for (size_t j = 0; a && a->status == MC_DNS_OK && j < a->n_rrs; j++)
			if (a->rrs[j].type == MC_RR_TXT) {
				res->hits[of[k]].txt = mc_strndup(a->rrs[j].data,
				                                  a->rrs[j].data_len < TXT_MAX ? a->rrs[j].data_len : TXT_MAX);
				break;
			}
	}
	free(q);
	free(of);
	return st;
}

static void conclude(mc_bl_result *res)
{
	const mc_bl_set *s = res->set;
	bool temp = false;

	for (size_t i = 0; i < res->n_hits; i++) {
		const mc_bl_hit *h = &res->hits[i];
		mc_bl_health health = s->lists[h->list].health;

		if (h->state == MC_BL_LISTED && s->lists[h->list].role == MC_BL_BLOCKS)
			res->listed_blocking++;
		else if (h->state == MC_BL_LISTED && s->lists[h->list].role == MC_BL_SCORES)
			res->listed_scoring++;
		temp |= h->state == MC_BL_DNS_ERROR || h->state == MC_BL_REFUSED ||
		        h->state == MC_BL_BAD_ANSWER ||
		        (h->state == MC_BL_NOT_ASKED &&
		         (health == MC_BL_HEALTH_REFUSED || health == MC_BL_HEALTH_DNS_ERROR));
	}
	res->verdict = res->listed_blocking ? MC_VERDICT_FAIL
	             : temp ? MC_VERDICT_TEMPERROR : MC_VERDICT_PASS;
}

/* Ask the planned queries and draw the verdict, the findings, the log. */
static mc_status finish(mc_resolver *r, const mc_bl_set *s, mc_bl_result *out, size_t since)
{
	mc_status st;

	if ((st = plan_hits(s, out)) != MC_OK || (st = ask(r, s, out)) != MC_OK)
		return st;
	conclude(out);
	bl_findings(out);
	if (mc_dns_log_copy(r, since, &out->dns) == MC_OK)
		mc_dns_log_unique(&out->dns);
	return MC_OK;
}

mc_status mc_bl_check_names(mc_resolver *r, const mc_bl_set *s, const char *const *names,
                            const char *const *vias, const char *const *vias_text, size_t n,
                            mc_bl_result *out)
{
	size_t since = mc_dns_log_size(r);

	*out = (mc_bl_result){.set = s, .named = true};
	for (size_t i = 0; i < n; i++) {
		bool ip = is_ip(names[i]);
		char *name = NULL;

		if (!ip && mc_domain_normalize(names[i], &name) != MC_OK)
			continue;
		if (!out->input) {
			out->input = mc_strdup(ip ? names[i] : name);
			out->ip = ip;
		}
		bl_add_target_text(out, ip ? names[i] : name, ip, vias ? vias[i] : NULL,
		                   vias_text ? vias_text[i] : NULL);
		free(name);
	}
	if (!out->input)
		return mc_error_set(MC_EINVAL, "no address or domain to look up");
	return finish(r, s, out, since);
}

mc_status mc_bl_check(mc_resolver *r, const mc_bl_set *s, const char *input, mc_bl_result *out)
{
	size_t since = mc_dns_log_size(r);
	mc_status st;

	*out = (mc_bl_result){.set = s};
	if (is_ip(input)) {
		out->ip = true;
		out->input = mc_strdup(input);
		if (!out->input || !bl_add_target(out, input, true, NULL))
			return mc_error_set(MC_ENOMEM, "out of memory");
	} else {
		if ((st = mc_domain_normalize(input, &out->input)) != MC_OK)
			return st;
		domain_targets(r, out);
	}
	return finish(r, s, out, since);
}

void mc_bl_result_clear(mc_bl_result *res)
{
	for (size_t i = 0; i < res->n_targets; i++) {
		free(res->targets[i].name);
		free(res->targets[i].via);
		free(res->targets[i].via_text);
	}
	for (size_t i = 0; i < res->n_hits; i++) {
		for (size_t k = 0; k < res->hits[i].n_codes; k++)
			free(res->hits[i].codes[k].meaning), free(res->hits[i].codes[k].meaning_text);
		free(res->hits[i].codes);
		free(res->hits[i].query);
		free(res->hits[i].txt);
		free(res->hits[i].why);
		free(res->hits[i].why_text);
	}
	for (size_t i = 0; i < res->n_left_out; i++) {
		free(res->left_out[i]);
		free(res->left_out_text ? res->left_out_text[i] : NULL);
	}
	free(res->left_out);
	free(res->left_out_text);
	free(res->targets);
	free(res->hits);
	free(res->input);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	*res = (mc_bl_result){0};
}
