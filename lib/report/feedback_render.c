/* report: JSON, CSV and the page for the reports read (the text is in
 * feedback_text.c). */
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "mailcheck/feedback.h"
#include "report/internal.h"

static json_t *counts_json(const mc_fb_counts *c, const char *name, const char *detail)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, name, mc_json_str(c->items[i].name));
		if (detail)
			json_object_set_new(o, detail, mc_json_str(c->items[i].detail));
		json_object_set_new(o, "messages", json_integer((json_int_t)c->items[i].messages));
		json_array_append_new(a, o);
	}
	if (c->other) {
		json_t *o = json_object();

		json_object_set_new(o, name, json_string("(other)"));
		if (detail)
			json_object_set_new(o, detail, json_null());
		json_object_set_new(o, "messages", json_integer((json_int_t)c->other));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *source_json(const mc_fb_source *s)
{
	json_t *o = json_object(), *d = json_object();

	json_object_set_new(o, "ip", mc_json_str(s->ip));
	json_object_set_new(o, "ptr", mc_json_str(s->ptr));
	json_object_set_new(o, "provider", mc_json_str(s->provider));
	json_object_set_new(o, "messages", json_integer((json_int_t)s->messages));
	json_object_set_new(o, "dmarc_pass", json_integer((json_int_t)s->dmarc_pass));
	json_object_set_new(o, "dkim_aligned", json_integer((json_int_t)s->dkim_aligned));
	json_object_set_new(o, "spf_aligned", json_integer((json_int_t)s->spf_aligned));
	json_object_set_new(d, "none", json_integer((json_int_t)s->none));
	json_object_set_new(d, "quarantine", json_integer((json_int_t)s->quarantine));
	json_object_set_new(d, "reject", json_integer((json_int_t)s->reject));
	json_object_set_new(o, "disposition", d);
	json_object_set_new(o, "header_from", counts_json(&s->header_from, "domain", NULL));
	json_object_set_new(o, "spf", counts_json(&s->spf, "domain", "result"));
	json_object_set_new(o, "dkim", counts_json(&s->dkim, "domain", "result"));
	json_object_set_new(o, "overrides", counts_json(&s->overrides, "type", NULL));
	json_object_set_new(o, "reporters", counts_json(&s->reporters, "org", NULL));
	json_object_set_new(o, "in_spf", s->in_spf < 0 ? json_null() : json_boolean(s->in_spf));
	json_object_set_new(o, "kind", mc_json_str(s->kind));
	json_object_set_new(o, "explanation", mc_json_str(s->explanation));
	return o;
}

static json_t *tls_json(const mc_feedback_result *res)
{
	json_t *o = json_object(), *pols = json_array();

	json_object_set_new(o, "reports", json_integer((json_int_t)res->tls_reports));
	for (size_t i = 0; i < res->n_tls; i++) {
		const mc_fb_tls_policy *p = &res->tls[i];
		json_t *j = json_object(), *mx = json_array(), *fx = json_array();

		json_object_set_new(j, "domain", mc_json_str(p->domain));
		json_object_set_new(j, "type", mc_json_str(p->type));
		json_object_set_new(j, "mode", mc_json_str(p->mode));
		json_object_set_new(j, "reports", json_integer((json_int_t)p->reports));
		json_object_set_new(j, "successful_sessions", json_integer((json_int_t)p->successes));
		json_object_set_new(j, "failed_sessions", json_integer((json_int_t)p->failures));
		for (size_t k = 0; k < p->n_mx; k++) {
			json_t *m = json_object();

			json_object_set_new(m, "host", mc_json_str(p->mx[k].host));
			json_object_set_new(m, "failed_sessions", json_integer((json_int_t)p->mx[k].failures));
			json_object_set_new(m, "results", counts_json(&p->mx[k].results, "type", NULL));
			json_array_append_new(mx, m);
		}
		json_object_set_new(j, "mx", mx);
		for (size_t k = 0; k < p->n_fixes; k++)
			json_array_append_new(fx, mc_json_str(p->fixes[k]));
		json_object_set_new(j, "fixes", fx);
		json_array_append_new(pols, j);
	}
	json_object_set_new(o, "policies", pols);
	return o;
}

static json_t *check_json(const mc_verify_result *v)
{
	json_t *o, *ex;

	if (!v)
		return json_null();
	o = json_object();
	ex = json_array();
	json_object_set_new(o, "result", json_string(mc_verdict_name(v->verdict)));
	json_object_set_new(o, "from_domain", mc_json_str(v->from_domain));
	json_object_set_new(o, "cause", mc_json_str(v->cause));
	json_object_set_new(o, "authentication_results", mc_json_str(v->authentication_results));
	for (size_t i = 0; i < v->n_explanation; i++)
		json_array_append_new(ex, mc_json_str(v->explanation[i]));
	json_object_set_new(o, "explanation", ex);
	return o;
}

static json_t *failures_json(const mc_feedback_result *res)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "reports", json_integer((json_int_t)res->failure_reports));
	for (size_t i = 0; i < res->n_failures; i++) {
		const mc_fb_failure *x = &res->failures[i];
		json_t *j = json_object();

		json_object_set_new(j, "input", mc_json_str(x->what));
		json_object_set_new(j, "reporter", mc_json_str(x->reporter));
		json_object_set_new(j, "feedback_type", mc_json_str(x->feedback_type));
		json_object_set_new(j, "auth_failure", mc_json_str(x->auth_failure));
		json_object_set_new(j, "reported_domain", mc_json_str(x->reported_domain));
		json_object_set_new(j, "source_ip", mc_json_str(x->source_ip));
		json_object_set_new(j, "original_mail_from", mc_json_str(x->original_mail_from));
		json_object_set_new(j, "arrival_date", mc_json_str(x->arrival_date));
		json_object_set_new(j, "reported_authentication_results",
		                    mc_json_str(x->authentication_results));
		json_object_set_new(j, "dkim_domain", mc_json_str(x->dkim_domain));
		json_object_set_new(j, "dkim_selector", mc_json_str(x->dkim_selector));
		json_object_set_new(j, "returned", mc_json_str(x->returned));
		json_object_set_new(j, "check", check_json(x->check));
		json_array_append_new(a, j);
	}
	json_object_set_new(o, "kept", a);
	return o;
}

