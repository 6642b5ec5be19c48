/*
 * Two sides compared: reports matched by command and subject (the last of
 * a subject in one input is the one kept), and for each pair the statuses
 * that moved (by rank: pass, then not published / none, warning, DNS
 * failure, error; "not checked" ranks nowhere), the findings that appeared
 * or went away, and the records that differ.
 */
#include <stdlib.h>
#include <string.h>

#include "diff/internal.h"

const char *mc_diff_change_name(mc_diff_change c)
{
	static const char *const names[] = {"same", "changed", "better", "worse"};

	return c <= MC_DIFF_WORSE ? names[c] : "same";
}

/* How bad a status is; -1 for one that is not comparable (not checked). */
static int rank(const char *status)
{
	static const struct {
		const char *name;
		int rank;
	} ranks[] = {
		{"pass", 0},     {"none", 1},      {"neutral", 1},   {"not_published", 1},
		{"warning", 2},  {"softfail", 2},  {"temperror", 3}, {"error", 4},
		{"fail", 4},     {"permerror", 4},
	};

	for (size_t i = 0; status && i < sizeof(ranks) / sizeof(ranks[0]); i++)
		if (strcmp(status, ranks[i].name) == 0)
			return ranks[i].rank;
	return -1;
}

static mc_diff_change moved(const char *old, const char *new)
{
	int a = rank(old), b = rank(new);

	if (!old && !new)
		return MC_DIFF_SAME;
	if (!old || !new)
		return MC_DIFF_CHANGED; /* a part only one side has */
	if (strcmp(old, new) == 0)
		return MC_DIFF_SAME;
	if (a < 0 || b < 0 || a == b)
		return MC_DIFF_CHANGED;
	return b > a ? MC_DIFF_WORSE : MC_DIFF_BETTER;
}

static void worst(mc_diff_change *into, mc_diff_change c)
{
	if (c > *into)
		*into = c;
}

static void add_status(mc_diff_report *r, const struct diff_part *o, const struct diff_part *n,
                       const char *name)
{
	mc_diff_change c = moved(o ? o->status : NULL, n ? n->status : NULL);
	mc_diff_status *items;

	if (c == MC_DIFF_SAME ||
	    !(items = realloc(r->statuses, (r->n_statuses + 1) * sizeof(*items))))
		return;
	r->statuses = items;
	items[r->n_statuses++] = (mc_diff_status){
		.part = mc_strdup(name),
		.old_status = o ? mc_strdup(o->status) : NULL,
		.new_status = n ? mc_strdup(n->status) : NULL,
		.old_reason = o && o->reason ? mc_strdup(o->reason) : NULL,
		.new_reason = n && n->reason ? mc_strdup(n->reason) : NULL,
		.change = c};
	worst(&r->change, c);
}

static const struct diff_part *part_named(const struct diff_summary *s, const char *name)
{
	for (size_t i = 0; i < s->n_parts; i++)
		if (strcmp(s->parts[i].name, name) == 0)
			return &s->parts[i];
	return NULL;
}

static void compare_statuses(const struct diff_summary *a, const struct diff_summary *b,
                             mc_diff_report *r)
{
	for (size_t i = 0; i < b->n_parts; i++)
		add_status(r, part_named(a, b->parts[i].name), &b->parts[i], b->parts[i].name);
	for (size_t i = 0; i < a->n_parts; i++)
		if (!part_named(b, a->parts[i].name))
			add_status(r, &a->parts[i], NULL, a->parts[i].name);
}

static bool has_finding(const struct diff_summary *s, uint64_t key)
{
	for (size_t i = 0; i < s->n_findings; i++)
		if (s->findings[i].key == key)
			return true;
	return false;
}

