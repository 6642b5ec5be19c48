/*
 * Reports into the database, each in one transaction: a report that breaks
 * off, or a run stopped half-way, leaves none of it, and the next run
 * stores it whole. A report is known by its reporter and report ID (RFC
 * 7489 appendix C, RFC 8460 section 4.4; ON CONFLICT DO NOTHING, so that
 * two machines reading one mailbox store it once), a failure report by the
 * SHA-256 of its message.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "mailcheck/msg.h"
#include "store/internal.h"
#include "store/ledger.h"

static mc_status take_number(void *arg, const db_val *cols, int n)
{
	*(long long *)arg = n ? cols[0].i : 0;
	return MC_OK;
}

mc_status store_number(mc_store *s, const char *sql, const db_val *params, int n,
                       long long *out)
{
	*out = 0;
	return s->ops->exec(s->conn, sql, params, n, take_number, out);
}

/* ---- the transaction of one report ---- */

static mc_status begin(mc_store *s)
{
	mc_status st = s->ops->begin(s->conn);

	s->in_tx = st == MC_OK;
	return st;
}

static void rollback(mc_store *s)
{
	if (s->in_tx)
		s->ops->rollback(s->conn);
	s->in_tx = false;
	s->report = 0;
	store_rows_reset(s);
	store_rows_forget(s);
}

static mc_status commit(mc_store *s)
{
	mc_status st = s->ops->commit(s->conn);

	if (st != MC_OK)
		rollback(s);
	s->in_tx = false;
	s->report = 0;
	return st;
}

/* st: an error rolls the report back. */
static mc_status checked(mc_store *s, mc_status st)
{
	if (st != MC_OK)
		rollback(s);
	return st;
}

/* ---- aggregate reports ---- */

static mc_status agg_begin(void *arg, const mc_fb_meta *m, const char *what, bool *known)
{
	mc_store *s = arg;
	static const char sql[] =
		"INSERT INTO aggregate_report (org, report_id, email, begin_time, end_time, domain, p, "
		"sp, adkim, aspf, pct, input, stored) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT DO NOTHING RETURNING id";
	const db_val v[] = {
		{.type = DB_TEXT, .s = m->org, .len = strlen(m->org)}, db_text(m->report_id),
		db_text(m->email), db_int(m->begin), db_int(m->end), db_text(m->domain),
		db_text(m->p), db_text(m->sp), db_text(m->adkim), db_text(m->aspf),
		m->pct >= 0 ? db_int(m->pct) : (db_val){.type = DB_NULL}, db_text(what),
		db_int(s->now)};
	mc_status st;

	*known = false;
	store_rows_reset(s);
	if ((st = begin(s)) != MC_OK ||
	    (st = checked(s, store_number(s, sql, v, 13, &s->report))) != MC_OK)
		return st;
	if (!s->report) {
		*known = true;
		s->counts.known++;
		rollback(s);
	}
	return MC_OK;
}

static mc_status agg_row(void *arg, const mc_fb_row *row)
{
	mc_store *s = arg;

	return s->report ? checked(s, store_rows_add(s, row)) : MC_OK;
}

static mc_status agg_end(void *arg, bool whole, uint64_t rows, uint64_t messages,
                         uint64_t dmarc_pass)
{
	mc_store *s = arg;
	static const char sql[] =
		"UPDATE aggregate_report SET row_count = ?, messages = ?, dmarc_pass = ? WHERE id = ?";
	const db_val v[] = {db_int((long long)rows), db_int((long long)messages),
	                    db_int((long long)dmarc_pass), db_int(s->report)};
	mc_status st;

	if (!s->report)
		return MC_OK;
	if (!whole) {
		rollback(s);
		s->counts.dropped++;
		return MC_OK;
	}
	if ((st = checked(s, store_rows_flush(s))) != MC_OK ||
	    (st = checked(s, s->ops->exec(s->conn, sql, v, 4, NULL, NULL))) != MC_OK ||
	    (st = commit(s)) != MC_OK)
		return st;
	store_rows_reset(s);
	s->counts.aggregate++;
	return MC_OK;
}

