/*
 * A period's reports given back to lib/feedback, to be summarised as when
 * they were read: each aggregate report with its totals, then its rows
 * with their auth results; the TLS and failure reports as they came. The
 * rows are read in the order of their key, report by report, and folded
 * here -- those alike in all but their count summed -- so that no
 * statement groups or joins the year's rows (a sort of 876,000 rows took
 * seconds); what the trends need of them stays in the ledger.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"
#include "store/ledger.h"
#include "store/period.h"

struct replay {
	mc_feedback *f;        /* NULL: the ledger only */
	ledger *l;
	size_t report;         /* a cursor: the report of the rows */
	uint64_t expected;     /* the rows the reports say they have */
	intern row_kinds;      /* a row's disposition, results, From domain, reasons, auth */
	tally rows;            /* by source, row kind and reporter */
	mc_buf key, last;      /* a row's kind as a key, and the last row's */
	uint32_t kind;         /* the last row's kind */
	mc_fb_row r;           /* one row, reused (it is large) */
};

/* The fields one after the other, each as its length, a colon and its
 * bytes (so that no two lists of fields give the same key). */
static mc_status key_of(mc_buf *b, const db_val *v, int n)
{
	b->len = 0;
	for (int i = 0; i < n; i++) {
		char len[24];
		int k = (int)sizeof(len);

		len[--k] = ':';
		for (size_t x = v[i].len; k == (int)sizeof(len) - 1 || x; x /= 10)
			len[--k] = (char)('0' + x % 10);
		if (mc_buf_add(b, len + k, sizeof(len) - (size_t)k) < 0 ||
		    mc_buf_add(b, v[i].s, v[i].len) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
	}
	return MC_OK;
}

/* The next field of a key, into dst; *s goes past it. */
static void next_field(const char **s, char *dst, size_t size)
{
	char *end;
	size_t len = (size_t)strtoull(*s, &end, 10);

	snprintf(dst, size, "%.*s", (int)(len < size ? len : size - 1), end + 1);
	*s = end + 1 + len;
}

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

static bool is_pass(const db_val *v)
{
	return v->len == 4 && !memcmp(v->s, "pass", 4);
}

/* report, n, source_ip, disposition, dkim, spf, header_from, reasons, count, auth */
static mc_status on_row(void *arg, const db_val *c, int n)
{
	struct replay *rp = arg;
	size_t at;
	ledger_row lr;
	mc_status st;

	if (n < 10 || (at = ledger_find_report(rp->l, c[0].i, &rp->report)) == SIZE_MAX ||
	    c[1].i < 0 || c[1].i > UINT32_MAX || c[8].i < 0)
		return MC_OK; /* a report outside the period, between two of it */
	lr = (ledger_row){.count = (uint64_t)c[8].i, .report = (uint32_t)at, .n = (uint32_t)c[1].i,
	                  .pass = is_pass(&c[4]) || is_pass(&c[5])};
	if ((st = intern_get(&rp->l->sources, c[2].s, c[2].len, &lr.source)) != MC_OK ||
	    (st = ledger_add_row(rp->l, &lr)) != MC_OK || !rp->f)
		return st;
	const db_val k[] = {c[3], c[4], c[5], c[6], c[7], c[9]};

	if ((st = key_of(&rp->key, k, 6)) != MC_OK)
		return st;
	/* rows alike often come one after the other */
	if (rp->key.len != rp->last.len || memcmp(rp->key.s, rp->last.s, rp->key.len)) {
		if ((st = intern_get(&rp->row_kinds, rp->key.s, rp->key.len, &rp->kind)) != MC_OK)
			return st;
		mc_buf tmp = rp->last;

		rp->last = rp->key;
		rp->key = tmp;
	}
	return tally_add(&rp->rows, lr.source, rp->kind, rp->l->reports[at].org, lr.count);
}

/* A row kind's auth results (its JSON array, as rows.c writes it and the
 * version 2 upgrade folded it, read once) to lib/feedback, for n messages
 * of ip. */
static mc_status give_auth(mc_feedback *f, json_t **parsed, const char *ip, const char *text,
                           size_t len, uint64_t n)
{
	json_t *a = *parsed ? *parsed : (*parsed = json_loadb(text, len, 0, NULL)), *x;
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

/* The rows folded, each kind once per source and reporter, then their auth
 * results, given to lib/feedback in the order they first came. */
static mc_status give_back(struct replay *rp)
{
	const ledger *l = rp->l;
	json_t **parsed = calloc(rp->row_kinds.n + 1, sizeof(*parsed));
	mc_status st = parsed ? MC_OK : mc_error_set(MC_ENOMEM, "out of memory");

	for (size_t i = 0; i < rp->rows.n && st == MC_OK; i++) {
		const tally_entry *e = tally_at(&rp->rows, i);
		const char *k = rp->row_kinds.items[e->k[1]];
		char reasons[256];

		snprintf(rp->r.ip, sizeof(rp->r.ip), "%s", l->sources.items[e->k[0]]);
		next_field(&k, rp->r.disposition, sizeof(rp->r.disposition));
		next_field(&k, rp->r.dkim, sizeof(rp->r.dkim));
		next_field(&k, rp->r.spf, sizeof(rp->r.spf));
		next_field(&k, rp->r.header_from, sizeof(rp->r.header_from));
		next_field(&k, reasons, sizeof(reasons));
		split_reasons(&rp->r, reasons);
		st = mc_feedback_add_rows(rp->f, &rp->r, l->orgs.items[e->k[2]], e->rows, e->count);
		/* the rest of the key: the auth results, as "LEN:JSON" */
		char *json;
		size_t len = (size_t)strtoull(k, &json, 10);

		if (st == MC_OK)
			st = give_auth(rp->f, &parsed[e->k[1]], rp->r.ip, json + 1, len, e->count);
	}
	for (size_t i = 0; parsed && i < rp->row_kinds.n; i++)
		json_decref(parsed[i]);
	free(parsed);
	return st;
}

/* A TLS report's JSON or a failure report's message, read again. */
static mc_status on_whole(void *arg, const db_val *c, int n)
{
	return n < 2 ? MC_OK : mc_feedback_add_bytes(arg, c[0].s, c[0].len, c[1].s);
}

/* The rows of the period's reports: by the range of the reports' ids,
 * those of other reports in it skipped. */
static mc_status rows_of(mc_store *s, struct replay *rp)
{
	const ledger *l = rp->l;
	mc_status st;

	if (!l->n_reports)
		return MC_OK;
	const db_val ids[] = {db_int(l->reports[0].id), db_int(l->reports[l->n_reports - 1].id)};

	ledger_reserve(rp->l, rp->expected);

	st = s->ops->exec(s->conn, "SELECT report, n, source_ip, disposition, dkim, spf, "
	                  "header_from, reasons, count, auth FROM aggregate_row WHERE report >= ? "
	                  "AND report <= ? ORDER BY report, n", ids, 2, on_row, rp);
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
		st = rows_of(s, rp);
	intern_free(&rp->row_kinds);
	tally_free(&rp->rows);
	mc_buf_free(&rp->key);
	mc_buf_free(&rp->last);
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
