/*
 * `report --db`: what a run stored, and the trends over the period asked
 * (mc_fb_history) -- in JSON ("database", "trends") and in text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/internal.h"
#include "mailcheck/feedback.h"

static json_t *date_json(int64_t t)
{
	char buf[16];
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	return json_string(buf);
}

static json_t *int_json(uint64_t n)
{
	return json_integer((json_int_t)n);
}

/* A rate in percent with one decimal, null when there is nothing. */
static json_t *rate_json(uint64_t part, uint64_t whole)
{
	return whole ? json_real((double)(part * 1000 / whole) / 10.0) : json_null();
}

json_t *mc_feedback_stored_json(const mc_feedback_result *res)
{
	const mc_fb_stored *s = &res->stored;
	json_t *o;

	if (!s->used)
		return json_null();
	o = json_object();
	json_object_set_new(o, "aggregate_stored", int_json(s->aggregate));
	json_object_set_new(o, "tls_stored", int_json(s->tls));
	json_object_set_new(o, "failure_stored", int_json(s->failure));
	json_object_set_new(o, "already_stored", int_json(s->known));
	json_object_set_new(o, "dropped", int_json(s->dropped));
	return o;
}

static json_t *seen_json(const mc_fb_seen *list, size_t n, const char *key, bool days)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object();

		json_object_set_new(j, key, mc_json_str(list[i].name));
		json_object_set_new(j, days ? "reports" : "messages", int_json(list[i].messages));
		json_object_set_new(j, "first", date_json(list[i].first));
		json_object_set_new(j, "last", date_json(list[i].last));
		if (days)
			json_object_set_new(j, "days", int_json(list[i].days));
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *weeks_json(const mc_fb_history *h)
{
	json_t *a = json_array();

	for (size_t i = 0; i < h->n_weeks; i++) {
		const mc_fb_week *w = &h->weeks[i];
		json_t *j = json_object();

		json_object_set_new(j, "week", date_json(w->start));
		json_object_set_new(j, "messages", int_json(w->messages));
		json_object_set_new(j, "dmarc_pass", int_json(w->dmarc_pass));
		json_object_set_new(j, "pass_rate", rate_json(w->dmarc_pass, w->messages));
		json_object_set_new(j, "legitimate", int_json(w->legitimate));
		json_object_set_new(j, "legitimate_pass", int_json(w->legitimate_pass));
		json_object_set_new(j, "legitimate_pass_rate",
		                    rate_json(w->legitimate_pass, w->legitimate));
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *tls_weeks_json(const mc_fb_history *h)
{
	json_t *a = json_array();

	for (size_t i = 0; i < h->n_tls; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "week", date_json(h->tls[i].start));
		json_object_set_new(j, "mx", mc_json_str(h->tls[i].mx));
		json_object_set_new(j, "failures", int_json(h->tls[i].failures));
		json_array_append_new(a, j);
	}
	return a;
}

static json_t *readiness_json(const mc_fb_history *h)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "ready_for", json_string(h->ready ? h->ready : "not_yet"));
	json_object_set_new(o, "legitimate", int_json(h->legitimate));
	json_object_set_new(o, "legitimate_pass", int_json(h->legitimate_pass));
	json_object_set_new(o, "legitimate_pass_rate", rate_json(h->legitimate_pass, h->legitimate));
	for (size_t i = 0; i < h->n_failing; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "ip", mc_json_str(h->failing[i].name));
		json_object_set_new(j, "failing", int_json(h->failing[i].messages));
		json_object_set_new(j, "kind", mc_json_str(h->failing[i].kind));
		json_array_append_new(a, j);
	}
	json_object_set_new(o, "still_failing", a);
	json_object_set_new(o, "still_failing_total", int_json(h->total_failing));
	return o;
}

json_t *mc_feedback_trends_json(const mc_feedback_result *res)
{
	const mc_fb_history *h = res->history;
	json_t *o;

	if (!h)
		return json_null();
	o = json_object();
	json_object_set_new(o, "since", date_json(h->since));
	json_object_set_new(o, "until", date_json(h->until));
	json_object_set_new(o, "first", date_json(h->first));
	json_object_set_new(o, "last", date_json(h->last));
	json_object_set_new(o, "recent_since", date_json(h->recent));
	json_object_set_new(o, "weeks", weeks_json(h));
	json_object_set_new(o, "new_sources", seen_json(h->new_sources, h->n_new, "ip", false));
	json_object_set_new(o, "new_sources_total", int_json(h->total_new));
	json_object_set_new(o, "gone_sources", seen_json(h->gone_sources, h->n_gone, "ip", false));
	json_object_set_new(o, "gone_sources_total", int_json(h->total_gone));
	json_object_set_new(o, "stopped_reporters", seen_json(h->stopped, h->n_stopped, "org", true));
	json_object_set_new(o, "tls_failures", tls_weeks_json(h));
	json_object_set_new(o, "readiness", readiness_json(h));
	return o;
}