/* The findings of `from` that `other` has not: appeared (from NEW) or gone. */
static void compare_findings(const struct diff_summary *from, const struct diff_summary *other,
                             bool appeared, mc_diff_report *r)
{
	for (size_t i = 0; i < from->n_findings; i++) {
		const struct diff_seen *f = &from->findings[i];
		bool serious = strcmp(f->severity, "error") == 0 || strcmp(f->severity, "warning") == 0;
		mc_diff_change c = !serious ? MC_DIFF_CHANGED : appeared ? MC_DIFF_WORSE : MC_DIFF_BETTER;
		mc_diff_finding *items;

		if (has_finding(other, f->key) ||
		    !(items = realloc(r->findings, (r->n_findings + 1) * sizeof(*items))))
			continue;
		r->findings = items;
		items[r->n_findings++] = (mc_diff_finding){
			.code = mc_strdup(f->code), .severity = mc_strdup(f->severity),
			.message = mc_strdup(f->message), .hint = *f->hint ? mc_strdup(f->hint) : NULL,
			.appeared = appeared, .change = c};
		worst(&r->change, c);
	}
}

static const struct diff_fact *fact_of(const struct diff_summary *s, const char *label)
{
	for (size_t i = 0; i < s->n_facts; i++)
		if (strcmp(s->facts[i].label, label) == 0)
			return &s->facts[i];
	return NULL;
}

static void add_record(mc_diff_report *r, const struct diff_fact *old, const struct diff_fact *new)
{
	const struct diff_fact *either = old ? old : new;
	mc_diff_record *items;

	if ((old && new && strcmp(old->value, new->value) == 0) ||
	    !(items = realloc(r->records, (r->n_records + 1) * sizeof(*items))))
		return;
	r->records = items;
	items[r->n_records++] = (mc_diff_record){
		.label = mc_strdup(either->label), .label_text = mc_strdup(either->label_text),
		.old_value = old ? mc_strdup(old->value) : NULL,
		.old_text = old ? mc_strdup(old->value_text) : NULL,
		.new_value = new ? mc_strdup(new->value) : NULL,
		.new_text = new ? mc_strdup(new->value_text) : NULL};
	worst(&r->change, MC_DIFF_CHANGED);
}

static void compare_facts(const struct diff_summary *a, const struct diff_summary *b,
                          mc_diff_report *r)
{
	for (size_t i = 0; i < a->n_facts; i++)
		add_record(r, &a->facts[i], fact_of(b, a->facts[i].label));
	for (size_t i = 0; i < b->n_facts; i++)
		if (!fact_of(a, b->facts[i].label))
			add_record(r, NULL, &b->facts[i]);
}

static void report_clear(mc_diff_report *r)
{
	free(r->command);
	free(r->subject);
	for (size_t i = 0; i < r->n_statuses; i++) {
		free(r->statuses[i].part);
		free(r->statuses[i].old_status);
		free(r->statuses[i].new_status);
		free(r->statuses[i].old_reason);
		free(r->statuses[i].new_reason);
	}
	free(r->statuses);
	for (size_t i = 0; i < r->n_findings; i++) {
		free(r->findings[i].code);
		free(r->findings[i].severity);
		free(r->findings[i].message);
		free(r->findings[i].hint);
	}
	free(r->findings);
	for (size_t i = 0; i < r->n_records; i++) {
		free(r->records[i].label);
		free(r->records[i].old_value);
		free(r->records[i].new_value);
		free(r->records[i].label_text);
		free(r->records[i].old_text);
		free(r->records[i].new_text);
	}
	free(r->records);
}

/* Compare one pair; a report that changed is kept in out. */
static void compare(const struct diff_summary *a, const struct diff_summary *b, mc_diff_result *out)
{
	mc_diff_report r = {.command = mc_strdup(b->command), .subject = mc_strdup(b->subject)};

	compare_statuses(a, b, &r);
	compare_findings(b, a, true, &r);
	compare_findings(a, b, false, &r);
	compare_facts(a, b, &r);
	out->compared++;
	switch (r.change) {
	case MC_DIFF_SAME: out->unchanged++; break;
	case MC_DIFF_CHANGED: out->changed++; break;
	case MC_DIFF_BETTER: out->better++; break;
	case MC_DIFF_WORSE: out->worse++; break;
	}
	worst(&out->change, r.change);
	if (r.change != MC_DIFF_SAME && out->reports) /* room for every pair: made in merge */
		out->reports[out->n_reports++] = r;
	else
		report_clear(&r);
}

/* Sort by key, the last of a key (in input order) first; duplicates after
 * it are counted and skipped by the merge. */
static int by_key(const void *x, const void *y)
{
	const struct diff_summary *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->order < b->order) - (a->order > b->order);
}

