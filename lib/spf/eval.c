/*
 * check_host() (RFC 7208 4-6) on lib/dns.
 *
 * One evaluation shares its counters across include and redirect: at most
 * 10 terms that query DNS (include, a, mx, ptr, exists, redirect; 4.6.4) and
 * at most 2 void lookups (NXDOMAIN or no answer). DNS errors are temperror,
 * never "no record". The first permanent problem found is reported as a
 * finding that names the record and the term.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spf/eval.h"


enum match { NOMATCH, MATCH, MATCH_TEMPERROR, MATCH_PERMERROR };

static mc_finding *problem(struct spf_eval *ev, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A problem is reported once: the first permanent or temporary cause wins. */
static bool first_problem(struct spf_eval *ev)
{
	if (ev->problem_reported)
		return false;
	ev->problem_reported = true;
	return true;
}

static mc_finding *problem(struct spf_eval *ev, const char *code, const char *fmt, ...)
{
	va_list ap;
	mc_finding *f;

	if (!first_problem(ev))
		return NULL;
	va_start(ap, fmt);
	f = mc_finding_addv(&ev->res->findings, code, MC_SEV_ERROR, fmt, ap);
	va_end(ap);
	return f;
}

static enum match temp_lookup(struct spf_eval *ev, const mc_dns_answer *a)
{
	if (first_problem(ev))
		mc_finding_hint(mc_finding_both(&ev->res->findings, "spf.temperror", MC_SEV_ERROR,
			"the DNS lookup %s %s failed: %s; SPF cannot be evaluated now",
			(a->name, mc_dns_type_name(a->type), mc_dns_why(a)),
			(a->name, mc_dns_type_name(a->type), mc_dns_why_text(a))),
			"retry later; if it persists, check the nameservers that serve %s", a->name);
	return MATCH_TEMPERROR;
}

/* RFC 7208 4.6.4: NXDOMAIN or NOERROR with no answer is a void lookup. */
static bool count_void(struct spf_eval *ev, const mc_dns_answer *a)
{
	if (a->status != MC_DNS_NXDOMAIN && a->status != MC_DNS_NODATA)
		return true;
	ev->res->void_lookups = ++ev->voids;
	if (ev->voids <= MC_SPF_MAX_VOID)
		return true;
	mc_finding_hint(problem(ev, "spf.too_many_void_lookups",
		"more than %d lookups found nothing (the last: %s %s), which RFC 7208 4.6.4 "
		"makes a permerror", MC_SPF_MAX_VOID, a->name, mc_dns_type_name(a->type)),
		"remove the terms that name domains without records");
	return false;
}

bool spf_ip_in(const struct spf_eval *ev, const unsigned char *net, int family, int prefix)
{
	int bytes = prefix / 8, bits = prefix % 8;

	if (family != ev->family)
		return false;
	if (memcmp(net, ev->ip, (size_t)bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - bits));

	return (net[bytes] & mask) == (ev->ip[bytes] & mask);
}

/* Does any address record of the answer cover the client at this prefix? */
static bool answer_covers(const struct spf_eval *ev, const mc_dns_answer *a, int cidr4, int cidr6)
{
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type == MC_RR_A && spf_ip_in(ev, a->rrs[i].addr, AF_INET, cidr4))
			return true;
		if (a->rrs[i].type == MC_RR_AAAA && spf_ip_in(ev, a->rrs[i].addr, AF_INET6, cidr6))
			return true;
	}
	return false;
}

static uint16_t addr_type(const struct spf_eval *ev)
{
	return ev->family == AF_INET ? MC_RR_A : MC_RR_AAAA;
}