/* ---- text ---- */

#define TEXT_WEEKS 26

/* "96.1%", or "-" when there is nothing to rate. */
static const char *rate(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	if (!whole)
		return "-";
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%%", part * 100 / whole,
	         part * 1000 / whole % 10);
	return buf;
}

void mc_feedback_stored_text(mc_text *t, const mc_feedback_result *res)
{
	const mc_fb_stored *s = &res->stored;
	char a[32], b[32], c[32], d[32];

	if (!s->used || res->history)
		return;
	fputs("  ", t->fp);
	fprintf(t->fp, mc_ntr("stored in the database: %s aggregate, %s SMTP TLS and %s failure "
	        "report; %s there already", "stored in the database: %s aggregate, %s SMTP TLS "
	        "and %s failure reports; %s there already", s->aggregate + s->tls + s->failure),
	        mc_thousands(s->aggregate, a, sizeof(a)), mc_thousands(s->tls, b, sizeof(b)),
	        mc_thousands(s->failure, c, sizeof(c)), mc_thousands(s->known, d, sizeof(d)));
	fputc('\n', t->fp);
	if (s->dropped) {
		fputs("  ", t->fp);
		fprintf(t->fp, mc_ntr("not stored: %s aggregate report that broke off (named below)",
		        "not stored: %s aggregate reports that broke off (named below)", s->dropped),
		        mc_thousands(s->dropped, a, sizeof(a)));
		fputc('\n', t->fp);
	}
}

/* A table row: cells right-aligned to their columns' display widths. */
static void week_row(mc_text *t, const char *const *cells, const int *widths, size_t n)
{
	fputs("   ", t->fp);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "  " : " ", t->fp);
		mc_text_cell(t->fp, cells[i], widths[i], i > 0);
	}
	fputc('\n', t->fp);
}

static void weeks_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], r1[16], r2[16], d[16];
	/* TRANSLATORS: the headings of the week-by-week table */
	const char *heads[] = {_("week of"), _("messages"), _("DMARC pass"), _("legitimate pass")};
	int widths[] = {10, 12, 10, 16};
	size_t from = h->n_weeks > TEXT_WEEKS ? h->n_weeks - TEXT_WEEKS : 0;

	for (size_t i = 0; i < 4; i++)
		if ((int)mc_text_width(heads[i]) > widths[i])
			widths[i] = (int)mc_text_width(heads[i]);
	fputs("\n  ", t->fp);
	fputs(from ? _("Week by week (from Monday, UTC); the last 26 weeks (--json has every "
	               "week):") : _("Week by week (from Monday, UTC):"), t->fp);
	fputc('\n', t->fp);
	week_row(t, heads, widths, 4);
	for (size_t i = from; i < h->n_weeks; i++) {
		const mc_fb_week *w = &h->weeks[i];
		const char *cells[] = {mc_text_day(w->start, d, sizeof(d)),
		                       mc_thousands(w->messages, a, sizeof(a)),
		                       rate(w->dmarc_pass, w->messages, r1, sizeof(r1)),
		                       rate(w->legitimate_pass, w->legitimate, r2, sizeof(r2))};

		week_row(t, cells, widths, 4);
	}
}

/* Sources new (first) or gone in the last 7 days: title is a message with
 * the day and the count. */
static void seen_text(mc_text *t, const char *title, int64_t since, const mc_fb_seen *list,
                      size_t n, uint64_t total, bool first)
{
	char a[32], d[16];

	if (!total)
		return;
	fputs("\n  ", t->fp);
	fprintf(t->fp, _(title), mc_text_day(since, d, sizeof(d)), mc_thousands(total, a, sizeof(a)));
	fputc('\n', t->fp);
	for (size_t i = 0; i < n; i++) {
		char day[16];

		fputs("  - ", t->fp);
		mc_text_day(first ? list[i].first : list[i].last, day, sizeof(day));
		fprintf(t->fp, first ? mc_ntr("%s: %s message, first %s", "%s: %s messages, first %s",
		                              list[i].messages)
		                     : mc_ntr("%s: %s message, last %s", "%s: %s messages, last %s",
		                              list[i].messages),
		        list[i].name, mc_thousands(list[i].messages, a, sizeof(a)), day);
		fputc('\n', t->fp);
	}
	if (total > n) {
		fputs("  - ", t->fp);
		fprintf(t->fp, _("and %s more"), mc_thousands(total - n, a, sizeof(a)));
		fputc('\n', t->fp);
	}
}

