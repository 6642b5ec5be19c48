/*
 * Inside lib/report: the pieces every command's renderer shares. A command
 * adds one file (xx_render.c) with a JSON builder and a text writer, and one
 * row in render.c.
 */
#ifndef MC_REPORT_INTERNAL_H
#define MC_REPORT_INTERNAL_H

#include <jansson.h>
#include <stdio.h>

#include "common/util.h"
#include "mailcheck/report.h"
#include "mailcheck/requirements.h"
#include "mailcheck/blocklist.h"

/* JSON (json.c) */
/* A string of any bytes: valid UTF-8 as is, other bytes as "\xNN" text. */
json_t *mc_json_bytes(const char *s, size_t len);
/* A C string, or null for NULL. */
json_t *mc_json_str(const char *s);
/* Append j as compact JSON, byte for byte what json_dumps(JSON_COMPACT)
 * writes (tests/unit/test_report.c checks it), without jansson's
 * per-character output callbacks. */
void mc_json_write(mc_buf *b, const json_t *j);
/* Between these, jansson allocates from this thread's render arena; every
 * tree made in between must be let go (json_decref) before the end. */
void mc_json_arena_begin(void);
void mc_json_arena_end(void);
/* {"schema_version", "command"}: every command's object starts so. */
json_t *mc_json_head(const char *command);
/* Add "findings": every command's object ends so -- then "dns", which
 * mc_render writes itself (mc_json_dns_text). */
void mc_json_tail(json_t *obj, const mc_findings *f);
/* The DNS log as JSON text (an array), malloc'd; NULL when out of memory. */
char *mc_json_dns_text(const mc_dns_log *log);
/* A command's object nested in another: without its head and DNS log. */
json_t *mc_json_nested(json_t *o);
/* The rdata of a record as one string ("10 mx.example.com" for MX). */
char *mc_rr_data_text(const mc_dns_rr *rr);

/* Text (text.c) */
typedef struct mc_text {
	FILE *fp;  /* outside bytes escaped on the way through (escape.c) */
	FILE *raw; /* where fp writes: mailcheck's own colour codes go here */
	const mc_render_opts *opts;
} mc_text;

/* A stream that writes to `under` with the bytes a terminal acts on shown as
 * \DDD (escape.c); NULL when out of memory. fclose() it to finish. */
FILE *mc_escaped_open(FILE *under);
/* Write s to `under` as it is, after what went through `escaped` before. */
void mc_escaped_raw(FILE *escaped, FILE *under, const char *s);

typedef enum mc_color {
	MC_COLOR_NONE, MC_COLOR_GREEN, MC_COLOR_RED, MC_COLOR_YELLOW,
	MC_COLOR_BOLD, MC_COLOR_DIM,
} mc_color;

void mc_text_colored(mc_text *t, mc_color c, const char *s);
/* A status ("not_published", "pass", "worse", "spf_only") in the locale's
 * words; NULL for one not known (text.c). */
const char *mc_status_word(const char *status);
/* A time as its UTC date ("2026-11-24") in buf (16 bytes), "?" for 0. */
const char *mc_text_day(int64_t t, char *buf, size_t size);

/* The column a block of labels' values starts at: min, or one past the
 * widest label (in another language the labels can be wider). */
size_t mc_text_label_width(const char *const *labels, size_t n, size_t min);
/* "  LABEL" padded to width columns (at least one space), then the value
 * and a newline: a table of labels that lines up in any language. */