/* The target of a term: its domain-spec expanded, or the current domain. */
static enum match target_of(struct spf_eval *ev, const spf_term *t, const char *domain,
                            char **out)
{
	mc_status st;

	if (!t->domain_spec) {
		*out = mc_strdup(domain);
		return *out ? NOMATCH : MATCH_PERMERROR;
	}
	spf_macro_env env = spf_env(ev, domain);

	st = spf_expand(&env, t->domain_spec, false, true, out);
	if (st == MC_OK) {
		size_t n = strlen(*out);

		if (n > 1 && (*out)[n - 1] == '.') /* a trailing dot is allowed (12) */
			(*out)[n - 1] = '\0';
		return NOMATCH;
	}
	if (st == MC_EPARSE)
		mc_finding_hint(problem(ev, "spf.macro_error",
			"the macro in '%s' (record of %s) cannot be expanded", t->text, domain),
			"fix the macro: RFC 7208 section 7 gives its syntax");
	return MATCH_PERMERROR;
}

/* The lookup of a term's target: a DNS failure is temperror, and a void
 * answer counts against the limit. NOMATCH means "go on with *out". */
static enum match term_lookup(struct spf_eval *ev, const char *target, uint16_t type,
                              const mc_dns_answer **out)
{
	const mc_dns_answer *a = *out = mc_dns_lookup(ev->r, target, type);

	if (!a)
		return MATCH_PERMERROR;
	if (mc_dns_status_is_temporary(a->status))
		return temp_lookup(ev, a);
	return count_void(ev, a) ? NOMATCH : MATCH_PERMERROR;
}

static enum match match_a(struct spf_eval *ev, const spf_term *t, const char *target)
{
	const mc_dns_answer *a;
	enum match m = term_lookup(ev, target, addr_type(ev), &a);

	if (m != NOMATCH)
		return m;
	return answer_covers(ev, a, t->cidr4, t->cidr6) ? MATCH : NOMATCH;
}

static enum match match_mx(struct spf_eval *ev, const spf_term *t, const char *target)
{
	const mc_dns_answer *a;
	mc_dns_query q[MC_SPF_MAX_MX_PTR];
	size_t n = 0;
	enum match m = term_lookup(ev, target, MC_RR_MX, &a);

	if (m != NOMATCH)
		return m;
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type != MC_RR_MX)
			continue;
		/* RFC 7208 4.6.4: more than 10 MX names is a permerror */
		if (n == MC_SPF_MAX_MX_PTR) {
			mc_finding_hint(problem(ev, "spf.mx_too_many",
				"'%s' names %s, which has more than %d MX records: RFC 7208 4.6.4 "
				"makes that a permerror", t->text, target, MC_SPF_MAX_MX_PTR),
				"use ip4:/ip6: or a: terms for the sending hosts instead of mx");
			return MATCH_PERMERROR;
		}
		if (strcmp(a->rrs[i].data, ".") != 0)
			q[n++] = (mc_dns_query){.name = a->rrs[i].data, .type = addr_type(ev)};
	}
	if (n && mc_dns_resolve(ev->r, q, n) != MC_OK)
		return MATCH_PERMERROR;
	for (size_t i = 0; i < n; i++) {
		if (mc_dns_status_is_temporary(q[i].answer->status))
			return temp_lookup(ev, q[i].answer);
		if (answer_covers(ev, q[i].answer, t->cidr4, t->cidr6))
			return MATCH;
	}
	return NOMATCH;
}

/* The reverse name of the client: 4.3.2.1.in-addr.arpa or nibbles.ip6.arpa */
void spf_reverse_name(const struct spf_eval *ev, char *buf, size_t size)
{
	mc_ip_reverse(ev->family, ev->ip, buf, size);
}

/*
 * The client's validated names (RFC 7208 5.5): PTR names (at most 10) whose
 * own addresses include the client. DNS errors skip a name.
 * Returns the number found (names point into the resolver's answers).
 */
size_t spf_validated_names(struct spf_eval *ev, const char **names, bool count, bool *void_over)
{
	char rev[80];
	const mc_dns_answer *a;
	mc_dns_query q[MC_SPF_MAX_MX_PTR];
	size_t n = 0, found = 0;

	*void_over = false;
	spf_reverse_name(ev, rev, sizeof(rev));
	a = mc_dns_lookup(ev->r, rev, MC_RR_PTR);
	if (!a || a->status != MC_DNS_OK) {
		if (a && count && !count_void(ev, a))
			*void_over = true;
		return 0;
	}
	for (size_t i = 0; i < a->n_rrs && n < MC_SPF_MAX_MX_PTR; i++)
		if (a->rrs[i].type == MC_RR_PTR)
			q[n++] = (mc_dns_query){.name = a->rrs[i].data, .type = addr_type(ev)};
	if (mc_dns_resolve(ev->r, q, n) != MC_OK)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (answer_covers(ev, q[i].answer, 32, 128))
			names[found++] = q[i].name;
	return found;
}

