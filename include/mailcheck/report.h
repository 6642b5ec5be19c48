/*
 * lib/report: the renderers (the findings model they render is
 * mailcheck/findings.h, below the checks).
 *
 * A check fills a result struct (plain data: verdict, inputs, findings, DNS
 * log). mc_render() chooses the renderer -- JSON (jansson) or text -- in one
 * place; renderers only walk the data and never decide anything.
 */
#ifndef MAILCHECK_REPORT_H
#define MAILCHECK_REPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/status.h"
#include "mailcheck/verdict.h"

typedef enum mc_format {
	MC_FORMAT_TEXT,
	MC_FORMAT_JSON,
	MC_FORMAT_CSV,   /* a table: domain and blocklist (a row each), report (a row per source) */
} mc_format;

typedef struct mc_render_opts {
	mc_format format;
	bool color;   /* ANSI colours (text only): the caller decides (TTY, NO_COLOR) */
	bool verbose; /* text: also list the DNS queries */
	bool quiet;   /* text: only the verdict line */
	mc_dns_recording *record; /* --record: every rendered result's DNS answers go here */
} mc_render_opts;

/* printf to fp with every byte a terminal would act on (controls but tab
 * and newline, DEL, bytes that are not UTF-8, C1 controls, bidirectional
 * overrides) shown as \DDD: for text that carries outside data (a file
 * name, an address, an error about a record) written outside mc_render. */
void mc_print_escaped(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What kind of result a render call gets. */
typedef enum mc_result_kind {
	MC_RESULT_MX,
	MC_RESULT_SPF,
	MC_RESULT_SPF_LINT,
	MC_RESULT_DKIM,
	MC_RESULT_DKIM_KEY,
	MC_RESULT_DMARC,
	MC_RESULT_TRACE,
	MC_RESULT_VERIFY,
	MC_RESULT_DOMAIN,
	MC_RESULT_BOUNCE,
	MC_RESULT_FEEDBACK,   /* mc_feedback_result: the report command */
	MC_RESULT_BLOCKLIST,  /* mc_bl_result */
	MC_RESULT_DIFF,       /* mc_diff_result: two runs compared */
	MC_RESULT_SMTP,       /* mc_smtp_result: the TLS of mail servers graded */
	MC_RESULT_KINDS,
} mc_result_kind;

#define MC_SCHEMA_VERSION 1

/* Render one result to fp. MC_EIO when writing failed. */
mc_status mc_render(mc_result_kind kind, const void *result,
                    const mc_render_opts *opts, FILE *fp);

/*
 * CSV (--csv): RFC 4180, a header row then a row per result (report: per
 * source); a cell that begins with =, +, -, @, a tab or a CR is prefixed
 * with ' so that spreadsheets do not run it as a formula, and bytes a
 * terminal acts on are escaped as in text. Rows come from mc_render; the
 * header is written once by the caller (a batch renders in its workers).
 */
bool mc_render_has_csv(mc_result_kind kind);
mc_status mc_render_csv_header(mc_result_kind kind, FILE *fp);

/*
 * Prometheus text format (--prometheus FILE): gauges per domain and part
 * (0 pass, 1 warning or not published, 2 error, 3 not checked or DNS
 * failure), findings counted by severity, certificate days left, blocklist
 * listings and the time of the check. Results are added as they come (from
 * any thread; a subject already added is skipped), then written to a
 * temporary file beside FILE and renamed over it, as node_exporter's
 * textfile collector expects.
 */
typedef struct mc_metrics mc_metrics;
bool mc_metrics_supported(mc_result_kind kind);
mc_metrics *mc_metrics_new(void);
mc_status mc_metrics_add(mc_metrics *m, mc_result_kind kind, const void *result, long long when);
mc_status mc_metrics_write(mc_metrics *m, const char *path);
size_t mc_metrics_count(mc_metrics *m); /* results added */
void mc_metrics_free(mc_metrics *m);

/*
 * --html FILE: one self-contained page (no script, no request: a
 * Content-Security-Policy forbids them), every outside string escaped. A
 * section per result (domain, verify, diff), and for a batch of domains an
 * overview: a row per domain and the counts per part as a chart.
 */
typedef struct mc_page mc_page;
mc_page *mc_page_new(const char *title);
void mc_page_add_section(mc_page *p, const char *html);   /* from any thread */
void mc_page_set_overview(mc_page *p, const char *html);
size_t mc_page_sections(mc_page *p);
mc_status mc_page_write(mc_page *p, const char *path);
void mc_page_free(mc_page *p);
bool mc_render_has_html(mc_result_kind kind);
char *mc_render_html(mc_result_kind kind, const void *result);     /* a section, malloc'd */
char *mc_html_escaped(const char *s); /* outside text for a page, malloc'd */
char *mc_render_html_row(mc_result_kind kind, const void *result); /* a batch's table row */
/* the overview of a batch: its rows, counts[part * 6 + status], and how
 * many results have each finding code (codes[i]: n[i]) */
char *mc_render_html_overview(mc_result_kind kind, const char *rows, const size_t *counts,
                              size_t results, const char *const *codes, const size_t *n,
                              size_t n_codes);

/*
 * With --json, an error that stopped a command is an object too:
 * {"schema_version", "command" (null when none was given), "error":
 * {"code", "message"}}. code: "usage" (the command line), "input" (a file,
 * message or zone that cannot be read), "output" (stdout cannot be
 * written), "internal" (out of memory). The message's first line is used.
 */
mc_status mc_render_error(const char *command, const char *code, const char *message,
                          FILE *fp);

/* The columns UTF-8 text s takes in a terminal: East Asian wide
 * characters two (UAX #11), combining marks none, the rest one -- for
 * tables that line up in every language. */
size_t mc_text_width(const char *s);
/* s padded with spaces to width display columns, left-aligned or right. */
void mc_text_cell(FILE *fp, const char *s, int width, bool right);

#endif
