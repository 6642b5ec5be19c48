/*
 * The totals over every report read, and the conclusion: per source IP
 * (a hash table of at most MC_FEEDBACK_MAX_SOURCES; later new ones are
 * counted together as "other"), its messages, DMARC results, dispositions,
 * the domains SPF and DKIM passed or failed for, the overrides; then, for
 * the sources with the most messages, the PTR name, the provider, whether
 * the report domain's SPF lists it, and what it must change.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "feedback/internal.h"

struct mc_feedback {
	mc_resolver *r;
	mc_feedback_opts opts;
	mc_feedback_result res;
	size_t cap_sources, cap_policies, cap_reporters, cap_failures, cap_unreadable, cap_tls,
	       cap_reports, cap_skipped;
	fb_index by_ip;        /* res.sources by IP (not "other") */
	fb_days days;          /* res.days being tallied (days.c) */
	size_t other;          /* index + 1 of the "other" source, 0 none */
	fb_index seen;         /* the reports read: hashes of (reporter, report ID) */
	size_t log_start;
	mc_status sink_status; /* the first error of the sink; later calls are not made */
	char *sink_error;
};

mc_resolver *fb_resolver(mc_feedback *f) { return f->r; }

const mc_feedback_sink *fb_sink(mc_feedback *f)
{
	return f->sink_status == MC_OK ? f->opts.sink : NULL;
}

mc_status fb_sink_result(mc_feedback *f, mc_status st)
{
	if (st != MC_OK && f->sink_status == MC_OK) {
		f->sink_status = st;
		f->sink_error = mc_strdup(mc_error_last());
	}
	return st;
}

mc_status fb_sink_status(mc_feedback *f)
{
	if (f->sink_status == MC_OK)
		return MC_OK;
	return mc_error_set(f->sink_status, "%s", f->sink_error ? f->sink_error : "out of memory");
}

fb_days *fb_days_of(mc_feedback *f) { return &f->days; }
const mc_feedback_opts *fb_opts(mc_feedback *f) { return &f->opts; }
mc_feedback_result *fb_result(mc_feedback *f) { return &f->res; }

mc_status mc_feedback_new(mc_feedback **out, mc_resolver *r, const mc_feedback_opts *opts)
{
	mc_feedback *f = calloc(1, sizeof(*f));

	if (!f)
		return mc_error_set(MC_ENOMEM, "out of memory");
	f->r = r;
	if (opts)
		f->opts = *opts;
	f->log_start = r ? mc_dns_log_size(r) : 0;
	*out = f;
	return MC_OK;
}

static void name_input(mc_fb_unreadable **list, size_t *n, size_t *cap, uint64_t *total,
                       const char *what, const char *why)
{
	(*total)++;
	if (*n >= MC_FEEDBACK_MAX_UNREADABLE || mc_grow(list, cap, *n + 1, sizeof(**list)) < 0)
		return;
	(*list)[(*n)++] = (mc_fb_unreadable){mc_strdup(what), mc_strdup(why)};
}

void fb_unreadable(mc_feedback *f, const char *what, const char *why)
{
	mc_feedback_result *res = &f->res;

	name_input(&res->unreadable, &res->n_unreadable, &f->cap_unreadable,
	           &res->unreadable_total, what, why);
}

void fb_skipped(mc_feedback *f, const char *what, const char *why)
{
	mc_feedback_result *res = &f->res;

	name_input(&res->skipped, &res->n_skipped, &f->cap_skipped, &res->skipped_total, what, why);
}

/* ---- counting ---- */

/* One copy of each string the counts name (domains, results, reporters):
 * a source's counts point into it, so a hundred thousand sources that name
 * the same domain hold it once. Freed with the result. */
struct strings {
	char **items;
	size_t n, cap;
	fb_index index;
};

struct wanted {
	char **items;
	const char *s;
};

static bool same_string(const void *arg, size_t item)
{
	const struct wanted *w = arg;

	return strcmp(w->items[item], w->s) == 0;
}

static const char *intern(mc_feedback_result *res, const char *s)
{
	struct strings *t = res->strings;
	uint64_t h = fb_hash(s, 0);
	size_t at, found;

	if (!t && !(t = res->strings = calloc(1, sizeof(*t))))
		return NULL;
	found = fb_index_find(&t->index, h, same_string, &(struct wanted){t->items, s}, &at);
	if (found == SIZE_MAX)
		return NULL;
	if (found)
		return t->items[found - 1];
	if (mc_grow(&t->items, &t->cap, t->n + 1, sizeof(*t->items)) < 0 ||
	    !(t->items[t->n] = mc_strdup(s)))
		return NULL;
	fb_index_put(&t->index, at, h, t->n);
	return t->items[t->n++];
}