static enum match match_ptr(struct spf_eval *ev, const char *target)
{
	const char *names[MC_SPF_MAX_MX_PTR];
	bool void_over;
	size_t n = spf_validated_names(ev, names, true, &void_over);

	if (void_over)
		return MATCH_PERMERROR;
	for (size_t i = 0; i < n; i++)
		if (mc_dns_name_within(names[i], target))
			return MATCH;
	return NOMATCH;
}

static enum match match_exists(struct spf_eval *ev, const char *target)
{
	/* RFC 7208 5.7: always an A query, whatever the client's family */
	const mc_dns_answer *a;
	enum match m = term_lookup(ev, target, MC_RR_A, &a);

	if (m != NOMATCH)
		return m;
	return a->status == MC_DNS_OK ? MATCH : NOMATCH;
}

/* RFC 7208 4.6.4: count a term that queries DNS; false past the limit. */
static bool count_lookup(struct spf_eval *ev, const spf_term *t, const char *domain)
{
	ev->res->dns_lookups = ++ev->lookups;
	if (ev->lookups <= MC_SPF_MAX_LOOKUPS)
		return true;
	mc_finding_hint(problem(ev, "spf.too_many_lookups",
		"the evaluation needs more than %d DNS lookups (the 11th: '%s' in the record "
		"of %s), which RFC 7208 4.6.4 makes a permerror",
		MC_SPF_MAX_LOOKUPS, t->text, domain),
		"remove includes you no longer use, or replace include:/a/mx terms with the "
		"ip4:/ip6: networks they stand for");
	return false;
}

static enum match match_include(struct spf_eval *ev, const spf_term *t, const char *target,
                                int depth)
{
	struct spf_outcome o = spf_check_host(ev, target, depth + 1, false);

	free(o.explanation); /* an include's own exp= is never used (RFC 7208 5.2) */
	switch (o.verdict) {
	case MC_VERDICT_PASS: return MATCH;
	case MC_VERDICT_TEMPERROR: return MATCH_TEMPERROR;
	case MC_VERDICT_PERMERROR: return MATCH_PERMERROR;
	case MC_VERDICT_NONE:
		mc_finding_hint(problem(ev, "spf.include_no_record",
			"'%s' names %s, which has no SPF record: RFC 7208 5.2 makes that a permerror",
			t->text, target),
			"remove the include, or fix its domain (a provider's documentation gives the "
			"exact name)");
		return MATCH_PERMERROR;
	default:
		return NOMATCH;
	}
}

static enum match match_term(struct spf_eval *ev, const spf_term *t, const char *domain,
                             int depth)
{
	char *target = NULL;
	enum match m;

	switch (t->kind) {
	case SPF_ALL:
		return MATCH;
	case SPF_IP4:
		return spf_ip_in(ev, t->net, AF_INET, t->cidr4) ? MATCH : NOMATCH;
	case SPF_IP6:
		return spf_ip_in(ev, t->net, AF_INET6, t->cidr6) ? MATCH : NOMATCH;
	default:
		break;
	}
	if (!count_lookup(ev, t, domain))
		return MATCH_PERMERROR;
	if ((m = target_of(ev, t, domain, &target)) != NOMATCH)
		return m;
	if (t->kind != SPF_INCLUDE && mc_dns_name_problem(target)) {
		/* Not a name DNS can carry, often from a macro fed by the sender:
		 * the term cannot match (RFC 7208 4.3, 4.8). A permerror here would
		 * let a forger turn "fail" into "permerror". */
		mc_finding_add(&ev->res->findings, "spf.invalid_target", MC_SEV_WARNING,
			"'%s' in the record of %s names '%s', which is not a valid domain name "
			"(%s): the term does not match", t->text, domain, target,
			mc_dns_name_problem(target));
		free(target);
		return NOMATCH;
	}
	switch (t->kind) {
	case SPF_INCLUDE: m = match_include(ev, t, target, depth); break;
	case SPF_A: m = match_a(ev, t, target); break;
	case SPF_MX: m = match_mx(ev, t, target); break;
	case SPF_PTR: m = match_ptr(ev, target); break;
	case SPF_EXISTS: m = match_exists(ev, target); break;
	default: m = NOMATCH; break;
	}
	free(target);
	return m;
}