static void stopped_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], b[32], d[16];

	if (!h->n_stopped)
		return;
	fprintf(t->fp, "\n  %s\n", _("Reporters that sent on most days and stopped:"));
	for (size_t i = 0; i < h->n_stopped; i++) {
		/* [one report or many][on one day or many] */
		static const char *const says[2][2] = {
			{N_("%s: %s report on %s day, the last on %s"),
			 N_("%s: %s report on %s days, the last on %s")},
			{N_("%s: %s reports on %s day, the last on %s"),
			 N_("%s: %s reports on %s days, the last on %s")},
		};

		fputs("  - ", t->fp);
		fprintf(t->fp, _(says[h->stopped[i].messages != 1][h->stopped[i].days != 1]),
		        h->stopped[i].name, mc_thousands(h->stopped[i].messages, a, sizeof(a)),
		        mc_thousands(h->stopped[i].days, b, sizeof(b)),
		        mc_text_day(h->stopped[i].last, d, sizeof(d)));
		fputc('\n', t->fp);
	}
}

static void tls_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], d[16];

	if (!h->n_tls)
		return;
	fprintf(t->fp, "\n  %s\n", _("SMTP TLS failures per MX and week:"));
	for (size_t i = 0; i < h->n_tls; i++)
		fprintf(t->fp, "    %-10s  %-40s  %s\n", mc_text_day(h->tls[i].start, d, sizeof(d)),
		        h->tls[i].mx[0] ? h->tls[i].mx : _("(MX not named)"),
		        mc_thousands(h->tls[i].failures, a, sizeof(a)));
}

static void readiness_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], r[16], d1[16], d2[16];
	const char *ready = h->ready ? h->ready : "not_yet";
	const char *says = !strcmp(ready, "reject")
		? N_("Readiness, %s .. %s: %s of the mail of sources that look legitimate passes "
		     "DMARC: ready for p=reject (99%% or more).")
		: !strcmp(ready, "quarantine")
		? N_("Readiness, %s .. %s: %s of the mail of sources that look legitimate passes "
		     "DMARC: ready for p=quarantine (95%% or more), not yet for p=reject (99%%).")
		: N_("Readiness, %s .. %s: %s of the mail of sources that look legitimate passes "
		     "DMARC: not ready for p=quarantine (95%%).");

	fputs("\n  ", t->fp);
	fprintf(t->fp, _(says), mc_text_day(h->first, d1, sizeof(d1)),
	        mc_text_day(h->last, d2, sizeof(d2)), rate(h->legitimate_pass, h->legitimate, r,
	        sizeof(r)));
	fputc('\n', t->fp);
	if (!h->total_failing) {
		fprintf(t->fp, "  %s\n", strcmp(ready, "reject")
		        ? _("No source that looks legitimate failed DMARC in the last 7 days of "
		            "reports: the failures are behind you; ask again for a later period "
		            "(--since).")
		        : _("No source that looks legitimate failed DMARC in the last 7 days of "
		            "reports."));
		return;
	}
	fputs("  ", t->fp);
	fprintf(t->fp, mc_ntr("%s source that looks legitimate still fails DMARC in the last 7 "
	        "days of reports:", "%s sources that look legitimate still fail DMARC in the last "
	        "7 days of reports:", h->total_failing), mc_thousands(h->total_failing, a, sizeof(a)));
	fputc('\n', t->fp);
	for (size_t i = 0; i < h->n_failing; i++) {
		fputs("  - ", t->fp);
		fprintf(t->fp, mc_ntr("%s: %s message failing (%s)", "%s: %s messages failing (%s)",
		        h->failing[i].messages), h->failing[i].name,
		        mc_thousands(h->failing[i].messages, a, sizeof(a)),
		        h->failing[i].kind ? h->failing[i].kind : "?");
		fputc('\n', t->fp);
	}
	if (h->total_failing > h->n_failing) {
		fputs("  - ", t->fp);
		fprintf(t->fp, _("and %s more"), mc_thousands(h->total_failing - h->n_failing, a,
		        sizeof(a)));
		fputc('\n', t->fp);
	}
}

