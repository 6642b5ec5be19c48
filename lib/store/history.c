/*
 * The trends over a period, from the database: per week the messages and
 * their DMARC pass rate, overall and of the sources that look legitimate;
 * the sources new in the last 7 days of reports and those gone; reporters
 * that sent on most days and stopped; TLS failures per MX per week; and how
 * ready the domain is for p=quarantine or p=reject.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"
#include "store/ledger.h"
#include "store/period.h"

#define DAY 86400
#define WEEK (7 * DAY)
#define MAX_WEEKS 1100         /* twenty years */
#define MAX_TLS_ROWS 10000

struct trend {
	mc_fb_history *h;
	const mc_feedback_result *res;
	const mc_fb_source **by_ip; /* the result's sources by IP (bsearch) */
	size_t n_ip;
	int64_t origin;        /* the Monday of the first week */
	const ledger *l;       /* the period's rows */
	bool *legit;           /* of each of the ledger's sources */
	mc_fb_seen *all;       /* every source or reporter, before choosing */
	size_t n_all, cap_all;
	size_t cap_tls;
};

static int cmp_ip(const void *a, const void *b)
{
	return strcmp((*(const mc_fb_source *const *)a)->ip, (*(const mc_fb_source *const *)b)->ip);
}

/* Forwarded mail and spoofing are not the domain's own: the rest is. */
static bool legitimate(const char *kind)
{
	return !kind || (strcmp(kind, "spoofing") && strcmp(kind, "forwarded"));
}

static const char *kind_of(const struct trend *t, const char *ip)
{
	mc_fb_source key = {.ip = (char *)ip};
	const mc_fb_source *k = &key, **found =
		t->n_ip ? bsearch(&k, t->by_ip, t->n_ip, sizeof(*t->by_ip), cmp_ip) : NULL;

	if (found)
		return (*found)->kind;
	key.ip = "other"; /* past MC_FEEDBACK_MAX_SOURCES */
	found = t->n_ip ? bsearch(&k, t->by_ip, t->n_ip, sizeof(*t->by_ip), cmp_ip) : NULL;
	return found ? (*found)->kind : NULL;
}

static int64_t monday(int64_t t)
{
	int64_t days = (t >= 0 ? t : 0) / DAY, dow = (days + 3) % 7; /* 1970-01-01: a Thursday */

	return (days - dow) * DAY;
}

