/* Inside lib/diff: one side read into summaries (read.c), the records of a
 * report as labelled values (facts.c), the two sides compared (compare.c). */
#ifndef MC_DIFF_INTERNAL_H
#define MC_DIFF_INTERNAL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "common/util.h"
#include "mailcheck/diff.h"

#define DIFF_MAX_FACTS 512
#define DIFF_MAX_FINDINGS 2048
#define DIFF_MAX_PARTS 16 /* domain has 13 and the result */

/* label and value in English (the JSON, and what pairs the two sides) and
 * in the locale's language for the text (NULL: the same as the English). */
struct diff_fact {
	char *label, *value, *label_text, *value_text;
};

struct diff_seen {
	uint64_t key;       /* hash of the code and the message, its numbers left out */
	char *code;         /* one allocation: code, severity, message, hint (may be "") */
	const char *severity, *message, *hint;
};

struct diff_part {
	char *name, *status, *reason;
};

/* What diff keeps of one report: its subject, statuses, findings, records. */
struct diff_summary {
	char *command, *subject, *key; /* key: "command\tsubject" */
	size_t order;                  /* its place in its input */
	struct diff_part parts[DIFF_MAX_PARTS]; /* parts[0]: the overall result */
	size_t n_parts;
	struct diff_seen *findings;
	size_t n_findings;
	struct diff_fact *facts;
	size_t n_facts;
};

struct diff_side {
	const char *name;
	struct diff_summary *items;
	size_t n, cap;
	size_t errors;      /* error objects ({"error": ...}) skipped */
	size_t duplicates;  /* reports of a subject seen before (the last is kept) */
};

/* Read every report of fp into side, one at a time; MC_EPARSE with the
 * reason. */
mc_status diff_read(FILE *fp, struct diff_side *side);
void diff_side_clear(struct diff_side *side);

/* The records and settings of a report (facts.c) into s. */
void diff_facts(const json_t *report, struct diff_summary *s);
/* Add one fact, taking the four strings (label_text and value_text may be
 * NULL); value NULL adds nothing (absent on this side). */
void diff_fact_made(struct diff_summary *s, char *label, char *label_text, char *value,
                    char *value_text);
void diff_fact_clear(struct diff_fact *f);

/* json helpers (facts.c) */
const char *diff_str(const json_t *o, const char *key);

#endif