void mc_feedback_trends_text(mc_text *t, const mc_feedback_result *res)
{
	const mc_fb_history *h = res->history;

	if (!h)
		return;
	weeks_text(t, h);
	seen_text(t, N_("Sources first seen in the last 7 days of reports (since %s): %s"),
	          h->recent, h->new_sources, h->n_new, h->total_new, true);
	seen_text(t, N_("Sources seen before, gone in the last 7 days of reports (since %s): %s"),
	          h->recent, h->gone_sources, h->n_gone, h->total_gone, false);
	stopped_text(t, h);
	tls_text(t, h);
	readiness_text(t, h);
}

/* ---- --html ---- */

#define HTML_WEEKS 104    /* weeks charted: two years */
#define HTML_TLS_MX 5     /* MX hosts charted apart; the rest together */

/* Per week: the legitimate sources' mail passing and failing DMARC, and the
 * rest (forwarded, spoofed) -- a bar each, the latest HTML_WEEKS. */
static void weeks_html(mc_buf *b, const mc_fb_history *h)
{
	/* TRANSLATORS: report --db --html: the series of the weekly chart */
	const char *const series[] = {_("legitimate, pass DMARC"), _("legitimate, fail DMARC"),
	                              _("forwarded or spoofed")};
	static const char *const classes[] = {"pass", "error", "not_checked"};
	size_t from = h->n_weeks > HTML_WEEKS ? h->n_weeks - HTML_WEEKS : 0, n = h->n_weeks - from;
	size_t *values = calloc(n * 3 + 1, sizeof(*values));
	char **labels = calloc(n + 1, sizeof(*labels));
	char d[16], r1[16], r2[16], a[32];

	for (size_t i = 0; values && labels && i < n; i++) {
		const mc_fb_week *w = &h->weeks[from + i];

		labels[i] = mc_asprintf(_("week of %s"), mc_text_day(w->start, d, sizeof(d)));
		values[i * 3] = w->legitimate_pass;
		values[i * 3 + 1] = w->legitimate - w->legitimate_pass;
		values[i * 3 + 2] = w->messages - w->legitimate;
	}
	if (values && labels && n)
		mc_html_bars(b, _("Messages per week: the legitimate sources' mail, passing and "
		                  "failing DMARC"), (const char *const *)labels, n, series, classes, 3,
		             values);
	for (size_t i = 0; labels && i < n; i++)
		free(labels[i]);
	free(labels);
	free(values);
	/* TRANSLATORS: report --db --html: the headings of the weekly table */
	mc_html_table_head(b, (const char *const[]){_("Week of (Monday, UTC)"), _("Messages"),
	                   _("DMARC pass"), _("Legitimate sources' pass")}, 4);
	for (size_t i = from; i < h->n_weeks; i++) {
		const mc_fb_week *w = &h->weeks[i];

		mc_buf_addf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		            mc_text_day(w->start, d, sizeof(d)), mc_thousands(w->messages, a, sizeof(a)),
		            rate(w->dmarc_pass, w->messages, r1, sizeof(r1)),
		            rate(w->legitimate_pass, w->legitimate, r2, sizeof(r2)));
	}
	mc_buf_lit(b, "</table>");
}

/* "and N more" as the last item of a list. */
static void more_html(mc_buf *b, uint64_t more)
{
	char a[32], *line = mc_asprintf(_("and %s more"), mc_thousands(more, a, sizeof(a)));

	mc_html_elem(b, "li", NULL, line);
	free(line);
}

/* Sources new (first) or gone: title is a message with the day and the
 * count, as in the text. */
static void seen_html(mc_buf *b, const char *title, int64_t since, const mc_fb_seen *list,
                      size_t n, uint64_t total, bool first)
{
	char a[32], d[16];
	char *head;

	if (!total)
		return;
	head = mc_asprintf(_(title), mc_text_day(since, d, sizeof(d)), mc_thousands(total, a, sizeof(a)));
	mc_html_elem(b, "h4", NULL, head);
	free(head);
	mc_buf_lit(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		char day[16], *line;

		mc_text_day(first ? list[i].first : list[i].last, day, sizeof(day));
		line = mc_asprintf(first ? mc_ntr("%s: %s message, first %s", "%s: %s messages, first %s",
		                                  list[i].messages)
		                         : mc_ntr("%s: %s message, last %s", "%s: %s messages, last %s",
		                                  list[i].messages),
		                   list[i].name, mc_thousands(list[i].messages, a, sizeof(a)), day);
		mc_html_elem(b, "li", NULL, line); /* the name escaped with the rest */
		free(line);
	}
	if (total > n)
		more_html(b, total - n);
	mc_buf_lit(b, "</ul>");
}

