/*
 * SPF record lint (no client IP): walk the include/redirect tree and check
 * it the way receivers will evaluate it.
 *
 * The walk is breadth-first (OpenSMTPD's spfwalk): the records of one level
 * are fetched in one concurrent batch, then the static targets of their
 * a/mx/exists terms, then the addresses of MX hosts. Lookups are counted as
 * RFC 7208 4.6.4 counts them, over the whole tree (the worst case: a client
 * that matches nothing), and the tree is shown past the limit. Authorized
 * networks are flattened where the terms say them without macros.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spf/internal.h"

#define MAX_NODES 200       /* a larger tree is cut, with a finding */
#define MAX_DEPTH 20
#define RECORD_UDP_SAFE 450 /* RFC 7208 3.4: keep records small */
#define MAX_NETWORKS 4096

struct item {
	mc_spf_node *node;
	const struct item *up;
	int depth;
	bool is_root_chain; /* the root, or reached from it by redirect= only */
};

/* An a/mx/exists target without macros, looked up to find void names and
 * the addresses it authorizes. */
struct target {
	spf_kind kind;
	char *name;
	int cidr4, cidr6;
	bool authorizes; /* a '+' term: its addresses are authorized networks */
};

struct walk {
	mc_resolver *r;
	mc_spf_lint *res;
	struct item items[MAX_NODES];
	size_t n_items;
	struct target *targets;
	size_t n_targets, cap_targets;
	bool temp, perm, truncated, incomplete;
	bool said_all_not_last;
};

static void flag_perm(struct walk *w)
{
	w->perm = true;
}

static void add_network(struct walk *w, int family, const unsigned char *addr, int prefix)
{
	unsigned char net[16] = {0};
	char text[INET6_ADDRSTRLEN], *s;
	size_t len = family == AF_INET ? 4 : 16, cap = w->res->n_networks;

	memcpy(net, addr, len);
	for (size_t i = 0; i < len; i++) {
		int keep = prefix - (int)i * 8;

		net[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
	inet_ntop(family, net, text, sizeof(text));
	s = mc_asprintf("%s/%d", text, prefix);
	if (!s)
		return;
	for (size_t i = 0; i < w->res->n_networks; i++) {
		if (strcmp(w->res->networks[i], s) == 0) {
			free(s);
			return;
		}
	}
	if (w->res->n_networks >= MAX_NETWORKS ||
	    mc_grow(&w->res->networks, &cap, w->res->n_networks + 1, sizeof(char *)) < 0) {
		free(s);
		return;
	}
	w->res->networks[w->res->n_networks++] = s;
}

static void add_target(struct walk *w, const spf_term *t, const char *domain)
{
	struct target x = {.kind = t->kind, .cidr4 = t->cidr4, .cidr6 = t->cidr6,
	                   .authorizes = t->qualifier == '+'};

	x.name = t->domain_spec ? mc_dns_name_fold(t->domain_spec) : mc_strdup(domain);
	if (!x.name || mc_grow(&w->targets, &w->cap_targets, w->n_targets + 1,
	                       sizeof(*w->targets)) < 0) {
		free(x.name);
		return;
	}
	w->targets[w->n_targets++] = x;
}

static bool has_macro(const spf_term *t)
{
	return t->domain_spec && strchr(t->domain_spec, '%');
}

static bool in_ancestry(const struct item *it, const char *domain)
{
	for (; it; it = it->up)
		if (strcasecmp(it->node->domain, domain) == 0)
			return true;
	return false;
}

/* A child node for an include: or redirect= term; queued unless it loops or
 * the tree is too big. */
static void add_child(struct walk *w, const struct item *it, const spf_term *t, bool root_chain)
{
	mc_spf_node *parent = it->node, *c = &parent->children[parent->n_children++];

	c->domain = mc_dns_name_fold(t->domain_spec);
	c->via = mc_strdup(t->text);
	c->error_position = -1;
	if (!c->domain || !c->via)
		return;
	if (in_ancestry(it, c->domain)) {
		c->problem = mc_asprintf_both(&c->problem_text, "loop: %s is already on this path",
		                              c->domain);
		flag_perm(w);
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.include_loop", MC_SEV_ERROR,
			"'%s' in the record of %s leads back to %s: the evaluation loops until "
			"the lookup limit gives permerror", t->text, parent->domain, c->domain),
			"remove the include or redirect that closes the loop");
		return;
	}
	if (w->n_items == MAX_NODES || it->depth + 1 > MAX_DEPTH) {
		c->problem = mc_asprintf_both(&c->problem_text, "not followed: the tree is too large");
		if (!w->truncated)
			mc_finding_add(&w->res->findings, "spf.tree_truncated", MC_SEV_WARNING,
				"the include tree has more than %d records or is deeper than %d; "
				"the rest was not followed", MAX_NODES, MAX_DEPTH);
		w->truncated = true;
		return;
	}
	w->items[w->n_items++] = (struct item){c, it, it->depth + 1, root_chain};
}

