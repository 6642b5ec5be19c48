/* report: JSON and text for the reports read. */
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "mailcheck/feedback.h"
#include "common/providers.h"
#include "report/internal.h"

#define TEXT_SOURCES 20 /* rows of the text table */

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

static const char *num(uint64_t n, char *buf, size_t size)
{
	return mc_thousands(n, buf, size);
}

/* "pass mcsv.net" -- the result and domain with the most messages. */
static void auth_cell(const mc_fb_counts *c, char *buf, size_t size)
{
	const mc_fb_count *best = NULL;

	for (size_t i = 0; i < c->n; i++)
		if (!best || c->items[i].messages > best->messages)
			best = &c->items[i];
	if (!best)
		snprintf(buf, size, "-");
	else if (!strcmp(best->name, "(none)")) /* a result without a domain */
		snprintf(buf, size, "%s%s", best->detail ? best->detail : "?",
		         c->n > 1 || c->other ? " +" : "");
	else
		snprintf(buf, size, "%s %s%s", best->detail ? best->detail : "?", best->name,
		         c->n > 1 || c->other ? " +" : "");
}

/* s, padded with spaces to width display columns (left-aligned, or right). */
static void cell(FILE *fp, const char *s, int width, bool right)
{
	int pad = width - (int)mc_text_width(s);

	if (right)
		fprintf(fp, "%*s%s", pad > 0 ? pad : 0, "", s);
	else
		fprintf(fp, "%s%*s", s, pad > 0 ? pad : 0, "");
}

/* s cut to at most width display columns, never inside a character. */
static void cut_to_width(char *s, size_t width)
{
	size_t w = 0, i = 0;

	while (s[i]) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		char one[5] = {0};

		for (size_t k = 0; k < len && s[i + k]; k++)
			one[k] = s[i + k];
		w += mc_text_width(one);
		if (w > width)
			break;
		i += strlen(one);
	}
	s[i] = '\0';
}

/* The sources past the table, counted by what they came to. */
static void rest_by_kind(mc_text *t, const mc_feedback_result *res, size_t shown)
{
	static const char *const kinds[][3] = {
		{"passes", N_("%s (%s message) pass DMARC"), N_("%s (%s messages) pass DMARC")},
		{"spf_only", N_("%s (%s message) pass through SPF alone"),
		 N_("%s (%s messages) pass through SPF alone")},
		{"not_aligned", N_("%s (%s message) authenticate, not aligned"),
		 N_("%s (%s messages) authenticate, not aligned")},
		{"forwarded", N_("%s (%s message) forwarded"), N_("%s (%s messages) forwarded")},
		{"not_in_spf", N_("%s (%s message) fail DMARC (not in SPF, not signing)"),
		 N_("%s (%s messages) fail DMARC (not in SPF, not signing)")},
		{"spoofing", N_("%s (%s message) fail everything: likely spoofing"),
		 N_("%s (%s messages) fail everything: likely spoofing")},
	};
	char a[32], b[32];
	/* TRANSLATORS: between the kinds of the other sources */
	const char *sep = " ", *between = _("; ");

	if (res->n_sources <= shown)
		return;
	fputs("  - ", t->fp);
	fprintf(t->fp, _("the other %s sources:"), num(res->n_sources - shown, a, sizeof(a)));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		uint64_t srcs = 0, msgs = 0;

		for (size_t i = shown; i < res->n_sources; i++)
			if (res->sources[i].kind && !strcmp(res->sources[i].kind, kinds[k][0])) {
				srcs++;
				msgs += res->sources[i].messages;
			}
		if (srcs) {
			fputs(sep, t->fp);
			fprintf(t->fp, mc_ntr(kinds[k][1], kinds[k][2], msgs), num(srcs, a, sizeof(a)),
			        num(msgs, b, sizeof(b)));
			sep = between;
		}
	}
	fprintf(t->fp, "\n");
}

/* Each policy the reports saw: "policy of D: p=reject sp=none pct=50 (in 3 reports)". */
static void policies_text(mc_text *t, const mc_feedback_result *res)
{
	char a[32], b[32], tags[160];

	for (size_t i = 0; i < res->n_policies; i++) {
		const mc_fb_policy *p = &res->policies[i];

		snprintf(tags, sizeof(tags), "p=%s%s%s%s%s", p->p ? p->p : "?", p->sp ? " sp=" : "",
		         p->sp ? p->sp : "", p->pct >= 0 && p->pct != 100 ? " pct=" : "",
		         p->pct >= 0 && p->pct != 100 ? num((uint64_t)p->pct, a, sizeof(a)) : "");
		fputs("  ", t->fp);
		fprintf(t->fp, mc_ntr("policy of %s: %s (in %s report)", "policy of %s: %s (in %s "
		        "reports)", p->reports), p->domain, tags, num(p->reports, b, sizeof(b)));
		fputc('\n', t->fp);
	}
}