struct host_sum {
	const char *host;
	uint64_t failures;
};

static int by_failures(const void *a, const void *b)
{
	const struct host_sum *x = a, *y = b;

	if (x->failures != y->failures)
		return x->failures < y->failures ? 1 : -1;
	return strcmp(x->host, y->host);
}

/* The MX hosts with the most TLS failures over the period (at most max). */
static size_t tls_hosts(const mc_fb_history *h, const char **hosts, size_t max)
{
	struct host_sum *all = calloc(h->n_tls + 1, sizeof(*all));
	size_t n = 0;

	for (size_t i = 0; all && i < h->n_tls; i++) {
		size_t k;

		for (k = 0; k < n && strcmp(all[k].host, h->tls[i].mx); k++)
			;
		if (k == n)
			all[n++].host = h->tls[i].mx;
		all[k].failures += h->tls[i].failures;
	}
	if (n)
		qsort(all, n, sizeof(*all), by_failures);
	n = n < max ? n : max;
	for (size_t k = 0; k < n; k++)
		hosts[k] = all[k].host;
	free(all);
	return n;
}

/* TLS failures per week, stacked by MX host (the first HTML_TLS_MX apart). */
static void tls_html(mc_buf *b, const mc_fb_history *h)
{
	static const char *const palette[] = {"error", "warning", "delay", "not_published",
	                                      "pass", "not_checked"};
	const char *hosts[HTML_TLS_MX], *series[HTML_TLS_MX + 1];
	size_t n_hosts = tls_hosts(h, hosts, HTML_TLS_MX), n_weeks = 0;
	size_t *values = calloc((h->n_tls + 1) * (HTML_TLS_MX + 1), sizeof(*values));
	char **labels = calloc(h->n_tls + 1, sizeof(*labels)), d[16], a[32];
	int64_t week = 0;

	bool others = false;

	for (size_t k = 0; k < n_hosts; k++)
		series[k] = hosts[k][0] ? hosts[k] : _("(MX not named)");
	/* TRANSLATORS: report --db --html: the MX hosts not charted apart */
	series[n_hosts] = _("other MX hosts");
	for (size_t i = 0; values && labels && i < h->n_tls; i++) { /* by week, then MX */
		size_t k;

		if (!n_weeks || h->tls[i].start != week) {
			week = h->tls[i].start;
			labels[n_weeks++] = mc_asprintf(_("week of %s"), mc_text_day(week, d, sizeof(d)));
		}
		for (k = 0; k < n_hosts && strcmp(hosts[k], h->tls[i].mx); k++)
			;
		others |= k == n_hosts;
		values[(n_weeks - 1) * (n_hosts + 1) + k] += h->tls[i].failures;
	}
	/* values by week of n_hosts + 1; without others, the last of each is 0
	 * and is not drawn, but the stride stays */
	if (values && labels && n_weeks && others)
		mc_html_bars(b, _("SMTP TLS failed sessions per week, by MX host"),
		             (const char *const *)labels, n_weeks, series, palette, n_hosts + 1, values);
	else if (values && labels && n_weeks) {
		for (size_t w = 0; w < n_weeks; w++) /* closed up to n_hosts a week */
			memmove(values + w * n_hosts, values + w * (n_hosts + 1), n_hosts * sizeof(*values));
		mc_html_bars(b, _("SMTP TLS failed sessions per week, by MX host"),
		             (const char *const *)labels, n_weeks, series, palette, n_hosts, values);
	}
	for (size_t i = 0; labels && i < n_weeks; i++)
		free(labels[i]);
	free(labels);
	free(values);
	/* TRANSLATORS: report --db --html: the headings of the TLS failures table */
	mc_html_table_head(b, (const char *const[]){_("Week of"), _("MX host"),
	                   _("Failed sessions")}, 3);
	for (size_t i = 0; i < h->n_tls; i++) {
		mc_buf_addf(b, "<tr><td>%s</td><td>", mc_text_day(h->tls[i].start, d, sizeof(d)));
		mc_html_text(b, h->tls[i].mx[0] ? h->tls[i].mx : _("(MX not named)"));
		mc_buf_addf(b, "</td><td>%s</td></tr>", mc_thousands(h->tls[i].failures, a, sizeof(a)));
	}
	mc_buf_lit(b, "</table>");
}

