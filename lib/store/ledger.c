/* A period's rows, small, and the tables that fold them: see ledger.h. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/ledger.h"

#define FIRST_SLOTS 1024

/* Slots for n items in a table of twice as many (a power of two), each
 * put back by its hash; NULL when out of memory. */
static uint32_t *slots_for(size_t n_slots, size_t n, uint64_t (*hash)(const void *, size_t),
                           const void *table)
{
	uint32_t *slots = calloc(n_slots, sizeof(*slots));

	for (size_t i = 0; slots && i < n; i++) {
		size_t at = hash(table, i) & (n_slots - 1);

		while (slots[at])
			at = (at + 1) & (n_slots - 1);
		slots[at] = (uint32_t)i + 1;
	}
	return slots;
}

/* Twice the slots when they are half full. */
static mc_status make_room(uint32_t **slots, size_t *n_slots, size_t n,
                           uint64_t (*hash)(const void *, size_t), const void *table)
{
	uint32_t *more;

	if ((n + 1) * 2 <= *n_slots)
		return MC_OK;
	if (n >= UINT32_MAX / 4 ||
	    !(more = slots_for(*n_slots ? *n_slots * 2 : FIRST_SLOTS, n, hash, table)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	free(*slots);
	*slots = more;
	*n_slots = *n_slots ? *n_slots * 2 : FIRST_SLOTS;
	return MC_OK;
}

/* A hash of len bytes taken 8 at a time (FNV-1a's byte at a time was a
 * tenth of a year's summary: the keys of rows are long). */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;

	for (; len >= 8; s += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (len) {
		uint64_t w = 0;

		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

static uint64_t hash_item(const void *table, size_t i)
{
	const intern *in = table;

	return hash_bytes(in->items[i], in->lens[i]);
}

mc_status intern_get(intern *in, const char *s, size_t len, uint32_t *out)
{
	mc_status st = make_room(&in->slots, &in->n_slots, in->n, hash_item, in);
	size_t at;

	if (st != MC_OK)
		return st;
	for (at = hash_bytes(s, len) & (in->n_slots - 1); in->slots[at];
	     at = (at + 1) & (in->n_slots - 1)) {
		uint32_t i = in->slots[at] - 1;

		if (in->lens[i] == len && !memcmp(in->items[i], s, len)) {
			*out = i;
			return MC_OK;
		}
	}
	if (mc_grow(&in->items, &in->cap, in->n + 1, sizeof(*in->items)) < 0 ||
	    mc_grow(&in->lens, &in->cap_lens, in->n + 1, sizeof(*in->lens)) < 0 ||
	    !(in->items[in->n] = mc_strndup(s, len)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	in->lens[in->n] = len;
	in->slots[at] = (uint32_t)in->n + 1;
	*out = (uint32_t)in->n++;
	return MC_OK;
}

void intern_forget_last(intern *in)
{
	if (!in->n)
		return;
	uint32_t last = (uint32_t)in->n;
	size_t at = hash_bytes(in->items[last - 1], in->lens[last - 1]) & (in->n_slots - 1);

	while (in->slots[at] != last)
		at = (at + 1) & (in->n_slots - 1);
	/* empty the slot, then put back those after it in its run (linear
	 * probing: none may be left behind a hole) */
	in->slots[at] = 0;
	for (size_t i = (at + 1) & (in->n_slots - 1); in->slots[i]; i = (i + 1) & (in->n_slots - 1)) {
		uint32_t moved = in->slots[i];
		size_t to = hash_bytes(in->items[moved - 1], in->lens[moved - 1]) & (in->n_slots - 1);

		in->slots[i] = 0;
		while (in->slots[to])
			to = (to + 1) & (in->n_slots - 1);
		in->slots[to] = moved;
	}
	free(in->items[--in->n]);
}

void intern_free(intern *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->items[i]);
	free(in->items);
	free(in->lens);
	free(in->slots);
	memset(in, 0, sizeof(*in));
}

/* Three small numbers mixed into every bit (the finaliser of
 * SplitMix64), for the low bits that pick a slot. */
static uint64_t hash_key(const uint32_t k[3])
{
	uint64_t h = ((uint64_t)k[0] << 32 | k[1]) ^ (uint64_t)k[2] * 0x9e3779b97f4a7c15ULL;

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static size_t slot_of(const tally_entry *slots, size_t n_slots, const uint32_t k[3])
{
	size_t at = hash_key(k) & (n_slots - 1);

	while (slots[at].rows &&
	       (slots[at].k[0] != k[0] || slots[at].k[1] != k[1] || slots[at].k[2] != k[2]))
		at = (at + 1) & (n_slots - 1);
	return at;
}

/* Twice the slots when they are half full, each key moved to its place. */
static mc_status tally_room(tally *t)
{
	size_t n_slots = t->n_slots ? t->n_slots * 2 : FIRST_SLOTS;
	tally_entry *slots;

	if ((t->n + 1) * 2 <= t->n_slots)
		return MC_OK;
	if (t->n >= UINT32_MAX / 4 || !(slots = calloc(n_slots, sizeof(*slots))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		size_t at = slot_of(slots, n_slots, t->slots[t->order[i]].k);

		slots[at] = t->slots[t->order[i]];
		t->order[i] = (uint32_t)at;
	}
	free(t->slots);
	t->slots = slots;
	t->n_slots = n_slots;
	return MC_OK;
}

mc_status tally_add(tally *t, uint32_t a, uint32_t b, uint32_t c, uint64_t count)
{
	const uint32_t k[3] = {a, b, c};
	mc_status st = tally_room(t);
	tally_entry *e;

	if (st != MC_OK)
		return st;
	e = &t->slots[slot_of(t->slots, t->n_slots, k)];
	if (!e->rows) {
		if (mc_grow(&t->order, &t->cap, t->n + 1, sizeof(*t->order)) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		t->order[t->n++] = (uint32_t)(e - t->slots);
		memcpy(e->k, k, sizeof(k));
	}
	e->rows++;
	e->count += count;
	return MC_OK;
}

void tally_free(tally *t)
{
	free(t->order);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

mc_status ledger_add_report(ledger *l, long long id, int64_t begin, const char *org,
                            size_t org_len)
{
	uint32_t o;
	mc_status st = intern_get(&l->orgs, org, org_len, &o);

	if (st != MC_OK)
		return st;
	if (mc_grow(&l->reports, &l->cap_reports, l->n_reports + 1, sizeof(*l->reports)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	l->reports[l->n_reports++] = (ledger_report){.id = id, .begin = begin, .org = o};
	return MC_OK;
}

size_t ledger_find_report(const ledger *l, long long id, size_t *cursor)
{
	while (*cursor < l->n_reports && l->reports[*cursor].id < id)
		(*cursor)++;
	return *cursor < l->n_reports && l->reports[*cursor].id == id ? *cursor : SIZE_MAX;
}

mc_status ledger_add_row(ledger *l, const ledger_row *row)
{
	if (mc_grow(&l->rows, &l->cap_rows, l->n_rows + 1, sizeof(*l->rows)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	l->rows[l->n_rows++] = *row;
	return MC_OK;
}

void ledger_reserve(ledger *l, uint64_t n)
{
	if (n > (1u << 24))
		n = 1u << 24;
	(void)mc_grow(&l->rows, &l->cap_rows, l->n_rows + (size_t)n, sizeof(*l->rows));
}

void ledger_free(ledger *l)
{
	if (!l)
		return;
	intern_free(&l->sources);
	intern_free(&l->orgs);
	free(l->reports);
	free(l->rows);
	free(l);
}
