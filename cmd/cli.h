/*
 * The command-line front: global options, the context every command gets,
 * and the one place that writes diagnostics (curl's tool_msgs model).
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailcheck/dns.h"
#include "mailcheck/msg.h"
#include "mailcheck/report.h"
#include "mailcheck/blocklist.h"
#include "mailcheck/net.h"

/* Exit status (DESIGN.md): 0 pass, 1 did not pass, 2 usage/input, 3 temporary. */
enum { EXIT_PASS = 0, EXIT_NOT_PASSED = 1, EXIT_USAGE = 2, EXIT_TEMP = 3 };

#define CLI_MAX_LIST 64
#define CLI_MAX_ANCHORS 16

struct mc_ctx {
	mc_render_opts render;
	const char *dns[CLI_MAX_LIST];
	size_t n_dns;
	const char *zones[CLI_MAX_LIST];
	size_t n_zones;
	double timeout;       /* 0: default */
	bool dnssec;          /* the command validates DNSSEC (set before cli_resolver) */
	const char *trust_anchors[CLI_MAX_ANCHORS]; /* its anchor files; none: Debian's root key */
	size_t n_trust_anchors;
	const char *authserv_id; /* --authserv-id; NULL: the host name */
	bool has_now;
	int64_t now;          /* --now EPOCH */
	mc_resolver *resolver;
	const char *prometheus; /* --prometheus FILE */
	const char *record;   /* --record FILE: the DNS answers used, as a zone file */
	const char *html;     /* --html FILE: a page of the results */
	mc_page *page;        /* its sections, written at the end (main.c) */
	mc_metrics *metrics;  /* its results, written at the end (main.c) */
};

/* --record: where cli_probe records the blocklists' test entries. */
void cli_set_recording(mc_dns_recording *rec);
/* mc_bl_set_probe, its answers recorded with --record. */
mc_status cli_probe(mc_bl_set *s, mc_resolver *r);

/* The time a check ran: --now, or the clock. */
long long cli_now(const struct mc_ctx *ctx);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct mc_ctx *ctx);
	const char *options;  /* its own options, "--ip= --compare": '=' takes a value */
	const char *summary;
	const char *usage;    /* the command's own --help text */
	const char *helper_option; /* given this option, the command runs in mailcheck-helper */
};

/* Diagnostics on stderr: "mailcheck: error: ..."; with --json also an error
 * object on stdout (cli_json_errors). cli_error is a usage error; cli_fail
 * names the class ("usage", "input", "output", "internal"); cli_lib_error
 * reports the library's last error, classed by its status. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_fail(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_lib_error(mc_status st);
/* The library's last error (mc_error_last, its text in the locale's
 * language on err), as cli_fail_to. */
void cli_fail_last(FILE *out, FILE *err, const char *code);
/* A message kept for later, in English (JSON) and in the locale's language. */
struct cli_said {
	char en[600], text[600];
};
/* Keep the library's last error in s. */
void cli_said_last(struct cli_said *s);
/* A message made by the caller in English (JSON) and in the locale's
 * language (err; NULL: the English). */
void cli_fail_said(FILE *out, FILE *err, const char *code, const char *english,
                   const char *text);
/* cli_fail to other streams: a batch worker's report and diagnostics
 * (batch.h), written later in their turn. */