static void only(mc_diff_subject **list, size_t *n, const struct diff_summary *s)
{
	if (*list) /* room for every report of its side: made in merge */
		(*list)[(*n)++] = (mc_diff_subject){.command = mc_strdup(s->command),
		                                    .subject = mc_strdup(s->subject)};
}

/* Index of the next distinct key at or after i (duplicates counted). */
static size_t next_key(const struct diff_side *s, size_t i, size_t *dups)
{
	size_t j = i + 1;

	while (j < s->n && strcmp(s->items[j].key, s->items[i].key) == 0) {
		j++;
		(*dups)++;
	}
	return j;
}

static void merge(struct diff_side *a, struct diff_side *b, mc_diff_result *out)
{
	size_t i = 0, j = 0;

	qsort(a->items, a->n, sizeof(*a->items), by_key);
	qsort(b->items, b->n, sizeof(*b->items), by_key);
	/* the lists at their largest, once: growing them item by item copies
	 * them over and over (a batch of 20,000 domains, each only in one side) */
	out->only_old = calloc(a->n ? a->n : 1, sizeof(*out->only_old));
	out->only_new = calloc(b->n ? b->n : 1, sizeof(*out->only_new));
	out->reports = calloc(a->n < b->n ? a->n + 1 : b->n + 1, sizeof(*out->reports));
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->items[i].key, b->items[j].key);

		if (c < 0) {
			only(&out->only_old, &out->n_only_old, &a->items[i]);
			i = next_key(a, i, &a->duplicates);
		} else if (c > 0) {
			only(&out->only_new, &out->n_only_new, &b->items[j]);
			j = next_key(b, j, &b->duplicates);
		} else {
			compare(&a->items[i], &b->items[j], out);
			i = next_key(a, i, &a->duplicates);
			j = next_key(b, j, &b->duplicates);
		}
	}
}

/* A note with a count: the English as the JSON has it, and the plural form
 * of the locale's language (po/meson.build: a keyword like mc_ntr). */
static void count_note(mc_findings *f, const char *code, const char *one, const char *many,
                       const char *input, size_t n)
{
	mc_finding_add_made(f, code, MC_SEV_INFO, mc_asprintf(n == 1 ? one : many, input, n),
	                    mc_i18n_active() ? mc_asprintf(mc_ntr(one, many, n), input, n) : NULL);
}

static void input_notes(const struct diff_side *s, mc_findings *f)
{
	if (s->errors)
		count_note(f, "diff.error_reports",
		           "%1$s holds %2$zu error object (inputs its run could not check): left out",
		           "%1$s holds %2$zu error objects (inputs its run could not check): left out",
		           s->name, s->errors);
	if (s->duplicates)
		count_note(f, "diff.duplicate_reports",
		           "%1$s holds %2$zu report of a subject seen before: the last of each is compared",
		           "%1$s holds %2$zu reports of a subject seen before: the last of each is compared",
		           s->name, s->duplicates);
}

mc_status mc_diff(FILE *old, const char *old_name, FILE *new, const char *new_name,
                  mc_diff_result *out)
{
	struct diff_side a = {.name = old_name}, b = {.name = new_name};
	mc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = diff_read(old, &a)) == MC_OK && (st = diff_read(new, &b)) == MC_OK) {
		out->old_name = mc_strdup(old_name);
		out->new_name = mc_strdup(new_name);
		merge(&a, &b, out);
		input_notes(&a, &out->findings);
		input_notes(&b, &out->findings);
	}
	diff_side_clear(&a);
	diff_side_clear(&b);
	return st;
}

void mc_diff_result_clear(mc_diff_result *r)
{
	free(r->old_name);
	free(r->new_name);
	for (size_t i = 0; i < r->n_reports; i++)
		report_clear(&r->reports[i]);
	free(r->reports);
	for (size_t i = 0; i < r->n_only_old; i++) {
		free(r->only_old[i].command);
		free(r->only_old[i].subject);
	}
	free(r->only_old);
	for (size_t i = 0; i < r->n_only_new; i++) {
		free(r->only_new[i].command);
		free(r->only_new[i].subject);
	}
	free(r->only_new);
	mc_findings_clear(&r->findings);
	memset(r, 0, sizeof(*r));
}
