/*
 * Reports a domain receives about its mail: DMARC aggregate reports (RFC
 * 7489 appendix C, RFC 9990) as XML, gzip, zip or attached to a message;
 * DMARC failure reports (ARF, RFC 6591); SMTP TLS reports (RFC 8460 JSON,
 * plain or gzip). They are read as they stream -- a report's rows are
 * folded into per-source totals and not kept -- and concluded with what
 * each sending source must change.
 */
#ifndef MAILCHECK_FEEDBACK_H
#define MAILCHECK_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/status.h"
#include "mailcheck/verify.h"

/* Bounds (hostile input): */
#define MC_FEEDBACK_MAX_UNPACKED ((uint64_t)1 << 30) /* bytes out of one gzip/zip member */
#define MC_FEEDBACK_MAX_ZIP_ENTRIES 64       /* read of one zip */
#define MC_FEEDBACK_MAX_MESSAGE ((size_t)64 << 20) /* a report as mail, or an attachment */
#define MC_FEEDBACK_MAX_JSON ((size_t)16 << 20)    /* a TLS report */
#define MC_FEEDBACK_MAX_SOURCES 100000       /* distinct source IPs; then "other" */
#define MC_FEEDBACK_MAX_KEPT 8               /* domains, selectors, ... kept per source */
#define MC_FEEDBACK_MAX_DEPTH 32             /* XML element nesting */
#define MC_FEEDBACK_MAX_FAILURES 1000        /* failure reports verified and kept */
#define MC_FEEDBACK_EXPLAINED 50             /* sources looked up (PTR, SPF) and explained */

/* A domain (or domain and result, or reason) with how many messages. The
 * strings belong to the result (one copy of each, however many sources
 * name it). */
typedef struct mc_fb_count {
	const char *name;
	const char *detail;    /* the result ("pass", ...); NULL when none */
	uint64_t messages;
} mc_fb_count;

/* The first MC_FEEDBACK_MAX_KEPT names seen, and the messages of the rest. */
typedef struct mc_fb_counts {
	mc_fb_count *items;
	uint32_t n, cap;
	uint64_t other;
} mc_fb_counts;

/* One sending source (IP address) over all aggregate reports. */
typedef struct mc_fb_source {
	char *ip;              /* "other" for the sources past MC_FEEDBACK_MAX_SOURCES */
	uint64_t messages;
	uint64_t dmarc_pass;   /* policy_evaluated dkim=pass or spf=pass */
	uint64_t dkim_aligned, spf_aligned; /* policy_evaluated dkim=pass, spf=pass */
	uint64_t none, quarantine, reject;  /* the disposition applied */
	mc_fb_counts header_from, spf, dkim, overrides, reporters;
	/* concluded (the first MC_FEEDBACK_EXPLAINED sources by messages) */
	char *ptr;             /* its PTR name, NULL when none (or not looked up) */
	const char *provider;  /* "Mailchimp", "Google", ... when the PTR name or an
	                        * authenticated domain says so */
	int in_spf;            /* 1: the report domain's SPF authorizes it; 0: not; -1: not checked */
	const char *kind;      /* stable: "passes", "spf_only", "not_aligned", "forwarded",
	                        * "not_in_spf", "spoofing", "fails" */
	char *explanation;     /* English, as JSON gives it */
	char *explanation_text; /* the same in the locale's language; NULL: as English */
	size_t seen;           /* its place in the order the sources came */
} mc_fb_source;

/* The messages of one source on one day (the day its report begins, UTC),
 * or in one week (from Monday) once the reports span more than 62 days:
 * the --html page's chart of the days by kind of source. */
#define MC_FEEDBACK_MAX_DAYS ((size_t)1 << 20) /* (source, day) pairs kept */
typedef struct mc_fb_day {
	int64_t day;           /* 00:00 UTC of the day, or of the week's Monday */
	size_t source;         /* index into sources */
	uint64_t messages, dmarc_pass;
} mc_fb_day;

/* A policy published, as the reports saw it. */
typedef struct mc_fb_policy {
	char *domain, *p, *sp, *adkim, *aspf;
	int pct;               /* -1 when not given */
	uint64_t reports;
} mc_fb_policy;

