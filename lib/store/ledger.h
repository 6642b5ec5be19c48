/* Inside lib/store: a period's aggregate rows, kept small in memory while
 * they are given back -- their report, source, count and whether DMARC
 * passed -- for the trends to be counted from without asking again; and
 * the two small tables that fold rows alike into one before lib/feedback
 * counts them. */
#ifndef MC_STORE_LEDGER_H
#define MC_STORE_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailcheck/status.h"

/* Strings, each kept once and numbered in the order they came. */
typedef struct intern {
	char **items;          /* NUL-terminated copies */
	size_t *lens;
	size_t n, cap, cap_lens;
	uint32_t *slots;       /* open addressing: an item's number + 1, 0 when free */
	size_t n_slots;
} intern;

mc_status intern_get(intern *in, const char *s, size_t len, uint32_t *out);
/* The string interned last taken back (what it stood for was not made). */
void intern_forget_last(intern *in);
void intern_free(intern *in);

/* Sums by a key of three numbers, the keys in the order they came. */
typedef struct tally_entry {
	uint32_t k[3];
	uint64_t rows, count;
} tally_entry;

typedef struct tally {
	tally_entry *slots;    /* open addressing: rows 0 when free */
	size_t n_slots;
	uint32_t *order;       /* the slots of the keys, in the order they came */
	size_t n, cap;
} tally;

mc_status tally_add(tally *t, uint32_t a, uint32_t b, uint32_t c, uint64_t count);
/* The i-th key to come. */
static inline const tally_entry *tally_at(const tally *t, size_t i)
{
	return &t->slots[t->order[i]];
}
void tally_free(tally *t);

typedef struct ledger_report {
	long long id;
	int64_t begin;
	uint32_t org;          /* in orgs */
} ledger_report;

typedef struct ledger_row {
	uint64_t count;
	uint32_t report;       /* index into reports */
	uint32_t n;            /* the row's number in its report */
	uint32_t source;       /* in sources */
	bool pass;             /* DKIM or SPF aligned and passing */
} ledger_row;

typedef struct ledger {
	ledger_report *reports; /* by id, as the period's reports come */
	size_t n_reports, cap_reports;
	ledger_row *rows;      /* by report, then number */
	size_t n_rows, cap_rows;
	intern sources;        /* the source IPs */
	intern orgs;           /* the reporters */
} ledger;

mc_status ledger_add_report(ledger *l, long long id, int64_t begin, const char *org,
                            size_t org_len);
/* The index of the report with this id, SIZE_MAX when it is not in the
 * period; *cursor goes forward only (rows come by report). */
size_t ledger_find_report(const ledger *l, long long id, size_t *cursor);
mc_status ledger_add_row(ledger *l, const ledger_row *row);
/* Room for n rows more, asked before they come (at most a million). */
void ledger_reserve(ledger *l, uint64_t n);
void ledger_free(ledger *l);

#endif