static json_t *policies_json(const mc_feedback_result *res)
{
	json_t *pol = json_array();

	for (size_t i = 0; i < res->n_policies; i++) {
		const mc_fb_policy *p = &res->policies[i];
		json_t *j = json_object();

		json_object_set_new(j, "domain", mc_json_str(p->domain));
		json_object_set_new(j, "p", mc_json_str(p->p));
		json_object_set_new(j, "sp", mc_json_str(p->sp));
		json_object_set_new(j, "adkim", mc_json_str(p->adkim));
		json_object_set_new(j, "aspf", mc_json_str(p->aspf));
		json_object_set_new(j, "pct", p->pct < 0 ? json_null() : json_integer(p->pct));
		json_object_set_new(j, "reports", json_integer((json_int_t)p->reports));
		json_array_append_new(pol, j);
	}
	return pol;
}

static json_t *reporters_json(const mc_feedback_result *res)
{
	json_t *rep = json_array();

	for (size_t i = 0; i < res->n_reporters; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "org", mc_json_str(res->reporters[i].org));
		json_object_set_new(j, "reports", json_integer((json_int_t)res->reporters[i].reports));
		json_object_set_new(j, "messages", json_integer((json_int_t)res->reporters[i].messages));
		json_array_append_new(rep, j);
	}
	return rep;
}

static json_t *reports_json(const mc_feedback_result *res)
{
	json_t *list = json_array();

	for (size_t i = 0; i < res->n_reports; i++) {
		const mc_fb_report *r = &res->reports[i];
		json_t *j = json_object();

		json_object_set_new(j, "input", mc_json_str(r->input));
		json_object_set_new(j, "org", mc_json_str(r->org));
		json_object_set_new(j, "report_id", mc_json_str(r->report_id));
		json_object_set_new(j, "domain", mc_json_str(r->domain));
		json_object_set_new(j, "begin", r->begin ? json_integer(r->begin) : json_null());
		json_object_set_new(j, "end", r->end ? json_integer(r->end) : json_null());
		json_object_set_new(j, "rows", json_integer((json_int_t)r->rows));
		json_object_set_new(j, "messages", json_integer((json_int_t)r->messages));
		json_array_append_new(list, j);
	}
	return list;
}

