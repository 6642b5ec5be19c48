/* Global options, diagnostics, the resolver the options ask for, output. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/util.h"
#include "mailcheck/blocklist.h"
#include "mailcheck/requirements.h"
#include "mailcheck/trace.h"

/* --json: errors are also an object on stdout (mc_render_error) */
static struct {
	bool on;
	const char *command;
} json_errors;

void cli_json_errors(bool on, const char *command)
{
	json_errors.on = on;
	json_errors.command = command;
}

/* The message in English (the JSON object) and in the locale's language
 * (stderr, text NULL: as English). */
static void said_to(FILE *out, FILE *err, const char *code, const char *english,
                    const char *text)
{
	/* TRANSLATORS: before an error message on stderr */
	mc_print_escaped(err, "mailcheck: %s %s\n", _("error:"),
	                 text ? text : english ? english : "out of memory");
	if (json_errors.on && strcmp(code, "output") != 0) {
		fflush(out);
		mc_render_error(json_errors.command, code, english ? english : "out of memory", out);
	}
}

static void fail_to(FILE *out, FILE *err, const char *code, const char *fmt, va_list ap)
{
	char *text, *english = mc_vasprintf_both(fmt, ap, &text);

	said_to(out, err, code, english, text);
	free(english);
	free(text);
}

void cli_fail_last(FILE *out, FILE *err, const char *code)
{
	said_to(out, err, code, mc_error_last(), mc_error_last_text());
}

void cli_said_last(struct cli_said *s)
{
	snprintf(s->en, sizeof(s->en), "%s", mc_error_last());
	snprintf(s->text, sizeof(s->text), "%s", mc_error_last_text());
}

void cli_fail_said(FILE *out, FILE *err, const char *code, const char *english,
                   const char *text)
{
	said_to(out, err, code, english, text);
}

static void fail(const char *code, const char *fmt, va_list ap)
{
	fail_to(stdout, stderr, code, fmt, ap);
}

void cli_fail(const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(code, fmt, ap);
	va_end(ap);
}

void cli_fail_to(FILE *out, FILE *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_to(out, err, code, fmt, ap);
	va_end(ap);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail("usage", fmt, ap);
	va_end(ap);
}

void cli_lib_error(mc_status st)
{
	cli_fail_last(stdout, stderr, st == MC_EINVAL ? "usage" : st == MC_ENOMEM ? "internal"
	                                                         : "input");
}

mc_resolver *cli_resolver(struct mc_ctx *ctx)
{
	mc_status st;

	if (ctx->resolver)
		return ctx->resolver;
	if (ctx->n_zones) {
		st = mc_resolver_new_zones(&ctx->resolver, ctx->zones, ctx->n_zones);
	} else {
		mc_resolver_opts o = {.servers = ctx->dns, .n_servers = ctx->n_dns,
		                      .timeout = ctx->timeout, .dnssec = ctx->dnssec};

		st = mc_resolver_new_network(&ctx->resolver, &o);
		/* a trust anchor given is needed; without it (Debian's root key
		 * missing), answers are judged by the AD bit instead */
		if (st == MC_OK && ctx->dnssec &&
		    mc_resolver_set_trust_anchors(ctx->resolver, ctx->trust_anchors,
		                                  ctx->n_trust_anchors) != MC_OK &&
		    ctx->n_trust_anchors) {
			cli_fail_last(stdout, stderr, "usage");
			mc_resolver_free(ctx->resolver);
			ctx->resolver = NULL;
			return NULL;
		}
	}
	if (st != MC_OK) {
		cli_lib_error(st);
		ctx->resolver = NULL;
	}
	return ctx->resolver;
}

static bool is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *arg)
{
	for (; opts && opts->name; opts++)
		if (is_option(arg, opts->name))
			return opts;
	return NULL;
}

