/*
 * A period's reports given back to lib/feedback, to be summarised as when
 * they were read: each aggregate report with its totals, then its rows
 * with their auth results; the TLS and failure reports as they came. The
 * rows are read in the order of their key, report by report, as a few
 * numbers each (their kinds apart, rows.c), and folded here -- those alike
 * in all but their count summed -- so that no statement groups or joins
 * the year's rows (a sort of 876,000 rows took seconds); what the trends
 * need of them stays in the ledger.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"
#include "store/ledger.h"
#include "store/period.h"

/* A kind of row (aggregate_kind), as read. */
struct kind {
	long long id;
	char *disposition, *dkim, *spf, *header_from, *reasons, *auth;
	size_t auth_len;
	bool pass;             /* DKIM or SPF aligned and passing */
	json_t *parsed;        /* auth, once it is needed */
};

struct replay {
	mc_feedback *f;        /* NULL: the ledger only */
	ledger *l;
	size_t report;         /* a cursor: the report of the rows */
	uint64_t expected;     /* the rows the reports say they have */
	struct kind *kinds;    /* by id */
	size_t n_kinds, cap_kinds, last_kind;
	tally rows;            /* by source, kind and reporter */
	mc_fb_row r;           /* one row, reused (it is large) */
};

static void text_into(char *dst, size_t size, const db_val *v)
{
	snprintf(dst, size, "%.*s", (int)(v->len < size ? v->len : size - 1), v->s);
}

static mc_status on_report(void *arg, const db_val *c, int n)
{
	struct replay *rp = arg;
	mc_fb_meta m = {.pct = -1};
	mc_status st;

	if (n < 16)
		return MC_OK;
	rp->expected += c[11].i > 0 ? (uint64_t)c[11].i : 0;
	if ((st = ledger_add_report(rp->l, c[15].i, c[3].i, c[0].s, c[0].len)) != MC_OK || !rp->f)
		return st;
	text_into(m.org, sizeof(m.org), &c[0]);
	text_into(m.report_id, sizeof(m.report_id), &c[1]);
	text_into(m.email, sizeof(m.email), &c[2]);
	m.begin = c[3].i;
	m.end = c[4].i;
	text_into(m.domain, sizeof(m.domain), &c[5]);
	text_into(m.p, sizeof(m.p), &c[6]);
	text_into(m.sp, sizeof(m.sp), &c[7]);
	text_into(m.adkim, sizeof(m.adkim), &c[8]);
	text_into(m.aspf, sizeof(m.aspf), &c[9]);
	if (c[10].type != DB_NULL)
		m.pct = (int)c[10].i;
	return mc_feedback_add_report(rp->f, &m, (uint64_t)c[11].i, (uint64_t)c[12].i,
	                              (uint64_t)c[13].i, c[14].s);
}

/* The override reasons, as rows.c joined them: each after a comma. */
static void split_reasons(mc_fb_row *r, const char *s)
{
	r->n_reasons = 0;
	while (*s == ',' && r->n_reasons < MC_FB_MAX_REASONS) {
		size_t n = strcspn(++s, ",");

		snprintf(r->reasons[r->n_reasons++], sizeof(r->reasons[0]), "%.*s", (int)n, s);
		s += n;
	}
}

static bool is_pass(const char *s)
{
	return s && !strcmp(s, "pass");
}

static char *copy(const db_val *v)
{
	return v->type == DB_NULL ? NULL : mc_strndup(v->s, v->len);
}

