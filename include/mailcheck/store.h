/*
 * Reports kept in a database: every DMARC aggregate report (with its
 * rows), SMTP TLS report and DMARC failure report read, once each, and
 * given back for a period -- to summarise as when read, with the trends
 * over the weeks. SQLite ("sqlite:PATH") or PostgreSQL
 * ("postgresql://..." / "postgres://..."). The schema is in
 * docs/database.md.
 */
#ifndef MAILCHECK_STORE_H
#define MAILCHECK_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "mailcheck/feedback.h"
#include "mailcheck/status.h"

typedef struct mc_store mc_store;

/* What one run stored, and what was there already (mc_fb_stored). */
typedef mc_fb_stored mc_store_counts;

/* Open (creating or upgrading the schema). now: the time stamped on what is
 * stored (0: the clock). MC_EINVAL for a URL that is neither; MC_EIO when
 * the database cannot be opened, is locked past its wait, is newer than
 * this mailcheck, or cannot be written. */
mc_status mc_store_open(mc_store **out, const char *url, int64_t now);
void mc_store_close(mc_store *s);

/* The sink that stores what an mc_feedback reads (mc_feedback_opts.sink).
 * Each report is one transaction: a report broken off, or a run stopped
 * half-way, leaves none of it; a report already there (the same reporter
 * and report ID; for failure reports, the same message) is not stored
 * again. */
const mc_feedback_sink *mc_store_sink(mc_store *s);
const mc_store_counts *mc_store_counts_of(const mc_store *s);

/* The period: reports that begin in [since, until) (0: open), of one policy
 * domain (NULL: all). */
typedef struct mc_store_period {
	int64_t since, until;
	const char *domain;
} mc_store_period;

/* Give the period's reports to f, as if read now: the aggregate reports
 * with their rows, the TLS and failure reports. */
mc_status mc_store_replay(mc_store *s, const mc_store_period *p, mc_feedback *f);

/* The trends over the period, for a result concluded from mc_store_replay
 * (its sources' kinds tell the legitimate ones): into res->history. */
mc_status mc_store_history(mc_store *s, const mc_store_period *p, mc_feedback_result *res);

/* Where reading a mailbox stopped: its UIDVALIDITY and the last UID read
 * (both 0 when it was never read). */
mc_status mc_store_mailbox_get(mc_store *s, const char *mailbox, uint64_t *uidvalidity,
                               uint64_t *last_uid);
mc_status mc_store_mailbox_set(mc_store *s, const char *mailbox, uint64_t uidvalidity,
                               uint64_t last_uid);

#endif