/* ---- TLS reports ---- */

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static long long jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : 0;
}

/* One policy of a TLS report, and its failure details (RFC 8460 4.3/4.4). */
static mc_status tls_policy(mc_store *s, long long id, json_t *pe)
{
	static const char pol_sql[] =
		"INSERT INTO tls_policy (report, policy_domain, policy_type, successes, failures) "
		"VALUES (?, ?, ?, ?, ?)";
	static const char fail_sql[] =
		"INSERT INTO tls_failure (report, policy_domain, mx, result_type, sessions) "
		"VALUES (?, ?, ?, ?, ?)";
	json_t *pol = json_object_get(pe, "policy"), *sum = json_object_get(pe, "summary");
	json_t *det = json_object_get(pe, "failure-details");
	const char *domain = jstr(pol, "policy-domain");
	const db_val pv[] = {db_int(id), db_text(domain), db_text(jstr(pol, "policy-type")),
	                     db_int(jnum(sum, "total-successful-session-count")),
	                     db_int(jnum(sum, "total-failure-session-count"))};
	mc_status st = s->ops->exec(s->conn, pol_sql, pv, 5, NULL, NULL);

	for (size_t k = 0; st == MC_OK && k < json_array_size(det) && k < 10000; k++) {
		json_t *d = json_array_get(det, k);
		const db_val fv[] = {db_int(id), db_text(domain),
		                     {.type = DB_TEXT, .s = jstr(d, "receiving-mx-hostname"),
		                      .len = strlen(jstr(d, "receiving-mx-hostname"))},
		                     db_text(jstr(d, "result-type")),
		                     db_int(jnum(d, "failed-session-count"))};

		st = s->ops->exec(s->conn, fail_sql, fv, 5, NULL, NULL);
	}
	return st;
}

static mc_status tls_report(void *arg, const mc_fb_tls_report *t, const char *what, bool *known)
{
	mc_store *s = arg;
	static const char sql[] =
		"INSERT INTO tls_report (org, report_id, contact, begin_time, end_time, json, input, "
		"stored) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
	const db_val v[] = {{.type = DB_TEXT, .s = t->org, .len = strlen(t->org)},
	                    db_text(t->report_id), db_text(t->contact), db_int(t->begin),
	                    db_int(t->end), {.type = DB_TEXT, .s = t->json, .len = t->json_len},
	                    db_text(what), db_int(s->now)};
	json_t *root, *pols;
	long long id = 0;
	mc_status st;

	*known = false;
	if ((st = begin(s)) != MC_OK || (st = checked(s, store_number(s, sql, v, 8, &id))) != MC_OK)
		return st;
	if (!id) {
		*known = true;
		s->counts.known++;
		rollback(s);
		return MC_OK;
	}
	root = json_loadb(t->json, t->json_len, 0, NULL);
	pols = json_object_get(root, "policies");
	for (size_t i = 0; st == MC_OK && i < json_array_size(pols); i++)
		st = tls_policy(s, id, json_array_get(pols, i));
	json_decref(root);
	if ((st = checked(s, st)) != MC_OK || (st = commit(s)) != MC_OK)
		return st;
	s->counts.tls++;
	return MC_OK;
}

/* ---- failure reports ---- */

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static mc_status failure_report(void *arg, const mc_fb_failure *fr, const char *message,
                                size_t len)
{
	mc_store *s = arg;
	static const char sql[] =
		"INSERT INTO failure_report (digest, arrival, reporter, reported_domain, source_ip, "
		"feedback_type, auth_failure, original_mail_from, dkim_domain, message, input, stored) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
	char digest[65];
	long long arrival = fr->arrival_date ? mc_date_parse(fr->arrival_date) : -1, id = 0;
	mc_status st;

	sha256_hex(message, len, digest);
	const db_val v[] = {db_text(digest), db_int(arrival > 0 ? arrival : s->now),
	                    db_text(fr->reporter), db_text(fr->reported_domain),
	                    db_text(fr->source_ip), db_text(fr->feedback_type),
	                    db_text(fr->auth_failure), db_text(fr->original_mail_from),
	                    db_text(fr->dkim_domain), db_blob(message, len), db_text(fr->what),
	                    db_int(s->now)};

	if ((st = begin(s)) != MC_OK ||
	    (st = checked(s, store_number(s, sql, v, 12, &id))) != MC_OK)
		return st;
	if (!id) {
		s->counts.known++;
		rollback(s);
		return MC_OK;
	}
	if ((st = commit(s)) != MC_OK)
		return st;
	s->counts.failure++;
	return MC_OK;
}

