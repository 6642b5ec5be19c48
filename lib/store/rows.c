/*
 * The rows of the aggregate report being stored, and their auth results,
 * written BATCH at a time as multi-row INSERTs: one round trip to
 * PostgreSQL per batch instead of one per row. A batch that is not full is
 * written in parts of 32, 16, ..., 1 rows, so that only a few statement
 * texts exist (SQLite keeps each prepared).
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"

#define BATCH 64
#define ROW_COLS 10
#define AUTH_COLS 7

struct row_batch {
	mc_fb_row rows[BATCH];
	size_t n;
	long long next;        /* the number of the report's next row */
	char reasons[BATCH][MC_FB_MAX_REASONS * 33];
	db_val params[BATCH * 2 * MC_FB_MAX_AUTH * AUTH_COLS];
};

/* "INSERT INTO table (cols) VALUES (?, ...), (?, ...)" for n rows of k columns. */
static char *insert_sql(const char *head, int k, size_t n)
{
	mc_buf b = {0};

	mc_buf_addf(&b, "%s VALUES ", head);
	for (size_t i = 0; i < n; i++) {
		mc_buf_add(&b, i ? ", (" : "(", i ? 3 : 1);
		for (int j = 0; j < k; j++)
			mc_buf_add(&b, j ? ", ?" : "?", j ? 3 : 1);
		mc_buf_add(&b, ")", 1);
	}
	return mc_buf_take(&b);
}

static mc_status insert(mc_store *s, const char *head, int k, const db_val *v, size_t n)
{
	char *sql = insert_sql(head, k, n);
	mc_status st = sql ? s->ops->exec(s->conn, sql, v, (int)(n * (size_t)k), NULL, NULL)
	                   : mc_error_set(MC_ENOMEM, "out of memory");

	free(sql);
	return st;
}

/* n records of k values each, in parts of at most BATCH, as BATCH, 32, ... */
static mc_status insert_parts(mc_store *s, const char *head, int k, const db_val *v, size_t n)
{
	mc_status st = MC_OK;

	for (size_t part = BATCH; part && st == MC_OK; part /= 2)
		while (n >= part && st == MC_OK) {
			st = insert(s, head, k, v, part);
			v += part * (size_t)k;
			n -= part;
		}
	return st;
}

static const char row_head[] =
	"INSERT INTO aggregate_row (report, n, source_ip, count, disposition, dkim, spf, "
	"header_from, envelope_from, reasons)";
static const char auth_head[] =
	"INSERT INTO aggregate_auth (report, n, k, method, domain, detail, result)";

/* The override reasons (RFC 7489 C: PolicyOverrideType) as one text, each
 * after a comma (",forwarded,mailing_list"; "," for one without a type). */
static const char *joined(char *buf, size_t size, const mc_fb_row *r)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n_reasons && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, ",%s", r->reasons[i]);
	return buf;
}

static mc_status write_rows(mc_store *s, struct row_batch *b)
{
	db_val *v = b->params;
	long long n0 = b->next - (long long)b->n;

	for (size_t i = 0; i < b->n; i++, v += ROW_COLS) {
		const mc_fb_row *r = &b->rows[i];

		v[0] = db_int(s->report);
		v[1] = db_int(n0 + (long long)i);
		v[2] = db_text(r->ip);
		v[3] = db_int((long long)r->count);
		v[4] = db_text(r->disposition);
		v[5] = db_text(r->dkim);
		v[6] = db_text(r->spf);
		v[7] = db_text(r->header_from);
		v[8] = db_text(r->envelope_from);
		v[9] = db_text(joined(b->reasons[i], sizeof(b->reasons[i]), r));
	}
	return insert_parts(s, row_head, ROW_COLS, b->params, b->n);
}

static db_val *auth_values(db_val *v, long long report, long long n, long long k,
                           const char *method, const mc_fb_auth *a)
{
	v[0] = db_int(report);
	v[1] = db_int(n);
	v[2] = db_int(k);
	v[3] = db_text(method);
	v[4] = db_text(a->domain);
	v[5] = db_text(a->detail);
	v[6] = db_text(a->result);
	return v + AUTH_COLS;
}

static mc_status write_auth(mc_store *s, struct row_batch *b)
{
	db_val *v = b->params;
	long long n0 = b->next - (long long)b->n;
	mc_status st = MC_OK;

	for (size_t i = 0; i < b->n && st == MC_OK; i++) {
		const mc_fb_row *r = &b->rows[i];
		long long k = 0;

		for (size_t j = 0; j < r->n_dkim; j++)
			v = auth_values(v, s->report, n0 + (long long)i, k++, "dkim", &r->dkim_auth[j]);
		for (size_t j = 0; j < r->n_spf; j++)
			v = auth_values(v, s->report, n0 + (long long)i, k++, "spf", &r->spf_auth[j]);
	}
	return insert_parts(s, auth_head, AUTH_COLS, b->params,
	                    (size_t)(v - b->params) / AUTH_COLS);
}

mc_status store_rows_flush(mc_store *s)
{
	struct row_batch *b = s->batch;
	mc_status st;

	if (!b || !b->n)
		return MC_OK;
	if ((st = write_rows(s, b)) == MC_OK)
		st = write_auth(s, b);
	b->n = 0;
	return st;
}

mc_status store_rows_add(mc_store *s, const mc_fb_row *row)
{
	struct row_batch *b = s->batch;

	if (!b && !(b = s->batch = calloc(1, sizeof(*b))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	b->rows[b->n++] = *row;
	b->next++;
	return b->n == BATCH ? store_rows_flush(s) : MC_OK;
}

void store_rows_free(mc_store *s)
{
	free(s->batch);
	s->batch = NULL;
}

void store_rows_reset(mc_store *s)
{
	if (s->batch)
		s->batch->n = 0, s->batch->next = 0;
}
