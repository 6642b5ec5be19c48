/*
 * The PostgreSQL side (libpq): statements with their parameters apart
 * (PQexecParams: report text never becomes SQL), text results, bytes in
 * binary. The schema relies on nothing past PostgreSQL 10: identity
 * columns, ON CONFLICT DO NOTHING, RETURNING, foreign keys with ON DELETE
 * CASCADE, and a transaction-level advisory lock while the schema is made
 * -- which Citus (on co-located tables) and YugabyteDB speak too.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"

#define MAX_PARAMS 4096
#define BYTEA_OID 17

static mc_status fail(PGconn *c, const PGresult *r, const char *what)
{
	const char *why = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
	size_t n = strcspn(why, "\n");

	return mc_error_set(MC_EIO, "PostgreSQL: %s: %.*s", what, (int)(n > 300 ? 300 : n), why);
}

/* ? -> $1, $2, ... (no statement of mailcheck has a ? inside a literal). */
static char *numbered(const char *sql)
{
	mc_buf b = {0};
	int k = 0;

	for (const char *p = sql; *p; p++) {
		if (*p == '?')
			mc_buf_addf(&b, "$%d", ++k);
		else
			mc_buf_add(&b, p, 1);
	}
	return mc_buf_take(&b);
}

static void column(PGresult *r, int row, int i, db_val *v, unsigned char **freed)
{
	*v = (db_val){.type = DB_NULL, .s = ""};
	if (PQgetisnull(r, row, i))
		return;
	v->s = PQgetvalue(r, row, i);
	v->len = (size_t)PQgetlength(r, row, i);
	v->type = DB_TEXT;
	v->i = strtoll(v->s, NULL, 10);
	if (PQftype(r, i) == BYTEA_OID) {
		size_t n = 0;
		unsigned char *raw = PQunescapeBytea((const unsigned char *)v->s, &n);

		*freed = raw;
		v->type = DB_BLOB;
		v->s = raw ? (const char *)raw : "";
		v->len = raw ? n : 0;
	}
}

static mc_status rows_of(PGresult *r, db_row_fn fn, void *arg)
{
	int nr = PQntuples(r), nc = PQnfields(r);
	mc_status st = MC_OK;
	db_val cols[32];

	nc = nc > 32 ? 32 : nc;
	for (int row = 0; row < nr && st == MC_OK; row++) {
		unsigned char *freed[32] = {0};

		for (int i = 0; i < nc; i++)
			column(r, row, i, &cols[i], &freed[i]);
		st = fn(arg, cols, nc);
		for (int i = 0; i < nc; i++)
			PQfreemem(freed[i]);
	}
	return st;
}

/* Text as PostgreSQL takes it: NUL-terminated, valid UTF-8 (the database's
 * encoding), no NUL inside -- each byte that is not so becomes '?'. (SQLite
 * keeps the bytes as they are.) */
static void clean_text(char *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 2 : (c & 0xf0) == 0xe0 ? 3
		         : (c & 0xf8) == 0xf0 && c <= 0xf4 ? 4 : 0;
		bool ok = n && i + n <= len && c;

		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
		/* overlong and surrogate forms: the second byte's range (RFC 3629 4) */
		if (ok && n == 3)
			ok = !(c == 0xe0 && (unsigned char)s[i + 1] < 0xa0) &&
			     !(c == 0xed && (unsigned char)s[i + 1] > 0x9f);
		if (ok && n == 4)
			ok = !(c == 0xf0 && (unsigned char)s[i + 1] < 0x90) &&
			     !(c == 0xf4 && (unsigned char)s[i + 1] > 0x8f);
		if (!ok) {
			out[i++] = '?';
			continue;
		}
		memcpy(out + i, s + i, n);
		i += n;
	}
	out[len] = '\0';
}

/* n in decimal at out (at most 21 bytes and a NUL); its length. */
static size_t decimal(char *out, long long n)
{
	char digits[24];
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	size_t k = 0, len = 0;

	do
		digits[k++] = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		out[len++] = '-';
	while (k)
		out[len++] = digits[--k];
	out[len] = '\0';
	return len;
}

/* The parameters as libpq takes them: numbers and text as text, bytes as
 * binary; the texts made are one after the other in *arena. */
static bool values_of(const db_val *params, int n, const char **values, int *lengths,
                      int *formats, char **arena)
{
	size_t need = 0, at = 0;

	for (int i = 0; i < n; i++)
		need += params[i].type == DB_INT ? 24 : params[i].type == DB_TEXT ? params[i].len + 1 : 0;
	if (!(*arena = malloc(need ? need : 1)))
		return false;
	for (int i = 0; i < n; i++) {
		formats[i] = params[i].type == DB_BLOB;
		lengths[i] = (int)params[i].len;
		values[i] = params[i].type == DB_NULL ? NULL : params[i].s;
		if (params[i].type == DB_INT) {
			values[i] = *arena + at;
			at += decimal(*arena + at, params[i].i) + 1;
		} else if (params[i].type == DB_TEXT) {
			values[i] = *arena + at;
			clean_text(*arena + at, params[i].s, params[i].len);
			at += params[i].len + 1;
		}
	}
	return true;
}