/* The aggregate reports' totals, policies, reporters and list. */
static json_t *aggregate_json(const mc_feedback_result *res)
{
	json_t *agg = json_object();

	json_object_set_new(agg, "reports", json_integer((json_int_t)res->aggregate_reports));
	json_object_set_new(agg, "rows", json_integer((json_int_t)res->rows));
	json_object_set_new(agg, "messages", json_integer((json_int_t)res->messages));
	json_object_set_new(agg, "dmarc_pass", json_integer((json_int_t)res->dmarc_pass));
	json_object_set_new(agg, "duplicates", json_integer((json_int_t)res->duplicates));
	json_object_set_new(agg, "begin", res->begin ? json_integer(res->begin) : json_null());
	json_object_set_new(agg, "end", res->end ? json_integer(res->end) : json_null());
	json_object_set_new(agg, "policies", policies_json(res));
	json_object_set_new(agg, "reporters", reporters_json(res));
	json_object_set_new(agg, "list", reports_json(res));
	return agg;
}

/* The inputs named with why: unreadable ones, or messages without a report. */
static json_t *inputs_json(const mc_fb_unreadable *list, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "input", mc_json_str(list[i].what));
		json_object_set_new(j, "why", mc_json_str(list[i].why));
		json_array_append_new(a, j);
	}
	return a;
}

json_t *mc_feedback_json(const void *result)
{
	const mc_feedback_result *res = result;
	json_t *o = mc_json_head("report"), *imp = json_object();

	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "aggregate", aggregate_json(res));
	json_object_set_new(imp, "legitimate_failing", json_integer((json_int_t)res->legitimate_failing));
	json_object_set_new(imp, "forwarded_failing", json_integer((json_int_t)res->forwarded_failing));
	json_object_set_new(imp, "suspicious_failing", json_integer((json_int_t)res->suspicious_failing));
	json_object_set_new(o, "policy_impact", imp);
	json_object_set_new(o, "tls", tls_json(res));
	json_object_set_new(o, "failure_reports", failures_json(res));
	json_object_set_new(o, "unreadable", inputs_json(res->unreadable, res->n_unreadable));
	json_object_set_new(o, "unreadable_total", json_integer((json_int_t)res->unreadable_total));
	json_object_set_new(o, "skipped", inputs_json(res->skipped, res->n_skipped));
	json_object_set_new(o, "skipped_total", json_integer((json_int_t)res->skipped_total));
	json_object_set_new(o, "database", mc_feedback_stored_json(res));
	json_object_set_new(o, "trends", mc_feedback_trends_json(res));
	mc_json_tail(o, &res->findings);
	return o;
}

void mc_feedback_json_sources(mc_buf *b, const void *result)
{
	const mc_feedback_result *res = result;

	mc_buf_add(b, ",\"sources\":[", 12);
	for (size_t i = 0; i < res->n_sources; i++) {
		json_t *o = source_json(&res->sources[i]);

		if (i)
			mc_buf_add(b, ",", 1);
		mc_json_write(b, o);
		json_decref(o);
	}
	mc_buf_add(b, "]", 1);
}

/* ---- CSV: a row per source ---- */

const char *const mc_feedback_csv_header[] = {
	"ip", "ptr", "provider", "messages", "dmarc_pass", "dkim_aligned", "spf_aligned",
	"none", "quarantine", "reject", "header_from", "in_spf", "kind", "explanation", NULL,
};

/* "example.com (120); other.example (3)" */
static void counts_text(const mc_fb_counts *c, mc_buf *out)
{
	for (size_t i = 0; i < c->n; i++)
		mc_buf_addf(out, "%s%s (%llu)", i ? "; " : "", c->items[i].name ? c->items[i].name : "",
		            (unsigned long long)c->items[i].messages);
	if (c->other)
		mc_buf_addf(out, "%s(other) (%llu)", c->n ? "; " : "", (unsigned long long)c->other);
}

void mc_feedback_csv(mc_buf *b, const void *result)
{
	const mc_feedback_result *res = result;

	for (size_t i = 0; i < res->n_sources; i++) {
		const mc_fb_source *s = &res->sources[i];
		mc_buf from = {0};

		counts_text(&s->header_from, &from);
		mc_csv_cell(b, s->ip, false);
		mc_csv_cell(b, s->ptr, false);
		mc_csv_cell(b, s->provider, false);
		mc_csv_number(b, (long long)s->messages, false);
		mc_csv_number(b, (long long)s->dmarc_pass, false);
		mc_csv_number(b, (long long)s->dkim_aligned, false);
		mc_csv_number(b, (long long)s->spf_aligned, false);
		mc_csv_number(b, (long long)s->none, false);
		mc_csv_number(b, (long long)s->quarantine, false);
		mc_csv_number(b, (long long)s->reject, false);
		mc_csv_cell(b, from.s, false);
		mc_csv_cell(b, s->in_spf < 0 ? "" : s->in_spf ? "yes" : "no", false);
		mc_csv_cell(b, s->kind, false);
		mc_csv_cell(b, s->explanation, true);
		mc_buf_free(&from);
	}
}