static void aggregate_text(mc_text *t, const mc_feedback_result *res)
{
	char a[32], b[32], c[32];
	size_t shown = res->n_sources < TEXT_SOURCES ? res->n_sources : TEXT_SOURCES;

	policies_text(t, res);
	if (!res->n_sources)
		return;
	fputs("\n  ", t->fp);
	/* TRANSLATORS: the headings of the sources table: messages, DMARC, source */
	cell(t->fp, _("messages"), 9, true);
	fputc(' ', t->fp);
	cell(t->fp, "DMARC", 5, true);
	fputs("  ", t->fp);
	cell(t->fp, _("source"), 44, false);
	fprintf(t->fp, " %-24s %s\n", "SPF", "DKIM");
	for (size_t i = 0; i < shown; i++) {
		const mc_fb_source *s = &res->sources[i];
		const mc_provider *prov = mc_provider_named(s->provider);
		char who[128], spf[96], dkim[96];

		snprintf(who, sizeof(who), "%s%s%s%s%s", prov ? mc_provider_display(prov) : "",
		         prov ? " " : "", s->ip, s->ptr ? " " : "", s->ptr ? s->ptr : "");
		auth_cell(&s->spf, spf, sizeof(spf));
		auth_cell(&s->dkim, dkim, sizeof(dkim));
		fprintf(t->fp, "  %9s %4" PRIu64 "%%  ", num(s->messages, a, sizeof(a)),
		        s->messages ? (s->dmarc_pass * 100 + s->messages / 2) / s->messages : 0);
		cut_to_width(who, 44);
		cell(t->fp, who, 44, false);
		fprintf(t->fp, " %-24.24s %s\n", spf, dkim);
	}
	if (res->n_sources > shown) {
		uint64_t rest = 0;

		for (size_t i = shown; i < res->n_sources; i++)
			rest += res->sources[i].messages;
		fprintf(t->fp, "  %9s        ", num(rest, a, sizeof(a)));
		fprintf(t->fp, _("and %s more sources (--json lists them all)"),
		        num(res->n_sources - shown, b, sizeof(b)));
		fputc('\n', t->fp);
	}
	fprintf(t->fp, "\n");
	for (size_t i = 0; i < shown; i++)
		if (res->sources[i].explanation)
			fprintf(t->fp, "  - %s\n", res->sources[i].explanation_text
			        ? res->sources[i].explanation_text : res->sources[i].explanation);
	rest_by_kind(t, res, shown);
	if (res->legitimate_failing || res->forwarded_failing || res->suspicious_failing) {
		const char *p = res->n_policies && res->policies[0].p ? res->policies[0].p : NULL;

		num(res->legitimate_failing, a, sizeof(a));
		num(res->forwarded_failing, b, sizeof(b));
		num(res->suspicious_failing, c, sizeof(c));
		fputs("\n  ", t->fp);
		if (p)
			fprintf(t->fp, _("Under p=quarantine or p=reject (now p=%s): %s messages of "
			        "sources that look legitimate would go to spam or be refused until those "
			        "sources are fixed, %s forwarded ones unless the receiver trusts ARC; %s "
			        "likely spoofed ones would be stopped."), p, a, b, c);
		else
			fprintf(t->fp, _("Under p=quarantine or p=reject: %s messages of sources that "
			        "look legitimate would go to spam or be refused until those sources are "
			        "fixed, %s forwarded ones unless the receiver trusts ARC; %s likely spoofed "
			        "ones would be stopped."), a, b, c);
		fputc('\n', t->fp);
	}
}