static void readiness_html(mc_buf *b, const mc_fb_history *h)
{
	const char *ready = h->ready ? h->ready : "not_yet";
	const char *says = !strcmp(ready, "reject")
		? N_("From %s to %s, %s of the mail of sources that look legitimate passes DMARC: "
		     "ready for p=reject (99%% or more).")
		: !strcmp(ready, "quarantine")
		? N_("From %s to %s, %s of the mail of sources that look legitimate passes DMARC: "
		     "ready for p=quarantine (95%% or more), not yet for p=reject (99%%).")
		: N_("From %s to %s, %s of the mail of sources that look legitimate passes DMARC: "
		     "not ready for p=quarantine (95%%).");
	char a[32], r[16], d1[16], d2[16], *line;

	/* TRANSLATORS: report --db --html: the heading of the readiness for p=reject */
	mc_html_elem(b, "h4", NULL, _("Ready for p=reject?"));
	mc_buf_lit(b, "<p>");
	mc_html_status(b, !strcmp(ready, "reject") ? "pass"
	                  : !strcmp(ready, "quarantine") ? "warning" : "fail");
	line = mc_asprintf(_(says), mc_text_day(h->first, d1, sizeof(d1)),
	                   mc_text_day(h->last, d2, sizeof(d2)),
	                   rate(h->legitimate_pass, h->legitimate, r, sizeof(r)));
	mc_buf_lit(b, " ");
	mc_html_text(b, line);
	free(line);
	mc_buf_lit(b, "</p>");
	if (!h->total_failing) {
		mc_html_elem(b, "p", NULL, _("No source that looks legitimate failed DMARC in the last "
		                             "7 days of reports."));
		return;
	}
	line = mc_asprintf(mc_ntr("%s source that looks legitimate still fails DMARC in the last 7 "
	                          "days of reports:", "%s sources that look legitimate still fail "
	                          "DMARC in the last 7 days of reports:", h->total_failing),
	                   mc_thousands(h->total_failing, a, sizeof(a)));
	mc_html_elem(b, "p", NULL, line);
	free(line);
	mc_buf_lit(b, "<ul>");
	for (size_t i = 0; i < h->n_failing; i++) {
		const char *kind = h->failing[i].kind;

		line = mc_asprintf(mc_ntr("%s: %s message failing (%s)", "%s: %s messages failing (%s)",
		                          h->failing[i].messages), h->failing[i].name,
		                   mc_thousands(h->failing[i].messages, a, sizeof(a)),
		                   kind ? MC_OR(mc_status_word(kind), kind) : "?");
		mc_html_elem(b, "li", NULL, line);
		free(line);
	}
	if (h->total_failing > h->n_failing)
		more_html(b, h->total_failing - h->n_failing);
	mc_buf_lit(b, "</ul>");
}

void mc_feedback_trends_html(mc_buf *b, const mc_feedback_result *res)
{
	const mc_fb_history *h = res->history;
	char a[32];

	if (!h)
		return;
	/* TRANSLATORS: report --db --html: the heading of the trends */
	mc_html_elem(b, "h3", NULL, _("Over time (from the database)"));
	readiness_html(b, h);
	weeks_html(b, h);
	seen_html(b, N_("Sources first seen in the last 7 days of reports (since %s): %s"),
	          h->recent, h->new_sources, h->n_new, h->total_new, true);
	seen_html(b, N_("Sources seen before, gone in the last 7 days of reports (since %s): %s"),
	          h->recent, h->gone_sources, h->n_gone, h->total_gone, false);
	if (h->n_stopped) {
		/* TRANSLATORS: report --db --html: a heading */
		mc_html_elem(b, "h4", NULL, _("Reporters that sent on most days and stopped"));
		mc_buf_lit(b, "<ul>");
		for (size_t i = 0; i < h->n_stopped; i++) {
			char d[16], *line;

			line = mc_asprintf(mc_ntr("%s: %s report, the last on %s",
			                          "%s: %s reports, the last on %s", h->stopped[i].messages),
			                   h->stopped[i].name, mc_thousands(h->stopped[i].messages, a, sizeof(a)),
			                   mc_text_day(h->stopped[i].last, d, sizeof(d)));
			mc_html_elem(b, "li", NULL, line);
			free(line);
		}
		mc_buf_lit(b, "</ul>");
	}
	if (h->n_tls)
		tls_html(b, h);
}
