/*
 * The schema and its versions (docs/database.md). Upgrades are applied in
 * order, each in the transaction that records it, so that a database is at
 * one version or the next and never between. A database newer than this
 * mailcheck is refused, not written.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/internal.h"

/* The statements of an upgrade that each database says its own way. */
#define FOLD_AUTH "fold auth"
#define FOLD_KINDS "fold kinds"
#define FOLD_ROWS "fold rows"

/* %1$s: the identity key column type; %2$s: the bytes type. */
static const char *const v1[] = {
	"CREATE TABLE aggregate_report (id %1$s, org TEXT NOT NULL, report_id TEXT, email TEXT, "
	"begin_time BIGINT, end_time BIGINT, domain TEXT, p TEXT, sp TEXT, adkim TEXT, "
	"aspf TEXT, pct INTEGER, row_count BIGINT NOT NULL DEFAULT 0, "
	"messages BIGINT NOT NULL DEFAULT 0, dmarc_pass BIGINT NOT NULL DEFAULT 0, input TEXT, "
	"stored BIGINT NOT NULL, UNIQUE (org, report_id))",
	"CREATE INDEX aggregate_report_begin ON aggregate_report (begin_time)",
	"CREATE INDEX aggregate_report_domain ON aggregate_report (domain, begin_time)",
	"CREATE TABLE aggregate_row (report BIGINT NOT NULL REFERENCES aggregate_report (id) "
	"ON DELETE CASCADE, n INTEGER NOT NULL, source_ip TEXT NOT NULL, count BIGINT NOT NULL, "
	"disposition TEXT, dkim TEXT, spf TEXT, header_from TEXT, envelope_from TEXT, "
	"reasons TEXT, PRIMARY KEY (report, n))",
	"CREATE TABLE aggregate_auth (report BIGINT NOT NULL, n INTEGER NOT NULL, "
	"k INTEGER NOT NULL, method TEXT NOT NULL, domain TEXT, detail TEXT, result TEXT, "
	"PRIMARY KEY (report, n, k), FOREIGN KEY (report, n) REFERENCES aggregate_row "
	"(report, n) ON DELETE CASCADE)",
	"CREATE TABLE tls_report (id %1$s, org TEXT NOT NULL, report_id TEXT, contact TEXT, "
	"begin_time BIGINT, end_time BIGINT, json TEXT NOT NULL, input TEXT, "
	"stored BIGINT NOT NULL, UNIQUE (org, report_id))",
	"CREATE INDEX tls_report_begin ON tls_report (begin_time)",
	"CREATE TABLE tls_policy (report BIGINT NOT NULL REFERENCES tls_report (id) "
	"ON DELETE CASCADE, policy_domain TEXT, policy_type TEXT, successes BIGINT NOT NULL, "
	"failures BIGINT NOT NULL)",
	"CREATE INDEX tls_policy_report ON tls_policy (report)",
	"CREATE TABLE tls_failure (report BIGINT NOT NULL REFERENCES tls_report (id) "
	"ON DELETE CASCADE, policy_domain TEXT, mx TEXT NOT NULL, result_type TEXT, "
	"sessions BIGINT NOT NULL)",
	"CREATE INDEX tls_failure_report ON tls_failure (report)",
	"CREATE TABLE failure_report (id %1$s, digest TEXT NOT NULL UNIQUE, arrival BIGINT, "
	"reporter TEXT, reported_domain TEXT, source_ip TEXT, feedback_type TEXT, "
	"auth_failure TEXT, original_mail_from TEXT, dkim_domain TEXT, message %2$s NOT NULL, "
	"input TEXT, stored BIGINT NOT NULL)",
	"CREATE INDEX failure_report_arrival ON failure_report (arrival)",
	"CREATE TABLE mailbox (url TEXT PRIMARY KEY, uidvalidity BIGINT NOT NULL, "
	"last_uid BIGINT NOT NULL, updated BIGINT NOT NULL)",
	NULL,
};

