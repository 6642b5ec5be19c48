/* Inside lib/store: statements over a period (and a domain). */
#ifndef MC_STORE_PERIOD_H
#define MC_STORE_PERIOD_H

#include "store/internal.h"

typedef enum period_of {
	PERIOD_AGGREGATE,      /* aggregate_report a: a.begin_time, a.domain */
	PERIOD_TLS,            /* tls_report t: t.begin_time, a policy of the domain */
	PERIOD_FAILURE,        /* failure_report f: f.arrival, f.reported_domain */
} period_of;

/* head + the period's condition + tail, its parameters after the n given
 * ones (extra, before the period's: the week origin of a trend). */
mc_status period_exec(mc_store *s, const mc_store_period *p, period_of of, const char *head,
                      const char *tail, db_row_fn fn, void *arg);
mc_status period_exec_with(mc_store *s, const mc_store_period *p, period_of of,
                           const char *head, const char *tail, const db_val *extra,
                           int n_extra, db_row_fn fn, void *arg);

#endif
