/*
 * report's text: the headline, the policies, the sources table and each
 * main source's explanation, TLS and failure reports, what could not be
 * read -- in the locale's language, columns lined up by display width.
 * (The JSON, CSV and page writers are in feedback_render.c.)
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/providers.h"
#include "mailcheck/feedback.h"
#include "report/internal.h"

#define TEXT_SOURCES 20 /* rows of the text table */

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

/* The table of the first shown sources, and how many more there are. */
static void sources_table(mc_text *t, const mc_feedback_result *res, size_t shown)
{
	char a[32], b[32];

	fputs("\n  ", t->fp);
	/* TRANSLATORS: the headings of the sources table: messages, DMARC, source */
	mc_text_cell(t->fp, _("messages"), 9, true);
	fputc(' ', t->fp);
	mc_text_cell(t->fp, "DMARC", 5, true);
	fputs("  ", t->fp);
	mc_text_cell(t->fp, _("source"), 44, false);
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
		mc_text_cell(t->fp, who, 44, false);
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
}

static void aggregate_text(mc_text *t, const mc_feedback_result *res)
{
	char a[32], b[32], c[32];
	size_t shown = res->n_sources < TEXT_SOURCES ? res->n_sources : TEXT_SOURCES;

	policies_text(t, res);
	if (!res->n_sources)
		return;
	sources_table(t, res, shown);
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

/* The messages without a report, and what could not be read. */
static void inputs_text(mc_text *t, const mc_feedback_result *res)
{
	char a[32];

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
	inputs_text(t, res);
	mc_feedback_trends_text(t, res);
	mc_text_tail(t, &res->findings, &res->dns);
}
