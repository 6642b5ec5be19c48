/* Statements over a period [since, until) and a domain. */
#include <stdlib.h>

#include "common/util.h"
#include "store/period.h"

#define FOREVER 253402300800LL /* 10000-01-01 */

static const char *const conditions[][2] = {
	[PERIOD_AGGREGATE] = {"a.begin_time >= ? AND a.begin_time < ?", " AND a.domain = ?"},
	[PERIOD_TLS] = {"t.begin_time >= ? AND t.begin_time < ?",
	                " AND EXISTS (SELECT 1 FROM tls_policy q WHERE q.report = t.id AND "
	                "q.policy_domain = ?)"},
	[PERIOD_FAILURE] = {"f.arrival >= ? AND f.arrival < ?", " AND f.reported_domain = ?"},
};

mc_status period_exec_with(mc_store *s, const mc_store_period *p, period_of of,
                           const char *head, const char *tail, const db_val *extra,
                           int n_extra, db_row_fn fn, void *arg)
{
	bool domain = p->domain && *p->domain;
	char *sql = mc_asprintf("%s%s%s%s", head, conditions[of][0], domain ? conditions[of][1] : "",
	                        tail);
	db_val v[8];
	int n = 0;
	mc_status st;

	if (!sql)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (int i = 0; i < n_extra && n < 5; i++)
		v[n++] = extra[i];
	v[n++] = db_int(p->since > 0 ? p->since : 0);
	v[n++] = db_int(p->until > 0 ? p->until : FOREVER);
	if (domain)
		v[n++] = db_text(p->domain);
	st = s->ops->exec(s->conn, sql, v, n, fn, arg);
	free(sql);
	return st;
}

mc_status period_exec(mc_store *s, const mc_store_period *p, period_of of, const char *head,
                      const char *tail, db_row_fn fn, void *arg)
{
	return period_exec_with(s, p, of, head, tail, NULL, 0, fn, arg);
}
