/* diff: JSON object and text report of an mc_diff_result. */
#include <string.h>

#include "mailcheck/diff.h"
#include "mailcheck/domain.h"
#include "report/internal.h"

_Static_assert(MC_DIFF_SCHEMA_VERSION == MC_SCHEMA_VERSION,
               "diff reads the schema version mailcheck writes");

static json_t *status_json(const mc_diff_status *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "part", mc_json_str(s->part));
	json_object_set_new(o, "old", mc_json_str(s->old_status));
	json_object_set_new(o, "new", mc_json_str(s->new_status));
	json_object_set_new(o, "old_reason", mc_json_str(s->old_reason));
	json_object_set_new(o, "new_reason", mc_json_str(s->new_reason));
	json_object_set_new(o, "change", json_string(mc_diff_change_name(s->change)));
	return o;
}

static json_t *finding_json(const mc_diff_finding *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "code", mc_json_str(f->code));
	json_object_set_new(o, "severity", mc_json_str(f->severity));
	json_object_set_new(o, "message", mc_json_str(f->message));
	json_object_set_new(o, "hint", mc_json_str(f->hint));
	json_object_set_new(o, "appeared", json_boolean(f->appeared));
	json_object_set_new(o, "change", json_string(mc_diff_change_name(f->change)));
	return o;
}

static json_t *report_json(const mc_diff_report *r)
{
	json_t *o = json_object(), *st = json_array(), *fi = json_array(), *re = json_array();

	json_object_set_new(o, "command", mc_json_str(r->command));
	json_object_set_new(o, "subject", mc_json_str(r->subject));
	json_object_set_new(o, "change", json_string(mc_diff_change_name(r->change)));
	for (size_t i = 0; i < r->n_statuses; i++)
		json_array_append_new(st, status_json(&r->statuses[i]));
	for (size_t i = 0; i < r->n_findings; i++)
		json_array_append_new(fi, finding_json(&r->findings[i]));
	for (size_t i = 0; i < r->n_records; i++) {
		json_t *x = json_object();

		json_object_set_new(x, "record", mc_json_str(r->records[i].label));
		json_object_set_new(x, "old", mc_json_str(r->records[i].old_value));
		json_object_set_new(x, "new", mc_json_str(r->records[i].new_value));
		json_array_append_new(re, x);
	}
	json_object_set_new(o, "statuses", st);
	json_object_set_new(o, "findings", fi);
	json_object_set_new(o, "records", re);
	return o;
}

static json_t *subjects_json(const mc_diff_subject *s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "command", mc_json_str(s[i].command));
		json_object_set_new(o, "subject", mc_json_str(s[i].subject));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *mc_diff_json(const void *result)
{
	const mc_diff_result *res = result;
	json_t *o = mc_json_head("diff"), *reports = json_array();

	json_object_set_new(o, "old", mc_json_str(res->old_name));
	json_object_set_new(o, "new", mc_json_str(res->new_name));
	json_object_set_new(o, "result", json_string(mc_diff_change_name(res->change)));
	json_object_set_new(o, "compared", json_integer((json_int_t)res->compared));
	json_object_set_new(o, "worse", json_integer((json_int_t)res->worse));
	json_object_set_new(o, "better", json_integer((json_int_t)res->better));
	json_object_set_new(o, "changed", json_integer((json_int_t)res->changed));
	json_object_set_new(o, "unchanged", json_integer((json_int_t)res->unchanged));
	for (size_t i = 0; i < res->n_reports; i++)
		json_array_append_new(reports, report_json(&res->reports[i]));
	json_object_set_new(o, "reports", reports);
	json_object_set_new(o, "only_old", subjects_json(res->only_old, res->n_only_old));
	json_object_set_new(o, "only_new", subjects_json(res->only_new, res->n_only_new));
	mc_json_tail(o, &res->findings);
	return o;
}

