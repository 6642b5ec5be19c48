/*
 * One side of a diff read: JSON values one after another (one object, a
 * pretty-printed one, or NDJSON of a batch), each a report of mailcheck
 * --json kept only as a summary -- its subject, statuses, findings and
 * records -- so that memory follows the summaries, not the DNS logs.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "diff/internal.h"

/* The commands diff compares, and the member that names the subject. */
static const struct {
	const char *command, *subject;
} compared[] = {
	{"domain", "domain"}, {"blocklist", "input"}, {"mx", "domain"},
	{"spf", "domain"},    {"dmarc", "domain"},    {"dkim", "domain"},
};

/* FNV-1a over the code and the message with each run of digits as one
 * '#': numbers change from run to run (days left, counts). */
static uint64_t finding_key(const char *code, const char *message)
{
	uint64_t h = mc_fnv1a_byte(mc_fnv1a(code, strlen(code), MC_FNV_INIT), '\t');

	for (const char *p = message; *p; p++) {
		bool digit = isdigit((unsigned char)*p);

		if (digit && p > message && isdigit((unsigned char)p[-1]))
			continue;
		h = mc_fnv1a_byte(h, (unsigned char)(digit ? '#' : *p));
	}
	return h;
}

/* One finding, its strings in one allocation. */
static bool seen_set(struct diff_seen *f, uint64_t key, const char *code, const char *sev,
                     const char *msg, const char *hint)
{
	size_t lc = strlen(code) + 1, ls = strlen(sev) + 1, lm = strlen(msg) + 1;
	char *p = malloc(lc + ls + lm + strlen(hint) + 1);

	if (!p)
		return false;
	f->key = key;
	f->code = memcpy(p, code, lc);
	f->severity = memcpy(p + lc, sev, ls);
	f->message = memcpy(p + lc + ls, msg, lm);
	f->hint = strcpy(p + lc + ls + lm, hint);
	return true;
}

/* Every finding under o (any depth, the DNS log aside), once each. */
static void collect_findings(const json_t *o, struct diff_summary *s, int depth)
{
	const char *key;
	json_t *v;
	size_t i;

	if (depth > 16)
		return;
	if (json_is_array(o)) {
		json_array_foreach(o, i, v)
			collect_findings(v, s, depth + 1);
		return;
	}
	json_object_foreach((json_t *)o, key, v) {
		if (strcmp(key, "dns") == 0 || strcmp(key, "lists") == 0)
			continue;
		if (strcmp(key, "findings") != 0 || !json_is_array(v)) {
			if (json_is_object(v) || json_is_array(v))
				collect_findings(v, s, depth + 1);
			continue;
		}
		json_t *f;

		json_array_foreach(v, i, f) {
			const char *code = diff_str(f, "code"), *msg = diff_str(f, "message");
			const char *sev = diff_str(f, "severity"), *hint = diff_str(f, "hint");
			uint64_t k;
			size_t j;

			if (!code || !msg || s->n_findings == DIFF_MAX_FINDINGS)
				continue;
			k = finding_key(code, msg);
			for (j = 0; j < s->n_findings && s->findings[j].key != k; j++)
				;
			if (j < s->n_findings)
				continue;
			if (s->n_findings % 16 == 0) {
				struct diff_seen *g = realloc(s->findings, (s->n_findings + 16) * sizeof(*g));

				if (!g)
					continue;
				s->findings = g;
			}
			if (seen_set(&s->findings[s->n_findings], k, code, sev ? sev : "info", msg,
			             hint ? hint : ""))
				s->n_findings++;
		}
	}
}

static void add_part(struct diff_summary *s, const char *name, const json_t *o,
                     const char *status_key)
{
	const char *status = diff_str(o, status_key), *reason = diff_str(o, "reason");

	if (!status || s->n_parts == DIFF_MAX_PARTS)
		return;
	s->parts[s->n_parts++] = (struct diff_part){
		.name = mc_strdup(name), .status = mc_strdup(status),
		.reason = reason ? mc_strdup(reason) : NULL};
}

