/*
 * `report --db`: what a run stored, and the trends over the period asked
 * (mc_fb_history) -- in JSON ("database", "trends") and in text.
 */
#include <inttypes.h>
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
	fprintf(t->fp, "  stored in the database: %s aggregate, %s SMTP TLS and %s failure "
	        "report%s; %s there already\n", mc_thousands(s->aggregate, a, sizeof(a)),
	        mc_thousands(s->tls, b, sizeof(b)), mc_thousands(s->failure, c, sizeof(c)),
	        s->aggregate + s->tls + s->failure == 1 ? "" : "s",
	        mc_thousands(s->known, d, sizeof(d)));
	if (s->dropped)
		fprintf(t->fp, "  not stored: %s aggregate report%s that broke off (named below)\n",
		        mc_thousands(s->dropped, a, sizeof(a)), s->dropped == 1 ? "" : "s");
}

static void weeks_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], r1[16], r2[16], d[16];

	size_t from = h->n_weeks > TEXT_WEEKS ? h->n_weeks - TEXT_WEEKS : 0;

	fprintf(t->fp, "\n  Week by week (from Monday, UTC)%s:\n",
	        from ? "; the last 26 weeks (--json has every week)" : "");
	fprintf(t->fp, "    %-10s  %12s  %10s  %16s\n", "week of", "messages", "DMARC pass",
	        "legitimate pass");
	for (size_t i = from; i < h->n_weeks; i++) {
		const mc_fb_week *w = &h->weeks[i];

		fprintf(t->fp, "    %-10s  %12s  %10s  %16s\n", mc_text_day(w->start, d, sizeof(d)),
		        mc_thousands(w->messages, a, sizeof(a)),
		        rate(w->dmarc_pass, w->messages, r1, sizeof(r1)),
		        rate(w->legitimate_pass, w->legitimate, r2, sizeof(r2)));
	}
}

static void seen_text(mc_text *t, const char *title, int64_t since, const mc_fb_seen *list,
                      size_t n, uint64_t total, bool first)
{
	char a[32], d[16];

	if (!total)
		return;
	fprintf(t->fp, "\n  %s (since %s): %s\n", title, mc_text_day(since, d, sizeof(d)),
	        mc_thousands(total, a, sizeof(a)));
	for (size_t i = 0; i < n; i++)
		fprintf(t->fp, "  - %s: %s message%s, %s %s\n", list[i].name,
		        mc_thousands(list[i].messages, a, sizeof(a)), list[i].messages == 1 ? "" : "s",
		        first ? "first" : "last",
		        mc_text_day(first ? list[i].first : list[i].last, d, sizeof(d)));
	if (total > n)
		fprintf(t->fp, "  - and %s more\n", mc_thousands(total - n, a, sizeof(a)));
}

static void stopped_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], b[32], d[16];

	if (!h->n_stopped)
		return;
	fprintf(t->fp, "\n  Reporters that sent on most days and stopped:\n");
	for (size_t i = 0; i < h->n_stopped; i++)
		fprintf(t->fp, "  - %s: %s report%s on %s day%s, the last on %s\n", h->stopped[i].name,
		        mc_thousands(h->stopped[i].messages, a, sizeof(a)),
		        h->stopped[i].messages == 1 ? "" : "s",
		        mc_thousands(h->stopped[i].days, b, sizeof(b)), h->stopped[i].days == 1 ? "" : "s",
		        mc_text_day(h->stopped[i].last, d, sizeof(d)));
}

static void tls_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], d[16];

	if (!h->n_tls)
		return;
	fprintf(t->fp, "\n  SMTP TLS failures per MX and week:\n");
	for (size_t i = 0; i < h->n_tls; i++)
		fprintf(t->fp, "    %-10s  %-40s  %s\n", mc_text_day(h->tls[i].start, d, sizeof(d)),
		        h->tls[i].mx[0] ? h->tls[i].mx : "(MX not named)",
		        mc_thousands(h->tls[i].failures, a, sizeof(a)));
}

static void readiness_text(mc_text *t, const mc_fb_history *h)
{
	char a[32], r[16], d1[16], d2[16];
	const char *ready = h->ready ? h->ready : "not_yet";

	fprintf(t->fp, "\n  Readiness, %s .. %s: %s of the mail of sources that look legitimate "
	        "passes DMARC", mc_text_day(h->first, d1, sizeof(d1)), mc_text_day(h->last, d2, sizeof(d2)),
	        rate(h->legitimate_pass, h->legitimate, r, sizeof(r)));
	if (!strcmp(ready, "reject"))
		fprintf(t->fp, ": ready for p=reject (99%% or more).\n");
	else if (!strcmp(ready, "quarantine"))
		fprintf(t->fp, ": ready for p=quarantine (95%% or more), not yet for p=reject "
		        "(99%%).\n");
	else
		fprintf(t->fp, ": not ready for p=quarantine (95%%).\n");
	if (!h->total_failing) {
		fprintf(t->fp, "  No source that looks legitimate failed DMARC in the last 7 days of "
		        "reports%s\n", strcmp(ready, "reject") ? ": the failures are behind you; "
		        "ask again for a later period (--since)." : ".");
		return;
	}
	fprintf(t->fp, "  %s source%s that look%s legitimate still fail%s DMARC in the last 7 days "
	        "of reports:\n", mc_thousands(h->total_failing, a, sizeof(a)),
	        h->total_failing == 1 ? "" : "s", h->total_failing == 1 ? "s" : "",
	        h->total_failing == 1 ? "s" : "");
	for (size_t i = 0; i < h->n_failing; i++)
		fprintf(t->fp, "  - %s: %s message%s failing (%s)\n", h->failing[i].name,
		        mc_thousands(h->failing[i].messages, a, sizeof(a)),
		        h->failing[i].messages == 1 ? "" : "s",
		        h->failing[i].kind ? h->failing[i].kind : "?");
	if (h->total_failing > h->n_failing)
		fprintf(t->fp, "  - and %s more\n", mc_thousands(h->total_failing - h->n_failing, a,
		                                                sizeof(a)));
}

void mc_feedback_trends_text(mc_text *t, const mc_feedback_result *res)
{
	const mc_fb_history *h = res->history;

	if (!h)
		return;
	weeks_text(t, h);
	seen_text(t, "Sources first seen in the last 7 days of reports", h->recent, h->new_sources,
	          h->n_new, h->total_new, true);
	seen_text(t, "Sources seen before, gone in the last 7 days of reports", h->recent,
	          h->gone_sources, h->n_gone, h->total_gone, false);
	stopped_text(t, h);
	tls_text(t, h);
	readiness_text(t, h);
}