static void check_all(struct walk *w, const mc_spf_node *n, const spf_term *t)
{
	if (t->qualifier == '+')
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.plus_all", MC_SEV_ERROR,
			"the record of %s ends in '%s', which authorizes every host on the "
			"Internet to send its mail", n->domain, t->text),
			"end the record with '-all' (or '~all' while testing)");
	else if (t->qualifier == '?')
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.neutral_all", MC_SEV_WARNING,
			"the record of %s ends in '?all': mail from unlisted servers is neutral, "
			"which protects nothing", n->domain),
			"end the record with '-all' (or '~all')");
}

/* Findings and lookups of one parsed record; queue its children. */
/* A term that asks DNS for hosts (a, mx, exists): its lookup counted, its
 * hosts listed unless macros make them depend on each message. */
static void lint_host_term(struct walk *w, mc_spf_node *n, const spf_term *t)
{
	n->lookups++;
	if (!has_macro(t)) {
		add_target(w, t, n->domain);
		if (t->kind == SPF_EXISTS)
			w->incomplete = true;
		return;
	}
	w->incomplete = true;
	if (t->kind == SPF_EXISTS)
		mc_finding_add(&w->res->findings, "spf.exists_macro", MC_SEV_INFO,
			"'%s' in the record of %s depends on each message "
			"(macros): what it authorizes cannot be listed or "
			"flattened", t->text, n->domain);
}

/* include: and redirect=: followed as a child, unless ignored (redirect
 * beside all) or it depends on macros (an unfollowed child). */
static void lint_chain_term(struct walk *w, const struct item *it, const spf_term *t,
                            bool has_all)
{
	mc_spf_node *n = it->node;
	mc_spf_node *c;

	if (t->kind == SPF_REDIRECT && has_all) {
		mc_finding_hint(mc_finding_add(&w->res->findings,
			"spf.redirect_ignored", MC_SEV_WARNING, "the record of %s has "
			"both 'all' and '%s': RFC 7208 6.1 ignores the redirect",
			n->domain, t->text),
			"keep either the redirect or the 'all'");
		return;
	}
	n->lookups++;
	if (!has_macro(t)) {
		add_child(w, it, t, it->is_root_chain && t->kind == SPF_REDIRECT);
		return;
	}
	w->incomplete = true;
	mc_finding_add(&w->res->findings, "spf.macro_not_followed",
		MC_SEV_INFO, "'%s' in the record of %s depends on each "
		"message (macros) and was not followed", t->text, n->domain);
	c = &n->children[n->n_children++]; /* keep the slot: an unfollowed child */
	c->domain = mc_strdup(t->domain_spec);
	c->via = mc_strdup(t->text);
	c->problem = mc_asprintf_both(&c->problem_text, "not followed: the name depends on macros");
	c->error_position = -1;
}

