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
static char *clean_text(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i = 0;

	if (!out)
		return NULL;
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
	return out;
}

/* The parameters as libpq takes them: numbers and text as text, bytes as
 * binary; kept[] holds the copies made. */
static bool values_of(const db_val *params, int n, const char **values, int *lengths,
                      int *formats, char **kept)
{
	for (int i = 0; i < n; i++) {
		formats[i] = params[i].type == DB_BLOB;
		lengths[i] = (int)params[i].len;
		values[i] = params[i].type == DB_NULL ? NULL : params[i].s;
		if (params[i].type == DB_INT)
			kept[i] = mc_asprintf("%lld", params[i].i);
		else if (params[i].type == DB_TEXT)
			kept[i] = clean_text(params[i].s, params[i].len);
		else
			continue;
		if (!kept[i])
			return false;
		values[i] = kept[i];
	}
	return true;
}

static mc_status pg_exec(void *conn, const char *sql, const db_val *params, int n, db_row_fn fn,
                         void *arg)
{
	PGconn *c = conn;
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	char **kept = n ? calloc((size_t)n, sizeof(*kept)) : NULL;
	char *text = numbered(sql);
	PGresult *r = NULL;
	mc_status st = MC_OK;

	if (n > MAX_PARAMS || (n && !kept) || !text ||
	    !values_of(params, n, values, lengths, formats, kept)) {
		st = mc_error_set(MC_ENOMEM, "out of memory");
		goto out;
	}
	r = PQexecParams(c, text, n, NULL, values, lengths, formats, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && fn)
		st = rows_of(r, fn, arg);
	else if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		st = fail(c, r, "a statement");
	PQclear(r);
out:
	for (int i = 0; kept && i < n; i++)
		free(kept[i]);
	free(kept);
	free(text);
	return st;
}

static mc_status simple(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	mc_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? MC_OK : fail(c, r, sql);

	PQclear(r);
	return st;
}

static mc_status pg_begin(void *conn) { return simple(conn, "BEGIN"); }
static mc_status pg_commit(void *conn) { return simple(conn, "COMMIT"); }

static void pg_rollback(void *conn)
{
	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}

static void pg_close(void *conn)
{
	if (conn)
		PQfinish(conn);
}

static const db_ops pg_ops = {
	.name = "postgresql", .exec = pg_exec, .begin = pg_begin, .commit = pg_commit,
	.rollback = pg_rollback, .close = pg_close,
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", .blob_type = "BYTEA",
	/* two machines creating the schema at once: one waits (a transaction
	 * lock, released at COMMIT) */
	.schema_lock = "SELECT pg_advisory_xact_lock(7418605)",
};

mc_status db_pg_open(const char *url, void **conn, const db_ops **ops)
{
	PGconn *c = PQconnectdb(url);
	mc_status st;

	if (!c)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		st = fail(c, NULL, "cannot connect");
		PQfinish(c);
		return st;
	}
	/* quiet: no NOTICE lines on standard error */
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	*conn = c;
	*ops = &pg_ops;
	return MC_OK;
}