/* RFC 7208 4.4, 4.5: the one SPF record of a domain. Returns NONE with
 * *txt NULL when there is none, TEMPERROR/PERMERROR on trouble, PASS when
 * *txt is the record. */
static mc_verdict fetch_record(struct spf_eval *ev, const char *domain, const char **txt,
                               size_t *len)
{
	const mc_dns_answer *a = mc_dns_lookup(ev->r, domain, MC_RR_TXT);
	size_t found = 0;

	*txt = NULL;
	if (!a)
		return MC_VERDICT_PERMERROR;
	if (mc_dns_status_is_temporary(a->status)) {
		temp_lookup(ev, a);
		return MC_VERDICT_TEMPERROR;
	}
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type != MC_RR_TXT || !spf_is_record(a->rrs[i].data, a->rrs[i].data_len))
			continue;
		if (found++ == 0) {
			*txt = a->rrs[i].data;
			*len = a->rrs[i].data_len;
		}
	}
	if (found > 1) {
		mc_finding_hint(problem(ev, "spf.multiple_records",
			"%s publishes %zu SPF records; RFC 7208 4.5 makes that a permerror",
			domain, found),
			"merge them into one TXT record starting with v=spf1");
		return MC_VERDICT_PERMERROR;
	}
	return found ? MC_VERDICT_PASS : MC_VERDICT_NONE;
}

static int push_step(struct spf_eval *ev, const char *domain, const char *term)
{
	mc_spf_step *s;

	if (mc_grow(&ev->path, &ev->cap_path, ev->n_path + 1, sizeof(*ev->path)) < 0)
		return -1;
	s = &ev->path[ev->n_path];
	s->domain = mc_strdup(domain);
	s->term = mc_strdup(term);
	if (!s->domain || !s->term) {
		free(s->domain);
		free(s->term);
		return -1;
	}
	ev->n_path++;
	return 0;
}

static void pop_steps(struct spf_eval *ev, size_t to)
{
	while (ev->n_path > to) {
		ev->n_path--;
		free(ev->path[ev->n_path].domain);
		free(ev->path[ev->n_path].term);
	}
}

/* RFC 7208 6.2: the exp= text, or NULL (any problem: no explanation). */
static char *explanation(struct spf_eval *ev, const spf_record *rec, const char *domain)
{
	spf_macro_env env = spf_env(ev, domain);
	const mc_dns_answer *a;
	char *name = NULL, *text = NULL;
	const mc_dns_rr *txt = NULL;

	if (rec->exp < 0 ||
	    spf_expand(&env, rec->terms[rec->exp].domain_spec, false, true, &name) != MC_OK)
		return NULL;
	a = mc_dns_lookup(ev->r, name, MC_RR_TXT);
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type != MC_RR_TXT)
			continue;
		if (txt) { /* more than one: no explanation */
			txt = NULL;
			break;
		}
		txt = &a->rrs[i];
	}
	if (txt && memchr(txt->data, '\0', txt->data_len) == NULL)
		spf_expand(&env, txt->data, true, false, &text);
	free(name);
	return text;
}

static mc_verdict qualifier_verdict(char q)
{
	switch (q) {
	case '-': return MC_VERDICT_FAIL;
	case '~': return MC_VERDICT_SOFTFAIL;
	case '?': return MC_VERDICT_NEUTRAL;
	default: return MC_VERDICT_PASS;
	}
}

