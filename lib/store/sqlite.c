/*
 * The SQLite side: one file, WAL journal (readers do not wait for the
 * writer), a busy timeout for a file another mailcheck is writing, and
 * the statements prepared once and kept, keyed by their text.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"

#define BUSY_MS 5000 /* how long a locked file is waited for */
#define CACHED 32

struct lite {
	sqlite3 *db;
	struct {
		char *sql;         /* the statement's text */
		sqlite3_stmt *st;
	} cache[CACHED];
	size_t n_cache;
};

static mc_status fail(struct lite *l, const char *what)
{
	int code = sqlite3_extended_errcode(l->db);
	const char *why = sqlite3_errmsg(l->db);

	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return mc_error_set(MC_EIO, "the SQLite database is locked by another program "
		                    "(waited %d s): %s", BUSY_MS / 1000, why);
	if ((code & 0xff) == SQLITE_FULL || (code & 0xff) == SQLITE_IOERR ||
	    (code & 0xff) == SQLITE_READONLY || (code & 0xff) == SQLITE_CANTOPEN)
		return mc_error_set(MC_EIO, "cannot write the SQLite database (a full disk, a file "
		                    "size limit or no permission): %s (at %s)", why, what);
	return mc_error_set(MC_EIO, "SQLite database: %s: %s", what, why);
}

static sqlite3_stmt *prepared(struct lite *l, const char *sql)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < l->n_cache; i++)
		if (!strcmp(l->cache[i].sql, sql)) {
			sqlite3_reset(l->cache[i].st);
			sqlite3_clear_bindings(l->cache[i].st);
			return l->cache[i].st;
		}
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (l->n_cache < CACHED && (l->cache[l->n_cache].sql = mc_strdup(sql)))
		l->cache[l->n_cache++].st = st;
	return st;
}

static bool cached(const struct lite *l, const sqlite3_stmt *st)
{
	for (size_t i = 0; i < l->n_cache; i++)
		if (l->cache[i].st == st)
			return true;
	return false;
}

static int bind(sqlite3_stmt *st, const db_val *p, int n)
{
	int rc = SQLITE_OK;

	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		switch (p[i].type) {
		case DB_INT: rc = sqlite3_bind_int64(st, i + 1, p[i].i); break;
		case DB_TEXT: rc = sqlite3_bind_text(st, i + 1, p[i].s, (int)p[i].len, SQLITE_STATIC); break;
		case DB_BLOB: rc = sqlite3_bind_blob(st, i + 1, p[i].s, (int)p[i].len, SQLITE_STATIC); break;
		default: rc = sqlite3_bind_null(st, i + 1);
		}
	}
	return rc;
}

static void column(sqlite3_stmt *st, int i, db_val *v)
{
	int t = sqlite3_column_type(st, i);

	*v = (db_val){.type = DB_NULL, .s = ""};
	if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
		v->type = DB_INT;
		v->i = sqlite3_column_int64(st, i);
	} else if (t == SQLITE_TEXT || t == SQLITE_BLOB) {
		v->type = t == SQLITE_TEXT ? DB_TEXT : DB_BLOB;
		v->s = t == SQLITE_TEXT ? (const char *)sqlite3_column_text(st, i)
		                        : (const char *)sqlite3_column_blob(st, i);
		v->len = (size_t)sqlite3_column_bytes(st, i);
		v->s = v->s ? v->s : "";
	}
}

static mc_status lite_exec(void *conn, const char *sql, const db_val *params, int n,
                           db_row_fn fn, void *arg)
{
	struct lite *l = conn;
	sqlite3_stmt *st = prepared(l, sql);
	mc_status out = MC_OK;
	db_val cols[32];
	int rc;

	if (!st)
		return fail(l, "a statement");
	if (bind(st, params, n) != SQLITE_OK) {
		out = fail(l, "a parameter");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out == MC_OK && fn) {
		int nc = sqlite3_column_count(st);

		nc = nc > 32 ? 32 : nc;
		for (int i = 0; i < nc; i++)
			column(st, i, &cols[i]);
		out = fn(arg, cols, nc);
	}
	if (out == MC_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		out = fail(l, "a statement");
done:
	if (cached(l, st))
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	return out;
}

static mc_status lite_simple(struct lite *l, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(l->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		sqlite3_free(err);
		return fail(l, sql);
	}
	return MC_OK;
}

static mc_status lite_begin(void *conn) { return lite_simple(conn, "BEGIN IMMEDIATE"); }
static mc_status lite_commit(void *conn) { return lite_simple(conn, "COMMIT"); }

static void lite_rollback(void *conn)
{
	struct lite *l = conn;

	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

static void lite_close(void *conn)
{
	struct lite *l = conn;

	if (!l)
		return;
	for (size_t i = 0; i < l->n_cache; i++) {
		sqlite3_finalize(l->cache[i].st);
		free(l->cache[i].sql);
	}
	sqlite3_close(l->db);
	free(l);
}

static const db_ops lite_ops = {
	.name = "sqlite", .exec = lite_exec, .begin = lite_begin, .commit = lite_commit,
	.rollback = lite_rollback, .close = lite_close,
	.id_type = "INTEGER PRIMARY KEY", .blob_type = "BLOB",
	.fold = {
		"UPDATE aggregate_row SET auth = (SELECT json_group_array(json_object('method', "
		"x.method, 'domain', coalesce(x.domain, ''), CASE x.method WHEN 'dkim' THEN "
		"'selector' ELSE 'scope' END, coalesce(x.detail, ''), 'result', "
		"coalesce(x.result, ''))) FROM (SELECT * FROM aggregate_auth x WHERE x.report = "
		"aggregate_row.report AND x.n = aggregate_row.n ORDER BY x.k) x)",
		"INSERT INTO aggregate_kind (key, disposition, dkim, spf, header_from, reasons, auth) "
		"SELECT DISTINCT json_array(r.disposition, r.dkim, r.spf, r.header_from, r.reasons, r.auth), r.disposition, r.dkim, r.spf, r.header_from, r.reasons, r.auth "
		"FROM aggregate_row r",
		"INSERT INTO aggregate_row2 (report, n, source_ip, count, kind, envelope_from) SELECT "
		"r.report, r.n, r.source_ip, r.count, k.id, r.envelope_from FROM aggregate_row r JOIN "
		"aggregate_kind k ON k.key = json_array(r.disposition, r.dkim, r.spf, r.header_from, r.reasons, r.auth)",
	},
};

mc_status db_sqlite_open(const char *path, void **conn, const db_ops **ops)
{
	struct lite *l = calloc(1, sizeof(*l));
	mc_status st;

	if (!l)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		st = mc_error_set(MC_EIO, "cannot open the SQLite database '%s': %s", path,
		                  l->db ? sqlite3_errmsg(l->db) : "out of memory");
		lite_close(l);
		return st;
	}
	sqlite3_busy_timeout(l->db, BUSY_MS);
	sqlite3_extended_result_codes(l->db, 1);
	/* WAL: a summary reads while another run stores; foreign keys on */
	if ((st = lite_simple(l, "PRAGMA journal_mode=WAL")) != MC_OK ||
	    (st = lite_simple(l, "PRAGMA foreign_keys=ON")) != MC_OK ||
	    (st = lite_simple(l, "PRAGMA synchronous=NORMAL")) != MC_OK) {
		st = mc_error_set(MC_EIO, "cannot use the SQLite database '%s': %s", path,
		                  mc_error_last());
		lite_close(l);
		return st;
	}
	*conn = l;
	*ops = &lite_ops;
	return MC_OK;
}