/* ---- the store ---- */

/* "sqlite:PATH" (or "sqlite://PATH"), "postgresql://..." or "postgres://...". */
static mc_status connect_url(mc_store *s, const char *url)
{
	if (!strncmp(url, "sqlite://", 9) && url[9])
		return db_sqlite_open(url + 9, &s->conn, &s->ops);
	if (!strncmp(url, "sqlite:", 7) && url[7])
		return db_sqlite_open(url + 7, &s->conn, &s->ops);
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
		return db_pg_open(url, &s->conn, &s->ops);
	return mc_error_set(MC_EINVAL, "--db: '%.200s' is no database: give sqlite:PATH or "
	                    "postgresql://[user@]host[:port]/dbname", url);
}

mc_status mc_store_open(mc_store **out, const char *url, int64_t now)
{
	mc_store *s = calloc(1, sizeof(*s));
	mc_status st;

	*out = NULL;
	if (!s)
		return mc_error_set(MC_ENOMEM, "out of memory");
	s->now = now ? now : (int64_t)time(NULL);
	s->counts.used = true;
	s->sink = (mc_feedback_sink){.arg = s, .aggregate_begin = agg_begin,
	                             .aggregate_row = agg_row, .aggregate_end = agg_end,
	                             .tls_report = tls_report, .failure_report = failure_report};
	if ((st = connect_url(s, url)) != MC_OK || (st = store_schema(s)) != MC_OK) {
		mc_store_close(s);
		return st;
	}
	*out = s;
	return MC_OK;
}

void mc_store_close(mc_store *s)
{
	if (!s)
		return;
	if (s->conn) {
		rollback(s);
		s->ops->close(s->conn);
	}
	store_rows_free(s);
	ledger_free(s->ledger);
	free(s);
}

const mc_feedback_sink *mc_store_sink(mc_store *s) { return &s->sink; }
const mc_store_counts *mc_store_counts_of(const mc_store *s) { return &s->counts; }

/* ---- where a mailbox was read to ---- */

static mc_status take_two(void *arg, const db_val *cols, int n)
{
	uint64_t *v = arg;

	v[0] = n > 0 && cols[0].i > 0 ? (uint64_t)cols[0].i : 0;
	v[1] = n > 1 && cols[1].i > 0 ? (uint64_t)cols[1].i : 0;
	return MC_OK;
}

mc_status mc_store_mailbox_get(mc_store *s, const char *mailbox, uint64_t *uidvalidity,
                               uint64_t *last_uid)
{
	static const char sql[] = "SELECT uidvalidity, last_uid FROM mailbox WHERE url = ?";
	const db_val v[] = {db_text(mailbox)};
	uint64_t got[2] = {0, 0};
	mc_status st = s->ops->exec(s->conn, sql, v, 1, take_two, got);

	*uidvalidity = got[0];
	*last_uid = got[1];
	return st;
}

mc_status mc_store_mailbox_set(mc_store *s, const char *mailbox, uint64_t uidvalidity,
                               uint64_t last_uid)
{
	static const char sql[] =
		"INSERT INTO mailbox (url, uidvalidity, last_uid, updated) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (url) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
		"last_uid = excluded.last_uid, updated = excluded.updated";
	const db_val v[] = {db_text(mailbox), db_int((long long)uidvalidity),
	                    db_int((long long)last_uid), db_int(s->now)};

	return s->ops->exec(s->conn, sql, v, 4, NULL, NULL);
}