/* RFC 7208 6.1: no mechanism matched, follow redirect= (it counts). */
static struct spf_outcome follow_redirect(struct spf_eval *ev, const spf_record *rec,
                                          const char *domain, int depth)
{
	const spf_term *t = &rec->terms[rec->redirect];
	struct spf_outcome o = {MC_VERDICT_PERMERROR, NULL};
	char *target = NULL;
	size_t mark = ev->n_path;

	if (!count_lookup(ev, t, domain) || target_of(ev, t, domain, &target) != NOMATCH)
		return o;
	push_step(ev, domain, t->text);
	o = spf_check_host(ev, target, depth + 1, false);
	if (o.verdict == MC_VERDICT_NONE) {
		mc_finding_hint(problem(ev, "spf.redirect_no_record",
			"'%s' names %s, which has no SPF record: RFC 7208 6.1 makes that a permerror",
			t->text, target),
			"point redirect= at a domain that publishes an SPF record");
		o.verdict = MC_VERDICT_PERMERROR;
	}
	if (o.verdict == MC_VERDICT_PERMERROR || o.verdict == MC_VERDICT_TEMPERROR)
		pop_steps(ev, mark);
	free(target);
	return o;
}

static struct spf_outcome evaluate(struct spf_eval *ev, const spf_record *rec,
                                   const char *domain, int depth)
{
	struct spf_outcome o = {MC_VERDICT_NEUTRAL, NULL};

	for (size_t i = 0; i < rec->n; i++) {
		const spf_term *t = &rec->terms[i];
		size_t mark = ev->n_path;
		enum match m;

		if (t->kind >= SPF_REDIRECT)
			continue;
		push_step(ev, domain, t->text);
		m = match_term(ev, t, domain, depth);
		if (m != MATCH)
			pop_steps(ev, mark);
		if (m == MATCH_TEMPERROR || m == MATCH_PERMERROR) {
			o.verdict = m == MATCH_TEMPERROR ? MC_VERDICT_TEMPERROR : MC_VERDICT_PERMERROR;
			return o;
		}
		if (m == MATCH) {
			o.verdict = qualifier_verdict(t->qualifier);
			if (o.verdict == MC_VERDICT_FAIL)
				o.explanation = explanation(ev, rec, domain);
			return o;
		}
	}
	if (rec->redirect >= 0)
		return follow_redirect(ev, rec, domain, depth);
	return o; /* RFC 7208 4.7: the default is neutral */
}

struct spf_outcome spf_check_host(struct spf_eval *ev, const char *domain, int depth, bool top)
{
	struct spf_outcome o = {MC_VERDICT_NONE, NULL};
	spf_record rec;
	const char *txt;
	size_t len = 0, pos;
	const char *why = mc_dns_name_problem(domain);

	/* RFC 7208 4.3: a malformed domain has no SPF record */
	if (why || !strchr(domain, '.')) {
		if (top)
			mc_finding_both(&ev->res->findings, "spf.invalid_domain", MC_SEV_ERROR,
				"'%s' is not a valid domain name (%s): RFC 7208 4.3 gives none",
				(domain, why ? why : "a single label"),
				(domain, why ? _(why) : _("a single label")));
		return o;
	}
	o.verdict = fetch_record(ev, domain, &txt, &len);
	if (o.verdict != MC_VERDICT_PASS)
		return o;
	if (top && !ev->res->record)
		ev->res->record = mc_strndup(txt, len);
	if (spf_record_parse(txt, len, &rec, &pos) != MC_OK) {
		if (first_problem(ev))
			mc_finding_hint(mc_finding_both(&ev->res->findings, "spf.syntax_error",
				MC_SEV_ERROR, "the SPF record of %s has a syntax error at %s: RFC 7208 4.6 "
				"makes that a permerror", (domain, mc_error_last()),
				(domain, mc_error_last_text())),
				"correct the term at that position; the record is: %.*s", (int)len, txt);
		spf_record_free(&rec);
		o.verdict = MC_VERDICT_PERMERROR;
		return o;
	}
	o = evaluate(ev, &rec, domain, depth);
	spf_record_free(&rec);
	return o;
}