static mc_color color_of(mc_diff_change c)
{
	return c == MC_DIFF_WORSE ? MC_COLOR_RED : c == MC_DIFF_BETTER ? MC_COLOR_GREEN
	       : c == MC_DIFF_CHANGED ? MC_COLOR_YELLOW : MC_COLOR_NONE;
}

/* A status as the JSON names it, in the locale's words for the text ("pass
 * -> warning" in English, as the JSON has them). */
static const char *status_word(const char *status)
{
	if (!status)
		/* TRANSLATORS: diff: a part one of the two runs does not have */
		return _("(absent)");
	return mc_i18n_active() ? MC_OR(mc_status_word(status), status) : status;
}

/* A part as the JSON names it ("mx", "result"); in another language the
 * label domain's table gives it. */
static const char *part_word(const char *part)
{
	if (!mc_i18n_active())
		return part;
	if (strcmp(part, "result") == 0)
		/* TRANSLATORS: diff: the overall result of a report, beside its parts */
		return _("result");
	for (int p = 0; p < MC_PART_COUNT; p++)
		if (strcmp(part, mc_domain_part_name((mc_domain_part)p)) == 0)
			return mc_domain_part_label((mc_domain_part)p);
	return part;
}

/* "  WORD" padded by display width to the column after it. */
static void column(mc_text *t, const char *word, size_t width)
{
	size_t w = mc_text_width(word);

	fprintf(t->fp, "  %s%*s", word, (int)(w < width ? width - w : 1), "");
}

static void status_text(mc_text *t, const mc_diff_status *s)
{
	bool differs = s->new_reason && (!s->old_reason || strcmp(s->old_reason, s->new_reason));

	column(t, part_word(s->part), 15);
	fprintf(t->fp, "%s -> %s", status_word(s->old_status), status_word(s->new_status));
	/* the reasons are quoted from the runs' JSON, which is English */
	if (differs && s->old_reason)
		/* TRANSLATORS: diff: a part's reason now, then before, both quoted from the JSON */
		fprintf(t->fp, _(": %1$s (was: %2$s)"), s->new_reason, s->old_reason);
	else if (differs)
		/* TRANSLATORS: diff: a part's reason now, quoted from the JSON */
		fprintf(t->fp, _(": %s"), s->new_reason);
	fputc('\n', t->fp);
}

static void finding_text(mc_text *t, const mc_diff_finding *f)
{
	static const struct {
		const char *name, *word;
	} sev[] = {{"error", N_("error")}, {"warning", N_("warning")}, {"info", N_("note")}};
	const char *severity = f->severity;

	for (size_t i = 0; mc_i18n_active() && i < sizeof(sev) / sizeof(sev[0]); i++)
		if (strcmp(f->severity, sev[i].name) == 0)
			severity = _(sev[i].word);
	/* TRANSLATORS: diff: a finding that the new run has and the old had not, or the reverse */
	column(t, f->appeared ? _("new") : _("gone"), 15);
	/* TRANSLATORS: diff: severity, the finding's message quoted from the JSON (English), code */
	fprintf(t->fp, _("%1$s: %2$s [%3$s]\n"), severity, f->message, f->code);
	if (f->appeared && f->hint && f->change == MC_DIFF_WORSE) {
		column(t, "", 15);
		/* TRANSLATORS: diff: the finding's fix quoted from the JSON (English) */
		fprintf(t->fp, _("fix: %s\n"), f->hint);
	}
}

static void record_text(mc_text *t, const mc_diff_record *x)
{
	const char *none = _("(none)");

	fprintf(t->fp, "  %s\n", MC_OR(x->label_text, x->label));
	/* TRANSLATORS: diff: a record or setting as the old run had it, and as the
	 * new one has it; the two values start in the same column */
	fprintf(t->fp, _("    old  %s\n"), x->old_value ? MC_OR(x->old_text, x->old_value) : none);
	fprintf(t->fp, _("    new  %s\n"), x->new_value ? MC_OR(x->new_text, x->new_value) : none);
}