/* Version 2: what a row says beyond its source and count -- disposition,
 * policy results, From domain, override reasons and auth results (a JSON
 * array, rows.c) -- as its kind, stored once in aggregate_kind, so that a
 * period's rows are read as a few numbers each from one table (a year of
 * version 1 rows and their auth results took seconds to read). Version 1
 * is folded in by the database's own JSON functions (db_ops.fold), its
 * auth results in their order; the rows are copied into the new table.
 * The rows have no foreign keys: PostgreSQL checks one row by row, which
 * took as long as storing the rows; mailcheck writes a report and its
 * rows in one transaction (docs/database.md: deleting reports). */
static const char *const v2[] = {
	"CREATE TABLE aggregate_kind (id %1$s, key TEXT NOT NULL UNIQUE, disposition TEXT, "
	"dkim TEXT, spf TEXT, header_from TEXT, reasons TEXT, auth TEXT NOT NULL)",
	"ALTER TABLE aggregate_row ADD COLUMN auth TEXT",
	FOLD_AUTH,
	FOLD_KINDS,
	"CREATE TABLE aggregate_row2 (report BIGINT NOT NULL, n INTEGER NOT NULL, "
	"source_ip TEXT NOT NULL, count BIGINT NOT NULL, kind BIGINT NOT NULL, "
	"envelope_from TEXT, PRIMARY KEY (report, n))",
	FOLD_ROWS,
	"DROP TABLE aggregate_auth",
	"DROP TABLE aggregate_row",
	"ALTER TABLE aggregate_row2 RENAME TO aggregate_row",
	NULL,
};

static const char *const *const versions[] = {v1, v2};
#define NEWEST ((long long)(sizeof(versions) / sizeof(*versions)))

static mc_status upgrade(mc_store *s, long long to)
{
	static const char record[] = "INSERT INTO mailcheck_schema (version, applied) VALUES (?, ?)";
	const db_val v[] = {db_int(to), db_int(s->now)};
	mc_status st = MC_OK;

	for (const char *const *q = versions[to - 1]; *q && st == MC_OK; q++) {
		const char *fold = !strcmp(*q, FOLD_AUTH) ? s->ops->fold[0]
		                   : !strcmp(*q, FOLD_KINDS) ? s->ops->fold[1]
		                   : !strcmp(*q, FOLD_ROWS) ? s->ops->fold[2] : NULL;
		char *sql = fold ? mc_strdup(fold) : mc_asprintf(*q, s->ops->id_type, s->ops->blob_type);

		st = sql ? s->ops->exec(s->conn, sql, NULL, 0, NULL, NULL)
		         : mc_error_set(MC_ENOMEM, "out of memory");
		free(sql);
	}
	return st == MC_OK ? s->ops->exec(s->conn, record, v, 2, NULL, NULL) : st;
}

mc_status store_schema(mc_store *s)
{
	static const char table[] =
		"CREATE TABLE IF NOT EXISTS mailcheck_schema (version INTEGER NOT NULL, "
		"applied BIGINT NOT NULL)";
	long long have = 0;
	mc_status st;

	if ((st = s->ops->begin(s->conn)) != MC_OK)
		return st;
	if (s->ops->schema_lock)
		st = s->ops->exec(s->conn, s->ops->schema_lock, NULL, 0, NULL, NULL);
	if (st == MC_OK && (st = s->ops->exec(s->conn, table, NULL, 0, NULL, NULL)) == MC_OK &&
	    (st = store_number(s, "SELECT MAX(version) FROM mailcheck_schema", NULL, 0, &have)) ==
	            MC_OK && have > NEWEST)
		st = mc_error_set(MC_EIO, "the database is at schema version %lld, newer than this "
		                  "mailcheck knows (%lld): upgrade mailcheck", have, NEWEST);
	for (long long v = have + 1; st == MC_OK && v <= NEWEST; v++)
		st = upgrade(s, v);
	if (st == MC_OK)
		return s->ops->commit(s->conn);
	s->ops->rollback(s->conn);
	return st;
}