/* One term of a record. */
static void lint_term(struct walk *w, const struct item *it, const spf_term *t, bool has_all)
{
	mc_spf_node *n = it->node;

	switch (t->kind) {
	case SPF_ALL:
		check_all(w, n, t);
		break;
	case SPF_IP4:
	case SPF_IP6:
		if (t->qualifier == '+')
			add_network(w, t->kind == SPF_IP4 ? AF_INET : AF_INET6, t->net,
			            t->kind == SPF_IP4 ? t->cidr4 : t->cidr6);
		break;
	case SPF_PTR:
		n->lookups++;
		w->incomplete = true;
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.ptr_deprecated",
			MC_SEV_WARNING, "the record of %s uses '%s': RFC 7208 5.5 says "
			"not to (slow, unreliable, and some receivers skip it)",
			n->domain, t->text),
			"replace it with ip4:/ip6: or a: terms for the sending hosts");
		break;
	case SPF_A:
	case SPF_MX:
	case SPF_EXISTS:
		lint_host_term(w, n, t);
		break;
	case SPF_INCLUDE:
	case SPF_REDIRECT:
		lint_chain_term(w, it, t, has_all);
		break;
	default:
		break;
	}
}

static void lint_record(struct walk *w, const struct item *it, const spf_record *rec)
{
	mc_spf_node *n = it->node;
	size_t all_at = rec->n, kids = 0;

	for (size_t i = 0; i < rec->n; i++)
		if (rec->terms[i].kind == SPF_ALL && all_at == rec->n)
			all_at = i;
	for (size_t i = 0; i < rec->n; i++)
		kids += rec->terms[i].kind == SPF_INCLUDE ||
		        (rec->terms[i].kind == SPF_REDIRECT && all_at == rec->n);
	n->children = calloc(kids ? kids : 1, sizeof(*n->children));
	if (!n->children)
		return;
	for (size_t i = 0; i < rec->n; i++) {
		const spf_term *t = &rec->terms[i];

		if (i > all_at && t->kind < SPF_REDIRECT && !w->said_all_not_last) {
			w->said_all_not_last = true;
			mc_finding_hint(mc_finding_add(&w->res->findings, "spf.all_not_last",
				MC_SEV_WARNING, "in the record of %s, '%s' comes after '%s' and is "
				"never evaluated", n->domain, t->text, rec->terms[all_at].text),
				"move '%s' to the end of the record", rec->terms[all_at].text);
		}
		lint_term(w, it, t, all_at < rec->n);
	}
	if (it->is_root_chain && all_at == rec->n && rec->redirect < 0)
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.no_all", MC_SEV_WARNING,
			"the record of %s has no 'all' and no redirect=: mail from servers it "
			"does not list gets the default result neutral, which protects nothing",
			n->domain),
			"end the record with '-all' (or '~all')");
}

/* The record of a node, from its TXT answer; false when it has none usable. */
/* The TXT lookup of a node failed for now: the tree below it is unknown. */
static void lookup_failed(struct walk *w, mc_spf_node *n, const mc_dns_answer *a)
{
	w->temp = true;
	n->problem = mc_both(&n->problem_text, N_("DNS lookup failed: %s"), (mc_dns_why(a)),
	                     (mc_dns_why_text(a)));
	mc_finding_hint(mc_finding_both(&w->res->findings, "spf.temperror", MC_SEV_ERROR,
		"the DNS lookup %s TXT failed: %s; the tree below it is unknown",
		(n->domain, mc_dns_why(a)), (n->domain, mc_dns_why_text(a))),
		"retry later; if it persists, check the nameservers of %s", n->domain);
}

/* A node without an SPF record: an include or redirect to it is a permerror. */
static void no_record(struct walk *w, const struct item *it)
{
	mc_spf_node *n = it->node;

	n->problem = mc_asprintf_both(&n->problem_text, "no SPF record");
	if (!it->up)
		return;
	flag_perm(w);
	mc_finding_hint(mc_finding_add(&w->res->findings, "spf.include_no_record",
		MC_SEV_ERROR, "'%s' in the record of %s names %s, which has no SPF "
		"record: receivers return permerror when they get there",
		n->via, it->up->node->domain, n->domain),
		"remove it, or fix the name from the provider's documentation");
}

