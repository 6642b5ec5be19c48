/* Inside lib/store: the two databases behind one small interface. */
#ifndef MC_STORE_INTERNAL_H
#define MC_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailcheck/status.h"
#include "mailcheck/store.h"

/* A bound parameter, or a column of a result row. Text is not copied:
 * it lives until the call returns (a parameter) or the next row (a column). */
typedef enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB } db_type;
typedef struct db_val {
	db_type type;
	long long i;           /* DB_INT; a column of another type: its number, or 0 */
	const char *s;         /* DB_TEXT, DB_BLOB ("" for a NULL column) */
	size_t len;
} db_val;

static inline db_val db_int(long long i) { return (db_val){.type = DB_INT, .i = i}; }
/* Text; NULL and "" become NULL. */
static inline db_val db_text(const char *s)
{
	return s && *s ? (db_val){.type = DB_TEXT, .s = s, .len = __builtin_strlen(s)}
	               : (db_val){.type = DB_NULL};
}
static inline db_val db_blob(const void *p, size_t n)
{
	return (db_val){.type = DB_BLOB, .s = p, .len = n};
}

/* A row of a result: return MC_OK to go on, anything else stops (and is
 * returned). */
typedef mc_status (*db_row_fn)(void *arg, const db_val *cols, int n);

typedef struct db_ops {
	const char *name;      /* "sqlite", "postgresql" */
	/* One statement with ? for each parameter, in order (the PostgreSQL
	 * side renumbers them $1, $2, ...; no statement has a ? in a literal). */
	mc_status (*exec)(void *conn, const char *sql, const db_val *params, int n, db_row_fn fn,
	                  void *arg);
	/* A transaction that takes the write lock at once (SQLite BEGIN
	 * IMMEDIATE: a locked file is known at its start). */
	mc_status (*begin)(void *conn);
	mc_status (*commit)(void *conn);
	void (*rollback)(void *conn);
	void (*close)(void *conn);
	/* The column type of an identity key, of bytes; the statement that
	 * makes schema changes wait for each other (NULL: the transaction does). */
	const char *id_type, *blob_type, *schema_lock;
	/* Schema version 2 from 1, in this database's SQL: each row's auth
	 * results as a JSON array into aggregate_row.auth; the kinds of the
	 * rows into aggregate_kind; the rows into aggregate_row2 with theirs. */
	const char *fold[3];
} db_ops;

mc_status db_sqlite_open(const char *path, void **conn, const db_ops **ops);
mc_status db_pg_open(const char *url, void **conn, const db_ops **ops);

struct mc_store {
	void *conn;
	const db_ops *ops;
	char *url;             /* as given, for messages (no password in it: see store.c) */
	mc_feedback_sink sink;
	mc_store_counts counts;
	/* the aggregate report being stored */
	long long report;      /* its id, 0 when none */
	bool in_tx;
	struct row_batch *batch;
	int64_t now;
	struct ledger *ledger; /* the rows of the period last given back */
};

/* The rows of the report being stored, written a batch at a time. */
mc_status store_rows_add(mc_store *s, const mc_fb_row *row);
mc_status store_rows_flush(mc_store *s);
void store_rows_free(mc_store *s);
void store_rows_reset(mc_store *s); /* for the next report */
/* The kinds of rows made in a transaction rolled back are gone: forget
 * those known. */
void store_rows_forget(mc_store *s);

/* The period's reports given to f (NULL: none), their rows into s->ledger. */
mc_status store_ledger(mc_store *s, const mc_store_period *p, mc_feedback *f);

/* The schema, created or upgraded to the newest version. */
mc_status store_schema(mc_store *s);

/* A statement's one number (COUNT, an id), *out 0 when no row. */
mc_status store_number(mc_store *s, const char *sql, const db_val *params, int n,
                       long long *out);

#endif