void cli_fail_to(FILE *out, FILE *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Errors as JSON objects too (--json), naming the command (NULL: none). */
void cli_json_errors(bool on, const char *command);

/* The resolver the global options ask for (created on first use). NULL after
 * printing the error; the command then exits with EXIT_USAGE. */
mc_resolver *cli_resolver(struct mc_ctx *ctx);

/* A command's own option: "--name VALUE" (value) or "--name" (flag). */
struct cli_opt {
	const char *name;
	const char **value;   /* one value */
	bool *flag;           /* or a flag */
	const char **list;    /* or a repeatable value: list[*n_list], at most max_list */
	size_t *n_list;
	size_t max_list;
};

/*
 * Parse a command's arguments: its options (NULL-terminated list, may be
 * NULL), and between min and max positional arguments, which end up in
 * argv[1..n] (argv[0] is the command). Returns n, or -1 after printing the
 * error.
 */
int cli_args(int argc, char **argv, const struct cli_opt *opts, int min, int max,
             const char *usage);
/* "verify: unknown option '--ipp'; did you mean '--ip'?": the closest of the
 * command's options (opts, may be NULL) and the global ones; command NULL:
 * before any command. usage (may be NULL) follows when none is close. */
void cli_unknown_option(const char *command, const char *arg, const struct cli_opt *opts,
                        const char *usage);
/* Edit distance (Levenshtein), case-insensitive; 99 for words over 32 bytes. */
size_t cli_distance(const char *a, const char *b);

/* The name of this verifier in headers it writes (receiver=, authserv-id). */
const char *cli_authserv_id(struct mc_ctx *ctx);

/* Render a result to stdout and turn its verdict into the exit status. */
int cli_output(mc_result_kind kind, const void *result, mc_verdict verdict,
               const struct mc_ctx *ctx);

/* Parse global options out of argv (anywhere on the line). */
int cli_parse_globals(int *argc, char **argv, struct mc_ctx *ctx,
                      bool *help, bool *version);

/* --https-port, --smtp-port (for tests), --net-timeout, --ca-file into
 * net (NULL: not given); -1 after the error. */
int cli_net_options(const char *command, const char *https_port, const char *smtp_port,
                    const char *timeout, mc_net_opts *net);

int cmd_mx(int argc, char **argv, struct mc_ctx *ctx);
int cmd_spf(int argc, char **argv, struct mc_ctx *ctx);
int cmd_dkim(int argc, char **argv, struct mc_ctx *ctx);
int cmd_dmarc(int argc, char **argv, struct mc_ctx *ctx);
int cmd_trace(int argc, char **argv, struct mc_ctx *ctx);
int cmd_verify(int argc, char **argv, struct mc_ctx *ctx);
int cmd_domain(int argc, char **argv, struct mc_ctx *ctx);
int cmd_bounce(int argc, char **argv, struct mc_ctx *ctx);
int cmd_report(int argc, char **argv, struct mc_ctx *ctx);
int cmd_smtp(int argc, char **argv, struct mc_ctx *ctx);
int cmd_blocklist(int argc, char **argv, struct mc_ctx *ctx);
int cmd_diff(int argc, char **argv, struct mc_ctx *ctx);

/* --jobs N of the commands that run worker threads (domain, verify). */
#define CLI_MAX_JOBS 256
/* Parse --jobs: 1 to CLI_MAX_JOBS into *jobs, else a usage error naming
 * the command; 0 or -1. */
int cli_jobs(const char *command, const char *v, size_t *jobs);
/* Parse --requirements: provider names into MC_REQ_* bits, else a usage
 * error naming the command; 0 or -1. */
int cli_requirements(const char *command, const char *v, unsigned *providers);

/* Open a message: FILE, or standard input for "-" or NULL. NULL after
 * printing the error. *what names it for messages. */
FILE *cli_open_input(const char *path, const char **what);

/* Reading messages from FILE, "-" or a Maildir (cmd/input.c): a file is
 * one message, or an mbox when it starts with "From "; a Maildir is every
 * file of cur/ and new/. sink gets each message as it streams; file (may
 * be NULL) is told each file's name (it lives until the next file begins)
 * before its messages; abandon is called when a file cannot be read to its
 * end, with a message begun. unreadable counts the inputs that could not be
 * opened (the error printed). */
struct cli_messages {
	mc_mbox_sink sink;
	void (*file)(void *arg, const char *what);
	void (*abandon)(void *arg);
	size_t unreadable;
};
void cli_read_messages(struct cli_messages *m, const char *path);
/* The entries of a directory (not those starting with '.'), as
 * "dir/name", in name order, at most 100,000; -1 when it cannot be read. */
long cli_dir_list(const char *dir, char ***names);
void cli_dir_free(char **names, long n);
/* Counts by key, for the summaries of batches (verify, bounce): at most
 * CLI_TALLY_MAX keys, the rest counted as "(other kinds)"; printed most
 * first under a heading. */
#define CLI_TALLY_MAX 10000
struct cli_tally_item {
	char *key;
	size_t n;
};
struct cli_tally {
	struct cli_tally_item *items;
	size_t n, cap;
};
void cli_tally_add(struct cli_tally *t, const char *key);
void cli_tally_print(struct cli_tally *t, const char *heading);
void cli_tally_free(struct cli_tally *t);
/* The names a batch command takes (domain, blocklist): its arguments, or
 * with "-" standard input, one a line ('#' comments and blank lines
 * ignored). cli_names_next gives the next one (trimmed; the arguments' as
 * they are), or in *bad why a line cannot be one (too long), with its line
 * number; false at the end. *item and *bad are the caller's to free. */
#define CLI_NAME_LINE 1024   /* a domain name is at most 253 characters */
struct cli_names {
	char **args;          /* NULL: read `in` */
	size_t n_args, next;
	FILE *in;
	size_t line;
};
bool cli_names_next(struct cli_names *li, char **item, struct cli_said **bad);
/* The names of argv[1..n]: standard input for a lone "-", else the
 * arguments, with no more *jobs than arguments. True when there may be
 * several. */
bool cli_names_from(struct cli_names *li, char **argv, int n, size_t *jobs);
/* The library's last error about the name read last, after "standard
 * input, line 3: " when it came from a line (malloc'd; NULL: no memory). */
struct cli_said *cli_names_bad_last(const struct cli_names *li);
/* Several messages for sure: more than one argument, or a directory. */
bool cli_inputs_several(int n, char **argv);

#endif