static bool take_record(struct walk *w, const struct item *it, const mc_dns_answer *a,
                        spf_record *rec)
{
	mc_spf_node *n = it->node;
	const mc_dns_rr *found = NULL;
	size_t count = 0, pos;

	if (mc_dns_status_is_temporary(a->status)) {
		lookup_failed(w, n, a);
		return false;
	}
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_TXT && spf_is_record(a->rrs[i].data, a->rrs[i].data_len))
			found = count++ ? found : &a->rrs[i];
	if (count == 0) {
		no_record(w, it);
		return false;
	}
	n->record = mc_strndup(found->data, found->data_len);
	if (count > 1) {
		flag_perm(w);
		n->problem = mc_asprintf("%zu SPF records", count);
		if (mc_i18n_active())
			n->problem_text = mc_asprintf(mc_ntr("%zu SPF record", "%zu SPF records",
			                                     count), count);
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.multiple_records",
			MC_SEV_ERROR, "%s publishes %zu SPF records; RFC 7208 4.5 makes that a "
			"permerror", n->domain, count),
			"merge them into one TXT record starting with v=spf1");
		return false;
	}
	if (found->data_len > RECORD_UDP_SAFE)
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.record_too_long",
			MC_SEV_WARNING, "the SPF record of %s is %zu bytes; RFC 7208 3.4 advises "
			"under %d so that the answer fits one UDP packet", n->domain,
			found->data_len, RECORD_UDP_SAFE),
			"move part of it to an include: record");
	if (spf_record_parse(found->data, found->data_len, rec, &pos) != MC_OK) {
		flag_perm(w);
		n->error_position = (long)pos;
		n->problem = mc_strdup(mc_error_last());
		n->problem_text = mc_strdup(mc_error_last_text());
		mc_finding_hint(mc_finding_both(&w->res->findings, "spf.syntax_error",
			MC_SEV_ERROR, "the SPF record of %s has a syntax error at %s: RFC 7208 "
			"4.6 makes the whole record a permerror", (n->domain, mc_error_last()),
			(n->domain, mc_error_last_text())),
			"correct the term at that position");
		spf_record_free(rec);
		return false;
	}
	return true;
}

static void addresses_to_networks(struct walk *w, const mc_dns_answer *a, const struct target *t)
{
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type == MC_RR_A)
			add_network(w, AF_INET, a->rrs[i].addr, t->cidr4);
		else if (a->rrs[i].type == MC_RR_AAAA)
			add_network(w, AF_INET6, a->rrs[i].addr, t->cidr6);
	}
}

static void temp_target(struct walk *w, const mc_dns_answer *a)
{
	if (!w->temp)
		mc_finding_hint(mc_finding_both(&w->res->findings, "spf.temperror", MC_SEV_ERROR,
			"the DNS lookup %s %s failed: %s", (a->name, mc_dns_type_name(a->type),
			mc_dns_why(a)), (a->name, mc_dns_type_name(a->type), mc_dns_why_text(a))),
			"retry later; if it persists, check the nameservers of %s", a->name);
	w->temp = true;
}

static bool is_void(const mc_dns_answer *a)
{
	return a->status == MC_DNS_NXDOMAIN || a->status == MC_DNS_NODATA;
}

/* MX hosts of an mx target: at most 10 (RFC 7208 4.6.4), their addresses
 * are the authorized networks. */