/* A change as a word: the head of a report's block, and of the first line. */
static const char *change_word(mc_diff_change c, bool head)
{
	/* TRANSLATORS: diff: how a report changed, at the head of its block */
	const char *words[] = {_("same"), _("changed"), _("better"), _("worse")};
	/* TRANSLATORS: diff: how the whole comparison came out, the first word of the output */
	const char *heads[] = {_("SAME"), _("CHANGED"), _("BETTER"), _("WORSE")};

	return head ? heads[c] : words[c];
}

static void report_text(mc_text *t, const mc_diff_report *r)
{
	const char *word = change_word(r->change, false);
	size_t w = mc_text_width(word);

	fputc('\n', t->fp);
	mc_text_colored(t, color_of(r->change), word);
	fprintf(t->fp, "%*s", (int)(w < 9 ? 9 - w : 1), "");
	/* TRANSLATORS: diff: the subject of a report (a domain), the command */
	fprintf(t->fp, _("%1$s (%2$s)\n"), r->subject, r->command);
	for (size_t i = 0; i < r->n_statuses; i++)
		status_text(t, &r->statuses[i]);
	for (size_t i = 0; i < r->n_findings; i++)
		finding_text(t, &r->findings[i]);
	for (size_t i = 0; i < r->n_records; i++)
		record_text(t, &r->records[i]);
}

void mc_diff_text(mc_text *t, const void *result)
{
	const mc_diff_result *res = result;

	mc_text_headline(t, res->change == MC_DIFF_SAME ? MC_COLOR_GREEN : color_of(res->change),
	                 change_word(res->change, true),
	                 mc_ntr("%1$zu report compared: %2$zu worse, %3$zu better, %4$zu changed "
	                        "otherwise, %5$zu unchanged", "%1$zu reports compared: %2$zu worse, "
	                        "%3$zu better, %4$zu changed otherwise, %5$zu unchanged", res->compared),
	                 res->compared, res->worse, res->better, res->changed, res->unchanged);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < res->n_reports; i++)
		report_text(t, &res->reports[i]);
	if (res->n_only_old || res->n_only_new)
		fputc('\n', t->fp);
	for (size_t i = 0; i < res->n_only_old + res->n_only_new; i++) {
		bool old = i < res->n_only_old;
		const mc_diff_subject *s = old ? &res->only_old[i] : &res->only_new[i - res->n_only_old];

		/* TRANSLATORS: diff: a report only one input has: the input, the subject, the command */
		fprintf(t->fp, _("only in %1$s: %2$s (%3$s)\n"), old ? res->old_name : res->new_name,
		        s->subject, s->command);
	}
	mc_text_tail(t, &res->findings, NULL);
}

/* ---- --html: what got worse first ---- */

/* Words of a run's JSON (English) on a page: in another language, marked
 * as a quotation in English. */
static void quoted_html(mc_buf *b, const char *s)
{
	if (!s)
		return;
	if (!mc_i18n_active()) {
		mc_html_text(b, s);
		return;
	}
	mc_buf_lit(b, "<q lang=\"en\">");
	mc_html_text(b, s);
	mc_buf_lit(b, "</q>");
}

