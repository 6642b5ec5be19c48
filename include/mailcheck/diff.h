/*
 * diff: two runs of mailcheck --json compared (mailcheck diff OLD NEW).
 * Each side is the output of domain, blocklist, mx, spf, dmarc or dkim
 * --selector: one object, or NDJSON of a batch. Reports are matched by
 * command and subject (the domain, or the address of blocklist; dkim by
 * domain and selector); for each pair, the verdicts and parts that changed
 * (better or worse), the findings that appeared or went away, and the
 * records that changed, old beside new.
 */
#ifndef MAILCHECK_DIFF_H
#define MAILCHECK_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mailcheck/findings.h"
#include "mailcheck/status.h"

/* the schema version diff reads: MC_SCHEMA_VERSION of mailcheck/report.h
 * (lib/report/diff_render.c checks they agree) */
#define MC_DIFF_SCHEMA_VERSION 1
#define MC_DIFF_MAX_REPORT_BYTES ((size_t)64 << 20) /* bytes of one report */
#define MC_DIFF_MAX_REPORTS 1000000           /* reports of one side */

/* How a report (or a part of it) changed, least to most serious. */
typedef enum mc_diff_change {
	MC_DIFF_SAME,
	MC_DIFF_CHANGED, /* different, neither better nor worse (a record, a not-checked part) */
	MC_DIFF_BETTER,
	MC_DIFF_WORSE,
} mc_diff_change;

/* The overall result or one part: its status before and after. */
typedef struct mc_diff_status {
	char *part;                /* "result", or a part of domain ("spf", "mx", ...) */
	char *old_status, *new_status;
	char *old_reason, *new_reason; /* the part's reason, NULL when it has none */
	mc_diff_change change;
} mc_diff_status;

typedef struct mc_diff_finding {
	char *code, *severity, *message, *hint;
	bool appeared;             /* false: went away */
	mc_diff_change change;     /* WORSE (an error or warning appeared), BETTER, CHANGED */
} mc_diff_finding;

/* A record or setting, old beside new; NULL on the side without it. The
 * _text forms are the same in the locale's language for the text (NULL:
 * as the English, which the JSON has). */
typedef struct mc_diff_record {
	char *label, *old_value, *new_value;
	char *label_text, *old_text, *new_text;
} mc_diff_record;

typedef struct mc_diff_report {
	char *command, *subject;
	mc_diff_change change;     /* the most serious of its changes */
	mc_diff_status *statuses;
	size_t n_statuses;
	mc_diff_finding *findings;
	size_t n_findings;
	mc_diff_record *records;
	size_t n_records;
} mc_diff_report;

typedef struct mc_diff_subject {
	char *command, *subject;
} mc_diff_subject;

typedef struct mc_diff_result {
	char *old_name, *new_name;
	mc_diff_change change;     /* the most serious over all reports */
	size_t compared, worse, better, changed, unchanged;
	mc_diff_report *reports;   /* those that changed, by command and subject */
	size_t n_reports;
	mc_diff_subject *only_old, *only_new;
	size_t n_only_old, n_only_new;
	mc_findings findings;      /* about the inputs: error objects skipped, duplicates */
} mc_diff_result;

/* Compare two inputs (streams, named for messages), read a report at a
 * time: memory follows the reports' summaries, not the inputs' size.
 * MC_EPARSE (the error names the input, the report's number, the byte and
 * what was wrong) when one is not mailcheck's JSON, is of another schema
 * version, or holds a report diff does not compare. */
mc_status mc_diff(FILE *old, const char *old_name, FILE *new, const char *new_name,
                  mc_diff_result *out);
void mc_diff_result_clear(mc_diff_result *r);

/* "same", "changed", "better", "worse" */
const char *mc_diff_change_name(mc_diff_change c);

#endif