static void summary_clear(struct diff_summary *s)
{
	free(s->command);
	free(s->subject);
	free(s->key);
	for (size_t i = 0; i < s->n_parts; i++) {
		free(s->parts[i].name);
		free(s->parts[i].status);
		free(s->parts[i].reason);
	}
	for (size_t i = 0; i < s->n_findings; i++)
		free(s->findings[i].code);
	free(s->findings);
	for (size_t i = 0; i < s->n_facts; i++)
		diff_fact_clear(&s->facts[i]);
	free(s->facts);
	memset(s, 0, sizeof(*s));
}

/* The subject of a report: its member, and a dkim report's selector. */
static char *subject_of(const json_t *o, const char *command, const char *member)
{
	const char *name = diff_str(o, member), *sel = diff_str(o, "selector");
	mc_buf b = {0};

	if (!name)
		return NULL;
	mc_buf_add(&b, name, strlen(name));
	if (strcmp(command, "dkim") == 0 && sel) {
		mc_buf_add(&b, " selector ", 10);
		mc_buf_add(&b, sel, strlen(sel));
	}
	return mc_buf_take(&b);
}

/* One report: summarised into the side; MC_EPARSE with why when it is no
 * report diff can compare. */
static mc_status take(struct diff_side *side, const json_t *o, size_t number)
{
	const char *command = diff_str(o, "command"), *member = NULL, *key;
	json_t *version = json_object_get(o, "schema_version"), *parts, *v;
	struct diff_summary s = {0};

	if (!json_is_object(o))
		return mc_error_set(MC_EPARSE, "%s, report %zu: not a JSON object", side->name, number);
	if (!json_is_integer(version))
		return mc_error_set(MC_EPARSE, "%s, report %zu: no schema_version: not the output of "
		                    "mailcheck --json", side->name, number);
	if (json_integer_value(version) != MC_DIFF_SCHEMA_VERSION)
		return mc_error_set(MC_EPARSE, "%s, report %zu: schema_version %lld, but this mailcheck "
		                    "reads version %d: compare outputs of the same version",
		                    side->name, number, (long long)json_integer_value(version),
		                    MC_DIFF_SCHEMA_VERSION);
	if (json_object_get(o, "error")) { /* a batch's input that could not be checked */
		side->errors++;
		return MC_OK;
	}
	for (size_t i = 0; command && i < sizeof(compared) / sizeof(compared[0]); i++)
		if (strcmp(command, compared[i].command) == 0)
			member = compared[i].subject;
	if (!member)
		return mc_error_set(MC_EPARSE, "%s, report %zu: the output of '%s', which diff does not "
		                    "compare (it compares domain, blocklist, mx, spf, dmarc and dkim "
		                    "--selector)", side->name, number, command ? command : "(no command)");
	if (!(s.subject = subject_of(o, command, member)))
		return mc_error_set(MC_EPARSE, "%s, report %zu: a '%s' report without \"%s\"", side->name,
		                    number, command, member);
	s.command = mc_strdup(command);
	s.order = side->n;
	add_part(&s, "result", o, "result");
	if ((parts = json_object_get(o, "parts")) && json_is_object(parts))
		json_object_foreach(parts, key, v)
			add_part(&s, key, v, "status");
	collect_findings(o, &s, 0);
	diff_facts(o, &s);
	mc_buf kb = {0};

	mc_buf_addf(&kb, "%s\t%s", s.command, s.subject);
	s.key = mc_buf_take(&kb);
	if (side->n == side->cap &&
	    mc_grow(&side->items, &side->cap, side->n + 1, sizeof(*side->items)) < 0) {
		summary_clear(&s);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	side->items[side->n++] = s;
	return MC_OK;
}

/*
 * The input read in growing pieces: a report is parsed from what has been
 * read (JSON_DISABLE_EOF_CHECK stops at its end, e.position after it); a
 * report cut by the end of what was read is parsed again once as much more
 * has been read as is pending, so the work stays linear in the input. A
 * report longer than MC_DIFF_MAX_REPORT_BYTES is refused.
 */
struct source {
	FILE *fp;
	char *buf;
	size_t len, cap, off; /* buf[off..len) not parsed yet */
	size_t offset;        /* bytes of the input before buf[0] */
	bool eof;
};

/* Read at least want more bytes (or to the end); false when out of memory. */
static bool fill(struct source *src, size_t want)
{
	if (src->off) { /* what was parsed goes */
		memmove(src->buf, src->buf + src->off, src->len - src->off);
		src->offset += src->off;
		src->len -= src->off;
		src->off = 0;
	}
	if (src->len + want + 1 > src->cap &&
	    mc_grow(&src->buf, &src->cap, src->len + want + 1, 1) < 0)
		return false;
	while (want > 0 && !src->eof) {
		size_t n = fread(src->buf + src->len, 1, src->cap - src->len - 1, src->fp);

		if (n == 0)
			src->eof = true;
		src->len += n;
		want = n >= want ? 0 : want - n;
	}
	return true;
}

/* Skip white space; false at the end of input. */
static bool next_report(struct source *src)
{
	for (;;) {
		while (src->off < src->len && strchr(" \t\r\n", src->buf[src->off]))
			src->off++;
		if (src->off < src->len)
			return true;
		if (src->eof || !fill(src, 65536) || (src->eof && src->off >= src->len))
			return src->off < src->len;
	}
}

static mc_status parse(struct source *src, const char *name, size_t number, json_t **out)
{
	for (;;) {
		size_t pending = src->len - src->off;
		json_error_t e;
		json_t *o = json_loadb(src->buf + src->off, pending, JSON_DISABLE_EOF_CHECK, &e);

		if ((*out = o)) {
			src->off += (size_t)e.position;
			return MC_OK;
		}
		/* cut by the end of what was read: the input ends early, or a token
		 * ("fals") is cut; anything else is an error in the input */
		if (src->eof || (json_error_code(&e) != json_error_premature_end_of_input &&
		                 (size_t)e.position + 16 < pending))
			return mc_error_set(MC_EPARSE, "%s, report %zu (byte %zu): not JSON: %s", name,
			                    number, src->offset + src->off + (size_t)e.position, e.text);
		if (pending >= MC_DIFF_MAX_REPORT_BYTES)
			return mc_error_set(MC_EPARSE, "%s, report %zu (byte %zu): longer than %zu MiB",
			                    name, number, src->offset + src->off,
			                    MC_DIFF_MAX_REPORT_BYTES >> 20);
		if (!fill(src, pending > 65536 ? pending : 65536))
			return mc_error_set(MC_ENOMEM, "out of memory");
	}
}

mc_status diff_read(FILE *fp, struct diff_side *side)
{
	struct source src = {.fp = fp};
	size_t number = 0;
	mc_status st = MC_OK;

	while (st == MC_OK && next_report(&src)) {
		json_t *o;

		if (++number > MC_DIFF_MAX_REPORTS) {
			st = mc_error_set(MC_EPARSE, "%s: more than %d reports", side->name,
			                  MC_DIFF_MAX_REPORTS);
			break;
		}
		if ((st = parse(&src, side->name, number, &o)) != MC_OK)
			break;
		st = take(side, o, number);
		json_decref(o);
	}
	free(src.buf);
	if (st == MC_OK && ferror(fp))
		return mc_error_set(MC_EPARSE, "%s: cannot be read", side->name);
	if (st == MC_OK && number == 0)
		return mc_error_set(MC_EPARSE, "%s: empty: no report to compare", side->name);
	return st;
}

void diff_side_clear(struct diff_side *side)
{
	for (size_t i = 0; i < side->n; i++)
		summary_clear(&side->items[i]);
	free(side->items);
	memset(side, 0, sizeof(*side));
}