size_t cli_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[33];

	if (la > 32 || lb > 32)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (tolower((unsigned char)a[i - 1]) !=
			                                    tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The options every command takes (cli_parse_globals). */
static const char *const global_options[] = {
	"--json", "--csv", "--prometheus", "--record", "--html", "--dns", "--zone", "--timeout", "--now", "--authserv-id",
	"--verbose", "--quiet", "--no-color", "--help", "--version",
};

void cli_unknown_option(const char *command, const char *arg, const struct cli_opt *opts,
                        const char *usage)
{
	char name[64];
	const char *best = NULL;
	size_t best_d = 99;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	for (const struct cli_opt *o = opts; o && o->name; o++)
		if (cli_distance(name, o->name) < best_d)
			best_d = cli_distance(name, o->name), best = o->name;
	for (size_t i = 0; i < sizeof(global_options) / sizeof(global_options[0]); i++)
		if (cli_distance(name, global_options[i]) < best_d)
			best_d = cli_distance(name, global_options[i]), best = global_options[i];
	/* close: one or two edits, fewer than the option's own letters */
	if (best && best_d <= 2 && best_d + 2 < strlen(best) && command)
		cli_error("%s: unknown option '%s'; did you mean '%s'?", command, name, best);
	else if (best && best_d <= 2 && best_d + 2 < strlen(best))
		cli_error("unknown option '%s'; did you mean '%s'?", name, best);
	else if (command)
		cli_error("%s: unknown option '%s'\n%s", command, name, usage ? usage : "");
	else
		cli_error("unknown option '%s' ('mailcheck --help' lists the options, "
		          "'mailcheck COMMAND --help' a command's)", name);
}

int cli_args(int argc, char **argv, const struct cli_opt *opts, int min, int max,
             const char *usage)
{
	int n = 0;
	bool dashdash = false;

	for (int i = 1; i < argc; i++) {
		const struct cli_opt *o = dashdash ? NULL : find_opt(opts, argv[i]);

		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = true;
		} else if (o && o->flag) {
			*o->flag = true;
		} else if (o) {
			const char *eq = strchr(argv[i], '=');

			if (!eq && i + 1 >= argc) {
				cli_error("%s: option '%s' needs a value\n%s", argv[0], o->name, usage);
				return -1;
			}
			const char *v = eq ? eq + 1 : argv[++i];

			if (o->list && *o->n_list >= o->max_list) {
				cli_error("%s: too many %s options (at most %zu)", argv[0], o->name,
				          o->max_list);
				return -1;
			}
			if (o->list)
				o->list[(*o->n_list)++] = v;
			else
				*o->value = v;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_unknown_option(argv[0], argv[i], opts, usage);
			return -1;
		} else {
			argv[++n] = argv[i];
		}
	}
	if (n < min || n > max) {
		cli_error("%s: %s\n%s", argv[0], n < min ? "missing argument" : "too many arguments",
		          usage);
		return -1;
	}
	return n;
}

const char *cli_authserv_id(struct mc_ctx *ctx)
{
	static char host[256];

	if (ctx->authserv_id)
		return ctx->authserv_id;
	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
		return "localhost";
	return host;
}

int cli_output(mc_result_kind kind, const void *result, mc_verdict verdict,
               const struct mc_ctx *ctx)
{
	if (mc_render(kind, result, &ctx->render, stdout) != MC_OK) {
		cli_fail_last(stdout, stderr, "output");
		return EXIT_USAGE;
	}
	if (ctx->page && mc_render_has_html(kind)) {
		char *section = mc_render_html(kind, result);

		mc_page_add_section(ctx->page, section);
		free(section);
	}
	return mc_verdict_exit_code(verdict);
}

/* --name VALUE or --name=VALUE: the value, or NULL after an error. */
static const char *option_value(int *i, int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc) {
		cli_error("option '%s' needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static int parse_number(const char *name, const char *v, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || *out < min || *out > max) {
		cli_error("invalid value '%s' for %s (a number from %g to %g)", v, name, min, max);
		return -1;
	}
	return 0;
}

