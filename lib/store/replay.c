/*
 * A period's reports given back to lib/feedback, to be summarised as when
 * they were read: each aggregate report with its totals, then its rows
 * grouped in SQL -- the rows alike in all but their counts summed, their
 * auth results apart -- so that a year of rows comes back as the few
 * thousand groups it holds; the TLS and failure reports as they came.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"
#include "store/period.h"

static void text_into(char *dst, size_t size, const db_val *v)
{
	snprintf(dst, size, "%.*s", (int)(v->len < size ? v->len : size - 1), v->s);
}

static mc_status on_report(void *arg, const db_val *c, int n)
{
	mc_fb_meta m = {.pct = -1};

	if (n < 15)
		return MC_OK;
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
	return mc_feedback_add_report(arg, &m, (uint64_t)c[11].i, (uint64_t)c[12].i,
	                              (uint64_t)c[13].i, c[14].s);
}

/* The override reasons, as rows.c joined them: each after a comma. */
static void split_reasons(mc_fb_row *r, const char *s)
{
	while (*s == ',' && r->n_reasons < MC_FB_MAX_REASONS) {
		size_t n = strcspn(++s, ",");

		snprintf(r->reasons[r->n_reasons++], sizeof(r->reasons[0]), "%.*s", (int)n, s);
		s += n;
	}
}

static mc_status on_rows(void *arg, const db_val *c, int n)
{
	mc_fb_row *r;
	char org[256];
	mc_status st;

	if (n < 9)
		return MC_OK;
	if (!(r = calloc(1, sizeof(*r))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	text_into(r->ip, sizeof(r->ip), &c[0]);
	text_into(r->disposition, sizeof(r->disposition), &c[1]);
	text_into(r->dkim, sizeof(r->dkim), &c[2]);
	text_into(r->spf, sizeof(r->spf), &c[3]);
	text_into(r->header_from, sizeof(r->header_from), &c[4]);
	split_reasons(r, c[5].s);
	text_into(org, sizeof(org), &c[6]);
	st = mc_feedback_add_rows(arg, r, org, (uint64_t)c[7].i, (uint64_t)c[8].i);
	free(r);
	return st;
}

static mc_status on_auth(void *arg, const db_val *c, int n)
{
	return n < 5 ? MC_OK : mc_feedback_add_auth(arg, c[0].s, c[1].s, c[2].s, c[3].s,
	                                            (uint64_t)c[4].i);
}

/* A TLS report's JSON or a failure report's message, read again. */
static mc_status on_whole(void *arg, const db_val *c, int n)
{
	return n < 2 ? MC_OK : mc_feedback_add_bytes(arg, c[0].s, c[0].len, c[1].s);
}

mc_status mc_store_replay(mc_store *s, const mc_store_period *p, mc_feedback *f)
{
	static const char *const sql[][2] = {
		{"SELECT org, report_id, email, begin_time, end_time, domain, p, sp, adkim, aspf, pct, "
		 "row_count, messages, dmarc_pass, input FROM aggregate_report a WHERE ", " ORDER BY id"},
		{"SELECT r.source_ip, r.disposition, r.dkim, r.spf, r.header_from, r.reasons, a.org, "
		 "COUNT(*), SUM(r.count) FROM aggregate_row r JOIN aggregate_report a ON a.id = "
		 "r.report WHERE ", " GROUP BY r.source_ip, r.disposition, r.dkim, r.spf, "
		 "r.header_from, r.reasons, a.org ORDER BY MIN(r.report * 1048576 + r.n)"},
		{"SELECT r.source_ip, x.method, x.domain, x.result, SUM(r.count) FROM aggregate_auth x "
		 "JOIN aggregate_row r ON r.report = x.report AND r.n = x.n JOIN aggregate_report a ON "
		 "a.id = x.report WHERE ", " GROUP BY r.source_ip, x.method, x.domain, x.result "
		 "ORDER BY MIN(x.report * 33554432 + x.n * 32 + x.k)"},
	};
	static const db_row_fn fns[] = {on_report, on_rows, on_auth};
	mc_status st = MC_OK;

	for (size_t i = 0; i < 3 && st == MC_OK; i++)
		st = period_exec(s, p, PERIOD_AGGREGATE, sql[i][0], sql[i][1], fns[i], f);
	if (st == MC_OK)
		st = period_exec(s, p, PERIOD_TLS, "SELECT t.json, t.input FROM tls_report t WHERE ",
		                 " ORDER BY t.id", on_whole, f);
	if (st == MC_OK)
		st = period_exec(s, p, PERIOD_FAILURE,
		                 "SELECT message, input FROM failure_report f WHERE ", " ORDER BY id",
		                 on_whole, f);
	return st;
}