static void tls_text(mc_text *t, const mc_feedback_result *res)
{
	char a[32], b[32];

	fputs("\n  ", t->fp);
	fprintf(t->fp, _("SMTP TLS reports: %s"), num(res->tls_reports, a, sizeof(a)));
	fputc('\n', t->fp);
	for (size_t i = 0; i < res->n_tls; i++) {
		const mc_fb_tls_policy *p = &res->tls[i];

		fputs("  ", t->fp);
		if (p->mode)
			fprintf(t->fp, _("%s, policy %s mode %s: %s sessions succeeded, %s failed"),
			        p->domain, p->type, p->mode, num(p->successes, a, sizeof(a)),
			        num(p->failures, b, sizeof(b)));
		else
			fprintf(t->fp, _("%s, policy %s: %s sessions succeeded, %s failed"), p->domain,
			        p->type, num(p->successes, a, sizeof(a)), num(p->failures, b, sizeof(b)));
		fputc('\n', t->fp);
		for (size_t k = 0; k < p->n_mx; k++) {
			const mc_fb_tls_mx *m = &p->mx[k];

			fputs("    ", t->fp);
			fprintf(t->fp, _("%s: %s failed --"), m->host[0] ? m->host : _("(MX not named)"),
			        num(m->failures, a, sizeof(a)));
			for (size_t j = 0; j < m->results.n; j++)
				fprintf(t->fp, "%s %s %s", j ? "," : "", m->results.items[j].name,
				        num(m->results.items[j].messages, b, sizeof(b)));
			fprintf(t->fp, "\n");
		}
		for (size_t k = 0; k < p->n_fixes; k++) {
			char *fix = mc_feedback_tls_fix_text(p, k);

			fprintf(t->fp, "    - %s\n", fix ? fix : p->fixes[k]);
			free(fix);
		}
	}
}

static void failures_text(mc_text *t, const mc_feedback_result *res)
{
	char a[32];

	fputs("\n  ", t->fp);
	fprintf(t->fp, _("DMARC failure reports: %s"), num(res->failure_reports, a, sizeof(a)));
	fputc('\n', t->fp);
	for (size_t i = 0; i < res->n_failures; i++) {
		const mc_fb_failure *x = &res->failures[i];

		char kind[96];
		const char *dom = x->reported_domain ? x->reported_domain : "?",
		           *ip = x->source_ip ? x->source_ip : "?";

		snprintf(kind, sizeof(kind), "%s%s%s", x->feedback_type ? x->feedback_type : "report",
		         x->auth_failure ? " " : "", x->auth_failure ? x->auth_failure : "");
		fprintf(t->fp, "  %s: ", x->what);
		if (x->original_mail_from)
			fprintf(t->fp, _("%s for %s from %s, envelope sender %s"), kind, dom, ip,
			        x->original_mail_from);
		else
			fprintf(t->fp, _("%s for %s from %s"), kind, dom, ip);
		fputc('\n', t->fp);
		if (x->authentication_results)
			fprintf(t->fp, "    %s %s\n", _("the report says:"), x->authentication_results);
		if (x->check) {
			fputs("    ", t->fp);
			fprintf(t->fp, !strcmp(x->returned, "headers")
			        ? _("mailcheck on the returned headers: %s")
			        : _("mailcheck on the returned message: %s"),
			        x->check->authentication_results);
			fputc('\n', t->fp);
			for (size_t k = 0; k < x->check->n_explanation && k < 3; k++)
				fprintf(t->fp, "    - %s\n", mc_verify_sentence(x->check, k));
		} else {
			fprintf(t->fp, "    %s\n", _("(no message or headers returned: nothing to verify)"));
		}
	}
}

