/*
 * Text pieces shared by every command: the verdict line, findings with
 * their fixes, the DNS log. Colour only when the caller asked for it (it
 * decides from the terminal and NO_COLOR).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include <time.h>

#include "report/internal.h"

static const char *const ansi[] = {
	[MC_COLOR_NONE] = "", [MC_COLOR_GREEN] = "\033[32m", [MC_COLOR_RED] = "\033[31m",
	[MC_COLOR_YELLOW] = "\033[33m", [MC_COLOR_BOLD] = "\033[1m", [MC_COLOR_DIM] = "\033[2m",
};

void mc_text_colored(mc_text *t, mc_color c, const char *s)
{
	if (t->opts->color && c != MC_COLOR_NONE && t->raw) {
		mc_escaped_raw(t->fp, t->raw, ansi[c]);
		fputs(s, t->fp);
		mc_escaped_raw(t->fp, t->raw, "\033[0m");
	} else {
		fputs(s, t->fp);
	}
}

static mc_color verdict_color(mc_verdict v)
{
	switch (v) {
	case MC_VERDICT_PASS: return MC_COLOR_GREEN;
	case MC_VERDICT_FAIL:
	case MC_VERDICT_PERMERROR: return MC_COLOR_RED;
	default: return MC_COLOR_YELLOW;
	}
}

static void headline(mc_text *t, mc_color c, const char *word, const char *fmt, va_list ap)
{
	mc_text_colored(t, c, word);
	fputs("  ", t->fp);
	vfprintf(t->fp, fmt, ap);
	fputc('\n', t->fp);
}

void mc_text_headline(mc_text *t, mc_color c, const char *word, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	headline(t, c, word, fmt, ap);
	va_end(ap);
}

/* The code point at *s (UTF-8), *s moved past it; a byte that starts no
 * character counts as one. */
static uint32_t next_char(const unsigned char **s)
{
	const unsigned char *p = *s;
	int n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
	      : (p[0] & 0xf8) == 0xf0 ? 4 : 1;
	uint32_t c = n == 1 ? p[0] : p[0] & (0x3f >> (n - 1));

	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + 1;
			return p[0];
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*s = p + n;
	return c;
}

/* Unicode's East Asian Wide and Fullwidth characters (UAX #11): two
 * terminal columns each. */
static bool wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x20000 && c <= 0x3fffd);
}

size_t mc_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t c = next_char(&p);

		w += wide(c) ? 2 : (c >= 0x300 && c <= 0x36f) ? 0 : 1; /* combining marks: 0 */
	}
	return w;
}

void mc_text_cell(FILE *fp, const char *s, int width, bool right)
{
	int pad = width - (int)mc_text_width(s);

	if (right)
		fprintf(fp, "%*s%s", pad > 0 ? pad : 0, "", s);
	else
		fprintf(fp, "%s%*s", s, pad > 0 ? pad : 0, "");
}

size_t mc_text_label_width(const char *const *labels, size_t n, size_t min)
{
	size_t w = min;

	for (size_t i = 0; i < n; i++)
		if (mc_text_width(labels[i]) + 1 > w)
			w = mc_text_width(labels[i]) + 1;
	return w;
}

void mc_text_field(mc_text *t, const char *label, size_t width, const char *fmt, ...)
{
	size_t w = mc_text_width(label);
	va_list ap;

	fprintf(t->fp, "  %s%*s", label, (int)(w < width ? width - w : 1), "");
	va_start(ap, fmt);
	vfprintf(t->fp, fmt, ap);
	va_end(ap);
	fputc('\n', t->fp);
}

/* A status, verdict, severity, change or kind of source as the JSON names
 * it ("not_published"), as a word in the locale's language; NULL for one
 * not known. Each msgid is the name with spaces for underscores, which is
 * what an English page shows. */
const char *mc_status_word(const char *status)
{
	static const char *const words[] = {
		N_("pass"), N_("warning"), N_("error"), N_("not published"), N_("temperror"),
		N_("not checked"),
		/* TRANSLATORS: an SPF, DMARC or DKIM result (diff, the --html pages) */
		N_("fail"), N_("softfail"), N_("neutral"), N_("none"), N_("permerror"),
		/* TRANSLATORS: the severity of a finding on an --html page */
		N_("info"),
		/* TRANSLATORS: diff: how a report changed */
		N_("same"), N_("changed"), N_("better"), N_("worse"),
		/* TRANSLATORS: diff: a finding the new run has and the old had not, the
		 * reverse, and a part that one run does not have */
		N_("new"), N_("gone"), N_("absent"),
		/* TRANSLATORS: report: the kinds of sending source (the --html page) */
		N_("passes"), N_("spf only"), N_("forwarded"), N_("not aligned"), N_("not in spf"),
		N_("spoofing"), N_("fails"), N_("not explained"),
	};
	char name[32];
	size_t i;

	for (i = 0; status && status[i] && i + 1 < sizeof(name); i++)
		name[i] = status[i] == '_' ? ' ' : status[i];
	name[i] = '\0';
	for (size_t k = 0; status && k < sizeof(words) / sizeof(words[0]); k++)
		if (strcmp(name, words[k]) == 0)
			return _(words[k]);
	return NULL;
}

/* A verdict as a short word in the locale's language (English: the
 * verdict's name in capitals, made above). */