/* The weeks from the first one's Monday to the last row's. */
static mc_status weeks_of_rows(struct trend *t)
{
	mc_fb_history *h = t->h;
	const ledger *l = t->l;
	size_t n = 0;

	for (size_t i = 0; i < l->n_reports; i++) {
		int64_t w = (l->reports[i].begin - t->origin) / WEEK;

		if (w >= 0 && w < MAX_WEEKS && (size_t)w + 1 > n)
			n = (size_t)w + 1;
	}
	if (n && !(h->weeks = calloc(n, sizeof(*h->weeks))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	h->n_weeks = n;
	for (size_t i = 0; i < n; i++)
		h->weeks[i].start = t->origin + (int64_t)i * WEEK;
	for (size_t i = 0; i < l->n_rows; i++) {
		const ledger_row *r = &l->rows[i];
		int64_t w = (l->reports[r->report].begin - t->origin) / WEEK;
		mc_fb_week *k;

		if (w < 0 || (size_t)w >= n)
			continue;
		k = &h->weeks[w];
		k->messages += r->count;
		k->dmarc_pass += r->pass ? r->count : 0;
		if (t->legit[r->source]) {
			k->legitimate += r->count;
			k->legitimate_pass += r->pass ? r->count : 0;
		}
	}
	return MC_OK;
}

static mc_status seen(struct trend *t, const char *name, size_t len, const mc_fb_seen *v)
{
	char *copy = mc_strndup(name, len);

	if (!copy || mc_grow(&t->all, &t->cap_all, t->n_all + 1, sizeof(*t->all)) < 0) {
		free(copy);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	t->all[t->n_all] = *v;
	t->all[t->n_all++].name = copy;
	return MC_OK;
}

/* org, first, last, reports, days */
static mc_status on_seen(void *arg, const db_val *c, int n)
{
	return n < 5 ? MC_OK : seen(arg, c[0].s, c[0].len, &(mc_fb_seen){
		.first = c[1].i, .last = c[2].i, .messages = (uint64_t)c[3].i,
		.days = (uint64_t)c[4].i});
}

/* Each source of the ledger: its first and last report and its messages
 * (since: only from the reports that begin then), into t->all. With
 * failing, only the legitimate sources with mail failing DMARC, counted. */
static mc_status sources_seen(struct trend *t, int64_t since, bool failing)
{
	const ledger *l = t->l;
	mc_fb_seen *v = calloc(l->sources.n ? l->sources.n : 1, sizeof(*v));
	mc_status st = MC_OK;

	if (!v)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < l->n_rows; i++) {
		const ledger_row *r = &l->rows[i];
		int64_t begin = l->reports[r->report].begin;
		mc_fb_seen *s = &v[r->source];

		if (begin < since || (failing && r->pass))
			continue;
		if (!s->messages && !s->days)
			s->first = s->last = begin;
		s->first = begin < s->first ? begin : s->first;
		s->last = begin > s->last ? begin : s->last;
		s->messages += r->count;
		s->days = 1; /* seen */
	}
	for (size_t i = 0; i < l->sources.n && st == MC_OK; i++) {
		if (!v[i].days || (failing && (!v[i].messages || !t->legit[i])))
			continue;
		v[i].days = 0;
		v[i].kind = failing ? kind_of(t, l->sources.items[i]) : NULL;
		st = seen(t, l->sources.items[i], strlen(l->sources.items[i]), &v[i]);
	}
	free(v);
	return st;
}

static mc_status on_tls(void *arg, const db_val *c, int n)
{
	struct trend *t = arg;
	mc_fb_history *h = t->h;

	if (n < 3 || h->n_tls >= MAX_TLS_ROWS)
		return MC_OK;
	if (mc_grow(&h->tls, &t->cap_tls, h->n_tls + 1, sizeof(*h->tls)) < 0 ||
	    !(h->tls[h->n_tls].mx = mc_strndup(c[1].s, c[1].len)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	h->tls[h->n_tls].start = t->origin + (int64_t)c[0].i * WEEK;
	h->tls[h->n_tls++].failures = (uint64_t)c[2].i;
	return MC_OK;
}

static int by_messages(const void *a, const void *b)
{
	const mc_fb_seen *x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages < y->messages ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Those of t->all that keep(): counted, the first MC_FEEDBACK_MAX_TREND by
 * messages moved to *out; the rest freed. */
static mc_status choose(struct trend *t, bool (*keep)(const struct trend *, const mc_fb_seen *),
                        mc_fb_seen **out, size_t *n_out, uint64_t *total)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_all; i++) {
		if (keep(t, &t->all[i]))
			t->all[n++] = t->all[i];
		else
			free(t->all[i].name);
	}
	if (n)
		qsort(t->all, n, sizeof(*t->all), by_messages);
	if (total)
		*total = n;
	*n_out = n < MC_FEEDBACK_MAX_TREND ? n : MC_FEEDBACK_MAX_TREND;
	for (size_t i = *n_out; i < n; i++)
		free(t->all[i].name);
	*out = t->all;
	t->all = NULL;
	t->n_all = t->cap_all = 0;
	return MC_OK;
}

static bool is_new(const struct trend *t, const mc_fb_seen *s)
{
	return s->first >= t->h->recent && t->h->first < t->h->recent;
}

static bool is_gone(const struct trend *t, const mc_fb_seen *s)
{
	return s->last < t->h->recent;
}

/* A reporter that sent on at least 70% of the days from its first report
 * to its last (and on 5 days at least), with none in the last 3 days. */
static bool stopped(const struct trend *t, const mc_fb_seen *s)
{
	uint64_t span = (uint64_t)((s->last - s->first) / DAY) + 1;

	return s->days >= 5 && s->days * 10 >= span * 7 && s->last < t->h->last - 3 * DAY - DAY;
}

static bool any(const struct trend *t, const mc_fb_seen *s)
{
	(void)t, (void)s;
	return true;
}

/* Over the period: the share of legitimate mail that passes, and what the
 * policy can be (RFC 7489 section 6.6.4 leaves the pace to the domain;
 * mailcheck's thresholds: 99% for p=reject, 95% for p=quarantine); the
 * legitimate sources still failing in its last 7 days. */
static mc_status readiness(struct trend *t)
{
	mc_fb_history *h = t->h;
	const mc_feedback_result *res = t->res;

	for (size_t i = 0; i < res->n_sources; i++) {
		if (!legitimate(res->sources[i].kind))
			continue;
		h->legitimate += res->sources[i].messages;
		h->legitimate_pass += res->sources[i].dmarc_pass;
	}
	h->ready = !h->legitimate ? "not_yet"
	           : h->legitimate_pass * 100 >= h->legitimate * 99 ? "reject"
	           : h->legitimate_pass * 100 >= h->legitimate * 95 ? "quarantine" : "not_yet";
	mc_status st = sources_seen(t, h->recent, true);

	return st == MC_OK ? choose(t, any, &h->failing, &h->n_failing, &h->total_failing) : st;
}

static mc_status on_range(void *arg, const db_val *c, int n)
{
	mc_fb_history *h = arg;

	if (n >= 2 && c[0].type != DB_NULL) {
		h->first = c[0].i;
		h->last = c[1].i > c[0].i ? c[1].i : c[0].i;
	}
	return MC_OK;
}

static mc_status weeks_and_range(mc_store *s, const mc_store_period *p, struct trend *t)
{
	mc_fb_history *h = t->h;
	mc_status st = period_exec(s, p, PERIOD_AGGREGATE,
	                           "SELECT MIN(a.begin_time), MAX(a.end_time) FROM aggregate_report "
	                           "a WHERE ", "", on_range, h);

	if (st == MC_OK && !h->first)
		st = period_exec(s, p, PERIOD_TLS, "SELECT MIN(t.begin_time), MAX(t.end_time) FROM "
		                 "tls_report t WHERE ", "", on_range, h);
	t->origin = monday(h->first);
	h->recent = h->last - WEEK;
	const db_val origin[] = {db_int(t->origin)};

	if (st == MC_OK)
		st = weeks_of_rows(t);
	if (st == MC_OK)
		st = period_exec_with(s, p, PERIOD_TLS,
		        "SELECT (t.begin_time - ?) / 604800, f.mx, SUM(f.sessions) FROM tls_failure f "
		        "JOIN tls_report t ON t.id = f.report WHERE ", " GROUP BY 1, 2 ORDER BY 1, 2",
		        origin, 1, on_tls, t);
	return st;
}

static mc_status sources_and_reporters(mc_store *s, const mc_store_period *p, struct trend *t)
{
	mc_fb_history *h = t->h;
	mc_fb_seen *gone_all = NULL;
	mc_status st = sources_seen(t, 0, false);
	size_t n_all = t->n_all;

	/* the same list chosen twice: new ones, then gone ones from a copy */
	if (st == MC_OK && n_all && !(gone_all = malloc(n_all * sizeof(*gone_all))))
		st = mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; st == MC_OK && i < n_all; i++) {
		gone_all[i] = t->all[i];
		if (!(gone_all[i].name = mc_strdup(t->all[i].name)))
			st = mc_error_set(MC_ENOMEM, "out of memory");
	}
	if (st == MC_OK)
		st = choose(t, is_new, &h->new_sources, &h->n_new, &h->total_new);
	if (st == MC_OK) {
		t->all = gone_all, t->n_all = t->cap_all = n_all;
		gone_all = NULL;
		st = choose(t, is_gone, &h->gone_sources, &h->n_gone, &h->total_gone);
	}
	for (size_t i = 0; gone_all && i < n_all; i++)
		free(gone_all[i].name);
	free(gone_all);
	if (st == MC_OK)
		st = period_exec(s, p, PERIOD_AGGREGATE,
		        "SELECT a.org, MIN(a.begin_time), MAX(a.begin_time), COUNT(*), COUNT(DISTINCT "
		        "a.begin_time / 86400) FROM aggregate_report a WHERE ", " GROUP BY a.org",
		        on_seen, t);
	if (st == MC_OK)
		st = choose(t, stopped, &h->stopped, &h->n_stopped, NULL);
	return st;
}

mc_status mc_store_history(mc_store *s, const mc_store_period *p, mc_feedback_result *res)
{
	struct trend t = {.res = res};
	mc_status st;

	if (!(t.h = calloc(1, sizeof(*t.h))) ||
	    (res->n_sources && !(t.by_ip = malloc(res->n_sources * sizeof(*t.by_ip))))) {
		free(t.h);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	t.h->since = p->since;
	t.h->until = p->until;
	for (size_t i = 0; i < res->n_sources; i++)
		t.by_ip[t.n_ip++] = &res->sources[i];
	if (t.n_ip)
		qsort(t.by_ip, t.n_ip, sizeof(*t.by_ip), cmp_ip);
	res->history = t.h; /* freed with res, whatever happens next */
	/* the rows, kept when the period was given back; read now if not */
	if (!s->ledger && (st = store_ledger(s, p, NULL)) != MC_OK)
		goto done;
	t.l = s->ledger;
	if (!(t.legit = calloc(t.l->sources.n ? t.l->sources.n : 1, sizeof(*t.legit)))) {
		st = mc_error_set(MC_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < t.l->sources.n; i++)
		t.legit[i] = legitimate(kind_of(&t, t.l->sources.items[i]));
	if ((st = weeks_and_range(s, p, &t)) == MC_OK &&
	    (st = sources_and_reporters(s, p, &t)) == MC_OK)
		st = readiness(&t);
done:
	for (size_t i = 0; i < t.n_all; i++)
		free(t.all[i].name);
	free(t.all);
	free(t.by_ip);
	free(t.legit);
	return st;
}