/* One aggregate report read (the first MC_FEEDBACK_MAX_LISTED). */
#define MC_FEEDBACK_MAX_LISTED 100000
typedef struct mc_fb_report {
	char *input;           /* where it was read */
	char *org, *report_id, *domain;
	int64_t begin, end;    /* 0 when not given */
	uint64_t rows, messages;
	uint64_t dmarc_pass;   /* its messages that pass DMARC (the page's chart per day) */
} mc_fb_report;

/* A reporting organisation. */
typedef struct mc_fb_reporter {
	char *org;
	uint64_t reports, messages;
} mc_fb_reporter;

/* SMTP TLS reports: one policy of one domain, and its receiving MX hosts. */
typedef struct mc_fb_tls_mx {
	char *host;            /* receiving-mx-hostname, "" when not given */
	uint64_t failures;
	mc_fb_counts results;  /* result-type with failed sessions */
} mc_fb_tls_mx;

#define MC_FEEDBACK_MAX_TLS 64
typedef struct mc_fb_tls_policy {
	char *domain;          /* policy-domain */
	char *type;            /* sts, tlsa, no-policy-found */
	char *mode;            /* STS mode from the policy string, NULL when none */
	uint64_t successes, failures;
	mc_fb_tls_mx mx[MC_FEEDBACK_MAX_KEPT];
	size_t n_mx;
	char **fixes;          /* a sentence per result type seen ("TYPE: fix", English) */
	size_t n_fixes;
	uint64_t reports;
} mc_fb_tls_policy;

/* A DMARC failure report (ARF auth-failure) and mailcheck's own check of
 * what it returned. */
typedef struct mc_fb_failure {
	char *what;            /* the input */
	char *reporter;        /* From of the report, or its Reporting-MTA */
	char *feedback_type, *auth_failure; /* "auth-failure", "dmarc" ... */
	char *reported_domain, *source_ip, *original_mail_from, *arrival_date;
	char *authentication_results; /* the report's own verdict */
	char *dkim_domain, *dkim_selector;
	const char *returned;  /* "message", "headers" or NULL */
	mc_verify_result *check; /* verify on what came back, NULL when nothing did */
} mc_fb_failure;

typedef struct mc_fb_unreadable {
	char *what, *why;
} mc_fb_unreadable;

#define MC_FEEDBACK_MAX_UNREADABLE 1000

/* ---- over time: from a database (mailcheck/store.h) ---- */
typedef struct mc_fb_week {
	int64_t start;         /* its Monday, 00:00 UTC */
	uint64_t messages, dmarc_pass;
	uint64_t legitimate, legitimate_pass; /* of the sources that look legitimate */
} mc_fb_week;

/* A source IP (or a reporter) seen over the period. */
typedef struct mc_fb_seen {
	char *name;
	uint64_t messages;     /* a source: its messages; a reporter: its reports;
	                        * a failing source: its messages failing DMARC */
	int64_t first, last;   /* the begin of its first and of its last report */
	uint64_t days;         /* a reporter: the days it sent a report on */
	const char *kind;      /* a failing source: its kind (mc_fb_source) */
} mc_fb_seen;

typedef struct mc_fb_tls_week {
	int64_t start;
	char *mx;              /* receiving-mx-hostname, "" when not given */
	uint64_t failures;
} mc_fb_tls_week;

#define MC_FEEDBACK_MAX_TREND 20 /* sources and reporters listed per trend */
typedef struct mc_fb_history {
	int64_t since, until;  /* the period asked, 0: open */
	int64_t first, last;   /* the begin of the first report, the end of the last */
	int64_t recent;        /* the last period: the 7 days to `last` */
	mc_fb_week *weeks;
	size_t n_weeks;
	mc_fb_seen *new_sources, *gone_sources; /* first seen in the last period; not
	                        * seen in it, but before */
	size_t n_new, n_gone;
	uint64_t total_new, total_gone;
	mc_fb_seen *stopped;   /* reporters that sent on most days and stopped */
	size_t n_stopped;
	mc_fb_tls_week *tls;   /* TLS failures per MX per week */
	size_t n_tls;
	/* readiness for p=quarantine / p=reject over the period */
	uint64_t legitimate, legitimate_pass;
	mc_fb_seen *failing;   /* legitimate sources still failing, most failures first */
	size_t n_failing;
	uint64_t total_failing;
	const char *ready;     /* "reject", "quarantine" or "not_yet" */
} mc_fb_history;