void mc_text_field(mc_text *t, const char *label, size_t width, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* report --db (trend_render.c): what was stored, and the trends. */
struct mc_feedback_result;
json_t *mc_feedback_stored_json(const struct mc_feedback_result *res);
json_t *mc_feedback_trends_json(const struct mc_feedback_result *res);
void mc_feedback_stored_text(mc_text *t, const struct mc_feedback_result *res);
void mc_feedback_trends_text(mc_text *t, const struct mc_feedback_result *res);
void mc_feedback_trends_html(mc_buf *b, const struct mc_feedback_result *res);
/* "WORD  <sentence>" -- a label of the caller's choosing. */
void mc_text_headline(mc_text *t, mc_color c, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "PASS  <sentence>" -- the verdict first, coloured by how good it is. */
void mc_text_verdict(mc_text *t, mc_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Findings, errors first, each with its fix; then the DNS log if verbose. */
void mc_text_tail(mc_text *t, const mc_findings *f, const mc_dns_log *dns);
/* The findings of several lists, errors first, then warnings, then notes;
 * list i shows only those of at least severity min[i]. */
void mc_text_findings(mc_text *t, const mc_findings *const *lists, const mc_severity *min,
                      size_t n);

/* An international domain in both forms for text, "日本語.jp
 * (xn--wgv71a119e.jp)", in buf (300 bytes will do); a name without A-labels
 * as it is. */
const char *mc_text_name(const char *ascii, char *buf, size_t size);
#define MC_NAME_BUF 600
/* JSON: o[key] = the U-label form of ascii, only when it has one. */
void mc_json_idn(json_t *o, const char *key, const char *ascii);

/* CSV cells and rows (csv.c); last ends the row (LF: a CR would be escaped). */
void mc_csv_cell(mc_buf *b, const char *s, bool last);
void mc_csv_number(mc_buf *b, long long n, bool last);
void mc_csv_row(mc_buf *b, const char *const *cells);

/* One sample of a family (prometheus.c): label name and value pairs, then
 * NULL. The caller holds the metrics' lock (mc_metrics_add). */
void mc_metric(mc_metrics *m, const char *family, double value, ...)
	__attribute__((sentinel));

/* A string literal appended, its length counted by the compiler. */
#define mc_buf_lit(b, s) mc_buf_add((b), (s), sizeof(s) - 1)

/* HTML (html.c): text escaped for elements and quoted attributes alike */
void mc_html_text(mc_buf *b, const char *s);
void mc_html_elem(mc_buf *b, const char *tag, const char *cls, const char *text);
void mc_html_status(mc_buf *b, const char *status);
void mc_html_table_head(mc_buf *b, const char *const *heads, size_t n);
void mc_html_findings(mc_buf *b, const mc_findings *const *lists, size_t n, mc_severity min);
void mc_html_bars(mc_buf *b, const char *title, const char *const *rows, size_t n_rows,
                  const char *const *series, const char *const *classes, size_t n_series,
                  const size_t *values);

/* Per-command renderers */
json_t *mc_mx_json(const void *result);
void mc_mx_text(mc_text *t, const void *result);
json_t *mc_spf_json(const void *result);
void mc_spf_text(mc_text *t, const void *result);
json_t *mc_spf_lint_json(const void *result);
void mc_spf_lint_text(mc_text *t, const void *result);
json_t *mc_dkim_json(const void *result);
void mc_dkim_text(mc_text *t, const void *result);
json_t *mc_dkim_key_json(const void *result);
void mc_dkim_key_text(mc_text *t, const void *result);
json_t *mc_dmarc_json(const void *result);
void mc_dmarc_text(mc_text *t, const void *result);
json_t *mc_trace_json(const void *result);
void mc_trace_text(mc_text *t, const void *result);
json_t *mc_verify_json(const void *result);
void mc_verify_text(mc_text *t, const void *result);
json_t *mc_blocklist_json(const void *result);
void mc_blocklist_text(mc_text *t, const void *result);
/* 0 pass, 2 fail, 3 not checked (DNS failure): a gauge of a verdict. */
double mc_verdict_gauge(mc_verdict v);
/* Each listing of a blocklist result as mailcheck_blocklist_listed, the
 * subject labelled key="value". */
void mc_blocklist_metrics_listed(mc_metrics *m, const mc_bl_result *res, const char *key,
                                 const char *value);
extern const char *const mc_blocklist_csv_header[];
void mc_blocklist_csv(mc_buf *b, const void *result);
const char *mc_blocklist_metrics_subject(const void *result);
void mc_blocklist_metrics(mc_metrics *m, const void *result);
json_t *mc_diff_json(const void *result);
void mc_diff_text(mc_text *t, const void *result);
void mc_diff_html(mc_buf *b, const void *result);
void mc_verify_html(mc_buf *b, const void *result);
/* Bulk-sender requirements, in verify's and domain's reports. */
json_t *mc_requirements_json(const mc_requirements *q);
void mc_requirements_text(mc_text *t, const mc_requirements *q);

/* The renderers of domain, bounce and report results are weak references
 * in render.c's table: the mailcheck program links only the renderers of
 * the results it makes, and with them not the checks they name (lib/domain
 * and smtp's TLS scan with libcurl, lib/bounce and lib/feedback with GMime, libxml2, libzip).
 * The helper program and the library link them all. */
#define MC_WEAK __attribute__((weak))
MC_WEAK json_t *mc_domain_json(const void *result);
MC_WEAK void mc_domain_text(mc_text *t, const void *result);
MC_WEAK extern const char *const mc_domain_csv_header[];
MC_WEAK void mc_domain_csv(mc_buf *b, const void *result);
MC_WEAK const char *mc_domain_metrics_subject(const void *result);
MC_WEAK void mc_domain_metrics(mc_metrics *m, const void *result);
MC_WEAK void mc_domain_html(mc_buf *b, const void *result);
MC_WEAK void mc_domain_html_row(mc_buf *b, const void *result);
MC_WEAK void mc_domain_html_overview(mc_buf *b, const char *rows, const size_t *counts,
                                     size_t results, const char *const *codes,
                                     const size_t *n, size_t n_codes);

MC_WEAK json_t *mc_feedback_json(const void *result);
/* ,"sources":[...] -- written source by source */
MC_WEAK void mc_feedback_json_sources(mc_buf *b, const void *result);
MC_WEAK void mc_feedback_text(mc_text *t, const void *result);
MC_WEAK extern const char *const mc_feedback_csv_header[];
MC_WEAK void mc_feedback_csv(mc_buf *b, const void *result);
MC_WEAK void mc_feedback_html(mc_buf *b, const void *result);

MC_WEAK json_t *mc_bounce_json(const void *result);
MC_WEAK void mc_bounce_text(mc_text *t, const void *result);

MC_WEAK json_t *mc_smtp_json(const void *result);
MC_WEAK void mc_smtp_text(mc_text *t, const void *result);

#endif