/* ---- text ---- */

/* ---- --html ---- */

#define PAGE_SOURCES 200   /* sources in the page's table; the rest are counted */
#define PAGE_PERIODS 400   /* days (or weeks) charted */

/* The periods charted: days of the reports' begin, or weeks from Monday
 * when the reports span more than 62 days; the latest PAGE_PERIODS. Their
 * number (0: no report has a date), the first and the step. */
static size_t periods(const mc_feedback_result *res, int64_t *first_out, int64_t *step_out)
{
	int64_t first = 0, last = 0, step;
	size_t n;

	for (size_t i = 0; i < res->n_reports; i++) {
		int64_t t = res->reports[i].begin;

		if (t > 0 && (!first || t < first))
			first = t;
		if (t > last)
			last = t;
	}
	if (!first)
		return 0;
	step = last - first > 62 * 86400 ? 7 * 86400 : 86400;
	first -= first % 86400;
	if (step > 86400) /* back to Monday: 1970-01-01 was a Thursday */
		first -= ((first / 86400 + 3) % 7) * 86400;
	n = (size_t)((last - first) / step) + 1;
	if (n > PAGE_PERIODS) { /* the latest ones */
		first += (int64_t)(n - PAGE_PERIODS) * step;
		n = PAGE_PERIODS;
	}
	*first_out = first;
	*step_out = step;
	return n;
}

/* The series of the chart by kind of source: passing (through SPF alone
 * too), forwarded, not aligned, not in SPF, likely spoofed, the rest. */
enum { BY_KIND = 6 };

static size_t kind_series(const char *kind)
{
	static const char *const kinds[] = {"passes", "forwarded", "not_aligned", "not_in_spf",
	                                    "spoofing"};

	if (kind && !strcmp(kind, "spf_only"))
		return 0;
	for (size_t k = 0; kind && k < 5; k++)
		if (!strcmp(kind, kinds[k]))
			return k;
	return 5;
}

/* Each period's messages into values (by kind of source when the days are
 * whole, else passing and failing DMARC), its passes into pass[]. The
 * series per period. */
static size_t tally_periods(const mc_feedback_result *res, int64_t first, int64_t step, size_t n,
                            size_t *values, uint64_t *msgs, uint64_t *pass)
{
	/* the days kept as the chart's periods (the same rule on the same
	 * reports, unless some were past MC_FEEDBACK_MAX_LISTED) */
	bool by_kind = res->n_days && !res->days_incomplete && res->days_weekly == (step > 86400);

	for (size_t i = 0; by_kind && i < res->n_days; i++) {
		const mc_fb_day *d = &res->days[i];
		size_t k = d->day < first ? n : (size_t)((d->day - first) / step);

		if (k >= n || d->source >= res->n_sources)
			continue;
		values[k * BY_KIND + kind_series(res->sources[d->source].kind)] += d->messages;
		msgs[k] += d->messages;
		pass[k] += d->dmarc_pass;
	}
	for (size_t i = 0; !by_kind && i < res->n_reports; i++) {
		const mc_fb_report *r = &res->reports[i];
		size_t k = r->begin < first ? n : (size_t)((r->begin - first) / step);
		uint64_t ok = r->dmarc_pass < r->messages ? r->dmarc_pass : r->messages;

		if (k >= n)
			continue;
		values[k * 2] += ok;
		values[k * 2 + 1] += r->messages - ok;
		msgs[k] += r->messages;
		pass[k] += ok;
	}
	return by_kind ? BY_KIND : 2;
}

/* Messages per day (or week), stacked by kind of source -- by DMARC result
 * when the rows came without their days (from --db) -- each period with
 * the share that passes DMARC, oldest first. */