static void strings_free(void *p)
{
	struct strings *t = p;

	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i]);
	free(t->items);
	fb_index_free(&t->index);
	free(t);
}

void fb_count(mc_feedback_result *res, mc_fb_counts *c, const char *name, const char *detail,
              uint64_t n)
{
	for (uint32_t i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].name, name) &&
		    !strcmp(c->items[i].detail ? c->items[i].detail : "", detail ? detail : "")) {
			c->items[i].messages += n;
			return;
		}
	if (c->n < MC_FEEDBACK_MAX_KEPT) {
		const char *iname = intern(res, name);
		const char *idetail = detail && *detail ? intern(res, detail) : NULL;

		if (c->n == c->cap) { /* most sources name one or two: grow by need */
			uint32_t cap = c->cap ? c->cap * 2 : 1;
			mc_fb_count *items = realloc(c->items, cap * sizeof(*items));

			if (!items)
				iname = NULL;
			else {
				c->items = items;
				c->cap = cap;
			}
		}
		if (iname && (idetail || !detail || !*detail)) {
			c->items[c->n++] = (mc_fb_count){iname, idetail, n};
			return;
		}
	}
	c->other += n;
}

/* An SPF or DKIM result of a row: the domain, "(none)" when the report
 * names none; the result, "none" when it gives none. */
static void count_auth(mc_feedback_result *res, mc_fb_counts *c, const fb_auth *a, uint64_t n)
{
	fb_count(res, c, a->domain[0] ? a->domain : "(none)", a->result[0] ? a->result : "none", n);
}