static void mx_hosts(struct walk *w, const struct target *t, const mc_dns_answer *mx)
{
	mc_dns_query q[2 * MC_SPF_MAX_MX_PTR];
	size_t n = 0, hosts = 0;

	for (size_t i = 0; mx->status == MC_DNS_OK && i < mx->n_rrs; i++)
		if (mx->rrs[i].type == MC_RR_MX)
			hosts++;
	if (hosts > MC_SPF_MAX_MX_PTR) {
		flag_perm(w);
		mc_finding_hint(mc_finding_add(&w->res->findings, "spf.mx_too_many", MC_SEV_ERROR,
			"'mx' for %s finds %zu MX records; RFC 7208 4.6.4 allows 10, so "
			"receivers return permerror", t->name, hosts),
			"list the sending hosts with ip4:/ip6: or a: instead of mx");
		return;
	}
	for (size_t i = 0; i < mx->n_rrs; i++) {
		if (mx->rrs[i].type != MC_RR_MX || strcmp(mx->rrs[i].data, ".") == 0)
			continue;
		q[n++] = (mc_dns_query){.name = mx->rrs[i].data, .type = MC_RR_A};
		q[n++] = (mc_dns_query){.name = mx->rrs[i].data, .type = MC_RR_AAAA};
	}
	if (n == 0 || mc_dns_resolve(w->r, q, n) != MC_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		if (mc_dns_status_is_temporary(q[i].answer->status))
			temp_target(w, q[i].answer);
		else if (t->authorizes)
			addresses_to_networks(w, q[i].answer, t);
	}
}

/* Look up every static target of the level at once; count void lookups. */
static void resolve_targets(struct walk *w)
{
	size_t n = 0;
	mc_dns_query *q = calloc(w->n_targets * 2 + 1, sizeof(*q));

	if (!q)
		return;
	for (size_t i = 0; i < w->n_targets; i++) {
		const struct target *t = &w->targets[i];

		/* a: both families; mx: the MX set; exists: an A query (RFC 7208 5.7) */
		q[n++] = (mc_dns_query){.name = t->name,
		                        .type = t->kind == SPF_MX ? MC_RR_MX : MC_RR_A};
		if (t->kind == SPF_A)
			q[n++] = (mc_dns_query){.name = t->name, .type = MC_RR_AAAA};
	}
	if (mc_dns_resolve(w->r, q, n) == MC_OK) {
		for (size_t i = 0, k = 0; i < w->n_targets; i++) {
			const struct target *t = &w->targets[i];
			const mc_dns_answer *a = q[k++].answer, *b = t->kind == SPF_A ? q[k++].answer : a;

			if (mc_dns_status_is_temporary(a->status) || mc_dns_status_is_temporary(b->status)) {
				temp_target(w, mc_dns_status_is_temporary(a->status) ? a : b);
				continue;
			}
			if (is_void(a) && is_void(b)) {
				w->res->void_lookups++;
				mc_finding_hint(mc_finding_add(&w->res->findings, "spf.void_lookup",
					MC_SEV_WARNING, "'%s' names %s, which has no %s record: a void "
					"lookup (RFC 7208 allows 2 per evaluation)",
					t->kind == SPF_MX ? "mx" : t->kind == SPF_A ? "a" : "exists",
					t->name, t->kind == SPF_MX ? "MX" : "address"),
					"remove the term, or point it at a name that exists");
				continue;
			}
			if (t->kind == SPF_MX)
				mx_hosts(w, t, a);
			else if (t->kind == SPF_A && t->authorizes) {
				addresses_to_networks(w, a, t);
				addresses_to_networks(w, b, t);
			}
		}
	}
	free(q);
	for (size_t i = 0; i < w->n_targets; i++)
		free(w->targets[i].name);
	w->n_targets = 0;
}

/* One level of the tree: fetch its records together, lint them, then
 * resolve their static targets together. */
static mc_status walk_level(struct walk *w, size_t start, size_t end)
{
	mc_dns_query *q = calloc(end - start, sizeof(*q));

	if (!q)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = start; i < end; i++)
		q[i - start] = (mc_dns_query){.name = w->items[i].node->domain, .type = MC_RR_TXT};
	if (mc_dns_resolve(w->r, q, end - start) != MC_OK) {
		free(q);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	for (size_t i = start; i < end; i++) {
		spf_record rec;

		if (!take_record(w, &w->items[i], q[i - start].answer, &rec))
			continue;
		lint_record(w, &w->items[i], &rec);
		spf_record_free(&rec);
	}
	free(q);
	resolve_targets(w);
	return MC_OK;
}