static void per_period(const mc_feedback_result *res, mc_buf *b)
{
	/* TRANSLATORS: report --html: the series of the chart of the days by
	 * kind of source */
	const char *const kinds[] = {_("passes"), _("forwarded"), _("not aligned"),
	                             _("not in spf"), _("spoofing"), _("other")};
	static const char *const kind_classes[] = {"pass", "not_published", "warning", "error",
	                                           "spoofing", "not_checked"};
	/* TRANSLATORS: report --html: the series of the messages charts */
	const char *const results[] = {_("pass DMARC"), _("fail DMARC")};
	static const char *const result_classes[] = {"pass", "error"};
	int64_t first = 0, step = 86400;
	size_t n = periods(res, &first, &step), n_series;
	size_t *values = calloc(n * BY_KIND + 1, sizeof(*values));
	uint64_t *msgs = calloc(n + 1, sizeof(*msgs)), *pass = calloc(n + 1, sizeof(*pass));
	char **labels = calloc(n + 1, sizeof(*labels));

	if (n && values && msgs && pass && labels) {
		n_series = tally_periods(res, first, step, n, values, msgs, pass);
		for (size_t k = 0; k < n; k++) {
			char d[32], rate[16];

			mc_text_day(first + (int64_t)k * step, d, sizeof(d));
			snprintf(rate, sizeof(rate), "%.1f%%", msgs[k] ? 100.0 * (double)pass[k] /
			         (double)msgs[k] : 0.0);
			/* TRANSLATORS: report --html: a row of a chart: the day (or the
			 * week from a Monday), the share of its mail that passes DMARC */
			labels[k] = step > 86400 ? mc_asprintf(_("week of %1$s: %2$s pass"), d, rate)
			                         : mc_asprintf(_("%1$s: %2$s pass"), d, rate);
		}
		mc_html_bars(b, step > 86400 ? (n_series == BY_KIND
		                                ? _("Messages per week, by kind of source")
		                                : _("Messages per week, by DMARC result"))
		                             : (n_series == BY_KIND
		                                ? _("Messages per day, by kind of source")
		                                : _("Messages per day, by DMARC result")),
		             (const char *const *)labels, n, n_series == BY_KIND ? kinds : results,
		             n_series == BY_KIND ? kind_classes : result_classes, n_series, values);
	}
	for (size_t k = 0; labels && k < n; k++)
		free(labels[k]);
	free(labels);
	free(values);
	free(msgs);
	free(pass);
}

/* The sources' messages by kind, passing and failing. */
static void per_kind(const mc_feedback_result *res, mc_buf *b)
{
	static const char *const kinds[] = {"passes", "spf_only", "forwarded", "not_aligned",
	                                    "not_in_spf", "spoofing", "fails"};
	const char *const series[] = {_("pass DMARC"), _("fail DMARC")};
	static const char *const classes[] = {"pass", "error"};
	size_t values[2 * (sizeof(kinds) / sizeof(kinds[0]) + 1)] = {0}, n = sizeof(kinds) / sizeof(kinds[0]);
	const char *labels[sizeof(kinds) / sizeof(kinds[0]) + 1];

	for (size_t k = 0; k < n; k++) /* the kinds in words where the locale has them */
		labels[k] = mc_i18n_active() ? MC_OR(mc_status_word(kinds[k]), kinds[k]) : kinds[k];
	labels[n] = _("not explained");
	for (size_t i = 0; i < res->n_sources; i++) {
		const mc_fb_source *s = &res->sources[i];
		size_t k;

		for (k = 0; k < n && (!s->kind || strcmp(s->kind, kinds[k])); k++)
			;
		values[k * 2] += s->dmarc_pass;
		values[k * 2 + 1] += s->messages - s->dmarc_pass;
	}
	mc_html_bars(b, _("Messages by kind of source"), labels, n + 1, series, classes, 2, values);
}

static void sources_html(const mc_feedback_result *res, mc_buf *b)
{
	/* TRANSLATORS: report --html: the heading of the sending sources, and its table's */
	mc_html_elem(b, "h3", NULL, _("Sources"));
	mc_html_table_head(b, (const char *const[]){_("Source"), _("Messages"), _("Pass DMARC"),
	                   _("Kind"), _("What it means")}, 5);
	for (size_t i = 0; i < res->n_sources && i < PAGE_SOURCES; i++) {
		const mc_fb_source *s = &res->sources[i];

		mc_buf_lit(b, "<tr><td>");
		mc_html_text(b, s->ip);
		if (s->ptr || s->provider) {
			mc_buf_lit(b, "<br><code>");
			mc_html_text(b, s->provider ? s->provider : s->ptr);
			mc_buf_lit(b, "</code>");
		}
		mc_buf_addf(b, "</td><td>%llu</td><td>%llu</td><td>", (unsigned long long)s->messages,
		            (unsigned long long)s->dmarc_pass);
		mc_html_status(b, s->kind ? s->kind : "not explained");
		mc_buf_lit(b, "</td><td>");
		mc_html_text(b, MC_OR(s->explanation_text, s->explanation));
		mc_buf_lit(b, "</td></tr>");
	}
	mc_buf_lit(b, "</table>");
	if (res->n_sources > PAGE_SOURCES) {
		mc_buf_lit(b, "<p>");
		mc_buf_addf(b, mc_ntr("%zu more source, with fewer messages (in the JSON).",
		                      "%zu more sources, with fewer messages (in the JSON).",
		                      res->n_sources - PAGE_SOURCES), res->n_sources - PAGE_SOURCES);
		mc_buf_lit(b, "</p>");
	}
}