void mc_feedback_text(mc_text *t, const void *result)
{
	const mc_feedback_result *res = result;
	char a[32], b[32], c[32], d1[16], d2[16];

	if (res->aggregate_reports)
		mc_text_verdict(t, res->verdict, mc_ntr("%s aggregate report, %s .. %s: %s messages, "
		                "%s pass DMARC (%" PRIu64 "%%)", "%s aggregate reports, %s .. %s: %s "
		                "messages, %s pass DMARC (%" PRIu64 "%%)", res->aggregate_reports),
		                num(res->aggregate_reports, a, sizeof(a)),
		                mc_text_day(res->begin, d1, sizeof(d1)),
		                mc_text_day(res->end, d2, sizeof(d2)), num(res->messages, b, sizeof(b)),
		                num(res->dmarc_pass, c, sizeof(c)),
		                res->messages ? res->dmarc_pass * 100 / res->messages : 0);
	else if (res->tls_reports || res->failure_reports)
	{
		/* two counts: a message for each of one and many of either */
		static const char *const says[2][2] = {
			{N_("%s SMTP TLS report, %s DMARC failure report"),
			 N_("%s SMTP TLS report, %s DMARC failure reports")},
			{N_("%s SMTP TLS reports, %s DMARC failure report"),
			 N_("%s SMTP TLS reports, %s DMARC failure reports")},
		};

		mc_text_verdict(t, res->verdict, _(says[res->tls_reports != 1][res->failure_reports != 1]),
		                num(res->tls_reports, a, sizeof(a)),
		                num(res->failure_reports, b, sizeof(b)));
	}
	else
		mc_text_verdict(t, res->verdict, "%s", _("no report could be read"));
	if (t->opts->quiet)
		return;
	mc_feedback_stored_text(t, res);
	if (res->duplicates) {
		fputs("  ", t->fp);
		fprintf(t->fp, mc_ntr("%s report read twice (same reporter and report ID), counted "
		        "once", "%s reports read twice (same reporter and report ID), counted once",
		        res->duplicates), num(res->duplicates, a, sizeof(a)));
		fputc('\n', t->fp);
	}
	if (res->aggregate_reports) {
		fprintf(t->fp, "  %s", _("reporters:"));
		for (size_t i = 0; i < res->n_reporters && i < 10; i++)
			fprintf(t->fp, "%s %s (%s)", i ? "," : "", res->reporters[i].org,
			        num(res->reporters[i].reports, a, sizeof(a)));
		fprintf(t->fp, "%s\n", res->n_reporters > 10 ? ", ..." : "");
		aggregate_text(t, res);
	}
	if (res->tls_reports)
		tls_text(t, res);
	if (res->failure_reports)
		failures_text(t, res);
	if (res->skipped_total) {
		fputs("\n  ", t->fp);
		fprintf(t->fp, _("Messages without a report (%s):"), num(res->skipped_total, a,
		        sizeof(a)));
		fputc('\n', t->fp);
		for (size_t i = 0; i < res->n_skipped; i++)
			fprintf(t->fp, "  - %s\n", res->skipped[i].what);
	}
	if (res->unreadable_total) {
		fputs("\n  ", t->fp);
		fprintf(t->fp, _("Not read (%s):"), num(res->unreadable_total, a, sizeof(a)));
		fputc('\n', t->fp);
		for (size_t i = 0; i < res->n_unreadable; i++)
			fprintf(t->fp, "  - %s: %s\n", res->unreadable[i].what, res->unreadable[i].why);
	}
	mc_feedback_trends_text(t, res);
	mc_text_tail(t, &res->findings, &res->dns);
}

/* ---- --html ---- */

#define PAGE_SOURCES 200   /* sources in the page's table; the rest are counted */
#define PAGE_PERIODS 400   /* days (or weeks) charted */

/* Messages and DMARC passes per day of the reports' begin (per week, from
 * Monday, when the reports span more than 62 days), oldest first. */
static void per_period(const mc_feedback_result *res, mc_buf *b)
{
	int64_t first = 0, last = 0, step;
	size_t n, *values;
	char **labels;

	for (size_t i = 0; i < res->n_reports; i++) {
		int64_t t = res->reports[i].begin;

		if (t > 0 && (!first || t < first))
			first = t;
		if (t > last)
			last = t;
	}
	if (!first)
		return;
	step = last - first > 62 * 86400 ? 7 * 86400 : 86400;
	first -= first % 86400;
	if (step > 86400) /* back to Monday: 1970-01-01 was a Thursday */
		first -= ((first / 86400 + 3) % 7) * 86400;
	n = (size_t)((last - first) / step) + 1;
	if (n > PAGE_PERIODS) { /* the latest ones */
		first += (int64_t)(n - PAGE_PERIODS) * step;
		n = PAGE_PERIODS;
	}
	values = calloc(n * 2, sizeof(*values));
	labels = calloc(n, sizeof(*labels));
	if (values && labels) {
		static const char *const series[] = {"pass DMARC", "fail DMARC"};
		static const char *const classes[] = {"pass", "error"};

		for (size_t i = 0; i < res->n_reports; i++) {
			const mc_fb_report *r = &res->reports[i];

			if (r->begin < first)
				continue;
			size_t k = (size_t)((r->begin - first) / step);

			values[k * 2] += r->dmarc_pass;
			values[k * 2 + 1] += r->messages - (r->dmarc_pass < r->messages ? r->dmarc_pass : r->messages);
		}
		for (size_t k = 0; k < n; k++) {
			char d[32];

			labels[k] = mc_asprintf("%s%s", step > 86400 ? "week of " : "",
			                        mc_text_day(first + (int64_t)k * step, d, sizeof(d)));
		}
		mc_html_bars(b, step > 86400 ? "Messages per week, by DMARC result"
		                             : "Messages per day, by DMARC result",
		             (const char *const *)labels, n, series, classes, 2, values);
	}
	for (size_t k = 0; labels && k < n; k++)
		free(labels[k]);
	free(labels);
	free(values);
}

