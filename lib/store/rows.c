/*
 * The rows of the aggregate report being stored, each with its auth results
 * as a JSON array in its `auth` column, written BATCH at a time as
 * multi-row INSERTs: one statement per batch instead of one per row. A
 * batch that is not full is written in parts of 32, 16, ..., 1 rows, so
 * that only a few statement texts exist (each is prepared once).
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"

#define BATCH 64
#define ROW_COLS 11

struct row_batch {
	mc_fb_row rows[BATCH];
	size_t n;
	long long next;        /* the number of the report's next row */
	char reasons[BATCH][MC_FB_MAX_REASONS * 33];
	mc_buf auth[BATCH];
	db_val params[BATCH * ROW_COLS];
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
	"header_from, envelope_from, reasons, auth)";

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

/* s as a JSON string (RFC 8259 section 7): quotes, backslashes and control
 * characters escaped. */
static void json_string(mc_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	mc_buf_add(b, "\"", 1);
	for (const char *run = s;; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		mc_buf_add(b, run, (size_t)(s - run));
		if (!c)
			break;
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c == '"' || c == '\\')
			mc_buf_add(b, (char[]){'\\', (char)c}, 2);
		else
			mc_buf_add(b, esc, sizeof(esc));
		run = s + 1;
	}
	mc_buf_add(b, "\"", 1);
}

static void json_auth(mc_buf *b, const char *method, const char *detail_name,
                      const mc_fb_auth *a)
{
	mc_buf_addf(b, "%s{\"method\":\"%s\",\"domain\":", b->len > 1 ? "," : "", method);
	json_string(b, a->domain);
	mc_buf_addf(b, ",\"%s\":", detail_name);
	json_string(b, a->detail);
	mc_buf_add(b, ",\"result\":", 10);
	json_string(b, a->result);
	mc_buf_add(b, "}", 1);
}

/* A row's <auth_results> as a JSON array: DKIM results, then SPF, each
 * {"method", "domain", "selector" or "scope", "result"}. */
static db_val auth_json(mc_buf *b, const mc_fb_row *r)
{
	b->len = 0;
	mc_buf_add(b, "[", 1);
	for (size_t j = 0; j < r->n_dkim; j++)
		json_auth(b, "dkim", "selector", &r->dkim_auth[j]);
	for (size_t j = 0; j < r->n_spf; j++)
		json_auth(b, "spf", "scope", &r->spf_auth[j]);
	if (mc_buf_add(b, "]", 1) < 0)
		return (db_val){.type = DB_NULL};
	return (db_val){.type = DB_TEXT, .s = b->s, .len = b->len};
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
		if ((v[10] = auth_json(&b->auth[i], r)).type == DB_NULL)
			return mc_error_set(MC_ENOMEM, "out of memory");
	}
	return insert_parts(s, row_head, ROW_COLS, b->params, b->n);
}

mc_status store_rows_flush(mc_store *s)
{
	struct row_batch *b = s->batch;
	mc_status st;

	if (!b || !b->n)
		return MC_OK;
	st = write_rows(s, b);
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
	for (size_t i = 0; s->batch && i < BATCH; i++)
		mc_buf_free(&s->batch->auth[i]);
	free(s->batch);
	s->batch = NULL;
}

void store_rows_reset(mc_store *s)
{
	if (s->batch)
		s->batch->n = 0, s->batch->next = 0;
}