#define CACHED 64        /* statements prepared once per connection */
#define MAX_PENDING 128  /* statements sent ahead before their results are read */

struct pg {
	PGconn *c;
	char *cache[CACHED];   /* the text of statement "mc<i>" */
	size_t n_cache;
	/* In a transaction, statements are sent without waiting for each
	 * result (libpq's pipeline mode): a report's batches of rows go out in
	 * one stream, and the first error is kept for its commit. */
	bool piped;
	int pending;           /* results not read yet (a sync counts as one) */
	mc_status failed;
};

static void take(struct pg *p, PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);

	if (p->failed == MC_OK && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
	    s != PGRES_PIPELINE_SYNC)
		p->failed = fail(p->c, r, "a statement");
	PQclear(r);
}

/* What was sent, out to the server, with a request to answer it now. */
static void flush(struct pg *p)
{
	if ((PQsendFlushRequest(p->c) != 1 || PQflush(p->c) != 0) && p->failed == MC_OK)
		p->failed = fail(p->c, NULL, "sending");
}

/* The results of the statements sent, all but the last keep. */
static void drain(struct pg *p, int keep)
{
	if (p->pending > keep)
		flush(p);
	while (p->pending > keep) {
		PGresult *r;

		while ((r = PQgetResult(p->c))) {
			bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;

			take(p, r);
			if (sync)
				break; /* a sync point has no NULL after it */
		}
		p->pending--;
	}
}

/* The name of the statement prepared for sql, preparing it if needed (in
 * a pipeline: sent); NULL when the cache is full (then sent unnamed). */
static const char *prepared(struct pg *p, const char *sql, int n, char *name)
{
	size_t i;
	char *text;

	for (i = 0; i < p->n_cache && strcmp(p->cache[i], sql); i++)
		;
	snprintf(name, 16, "mc%zu", i);
	if (i < p->n_cache)
		return name;
	if (i == CACHED || !(text = numbered(sql)))
		return NULL;
	if (!(p->cache[i] = mc_strdup(sql))) {
		free(text);
		return NULL;
	}
	bool ok;

	if (p->piped) {
		ok = PQsendPrepare(p->c, name, text, n, NULL) == 1;
		p->pending += ok;
	} else {
		PGresult *r = PQprepare(p->c, name, text, n, NULL);

		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	free(text);
	if (!ok) {
		free(p->cache[i]);
		return NULL;
	}
	p->n_cache++;
	return name;
}

static int send_statement(struct pg *p, const char *sql, int n, const char *const *values,
                          const int *lengths, const int *formats)
{
	char name[16], *text;
	const char *named = n ? prepared(p, sql, n, name) : NULL;
	int ok;

	if (named)
		return PQsendQueryPrepared(p->c, named, n, values, lengths, formats, 0);
	if (!(text = numbered(sql)))
		return 0;
	ok = PQsendQueryParams(p->c, text, n, NULL, values, lengths, formats, 0);
	free(text);
	return ok;
}

/* The rows of the statement just sent, one at a time (a year of rows is
 * not held whole), to fn. */
static mc_status receive(struct pg *p, db_row_fn fn, void *arg)
{
	mc_status st = MC_OK;
	PGresult *r;

	if (!p->piped)
		PQsetSingleRowMode(p->c);
	while ((r = PQgetResult(p->c))) {
		ExecStatusType s = PQresultStatus(r);

		if (p->failed != MC_OK)
			; /* a pipeline aborted earlier: read, and keep the first error */
		else if ((s == PGRES_SINGLE_TUPLE || s == PGRES_TUPLES_OK) && fn && st == MC_OK)
			st = rows_of(r, fn, arg);
		else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK &&
		         st == MC_OK)
			st = fail(p->c, r, "a statement");
		PQclear(r);
	}
	return st;
}

static mc_status pg_exec(void *conn, const char *sql, const db_val *params, int n, db_row_fn fn,
                         void *arg)
{
	struct pg *p = conn;
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	char *arena = NULL;
	mc_status st = MC_OK;

	if (n > MAX_PARAMS || !values_of(params, n, values, lengths, formats, &arena)) {
		st = mc_error_set(MC_ENOMEM, "out of memory");
		goto out;
	}
	if (send_statement(p, sql, n, values, lengths, formats) != 1) {
		st = fail(p->c, NULL, "a statement");
		goto out;
	}
	if (!p->piped) {
		st = receive(p, fn, arg);
		goto out;
	}
	p->pending++;
	if (fn) { /* its rows are wanted now: the results before it, then its own */
		flush(p);
		drain(p, 1);
		st = receive(p, fn, arg); /* its results read even after an error: counted */
		p->pending--;
		if (st != MC_OK && p->failed == MC_OK)
			p->failed = st; /* the pipeline is aborted from here to its sync */
	} else if (p->pending > MAX_PENDING) {
		drain(p, 0);
	} else if (PQflush(p->c) != 0 && p->failed == MC_OK) {
		/* out now, for the server to work on while the report is read on
		 * (libpq keeps a pipeline's statements until 64 KiB wait) */
		p->failed = fail(p->c, NULL, "sending");
	}
	if (st == MC_OK)
		st = p->failed;
out:
	free(arena);
	return st;
}