/* The sources' messages by kind, passing and failing. */
static void per_kind(const mc_feedback_result *res, mc_buf *b)
{
	static const char *const kinds[] = {"passes", "spf_only", "forwarded", "not_aligned",
	                                    "not_in_spf", "spoofing", "fails"};
	static const char *const series[] = {"pass DMARC", "fail DMARC"};
	static const char *const classes[] = {"pass", "error"};
	size_t values[2 * (sizeof(kinds) / sizeof(kinds[0]) + 1)] = {0}, n = sizeof(kinds) / sizeof(kinds[0]);
	const char *labels[sizeof(kinds) / sizeof(kinds[0]) + 1];

	for (size_t k = 0; k < n; k++)
		labels[k] = kinds[k];
	labels[n] = "not explained";
	for (size_t i = 0; i < res->n_sources; i++) {
		const mc_fb_source *s = &res->sources[i];
		size_t k;

		for (k = 0; k < n && (!s->kind || strcmp(s->kind, kinds[k])); k++)
			;
		values[k * 2] += s->dmarc_pass;
		values[k * 2 + 1] += s->messages - s->dmarc_pass;
	}
	mc_html_bars(b, "Messages by kind of source", labels, n + 1, series, classes, 2, values);
}

static void sources_html(const mc_feedback_result *res, mc_buf *b)
{
	mc_buf_lit(b, "<h3>Sources</h3><table><tr><th>Source</th><th>Messages</th>"
	              "<th>Pass DMARC</th><th>Kind</th><th>What it means</th></tr>");
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
		mc_html_text(b, s->explanation);
		mc_buf_lit(b, "</td></tr>");
	}
	mc_buf_lit(b, "</table>");
	if (res->n_sources > PAGE_SOURCES)
		mc_buf_addf(b, "<p>%zu more sources, with fewer messages (in the JSON).</p>",
		            res->n_sources - PAGE_SOURCES);
}

static void tls_html(const mc_feedback_result *res, mc_buf *b)
{
	if (!res->n_tls)
		return;
	mc_buf_lit(b, "<h3>TLS (SMTP TLS reports)</h3><table><tr><th>Policy</th><th>MX host</th>"
	              "<th>Failed sessions</th><th>Why</th></tr>");
	for (size_t i = 0; i < res->n_tls; i++) {
		const mc_fb_tls_policy *p = &res->tls[i];

		for (size_t m = 0; m < p->n_mx || (m == 0 && p->n_mx == 0); m++) {
			mc_buf_lit(b, "<tr><td>");
			mc_html_text(b, p->domain);
			mc_buf_lit(b, " ");
			mc_html_text(b, p->type);
			mc_buf_lit(b, "</td><td>");
			mc_html_text(b, p->n_mx ? p->mx[m].host : "");
			mc_buf_addf(b, "</td><td>%llu of %llu</td><td>",
			            (unsigned long long)(p->n_mx ? p->mx[m].failures : p->failures),
			            (unsigned long long)(p->successes + p->failures));
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

	mc_buf_lit(b, "<section class=\"report\"><h2>");
	mc_html_status(b, mc_verdict_name(res->verdict));
	mc_buf_addf(b, " %llu messages in %llu aggregate reports, %s to %s: %llu pass DMARC</h2>",
	            (unsigned long long)res->messages, (unsigned long long)res->aggregate_reports,
	            mc_text_day(res->begin, from, sizeof(from)), mc_text_day(res->end, to, sizeof(to)),
	            (unsigned long long)res->dmarc_pass);
	per_period(res, b);
	per_kind(res, b);
	mc_buf_addf(b, "<h3>Before p=reject</h3><p>Failing DMARC now: %llu messages of senders that "
	            "look legitimate (fix them first), %llu forwarded or through lists, %llu likely "
	            "spoofed (p=reject stops those).</p>",
	            (unsigned long long)res->legitimate_failing,
	            (unsigned long long)res->forwarded_failing,
	            (unsigned long long)res->suspicious_failing);
	mc_feedback_trends_html(b, res);
	sources_html(res, b);
	tls_html(res, b);
	mc_buf_lit(b, "<h3>What to change</h3>");
	mc_html_findings(b, (const mc_findings *const[]){&res->findings}, 1, MC_SEV_WARNING);
	mc_buf_lit(b, "</section>\n");
}