/* id, disposition, dkim, spf, header_from, reasons, auth */
static mc_status on_kind(void *arg, const db_val *c, int n)
{
	struct replay *rp = arg;
	struct kind *k;

	if (n < 7)
		return MC_OK;
	if (mc_grow(&rp->kinds, &rp->cap_kinds, rp->n_kinds + 1, sizeof(*rp->kinds)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	k = &rp->kinds[rp->n_kinds++];
	*k = (struct kind){.id = c[0].i, .disposition = copy(&c[1]), .dkim = copy(&c[2]),
	                   .spf = copy(&c[3]), .header_from = copy(&c[4]), .reasons = copy(&c[5]),
	                   .auth = copy(&c[6]), .auth_len = c[6].len};
	k->pass = is_pass(k->dkim) || is_pass(k->spf);
	for (int i = 1; i < 7; i++)
		if (c[i].type != DB_NULL && !(&k->disposition)[i - 1])
			return mc_error_set(MC_ENOMEM, "out of memory");
	return MC_OK;
}

/* The index of the kind with this id (the kinds come by id), SIZE_MAX
 * when there is none. Rows alike often come one after the other. */
static size_t find_kind(struct replay *rp, long long id)
{
	size_t lo = 0, hi = rp->n_kinds;

	if (rp->last_kind < rp->n_kinds && rp->kinds[rp->last_kind].id == id)
		return rp->last_kind;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rp->kinds[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == rp->n_kinds || rp->kinds[lo].id != id)
		return SIZE_MAX;
	return rp->last_kind = lo;
}

/* report, n, source_ip, count, kind */
static mc_status on_row(void *arg, const db_val *c, int n)
{
	struct replay *rp = arg;
	size_t at, kind;
	ledger_row lr;
	mc_status st;

	if (n < 5 || (at = ledger_find_report(rp->l, c[0].i, &rp->report)) == SIZE_MAX ||
	    c[1].i < 0 || c[1].i > UINT32_MAX || c[3].i < 0 ||
	    (kind = find_kind(rp, c[4].i)) == SIZE_MAX)
		return MC_OK; /* a report outside the period, between two of it */
	lr = (ledger_row){.count = (uint64_t)c[3].i, .report = (uint32_t)at, .n = (uint32_t)c[1].i,
	                  .pass = rp->kinds[kind].pass};
	if ((st = intern_get(&rp->l->sources, c[2].s, c[2].len, &lr.source)) != MC_OK ||
	    (st = ledger_add_row(rp->l, &lr)) != MC_OK || !rp->f)
		return st;
	return tally_add(&rp->rows, lr.source, (uint32_t)kind, rp->l->reports[at].org, lr.count);
}

/* A kind's auth results (its JSON array, as rows.c writes it and the
 * version 2 upgrade folded it, read once) to lib/feedback, for n messages
 * of ip. */
static mc_status give_auth(mc_feedback *f, struct kind *k, const char *ip, uint64_t n)
{
	json_t *a = k->parsed ? k->parsed
	          : (k->parsed = k->auth ? json_loadb(k->auth, k->auth_len, 0, NULL) : NULL), *x;
	size_t i;
	mc_status st = MC_OK;

	json_array_foreach(a, i, x) {
		const char *method = json_string_value(json_object_get(x, "method"));

		if (method && st == MC_OK)
			st = mc_feedback_add_auth(f, ip, method,
			                          json_string_value(json_object_get(x, "domain")),
			                          json_string_value(json_object_get(x, "result")), n);
	}
	return st;
}

static void field(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s ? s : "");
}

/* The rows folded, each kind once per source and reporter, with their auth
 * results, given to lib/feedback in the order they first came. */
static mc_status give_back(struct replay *rp)
{
	const ledger *l = rp->l;
	mc_status st = MC_OK;

	for (size_t i = 0; i < rp->rows.n && st == MC_OK; i++) {
		const tally_entry *e = tally_at(&rp->rows, i);
		struct kind *k = &rp->kinds[e->k[1]];

		field(rp->r.ip, sizeof(rp->r.ip), l->sources.items[e->k[0]]);
		field(rp->r.disposition, sizeof(rp->r.disposition), k->disposition);
		field(rp->r.dkim, sizeof(rp->r.dkim), k->dkim);
		field(rp->r.spf, sizeof(rp->r.spf), k->spf);
		field(rp->r.header_from, sizeof(rp->r.header_from), k->header_from);
		split_reasons(&rp->r, k->reasons ? k->reasons : "");
		st = mc_feedback_add_rows(rp->f, &rp->r, l->orgs.items[e->k[2]], e->rows, e->count);
		if (st == MC_OK)
			st = give_auth(rp->f, k, rp->r.ip, e->count);
	}
	return st;
}

/* A TLS report's JSON or a failure report's message, read again. */
static mc_status on_whole(void *arg, const db_val *c, int n)
{
	return n < 2 ? MC_OK : mc_feedback_add_bytes(arg, c[0].s, c[0].len, c[1].s);
}

/* The rows of the period's reports, by report and number: when the
 * reports are most of the ids from their first to their last (a year
 * stored day by day), the rows of that range, those of other reports
 * skipped; else (a month of reports stored reporter by reporter, spread
 * over the whole table) the rows of each report of the period. */
static mc_status rows_of(mc_store *s, const mc_store_period *p, struct replay *rp)
{
	const ledger *l = rp->l;
	mc_status st;

	if (!l->n_reports)
		return MC_OK;
	long long first = l->reports[0].id, last = l->reports[l->n_reports - 1].id;
	const db_val ids[] = {db_int(first), db_int(last)};

	ledger_reserve(rp->l, rp->expected);
	st = s->ops->exec(s->conn, "SELECT id, disposition, dkim, spf, header_from, reasons, auth "
	                  "FROM aggregate_kind ORDER BY id", NULL, 0, on_kind, rp);
	if (st == MC_OK && (unsigned long long)(last - first) / 2 < l->n_reports)
		st = s->ops->exec(s->conn, "SELECT report, n, source_ip, count, kind FROM "
		                  "aggregate_row WHERE report >= ? AND report <= ? ORDER BY report, n",
		                  ids, 2, on_row, rp);
	else if (st == MC_OK)
		st = period_exec(s, p, PERIOD_AGGREGATE, "SELECT report, n, source_ip, count, kind "
		                 "FROM aggregate_row WHERE report IN (SELECT a.id FROM "
		                 "aggregate_report a WHERE ", ") ORDER BY report, n", on_row, rp);
	return st == MC_OK && rp->f ? give_back(rp) : st;
}

mc_status store_ledger(mc_store *s, const mc_store_period *p, mc_feedback *f)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	mc_status st;

	ledger_free(s->ledger);
	if (!rp || !(s->ledger = calloc(1, sizeof(*s->ledger)))) {
		free(rp);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	rp->f = f;
	rp->l = s->ledger;
	st = period_exec(s, p, PERIOD_AGGREGATE,
	                 "SELECT org, report_id, email, begin_time, end_time, domain, p, sp, adkim, "
	                 "aspf, pct, row_count, messages, dmarc_pass, input, id FROM aggregate_report "
	                 "a WHERE ", " ORDER BY id", on_report, rp);
	if (st == MC_OK)
		st = rows_of(s, p, rp);
	for (size_t i = 0; i < rp->n_kinds; i++) {
		struct kind *k = &rp->kinds[i];

		free(k->disposition), free(k->dkim), free(k->spf), free(k->header_from);
		free(k->reasons), free(k->auth);
		json_decref(k->parsed);
	}
	free(rp->kinds);
	tally_free(&rp->rows);
	free(rp);
	return st;
}

mc_status mc_store_replay(mc_store *s, const mc_store_period *p, mc_feedback *f)
{
	mc_status st = store_ledger(s, p, f);

	if (st == MC_OK)
		st = period_exec(s, p, PERIOD_TLS, "SELECT t.json, t.input FROM tls_report t WHERE ",
		                 " ORDER BY t.id", on_whole, f);
	if (st == MC_OK)
		st = period_exec(s, p, PERIOD_FAILURE,
		                 "SELECT message, input FROM failure_report f WHERE ", " ORDER BY id",
		                 on_whole, f);
	return st;
}