static void report_html(mc_buf *b, const mc_diff_report *r)
{
	mc_buf_lit(b, "<section class=\"diff\"><h3>");
	mc_html_status(b, mc_diff_change_name(r->change));
	mc_buf_lit(b, " ");
	mc_html_text(b, r->subject);
	mc_buf_lit(b, " <code>");
	mc_html_text(b, r->command);
	mc_buf_lit(b, "</code></h3><table><tr><th></th>");
	/* TRANSLATORS: diff --html: the headings of the old run's column and the new run's */
	mc_html_elem(b, "th", NULL, _("Old"));
	mc_html_elem(b, "th", NULL, _("New"));
	mc_buf_lit(b, "</tr>");
	for (size_t i = 0; i < r->n_statuses; i++) {
		const mc_diff_status *s = &r->statuses[i];

		mc_buf_lit(b, "<tr><td>");
		mc_html_text(b, part_word(s->part));
		mc_buf_lit(b, "</td><td>");
		mc_html_status(b, s->old_status ? s->old_status : "absent");
		mc_buf_lit(b, " ");
		quoted_html(b, s->old_reason);
		mc_buf_lit(b, "</td><td>");
		mc_html_status(b, s->new_status ? s->new_status : "absent");
		mc_buf_lit(b, " ");
		quoted_html(b, s->new_reason);
		mc_buf_lit(b, "</td></tr>");
	}
	for (size_t i = 0; i < r->n_records; i++) {
		const mc_diff_record *x = &r->records[i];

		mc_buf_lit(b, "<tr><td>");
		mc_html_text(b, MC_OR(x->label_text, x->label));
		mc_buf_lit(b, "</td><td><code>");
		mc_html_text(b, x->old_value ? MC_OR(x->old_text, x->old_value) : _("(none)"));
		mc_buf_lit(b, "</code></td><td><code>");
		mc_html_text(b, x->new_value ? MC_OR(x->new_text, x->new_value) : _("(none)"));
		mc_buf_lit(b, "</code></td></tr>");
	}
	mc_buf_lit(b, "</table><ul class=\"findings\">");
	for (size_t i = 0; i < r->n_findings; i++) {
		const mc_diff_finding *f = &r->findings[i];

		mc_buf_lit(b, "<li>");
		mc_html_status(b, f->appeared ? "new" : "gone");
		mc_buf_lit(b, " ");
		mc_html_status(b, f->severity);
		mc_buf_lit(b, " ");
		quoted_html(b, f->message);
		mc_buf_lit(b, " <code>");
		mc_html_text(b, f->code);
		mc_buf_lit(b, "</code></li>");
	}
	mc_buf_lit(b, "</ul></section>\n");
}

void mc_diff_html(mc_buf *b, const void *result)
{
	const mc_diff_result *res = result;

	mc_buf_lit(b, "<section class=\"diffs\"><h2>");
	/* TRANSLATORS: diff --html: the heading of the page's comparison */
	mc_buf_addf(b, mc_ntr("%1$zu compared: %2$zu worse, %3$zu better, %4$zu changed otherwise, "
	                      "%5$zu unchanged", "%1$zu compared: %2$zu worse, %3$zu better, %4$zu "
	                      "changed otherwise, %5$zu unchanged", res->compared),
	            res->compared, res->worse, res->better, res->changed, res->unchanged);
	mc_buf_lit(b, "</h2>");
	for (int c = MC_DIFF_WORSE; c >= MC_DIFF_CHANGED; c--) /* worse first */
		for (size_t i = 0; i < res->n_reports; i++)
			if ((int)res->reports[i].change == c)
				report_html(b, &res->reports[i]);
	for (size_t i = 0; i < res->n_only_old + res->n_only_new; i++) {
		const mc_diff_subject *s = i < res->n_only_old ? &res->only_old[i]
		                                                : &res->only_new[i - res->n_only_old];

		char *input = mc_html_escaped(i < res->n_only_old ? res->old_name : res->new_name);
		char *subject = mc_html_escaped(s->subject), *command = mc_html_escaped(s->command);

		mc_buf_lit(b, "<p>");
		/* TRANSLATORS: diff --html: a report only one input has: the input,
		 * the subject, the command (in <code>) */
		mc_buf_addf(b, _("only in %1$s: %2$s <code>%3$s</code>"), MC_OR(input, ""),
		            MC_OR(subject, ""), MC_OR(command, ""));
		mc_buf_lit(b, "</p>");
		free(input);
		free(subject);
		free(command);
	}
	mc_buf_lit(b, "</section>\n");
}