/* One value option; returns 1 when arg was it, 0 when not, -1 on error. */
static int value_option(int *i, int argc, char **argv, struct mc_ctx *ctx)
{
	const char *arg = argv[*i], *v;

	if (is_option(arg, "--prometheus") || is_option(arg, "--record") || is_option(arg, "--html")) {
		const char *name = is_option(arg, "--record") ? "--record"
		                   : is_option(arg, "--html") ? "--html" : "--prometheus";

		if (!(v = option_value(i, argc, argv, name)))
			return -1;
		if (!*v) {
			cli_error("%s needs a file name", name);
			return -1;
		}
		*(name[2] == 'r' ? &ctx->record : name[2] == 'h' ? &ctx->html : &ctx->prometheus) = v;
		return 1;
	}

	if (is_option(arg, "--dns") || is_option(arg, "--zone")) {
		bool zone = is_option(arg, "--zone");

		if (!(v = option_value(i, argc, argv, zone ? "--zone" : "--dns")))
			return -1;
		if ((zone ? ctx->n_zones : ctx->n_dns) >= CLI_MAX_LIST) {
			cli_error("too many %s options (at most %d)", zone ? "--zone" : "--dns",
			          CLI_MAX_LIST);
			return -1;
		}
		if (zone)
			ctx->zones[ctx->n_zones++] = v;
		else
			ctx->dns[ctx->n_dns++] = v;
		return 1;
	}
	if (is_option(arg, "--authserv-id")) {
		if (!(ctx->authserv_id = option_value(i, argc, argv, "--authserv-id")))
			return -1;
		return 1;
	}
	if (is_option(arg, "--timeout")) {
		if (!(v = option_value(i, argc, argv, "--timeout")) ||
		    parse_number("--timeout", v, 0.001, 300, &ctx->timeout) < 0)
			return -1;
		return 1;
	}
	if (is_option(arg, "--now")) {
		long long t;

		if (!(v = option_value(i, argc, argv, "--now")))
			return -1;
		if ((t = mc_time_parse(v)) < 0) {
			cli_error("invalid value '%s' for --now: give seconds since the epoch "
			          "(1795600000), an RFC 3339 date (2026-11-23T10:00:00Z) or an RFC 5322 "
			          "date (\"Mon, 23 Nov 2026 10:00:00 +0000\")", v);
			return -1;
		}
		ctx->has_now = true;
		ctx->now = (int64_t)t;
		return 1;
	}
	return 0;
}

static int flag_option(const char *arg, struct mc_ctx *ctx, bool *help, bool *version)
{
	if (strcmp(arg, "--json") == 0 || strcmp(arg, "--csv") == 0) {
		mc_format f = arg[2] == 'j' ? MC_FORMAT_JSON : MC_FORMAT_CSV;

		if (ctx->render.format != MC_FORMAT_TEXT && ctx->render.format != f) {
			cli_error("--json and --csv cannot be used together: choose one output format");
			return -1;
		}
		ctx->render.format = f;
	}
	else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
		ctx->render.verbose = true;
	else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
		ctx->render.quiet = true;
	else if (strcmp(arg, "--no-color") == 0)
		ctx->render.color = false;
	else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		*help = true;
	else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0)
		*version = true;
	else
		return 0;
	return 1;
}

