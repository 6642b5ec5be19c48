/*
 * The rows of the aggregate report being stored, written BATCH at a time
 * as multi-row INSERTs: one statement per batch instead of one per row. A
 * batch that is not full is written in parts of 32, 16, ..., 1 rows, so
 * that only a few statement texts exist (each is prepared once).
 *
 * What a row says beyond its source and count -- the disposition, the
 * policy results, the From domain, the override reasons and the auth
 * results -- is its kind, stored once in aggregate_kind: a domain's rows
 * are of a few kinds, so a row is a few numbers, and a year of them is
 * read back in a fraction of a second.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"
#include "store/ledger.h"

#define BATCH 64
#define ROW_COLS 6

/* What is written of a row: its kind is found when it comes. */
struct row {
	char ip[64], envelope_from[256];
	uint64_t count;
	long long kind;
};

struct row_batch {
	struct row rows[BATCH];
	size_t n;
	long long next;        /* the number of the report's next row */
	db_val params[BATCH * ROW_COLS];
	/* the kinds known in this connection: key -> id */
	intern kinds;
	long long *ids;
	size_t cap_ids;
	char reasons[MC_FB_MAX_REASONS * 33];
	mc_buf auth, key;
	char *sql[8];          /* the INSERT of 64, 32, ..., 1 rows, made once */
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

static const char row_head[] =
	"INSERT INTO aggregate_row (report, n, source_ip, count, kind, envelope_from)";

/* n rows (a power of two up to BATCH). */
static mc_status insert(mc_store *s, struct row_batch *b, const db_val *v, size_t n)
{
	size_t i = (size_t)__builtin_ctzll(BATCH) - (size_t)__builtin_ctzll(n);

	if (!b->sql[i] && !(b->sql[i] = insert_sql(row_head, ROW_COLS, n)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	return s->ops->exec(s->conn, b->sql[i], v, (int)(n * ROW_COLS), NULL, NULL);
}

/* n rows, in parts of at most BATCH, as BATCH, 32, ..., 1. */
static mc_status insert_parts(mc_store *s, struct row_batch *b, const db_val *v, size_t n)
{
	mc_status st = MC_OK;

	for (size_t part = BATCH; part && st == MC_OK; part /= 2)
		while (n >= part && st == MC_OK) {
			st = insert(s, b, v, part);
			v += part * ROW_COLS;
			n -= part;
		}
	return st;
}

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
static bool auth_json(mc_buf *b, const mc_fb_row *r)
{
	b->len = 0;
	mc_buf_add(b, "[", 1);
	for (size_t j = 0; j < r->n_dkim; j++)
		json_auth(b, "dkim", "selector", &r->dkim_auth[j]);
	for (size_t j = 0; j < r->n_spf; j++)
		json_auth(b, "spf", "scope", &r->spf_auth[j]);
	return mc_buf_add(b, "]", 1) == 0;
}

/* The fields one after the other, each as its length, a colon and its
 * bytes, so that no two lists of fields give the same key. */
static bool key_of(mc_buf *b, const db_val *v, int n)
{
	b->len = 0;
	for (int i = 0; i < n; i++) {
		char len[24];
		size_t k = sizeof(len);

		len[--k] = ':';
		for (size_t x = v[i].len; k == sizeof(len) - 1 || x; x /= 10)
			len[--k] = (char)('0' + x % 10);
		if (mc_buf_add(b, len + k, sizeof(len) - k) < 0 ||
		    (v[i].len && mc_buf_add(b, v[i].s, v[i].len) < 0)) /* an empty field: NULL */
			return false;
	}
	return true;
}

static mc_status take_id(void *arg, const db_val *c, int n)
{
	*(long long *)arg = n ? c[0].i : 0;
	return MC_OK;
}

/* The id of the row's kind: known in this connection, else found or
 * made in aggregate_kind (two runs making it at once make it once). */
/* The key of a row's kind: its fields, then each auth result's method,
 * domain, detail and result (the JSON is made only for a new kind). */
static bool kind_key(struct row_batch *b, const db_val *fields, const mc_fb_row *r)
{
	db_val v[5 + 4 * 2 * MC_FB_MAX_AUTH];
	int n = 5;

	memcpy(v, fields, 5 * sizeof(*v));
	for (size_t j = 0; j < r->n_dkim + r->n_spf && j < 2 * MC_FB_MAX_AUTH; j++) {
		const mc_fb_auth *a = j < r->n_dkim ? &r->dkim_auth[j] : &r->spf_auth[j - r->n_dkim];

		v[n++] = db_text(j < r->n_dkim ? "dkim" : "spf");
		v[n++] = db_text(a->domain);
		v[n++] = db_text(a->detail);
		v[n++] = db_text(a->result);
	}
	return key_of(&b->key, v, n);
}

/* The id of the row's kind: known in this connection, else found or
 * made in aggregate_kind (two runs making it at once make it once). */
static mc_status kind_of(mc_store *s, struct row_batch *b, const mc_fb_row *r, long long *id)
{
	static const char add[] =
		"INSERT INTO aggregate_kind (key, disposition, dkim, spf, header_from, reasons, auth) "
		"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id";
	static const char find[] = "SELECT id FROM aggregate_kind WHERE key = ?";
	db_val v[7] = {{0}, db_text(r->disposition), db_text(r->dkim), db_text(r->spf),
	               db_text(r->header_from), db_text(joined(b->reasons, sizeof(b->reasons), r))};
	size_t known = b->kinds.n;
	uint32_t at;
	mc_status st;

	if (!kind_key(b, v + 1, r))
		return mc_error_set(MC_ENOMEM, "out of memory");
	if ((st = intern_get(&b->kinds, b->key.s, b->key.len, &at)) != MC_OK)
		return st;
	if (at < known) {
		*id = b->ids[at];
		return MC_OK;
	}
	if (!auth_json(&b->auth, r)) {
		intern_forget_last(&b->kinds);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	v[0] = (db_val){.type = DB_TEXT, .s = b->key.s, .len = b->key.len};
	v[6] = (db_val){.type = DB_TEXT, .s = b->auth.s, .len = b->auth.len};
	*id = 0;
	if ((st = s->ops->exec(s->conn, add, v, 7, take_id, id)) == MC_OK && !*id)
		st = s->ops->exec(s->conn, find, v, 1, take_id, id);
	if (st == MC_OK && !*id)
		st = mc_error_set(MC_EIO, "the database gave no id for a kind of row");
	if (st == MC_OK && mc_grow(&b->ids, &b->cap_ids, at + 1, sizeof(*b->ids)) < 0)
		st = mc_error_set(MC_ENOMEM, "out of memory");
	if (st != MC_OK) {
		intern_forget_last(&b->kinds);
		return st;
	}
	b->ids[at] = *id;
	return MC_OK;
}

static mc_status write_rows(mc_store *s, struct row_batch *b)
{
	db_val *v = b->params;
	long long n0 = b->next - (long long)b->n;

	for (size_t i = 0; i < b->n; i++, v += ROW_COLS) {
		const struct row *r = &b->rows[i];

		v[0] = db_int(s->report);
		v[1] = db_int(n0 + (long long)i);
		v[2] = db_text(r->ip);
		v[3] = db_int((long long)r->count);
		v[4] = db_int(r->kind);
		v[5] = db_text(r->envelope_from);
	}
	return insert_parts(s, b, b->params, b->n);
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
	struct row *r = &b->rows[b->n];
	mc_status st = kind_of(s, b, row, &r->kind);

	if (st != MC_OK)
		return st;
	memcpy(r->ip, row->ip, sizeof(r->ip));
	memcpy(r->envelope_from, row->envelope_from, sizeof(r->envelope_from));
	r->count = row->count;
	b->n++;
	b->next++;
	return b->n == BATCH ? store_rows_flush(s) : MC_OK;
}

void store_rows_free(mc_store *s)
{
	if (s->batch) {
		store_rows_forget(s);
		mc_buf_free(&s->batch->auth);
		mc_buf_free(&s->batch->key);
		for (size_t i = 0; i < 8; i++)
			free(s->batch->sql[i]);
	}
	free(s->batch);
	s->batch = NULL;
}

void store_rows_forget(mc_store *s)
{
	if (!s->batch)
		return;
	intern_free(&s->batch->kinds);
	free(s->batch->ids);
	s->batch->ids = NULL;
	s->batch->cap_ids = 0;
}

void store_rows_reset(mc_store *s)
{
	if (s->batch)
		s->batch->n = 0, s->batch->next = 0;
}