static mc_status simple(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	mc_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? MC_OK : fail(c, r, sql);

	PQclear(r);
	return st;
}

static mc_status pg_begin(void *conn)
{
	struct pg *p = conn;

	if (PQenterPipelineMode(p->c) != 1)
		return simple(p->c, "BEGIN");
	p->piped = true;
	p->failed = MC_OK;
	return pg_exec(p, "BEGIN", NULL, 0, NULL, NULL);
}

/* The pipeline ended at a sync point, every result read; the prepared
 * statements forgotten when something failed (one sent in the failed part
 * was never made). */
static mc_status unpipe(struct pg *p)
{
	mc_status st;

	if (!p->piped)
		return MC_OK;
	if (PQpipelineSync(p->c) == 1)
		p->pending++;
	drain(p, 0);
	PQexitPipelineMode(p->c);
	p->piped = false;
	st = p->failed;
	if (st != MC_OK) {
		for (size_t i = 0; i < p->n_cache; i++)
			free(p->cache[i]);
		p->n_cache = 0;
		PQclear(PQexec(p->c, "DEALLOCATE ALL"));
	}
	p->failed = MC_OK;
	return st;
}

static void pg_rollback(void *conn)
{
	struct pg *p = conn;

	(void)unpipe(p);
	if (PQtransactionStatus(p->c) != PQTRANS_IDLE)
		PQclear(PQexec(p->c, "ROLLBACK"));
}

static mc_status pg_commit(void *conn)
{
	struct pg *p = conn;
	mc_status st;

	if (!p->piped)
		return simple(p->c, "COMMIT");
	(void)pg_exec(p, "COMMIT", NULL, 0, NULL, NULL); /* an error stays in p->failed */
	if ((st = unpipe(p)) != MC_OK)
		pg_rollback(p);
	return st;
}

static void pg_close(void *conn)
{
	struct pg *p = conn;

	if (!p)
		return;
	PQfinish(p->c);
	for (size_t i = 0; i < p->n_cache; i++)
		free(p->cache[i]);
	free(p);
}

static const db_ops pg_ops = {
	.name = "postgresql", .exec = pg_exec, .begin = pg_begin, .commit = pg_commit,
	.rollback = pg_rollback, .close = pg_close,
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", .blob_type = "BYTEA",
	/* two machines creating the schema at once: one waits (a transaction
	 * lock, released at COMMIT) */
	.schema_lock = "SELECT pg_advisory_xact_lock(7418605)",
	.fold = {
		"UPDATE aggregate_row r SET auth = coalesce((SELECT json_agg(json_build_object("
		"'method', x.method, 'domain', coalesce(x.domain, ''), CASE x.method WHEN 'dkim' "
		"THEN 'selector' ELSE 'scope' END, coalesce(x.detail, ''), 'result', "
		"coalesce(x.result, '')) ORDER BY x.k)::text FROM aggregate_auth x WHERE "
		"x.report = r.report AND x.n = r.n), '[]')",
		"INSERT INTO aggregate_kind (key, disposition, dkim, spf, header_from, reasons, auth) "
		"SELECT DISTINCT json_build_array(r.disposition, r.dkim, r.spf, r.header_from, r.reasons, r.auth)::text, r.disposition, r.dkim, r.spf, r.header_from, r.reasons, r.auth "
		"FROM aggregate_row r",
		"INSERT INTO aggregate_row2 (report, n, source_ip, count, kind, envelope_from) SELECT "
		"r.report, r.n, r.source_ip, r.count, k.id, r.envelope_from FROM aggregate_row r JOIN "
		"aggregate_kind k ON k.key = json_build_array(r.disposition, r.dkim, r.spf, r.header_from, r.reasons, r.auth)::text",
	},
};

mc_status db_pg_open(const char *url, void **conn, const db_ops **ops)
{
	struct pg *p = calloc(1, sizeof(*p));
	PGconn *c = PQconnectdb(url);
	mc_status st;

	if (!c || !p) {
		PQfinish(c);
		free(p);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	if (PQstatus(c) != CONNECTION_OK) {
		st = fail(c, NULL, "cannot connect");
		PQfinish(c);
		free(p);
		return st;
	}
	/* quiet: no NOTICE lines on standard error */
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	p->c = c;
	*conn = p;
	*ops = &pg_ops;
	return MC_OK;
}