static const char *verdict_word(mc_verdict v)
{
	switch (v) {
	/* TRANSLATORS: verdicts at the head of a line, short: PASS, FAIL, ... */
	case MC_VERDICT_PASS: return _("PASS");
	case MC_VERDICT_FAIL: return _("FAIL");
	case MC_VERDICT_SOFTFAIL: return _("SOFTFAIL");
	case MC_VERDICT_NEUTRAL: return _("NEUTRAL");
	case MC_VERDICT_NONE: return _("NONE");
	case MC_VERDICT_TEMPERROR: return _("TEMPERROR");
	default: return _("PERMERROR");
	}
}

void mc_text_verdict(mc_text *t, mc_verdict v, const char *fmt, ...)
{
	char word[16];
	va_list ap;
	size_t i;

	for (i = 0; mc_verdict_name(v)[i] && i < sizeof(word) - 1; i++)
		word[i] = (char)(mc_verdict_name(v)[i] - 'a' + 'A');
	word[i] = '\0';
	va_start(ap, fmt);
	headline(t, verdict_color(v), mc_i18n_active() ? verdict_word(v) : word, fmt, ap);
	va_end(ap);
}

static void finding_text(mc_text *t, const mc_finding *f)
{
	static const mc_color colors[] = {
		[MC_SEV_INFO] = MC_COLOR_NONE, [MC_SEV_WARNING] = MC_COLOR_YELLOW,
		[MC_SEV_ERROR] = MC_COLOR_RED,
	};
	/* TRANSLATORS: the severity of a finding, before its sentence */
	const char *words[] = {[MC_SEV_INFO] = _("note:"), [MC_SEV_WARNING] = _("warning:"),
	                       [MC_SEV_ERROR] = _("error:")};

	mc_text_colored(t, colors[f->severity], words[f->severity]);
	fprintf(t->fp, " %s ", f->message_text ? f->message_text : f->message);
	mc_text_colored(t, MC_COLOR_DIM, "[");
	mc_text_colored(t, MC_COLOR_DIM, f->code);
	mc_text_colored(t, MC_COLOR_DIM, "]");
	fputc('\n', t->fp);
	if (f->hint)
		/* TRANSLATORS: what to change, under a finding */
		fprintf(t->fp, _("  fix: %s\n"), f->hint_text ? f->hint_text : f->hint);
}

static void dns_text(mc_text *t, const mc_dns_log *log)
{
	if (log->n == 0)
		return;
	/* TRANSLATORS: -v: the heading of the DNS queries made, each with its answer */
	fputs(_("\nDNS queries:\n"), t->fp);
	for (size_t i = 0; i < log->n; i++) {
		const mc_dns_answer *a = log->entries[i].answer;

		fprintf(t->fp, "  %s %s: %s", a->name, mc_dns_type_name(a->type),
		        mc_dns_status_name(a->status));
		if (log->entries[i].cached)
			/* TRANSLATORS: -v: a DNS query answered from mailcheck's own cache */
			fputs(_(" (cached)"), t->fp);
		else
			fprintf(t->fp, " (%.1f ms)", a->ms);
		if (a->error)
			fprintf(t->fp, " -- %s", MC_OR(a->error_text, a->error));
		fputc('\n', t->fp);
		for (size_t k = 0; k < a->n_rrs; k++) {
			char *data = mc_rr_data_text(&a->rrs[k]);

			fprintf(t->fp, "    %s %u %s %s\n", a->rrs[k].owner, a->rrs[k].ttl,
			        mc_dns_type_name(a->rrs[k].type), data ? data : "?");
			free(data);
		}
	}
}

/* Is there the same finding (code and message) before lists[l]->items[i]?
 * Text says it once (two signatures of one key, one DNS failure seen by two
 * checks); the JSON keeps each where it was found. */
static bool said_before(const mc_findings *const *lists, size_t l, size_t i,
                        const mc_finding *f)
{
	for (size_t ll = 0; ll <= l; ll++) {
		size_t end = ll == l ? i : lists[ll]->n;

		for (size_t k = 0; k < end; k++)
			if (strcmp(lists[ll]->items[k].code, f->code) == 0 &&
			    strcmp(lists[ll]->items[k].message, f->message) == 0)
				return true;
	}
	return false;
}

void mc_text_findings(mc_text *t, const mc_findings *const *lists, const mc_severity *min,
                      size_t n)
{
	bool first = true;

	/* most important first: errors, then warnings, then notes */
	for (int sev = MC_SEV_ERROR; sev >= MC_SEV_INFO; sev--) {
		for (size_t l = 0; l < n; l++) {
			const mc_findings *f = lists[l];

			for (size_t i = 0; sev >= (int)min[l] && i < f->n; i++) {
				if ((int)f->items[i].severity != sev ||
				    said_before(lists, l, i, &f->items[i]))
					continue;
				if (first)
					fputc('\n', t->fp);
				first = false;
				finding_text(t, &f->items[i]);
			}
		}
	}
}

void mc_text_tail(mc_text *t, const mc_findings *f, const mc_dns_log *dns)
{
	const mc_severity all = MC_SEV_INFO;

	mc_text_findings(t, &f, &all, 1);
	if (t->opts->verbose)
		dns_text(t, dns);
}

const char *mc_text_name(const char *ascii, char *buf, size_t size)
{
	char *u = mc_domain_to_unicode(ascii);

	if (!u)
		return ascii;
	snprintf(buf, size, "%s (%s)", u, ascii);
	free(u);
	return buf;
}

const char *mc_text_day(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		return "?";
	strftime(buf, size, "%Y-%m-%d", &tm);
	return buf;
}