static void tls_html(const mc_feedback_result *res, mc_buf *b)
{
	if (!res->n_tls)
		return;
	/* TRANSLATORS: report --html: the heading of the SMTP TLS reports, and its table's */
	mc_html_elem(b, "h3", NULL, _("TLS (SMTP TLS reports)"));
	mc_html_table_head(b, (const char *const[]){_("Policy"), _("MX host"),
	                   _("Failed sessions"), _("Why")}, 4);
	for (size_t i = 0; i < res->n_tls; i++) {
		const mc_fb_tls_policy *p = &res->tls[i];

		for (size_t m = 0; m < p->n_mx || (m == 0 && p->n_mx == 0); m++) {
			mc_buf_lit(b, "<tr><td>");
			mc_html_text(b, p->domain);
			mc_buf_lit(b, " ");
			mc_html_text(b, p->type);
			mc_buf_lit(b, "</td><td>");
			mc_html_text(b, p->n_mx ? p->mx[m].host : "");
			mc_buf_lit(b, "</td><td>");
			/* TRANSLATORS: report --html: failed sessions of all sessions */
			mc_buf_addf(b, _("%1$llu of %2$llu"),
			            (unsigned long long)(p->n_mx ? p->mx[m].failures : p->failures),
			            (unsigned long long)(p->successes + p->failures));
			mc_buf_lit(b, "</td><td>");
			for (size_t k = 0; p->n_mx && k < p->mx[m].results.n; k++) {
				mc_html_text(b, p->mx[m].results.items[k].name);
				mc_buf_lit(b, " ");
			}
			mc_buf_lit(b, "</td></tr>");
		}
	}
	mc_buf_lit(b, "</table>");
}

void mc_feedback_html(mc_buf *b, const void *result)
{
	const mc_feedback_result *res = result;
	char from[32], to[32];

	mc_buf status = {0};

	mc_html_status(&status, mc_verdict_name(res->verdict));
	mc_buf_lit(b, "<section class=\"report\"><h2>");
	/* TRANSLATORS: report --html: the verdict (a word in its colour), messages,
	 * reports, the first day, the last, the messages that pass DMARC */
	mc_buf_addf(b, mc_ntr("%1$s %2$llu messages in %3$llu aggregate report, %4$s to %5$s: "
	                      "%6$llu pass DMARC", "%1$s %2$llu messages in %3$llu aggregate "
	                      "reports, %4$s to %5$s: %6$llu pass DMARC", res->aggregate_reports),
	            MC_OR(status.s, ""), (unsigned long long)res->messages,
	            (unsigned long long)res->aggregate_reports,
	            mc_text_day(res->begin, from, sizeof(from)), mc_text_day(res->end, to, sizeof(to)),
	            (unsigned long long)res->dmarc_pass);
	mc_buf_free(&status);
	mc_buf_lit(b, "</h2>");
	per_period(res, b);
	per_kind(res, b);
	/* TRANSLATORS: report --html: the heading of what p=reject would stop */
	mc_html_elem(b, "h3", NULL, _("Before p=reject"));
	mc_buf_lit(b, "<p>");
	mc_buf_addf(b, _("Failing DMARC now: %1$llu messages of senders that look legitimate (fix "
	                 "them first), %2$llu forwarded or through lists, %3$llu likely spoofed "
	                 "(p=reject stops those)."),
	            (unsigned long long)res->legitimate_failing,
	            (unsigned long long)res->forwarded_failing,
	            (unsigned long long)res->suspicious_failing);
	mc_buf_lit(b, "</p>");
	mc_feedback_trends_html(b, res);
	sources_html(res, b);
	tls_html(res, b);
	mc_html_elem(b, "h3", NULL, _("What to change"));
	mc_html_findings(b, (const mc_findings *const[]){&res->findings}, 1, MC_SEV_WARNING);
	mc_buf_lit(b, "</section>\n");
}