/* What a run stored in a database (used: there was one). */
typedef struct mc_fb_stored {
	bool used;
	uint64_t aggregate, tls, failure; /* reports stored now */
	uint64_t known;        /* reports read that the database had already */
	uint64_t dropped;      /* aggregate reports that broke off: not stored */
} mc_fb_stored;

typedef struct mc_feedback_result {
	/* aggregate reports */
	uint64_t aggregate_reports, rows, messages, dmarc_pass;
	uint64_t duplicates;   /* reports (aggregate or TLS) read twice -- same reporter and
	                        * report ID -- counted once */
	mc_fb_report *reports; /* each report read, in the order read */
	size_t n_reports;
	int64_t begin, end;    /* the date range covered, 0 when none */
	mc_fb_policy *policies;
	size_t n_policies;
	mc_fb_reporter *reporters;
	size_t n_reporters;
	mc_fb_source *sources; /* most messages first */
	size_t n_sources;
	mc_fb_day *days;       /* by (source, day), in the order first seen, when the
	                        * options ask (opts.days); none from a database (--db) */
	size_t n_days;
	bool days_incomplete;  /* past MC_FEEDBACK_MAX_DAYS, or rows without days */
	bool days_weekly;      /* days[].day are Mondays: the weeks */
	/* what p=quarantine / p=reject would do, in messages now failing
	 * DMARC: of the sources that look legitimate (some authentication
	 * passes, a known provider, a PTR name), of forwarders and lists, and of
	 * likely spoofing */
	uint64_t legitimate_failing, forwarded_failing, suspicious_failing;
	/* TLS reports */
	uint64_t tls_reports;
	mc_fb_tls_policy *tls;
	size_t n_tls;
	/* failure reports */
	mc_fb_failure *failures;
	size_t n_failures;
	uint64_t failure_reports;
	/* inputs that could not be read, each named with why */
	mc_fb_unreadable *unreadable;
	size_t n_unreadable;
	uint64_t unreadable_total;
	/* messages with no report in them (a report mailbox holds other mail
	 * too): named, not errors */
	mc_fb_unreadable *skipped;
	size_t n_skipped;
	uint64_t skipped_total;
	void *strings;         /* the strings of the counts (internal) */
	mc_verdict verdict;    /* PASS: every meaningful source passes DMARC and no TLS failure;
	                        * FAIL otherwise; NONE: no report read */
	mc_findings findings;
	mc_dns_log dns;
	mc_fb_stored stored;   /* filled in by the caller that stored */
	mc_fb_history *history; /* from a database; NULL otherwise */
} mc_feedback_result;

typedef struct mc_feedback mc_feedback;

/* One aggregate report row as read (RFC 7489 appendix C <record>), and a
 * report's metadata -- given to a sink, and given back from a database. */
#define MC_FB_MAX_AUTH 8
#define MC_FB_MAX_REASONS 4
typedef struct mc_fb_auth {
	char domain[256], detail[128], result[32]; /* detail: the DKIM selector or SPF scope */
} mc_fb_auth;

typedef struct mc_fb_row {
	char ip[64];
	uint64_t count;
	char disposition[32], dkim[32], spf[32];
	char header_from[256], envelope_from[256];
	mc_fb_auth dkim_auth[MC_FB_MAX_AUTH], spf_auth[MC_FB_MAX_AUTH];
	size_t n_dkim, n_spf;
	char reasons[MC_FB_MAX_REASONS][32];
	size_t n_reasons;
} mc_fb_row;

typedef struct mc_fb_meta {
	char org[256], report_id[256], email[256];
	int64_t begin, end;
	char domain[256], p[32], sp[32], adkim[8], aspf[8];
	int pct;               /* -1 when not given */
} mc_fb_meta;