int cli_parse_globals(int *argc, char **argv, struct mc_ctx *ctx, bool *help, bool *version)
{
	int out = 1;
	bool dashdash = false;

	ctx->render.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (int i = 1; i < *argc; i++) {
		int rc = 0;

		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = true;
		else if (!dashdash && (rc = value_option(&i, *argc, argv, ctx)) < 0)
			return -1;
		if (!dashdash && rc == 0 && (rc = flag_option(argv[i], ctx, help, version)) < 0)
			return -1;
		if (rc == 0)
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	if (ctx->n_zones && ctx->n_dns) {
		cli_error("--zone and --dns cannot be used together: --zone answers from "
		          "files, --dns asks a server");
		return -1;
	}
	return 0;
}

/* --record: the recording of the run (main.c sets it), for the answers no
 * result carries -- the blocklists' test entries, asked once per run. */
static mc_dns_recording *recording;

void cli_set_recording(mc_dns_recording *rec)
{
	recording = rec;
}

mc_status cli_probe(mc_bl_set *s, mc_resolver *r)
{
	size_t since = mc_dns_log_size(r);
	mc_status st = mc_bl_set_probe(s, r);
	mc_dns_log log = {0};

	if (recording && mc_dns_log_copy(r, since, &log) == MC_OK) {
		mc_dns_recording_add(recording, &log);
		mc_dns_log_clear(&log);
	}
	return st;
}

long long cli_now(const struct mc_ctx *ctx)
{
	return ctx->has_now ? (long long)ctx->now : (long long)time(NULL);
}

int cli_jobs(const char *command, const char *v, size_t *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > CLI_MAX_JOBS) {
		cli_error("%s: invalid value '%s' for --jobs (1 to %d)", command, v, CLI_MAX_JOBS);
		return -1;
	}
	*jobs = (size_t)n;
	return 0;
}

int cli_requirements(const char *command, const char *v, unsigned *providers)
{
	if (!mc_req_parse_providers(v, providers)) {
		cli_error("%s: invalid value '%s' for --requirements (gmail, yahoo, microsoft or "
		          "all, or a comma-separated list)", command, v);
		return -1;
	}
	return 0;
}

void cli_tally_add(struct cli_tally *t, const char *key)
{
	char *k;

	if (t->n >= CLI_TALLY_MAX) /* past the bound, the rest as one */
		key = "(other kinds)";
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->items[i].key, key)) {
			t->items[i].n++;
			return;
		}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct cli_tally_item *it = realloc(t->items, cap * sizeof(*it));

		if (!it)
			return;
		t->items = it;
		t->cap = cap;
	}
	if ((k = strdup(key)))
		t->items[t->n++] = (struct cli_tally_item){k, 1};
}

static int by_count(const void *a, const void *b)
{
	const struct cli_tally_item *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

void cli_tally_print(struct cli_tally *t, const char *heading)
{
	if (!t->n)
		return;
	qsort(t->items, t->n, sizeof(*t->items), by_count);
	printf("%s\n", heading);
	for (size_t i = 0; i < t->n; i++)
		mc_print_escaped(stdout, "%6zu  %s\n", t->items[i].n, t->items[i].key);
}

void cli_tally_free(struct cli_tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i].key);
	free(t->items);
	memset(t, 0, sizeof(*t));
}

/* --https-port, --smtp-port (for tests), --net-timeout, --ca-file */
int cli_net_options(const char *command, const char *https_port, const char *smtp_port,
                    const char *timeout, mc_net_opts *net)
{
	const char *const values[] = {https_port, smtp_port, timeout};
	const char *const names[] = {"--https-port", "--smtp-port", "--net-timeout"};
	const double max[] = {65535, 65535, 300};
	double got[3] = {0};

	for (int k = 0; k < 3; k++) {
		char *end;

		if (!values[k])
			continue;
		errno = 0;
		got[k] = strtod(values[k], &end);
		if (errno || end == values[k] || *end || got[k] < (k < 2 ? 1 : 0.001) ||
		    got[k] > max[k] || (k < 2 && got[k] != (unsigned)got[k])) {
			cli_error("%s: invalid value '%s' for %s (%s)", command, values[k], names[k],
			          k < 2 ? "a port from 1 to 65535" : "seconds, from 0.001 to 300");
			return -1;
		}
	}
	net->https_port = (unsigned)got[0];
	net->smtp_port = (unsigned)got[1];
	net->timeout = got[2];
	if (net->ca_file && access(net->ca_file, R_OK) != 0) {
		cli_error("%s: cannot read --ca-file '%s': %s", command, net->ca_file, mc_strerror(errno));
		return -1;
	}
	return 0;
}