static void counts_clear(mc_fb_counts *c)
{
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static mc_status new_source(mc_feedback *f, const char *ip, mc_fb_source **out)
{
	mc_feedback_result *res = &f->res;

	if (mc_grow(&res->sources, &f->cap_sources, res->n_sources + 1, sizeof(*res->sources)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	mc_fb_source *s = &res->sources[res->n_sources];

	memset(s, 0, sizeof(*s));
	if (!(s->ip = mc_strdup(ip)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	s->in_spf = -1;
	s->seen = res->n_sources;
	res->n_sources++;
	*out = s;
	return MC_OK;
}

struct wanted_ip {
	const mc_fb_source *sources;
	const char *ip;
};

static bool same_ip(const void *arg, size_t item)
{
	const struct wanted_ip *w = arg;

	return strcmp(w->sources[item].ip, w->ip) == 0;
}

static mc_status find_source(mc_feedback *f, const char *ip, mc_fb_source **out)
{
	uint64_t h = fb_hash(ip, 0);
	size_t at, found = fb_index_find(&f->by_ip, h, same_ip,
	                                 &(struct wanted_ip){f->res.sources, ip}, &at);
	mc_status st;

	if (found == SIZE_MAX)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (found) {
		*out = &f->res.sources[found - 1];
		return MC_OK;
	}
	if (f->res.n_sources - (f->other ? 1 : 0) >= MC_FEEDBACK_MAX_SOURCES) {
		if (!f->other) {
			if ((st = new_source(f, "other", out)) != MC_OK)
				return st;
			f->other = f->res.n_sources;
		}
		*out = &f->res.sources[f->other - 1];
		return MC_OK;
	}
	if ((st = new_source(f, ip, out)) != MC_OK)
		return st;
	fb_index_put(&f->by_ip, at, h, f->res.n_sources - 1);
	return MC_OK;
}

/* n messages of rows report rows alike (their auth results too when
 * with_auth), of a report that begins at begin (0: not known), into the
 * totals. */
static mc_status add_row(mc_feedback *f, const fb_row *row, const char *org, uint64_t rows,
                         uint64_t n, bool with_auth, int64_t begin)
{
	mc_fb_source *s = NULL;
	mc_status st = find_source(f, row->ip, &s);
	bool dkim = !strcmp(row->dkim, "pass"), spf = !strcmp(row->spf, "pass");

	if (st != MC_OK || (st = fb_add_day(f, (size_t)(s - f->res.sources), begin, n,
	                                          dkim || spf ? n : 0)) != MC_OK)
		return st;
	f->res.rows += rows;
	f->res.messages += n;
	s->messages += n;
	s->dkim_aligned += dkim ? n : 0;
	s->spf_aligned += spf ? n : 0;
	if (dkim || spf) {
		s->dmarc_pass += n;
		f->res.dmarc_pass += n;
	}
	if (!strcmp(row->disposition, "quarantine"))
		s->quarantine += n;
	else if (!strcmp(row->disposition, "reject"))
		s->reject += n;
	else
		s->none += n;
	if (row->header_from[0])
		fb_count(&f->res, &s->header_from, row->header_from, NULL, n);
	for (size_t i = 0; with_auth && i < row->n_spf; i++)
		count_auth(&f->res, &s->spf, &row->spf_auth[i], n);
	for (size_t i = 0; with_auth && i < row->n_dkim; i++)
		count_auth(&f->res, &s->dkim, &row->dkim_auth[i], n);
	for (size_t i = 0; i < row->n_reasons; i++)
		fb_count(&f->res, &s->overrides, row->reasons[i], NULL, n);
	if (org && *org)
		fb_count(&f->res, &s->reporters, org, NULL, n);
	return MC_OK;
}

mc_status fb_add_row(mc_feedback *f, const fb_row *row, const char *org, int64_t begin)
{
	return add_row(f, row, org, 1, row->count, true, begin);
}

mc_status mc_feedback_add_rows(mc_feedback *f, const mc_fb_row *row, const char *org,
                               uint64_t rows, uint64_t messages)
{
	return add_row(f, row, org, rows, messages, false, 0);
}

mc_status mc_feedback_add_auth(mc_feedback *f, const char *ip, const char *method,
                               const char *domain, const char *result, uint64_t messages)
{
	mc_fb_source *s = NULL;
	mc_status st = find_source(f, ip, &s);
	fb_auth a = {0};

	if (st != MC_OK)
		return st;
	snprintf(a.domain, sizeof(a.domain), "%s", domain ? domain : "");
	snprintf(a.result, sizeof(a.result), "%s", result ? result : "");
	count_auth(&f->res, !strcmp(method, "spf") ? &s->spf : &s->dkim, &a, messages);
	return MC_OK;
}

bool fb_seen_report(mc_feedback *f, const char *org, const char *id)
{
	/* the reporter, a separator, the ID: one hash is the key */
	uint64_t h = fb_hash(id, mc_fnv1a_byte(fb_hash(org, 0), 0xff));
	size_t at, found = fb_index_find(&f->seen, h, NULL, NULL, &at);

	if (found == SIZE_MAX)
		return false; /* not remembered: counted again rather than lost */
	if (found)
		return true;
	fb_index_put(&f->seen, at, h, 0);
	return false;
}

mc_status mc_feedback_add_report(mc_feedback *f, const mc_fb_meta *m, uint64_t rows,
                                 uint64_t messages, uint64_t dmarc_pass, const char *what)
{
	mc_feedback_result *res = &f->res;
	const char *org = m->org[0] ? m->org : "(unnamed reporter)";
	size_t i;

	res->aggregate_reports++;
	if (res->n_reports < MC_FEEDBACK_MAX_LISTED) {
		if (mc_grow(&res->reports, &f->cap_reports, res->n_reports + 1,
		            sizeof(*res->reports)) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		res->reports[res->n_reports++] = (mc_fb_report){
			.input = mc_strdup(what), .org = m->org[0] ? mc_strdup(m->org) : NULL,
			.report_id = m->report_id[0] ? mc_strdup(m->report_id) : NULL,
			.domain = m->domain[0] ? mc_strdup(m->domain) : NULL,
			.begin = m->begin, .end = m->end, .rows = rows, .messages = messages,
			.dmarc_pass = dmarc_pass};
	}
	if (m->begin > 0 && (!res->begin || m->begin < res->begin))
		res->begin = m->begin;
	if (m->end > 0 && m->end > res->end)
		res->end = m->end;
	for (i = 0; i < res->n_reporters && strcmp(res->reporters[i].org, org); i++)
		;
	if (i == res->n_reporters && res->n_reporters < 10000) {
		if (mc_grow(&res->reporters, &f->cap_reporters, i + 1, sizeof(*res->reporters)) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		res->reporters[res->n_reporters++] = (mc_fb_reporter){.org = mc_strdup(org)};
	}
	if (i < res->n_reporters) {
		res->reporters[i].reports++;
		res->reporters[i].messages += messages;
	}
	if (!m->domain[0])
		return MC_OK;
	for (i = 0; i < res->n_policies; i++) {
		mc_fb_policy *p = &res->policies[i];

		if (!strcmp(p->domain, m->domain) && !strcmp(p->p ? p->p : "", m->p) &&
		    !strcmp(p->sp ? p->sp : "", m->sp) && p->pct == m->pct &&
		    !strcmp(p->adkim ? p->adkim : "", m->adkim) &&
		    !strcmp(p->aspf ? p->aspf : "", m->aspf)) {
			p->reports++;
			return MC_OK;
		}
	}
	if (res->n_policies >= 1000)
		return MC_OK;
	if (mc_grow(&res->policies, &f->cap_policies, i + 1, sizeof(*res->policies)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	res->policies[res->n_policies++] = (mc_fb_policy){
		.domain = mc_strdup(m->domain), .p = m->p[0] ? mc_strdup(m->p) : NULL,
		.sp = m->sp[0] ? mc_strdup(m->sp) : NULL,
		.adkim = m->adkim[0] ? mc_strdup(m->adkim) : NULL,
		.aspf = m->aspf[0] ? mc_strdup(m->aspf) : NULL, .pct = m->pct, .reports = 1};
	return MC_OK;
}

mc_fb_tls_policy *fb_tls_policy(mc_feedback *f, const char *domain, const char *type)
{
	mc_feedback_result *res = &f->res;

	for (size_t i = 0; i < res->n_tls; i++)
		if (!strcmp(res->tls[i].domain, domain) && !strcmp(res->tls[i].type, type))
			return &res->tls[i];
	if (res->n_tls >= MC_FEEDBACK_MAX_TLS ||
	    mc_grow(&res->tls, &f->cap_tls, res->n_tls + 1, sizeof(*res->tls)) < 0)
		return NULL;
	mc_fb_tls_policy *p = &res->tls[res->n_tls];

	memset(p, 0, sizeof(*p));
	if (!(p->domain = mc_strdup(domain)) || !(p->type = mc_strdup(type))) {
		free(p->domain);
		return NULL;
	}
	res->n_tls++;
	return p;
}

mc_fb_failure *fb_new_failure(mc_feedback *f)
{
	mc_feedback_result *res = &f->res;

	res->failure_reports++;
	if (res->n_failures >= MC_FEEDBACK_MAX_FAILURES ||
	    mc_grow(&res->failures, &f->cap_failures, res->n_failures + 1,
	            sizeof(*res->failures)) < 0)
		return NULL;
	memset(&res->failures[res->n_failures], 0, sizeof(*res->failures));
	return &res->failures[res->n_failures++];
}

/* ---- the conclusion (the sources explained: explain.c) ---- */

static int by_messages(const void *a, const void *b)
{
	const mc_fb_source *x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages < y->messages ? 1 : -1;
	return strcmp(x->ip, y->ip);
}

/* The domain most reports publish a policy for. */
static const char *main_domain(const mc_feedback_result *res)
{
	const char *domain = NULL;
	uint64_t best = 0;

	for (size_t i = 0; i < res->n_policies; i++)
		if (res->policies[i].reports > best) {
			best = res->policies[i].reports;
			domain = res->policies[i].domain;
		}
	return domain;
}

/* A source's failing messages into the policy impact, by its kind. */
static void count_impact(mc_feedback_result *res, const mc_fb_source *s)
{
	uint64_t failing = s->messages - s->dmarc_pass;

	if (!failing)
		return;
	if (s->kind && !strcmp(s->kind, "spoofing"))
		res->suspicious_failing += failing;
	else if (s->kind && !strcmp(s->kind, "forwarded"))
		res->forwarded_failing += failing;
	else
		res->legitimate_failing += failing;
}

/* A source of at least 1% of the messages with more than 2% of them
 * failing DMARC; TLS sessions that failed; a failure report whose message
 * mailcheck does not pass either. */
static bool anything_failing(const mc_feedback_result *res)
{
	bool bad = false;

	for (size_t i = 0; i < res->n_sources; i++) {
		const mc_fb_source *s = &res->sources[i];

		bad |= s->messages * 100 >= res->messages && (s->messages - s->dmarc_pass) * 100 >
		       s->messages * 2;
	}
	for (size_t i = 0; i < res->n_tls; i++)
		bad |= res->tls[i].failures > 0;
	for (size_t i = 0; i < res->n_failures; i++)
		bad |= res->failures[i].check && res->failures[i].check->verdict != MC_VERDICT_PASS;
	return bad;
}

/* The sources by messages, most first, and the days' sources to match. */
static mc_status sort_sources(mc_feedback_result *res)
{
	size_t *now = malloc(res->n_sources * sizeof(*now));

	if (!now)
		return mc_error_set(MC_ENOMEM, "out of memory");
	qsort(res->sources, res->n_sources, sizeof(*res->sources), by_messages);
	for (size_t i = 0; i < res->n_sources; i++)
		now[res->sources[i].seen] = i;
	for (size_t i = 0; i < res->n_days; i++)
		res->days[i].source = now[res->days[i].source];
	free(now);
	return MC_OK;
}

mc_status mc_feedback_finish(mc_feedback *f, mc_feedback_result *out)
{
	mc_feedback_result *res = &f->res;
	const char *domain = main_domain(res);
	size_t n;
	mc_status st;

	if (res->n_sources && (st = sort_sources(res)) != MC_OK)
		return st;
	n = res->n_sources < MC_FEEDBACK_EXPLAINED ? res->n_sources : MC_FEEDBACK_EXPLAINED;
	if (n && f->r && !f->opts.no_lookups && (st = fb_look_up(f, n, domain)) != MC_OK)
		return st;
	for (size_t i = 0; i < res->n_sources; i++) {
		fb_explain(&res->sources[i], domain, i < n);
		count_impact(res, &res->sources[i]);
	}
	if (!res->aggregate_reports && !res->tls_reports && !res->failure_reports)
		res->verdict = MC_VERDICT_NONE;
	else
		res->verdict = anything_failing(res) ? MC_VERDICT_FAIL : MC_VERDICT_PASS;
	if (f->r && (st = mc_dns_log_copy(f->r, f->log_start, &res->dns)) != MC_OK)
		return st;
	mc_dns_log_unique(&res->dns);
	*out = *res;
	memset(res, 0, sizeof(*res));
	return MC_OK;
}

void mc_feedback_free(mc_feedback *f)
{
	if (!f)
		return;
	mc_feedback_result_clear(&f->res);
	fb_index_free(&f->by_ip);
	fb_days_free(&f->days);
	fb_index_free(&f->seen);
	free(f->sink_error);
	free(f);
}

static void sources_free(mc_fb_source *sources, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		mc_fb_source *s = &sources[i];

		free(s->ip);
		free(s->ptr);
		free(s->explanation);
		free(s->explanation_text);
		counts_clear(&s->header_from);
		counts_clear(&s->spf);
		counts_clear(&s->dkim);
		counts_clear(&s->overrides);
		counts_clear(&s->reporters);
	}
	free(sources);
}

static void tls_free(mc_fb_tls_policy *tls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		mc_fb_tls_policy *t = &tls[i];

		free(t->domain);
		free(t->type);
		free(t->mode);
		for (size_t k = 0; k < t->n_mx; k++) {
			free(t->mx[k].host);
			counts_clear(&t->mx[k].results);
		}
		for (size_t k = 0; k < t->n_fixes; k++)
			free(t->fixes[k]);
		free(t->fixes);
	}
	free(tls);
}

static void failures_free(mc_fb_failure *failures, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		mc_fb_failure *x = &failures[i];

		free(x->what);
		free(x->reporter);
		free(x->feedback_type);
		free(x->auth_failure);
		free(x->reported_domain);
		free(x->source_ip);
		free(x->original_mail_from);
		free(x->arrival_date);
		free(x->authentication_results);
		free(x->dkim_domain);
		free(x->dkim_selector);
		if (x->check) {
			mc_verify_result_clear(x->check);
			free(x->check);
		}
	}
	free(failures);
}

static void inputs_free(mc_fb_unreadable *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].what);
		free(list[i].why);
	}
	free(list);
}

static void seen_free(mc_fb_seen *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
}

static void history_free(mc_fb_history *h)
{
	if (!h)
		return;
	free(h->weeks);
	seen_free(h->new_sources, h->n_new);
	seen_free(h->gone_sources, h->n_gone);
	seen_free(h->stopped, h->n_stopped);
	seen_free(h->failing, h->n_failing);
	for (size_t i = 0; i < h->n_tls; i++)
		free(h->tls[i].mx);
	free(h->tls);
	free(h);
}

void mc_feedback_result_clear(mc_feedback_result *res)
{
	history_free(res->history);
	sources_free(res->sources, res->n_sources);
	free(res->days);
	for (size_t i = 0; i < res->n_policies; i++) {
		free(res->policies[i].domain);
		free(res->policies[i].p);
		free(res->policies[i].sp);
		free(res->policies[i].adkim);
		free(res->policies[i].aspf);
	}
	free(res->policies);
	for (size_t i = 0; i < res->n_reports; i++) {
		free(res->reports[i].input);
		free(res->reports[i].org);
		free(res->reports[i].report_id);
		free(res->reports[i].domain);
	}
	free(res->reports);
	for (size_t i = 0; i < res->n_reporters; i++)
		free(res->reporters[i].org);
	free(res->reporters);
	tls_free(res->tls, res->n_tls);
	failures_free(res->failures, res->n_failures);
	inputs_free(res->unreadable, res->n_unreadable);
	inputs_free(res->skipped, res->n_skipped);
	strings_free(res->strings);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