/* A TLS report's identity (RFC 8460 section 4.4) and its JSON, whole. */
typedef struct mc_fb_tls_report {
	const char *org, *report_id, *contact; /* "" when not given */
	int64_t begin, end;    /* 0 when not given */
	const char *json;
	size_t json_len;
} mc_fb_tls_report;

/* What reading hands on, report by report, to be kept (a database: see
 * mailcheck/store.h). Each function returns MC_OK, or an error that stops
 * the reading (mc_feedback_add_* return it). */
typedef struct mc_feedback_sink {
	void *arg;
	/* An aggregate report begins (before its first row). *known: it is
	 * kept already -- its rows are not given, and no end follows. */
	mc_status (*aggregate_begin)(void *arg, const mc_fb_meta *m, const char *what, bool *known);
	mc_status (*aggregate_row)(void *arg, const mc_fb_row *row);
	/* whole: the report was read to its end (keep it); else it broke off
	 * (drop what was given of it). */
	mc_status (*aggregate_end)(void *arg, bool whole, uint64_t rows, uint64_t messages,
	                           uint64_t dmarc_pass);
	/* A TLS report; its policies follow, one call each. */
	mc_status (*tls_report)(void *arg, const mc_fb_tls_report *t, const char *what, bool *known);
	/* A failure report: its fields, and the message whole. */
	mc_status (*failure_report)(void *arg, const mc_fb_failure *fr, const char *message,
	                            size_t len);
} mc_feedback_sink;

typedef struct mc_feedback_opts {
	time_t now;            /* for the failure reports' verify; 0: now */
	const char *authserv_id;
	bool no_lookups;       /* no PTR / SPF lookups for the sources */
	bool days;             /* keep each source's messages per day (days: the page) */
	const mc_feedback_sink *sink; /* NULL: nothing kept */
} mc_feedback_opts;

mc_status mc_feedback_new(mc_feedback **out, mc_resolver *r, const mc_feedback_opts *opts);
/* A file or stream: a report file -- XML (aggregate), JSON (TLS), gzip or
 * zip of them, told by its first bytes -- or mail: an mbox of messages, or
 * one message, with reports attached or a failure report. A seekable file
 * is needed for zip (a pipe is read into memory first, at most 64 MiB). An
 * input that cannot be read is recorded as unreadable (MC_OK); only
 * MC_ENOMEM stops. */
mc_status mc_feedback_add_stream(mc_feedback *f, FILE *fp, const char *what);
/* Bytes: a report file's content, or a message (RFC 5322) carrying
 * reports as attachments, or a failure report (ARF). */
mc_status mc_feedback_add_bytes(mc_feedback *f, const char *data, size_t len, const char *what);
/* Does this start look like a report file (gzip, zip, XML, JSON) rather
 * than a message? */
bool mc_feedback_is_report_file(const unsigned char *start, size_t n);
/* Given back from where reports were kept (a database): a report read
 * before, with its totals; then rows -- grouped: `rows` report rows alike
 * in everything but their counts, with `messages` in all, their auth
 * results not given (see mc_feedback_add_auth) -- and the auth results of
 * a source (method "dkim" or "spf") with the messages they were in. */
mc_status mc_feedback_add_report(mc_feedback *f, const mc_fb_meta *m, uint64_t rows,
                                 uint64_t messages, uint64_t dmarc_pass, const char *what);
mc_status mc_feedback_add_rows(mc_feedback *f, const mc_fb_row *row, const char *org,
                               uint64_t rows, uint64_t messages);
mc_status mc_feedback_add_auth(mc_feedback *f, const char *ip, const char *method,
                               const char *domain, const char *result, uint64_t messages);
/* Conclude: look the main sources up, explain them, order them. */
mc_status mc_feedback_finish(mc_feedback *f, mc_feedback_result *out);
void mc_feedback_free(mc_feedback *f);
void mc_feedback_result_clear(mc_feedback_result *res);

/* The k-th fix of a TLS policy in the locale's language (malloc'd), or NULL
 * when the English of p->fixes[k] is what people read. */
char *mc_feedback_tls_fix_text(const mc_fb_tls_policy *p, size_t k);

#endif