static int sum_lookups(const mc_spf_node *n)
{
	int total = n->lookups;

	for (size_t i = 0; i < n->n_children; i++)
		total += sum_lookups(&n->children[i]);
	return total;
}

static void limits(struct walk *w)
{
	mc_spf_lint *res = w->res;

	res->dns_lookups = sum_lookups(&res->tree);
	if (res->dns_lookups > MC_SPF_MAX_LOOKUPS) {
		flag_perm(w);
		mc_finding_hint(mc_finding_add(&res->findings, "spf.too_many_lookups", MC_SEV_ERROR,
			"evaluating the record can take %d DNS lookups (every include counted); "
			"RFC 7208 4.6.4 allows 10: mail from servers listed past the 10th lookup, "
			"and from every unlisted server, gets permerror", res->dns_lookups),
			"remove includes you no longer use, or replace include:/a/mx terms with "
			"the ip4:/ip6: networks they stand for (see \"networks\")");
	}
	if (res->void_lookups > MC_SPF_MAX_VOID) {
		flag_perm(w);
		mc_finding_hint(mc_finding_add(&res->findings, "spf.too_many_void_lookups",
			MC_SEV_ERROR, "%d terms name domains without records; RFC 7208 4.6.4 "
			"allows 2 such void lookups, so receivers can return permerror",
			res->void_lookups),
			"remove the terms that name domains without records");
	}
}

static void verdict(struct walk *w)
{
	mc_spf_lint *res = w->res;

	if (!res->tree.record && !w->temp) {
		res->verdict = MC_VERDICT_NONE;
		spf_add_none(&res->findings, res->domain, "mx");
	} else if (w->temp) {
		res->verdict = MC_VERDICT_TEMPERROR;
	} else if (w->perm) {
		res->verdict = MC_VERDICT_PERMERROR;
	} else {
		res->verdict = mc_findings_any(&res->findings, MC_SEV_ERROR) ? MC_VERDICT_FAIL
		                                                             : MC_VERDICT_PASS;
	}
	res->networks_complete = !w->incomplete && !w->truncated && !w->temp;
}

mc_status mc_spf_lint_check(mc_resolver *r, const char *domain, mc_spf_lint *out)
{
	struct walk *w = calloc(1, sizeof(*w));
	size_t log_start = mc_dns_log_size(r), start = 0;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if (!w)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if ((st = mc_domain_normalize(domain, &out->domain)) != MC_OK ||
	    !(out->tree.domain = mc_strdup(out->domain))) {
		free(w);
		return st ? st : mc_error_set(MC_ENOMEM, "out of memory");
	}
	out->tree.error_position = -1;
	w->r = r;
	w->res = out;
	w->items[0] = (struct item){&out->tree, NULL, 0, true};
	w->n_items = 1;
	while (start < w->n_items) {
		size_t end = w->n_items;

		if ((st = walk_level(w, start, end)) != MC_OK)
			break;
		start = end;
	}
	if (st == MC_OK) {
		out->record = mc_strdup(out->tree.record);
		limits(w);
		verdict(w);
		if ((st = mc_dns_log_copy(r, log_start, &out->dns)) == MC_OK)
			mc_findings_dns(&out->findings, &out->dns);
	}
	free(w->targets);
	free(w);
	return st;
}

static void node_clear(mc_spf_node *n)
{
	for (size_t i = 0; i < n->n_children; i++)
		node_clear(&n->children[i]);
	free(n->children);
	free(n->domain);
	free(n->via);
	free(n->record);
	free(n->problem);
	free(n->problem_text);
}

void mc_spf_lint_clear(mc_spf_lint *res)
{
	node_clear(&res->tree);
	for (size_t i = 0; i < res->n_networks; i++)
		free(res->networks[i]);
	free(res->networks);
	free(res->domain);
	free(res->record);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
