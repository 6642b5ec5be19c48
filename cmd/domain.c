/*
 * mailcheck domain DOMAIN... | -  [--selector SEL]... [--jobs N]
 *                                [--order input|completed]
 * One report per domain. Domains come from the arguments or, with "-", from
 * standard input (one a line, "#" comments and blank lines ignored, bad
 * names reported by line and skipped). --jobs worker threads each check one
 * domain at a time with a resolver of their own (the same nameservers or
 * zone files, a cache of their own that is forgotten after each domain); the
 * reports are written in input order through a window of finished reports
 * (or as completed), so memory stays flat however long the list.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/util.h"
#include "mailcheck/domain.h"

static const char usage[] =
	"usage: mailcheck domain DOMAIN...|- [--selector SEL]... [--jobs N] "
	"[--order input|completed] [--no-common-selectors] [--smtp] [--allow-private] [--ca-file PEM] "
	"[--net-timeout SECONDS] [--trust-anchor FILE] [--https-port N] [--smtp-port N] "
	"[--requirements gmail|yahoo|microsoft|all]";

#define MAX_LINE 1024          /* a domain name is at most 253 characters */

struct code_count {
	char *code;
	size_t n;
};

struct run {
	struct mc_ctx *ctx;
	mc_domain_opts opts;
	/* input: the arguments, or a stream */
	char **args;
	size_t n_args, next_arg;
	FILE *in;
	size_t line;
	bool eof;
	/* ordered output */
	pthread_mutex_t lock;
	pthread_cond_t moved;
	bool in_order;
	size_t window;
	char **slot;           /* window finished reports, by sequence number */
	size_t *slot_len;
	bool *ready;
	size_t next_seq, next_out;
	bool write_failed;
	/* tally */
	size_t domains, pass, fail, temperror, invalid;
	size_t part[MC_PART_COUNT][MC_PART_NOT_CHECKED + 1];
	struct code_count *codes;
	size_t n_codes, cap_codes;
	bool several, progress;
	double started;
	double last_progress;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The next line of the stream without its newline, or NULL at the end; a
 * line too long to be a domain is skipped to its end and marked. */
static char *read_line(struct run *run, char *buf, bool *too_long)
{
	size_t n;

	*too_long = false;
	if (!fgets(buf, MAX_LINE, run->in))
		return NULL;
	n = strlen(buf);
	if (n == MAX_LINE - 1 && buf[n - 1] != '\n') { /* longer: skip the rest */
		char rest[4096];

		*too_long = true;
		while (fgets(rest, sizeof(rest), run->in) && rest[strlen(rest) - 1] != '\n')
			;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* The next domain (malloc'd) with its sequence number, or NULL at the end.
 * A line that cannot be a domain gets *bad (malloc'd) instead. Called with
 * the lock held. */
static char *next_domain(struct run *run, size_t *seq, char **bad)
{
	char buf[MAX_LINE];

	*bad = NULL;
	for (;;) {
		char *s, *e, *name = NULL;
		bool too_long;

		if (run->args) {
			if (run->next_arg == run->n_args)
				return NULL;
			s = run->args[run->next_arg++];
		} else {
			if (run->eof || !(s = read_line(run, buf, &too_long))) {
				run->eof = true;
				return NULL;
			}
			run->line++;
			if (too_long) {
				*bad = mc_asprintf("standard input, line %zu: longer than %d bytes, not a "
				                    "domain name", run->line, MAX_LINE - 1);
				*seq = run->next_seq++;
				return NULL;
			}
			if ((e = strchr(s, '#')))
				*e = '\0';
			while (*s == ' ' || *s == '\t')
				s++;
			for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
				;
			*e = '\0';
			if (!*s)
				continue;
		}
		if (mc_domain_normalize(s, &name) != MC_OK) {
			*bad = run->args ? mc_asprintf("%s", mc_error_last())
			                 : mc_asprintf("standard input, line %zu: %s", run->line,
			                                mc_error_last());
			*seq = run->next_seq++;
			return NULL;
		}
		*seq = run->next_seq++;
		return name;
	}
}

static void count_code(struct run *run, const char *code)
{
	for (size_t i = 0; i < run->n_codes; i++) {
		if (strcmp(run->codes[i].code, code) == 0) {
			run->codes[i].n++;
			return;
		}
	}
	if (run->n_codes == run->cap_codes) {
		size_t cap = run->cap_codes ? run->cap_codes * 2 : 64;
		struct code_count *grown = realloc(run->codes, cap * sizeof(*grown));

		if (!grown)
			return;
		run->codes = grown;
		run->cap_codes = cap;
	}
	if ((run->codes[run->n_codes].code = strdup(code)))
		run->codes[run->n_codes++].n = 1;
}

/* The codes of one domain's warnings and errors, each once. */
struct seen {
	const char *code[256];
	size_t n;
};

static void count_findings(struct run *run, struct seen *seen, const mc_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		bool dup = false;

		if (f->items[i].severity < MC_SEV_WARNING)
			continue;
		for (size_t k = 0; k < seen->n && !dup; k++)
			dup = strcmp(seen->code[k], f->items[i].code) == 0;
		if (dup || seen->n == sizeof(seen->code) / sizeof(seen->code[0]))
			continue;
		seen->code[seen->n++] = f->items[i].code;
		count_code(run, f->items[i].code);
	}
}

/* Tally one finished domain (lock held). */
static void tally(struct run *run, const mc_domain_result *res)
{
	run->domains++;
	if (res->verdict == MC_VERDICT_PASS)
		run->pass++;
	else if (res->verdict == MC_VERDICT_TEMPERROR)
		run->temperror++;
	else
		run->fail++;
	for (int p = 0; p < MC_PART_COUNT; p++)
		run->part[p][res->rows[p].status]++;
	struct seen seen = {.n = 0};

	count_findings(run, &seen, &res->findings);
	count_findings(run, &seen, &res->mx.findings);
	count_findings(run, &seen, &res->spf.findings);
	count_findings(run, &seen, &res->dmarc.findings);
	for (size_t i = 0; i < res->n_keys; i++)
		count_findings(run, &seen, &res->keys[i].findings);
}

static void write_out(struct run *run, const char *text, size_t len)
{
	if (len && fwrite(text, 1, len, stdout) != len)
		run->write_failed = true;
}

static void progress(struct run *run, bool last)
{
	double t = now_s();

	if (!run->progress || (!last && t - run->last_progress < 0.25))
		return;
	run->last_progress = t;
	fprintf(stderr, "\r%zu", run->domains + run->invalid);
	if (run->args)
		fprintf(stderr, " of %zu", run->n_args);
	fprintf(stderr, " done, %.1f domains/s%s", (run->domains + run->invalid) /
	        (t - run->started > 0 ? t - run->started : 1), last ? "\n" : "");
	fflush(stderr);
}

/* Hand in the report of sequence seq (lock held): written now, or kept
 * until those before it are written. */
static void deliver(struct run *run, size_t seq, char *text, size_t len)
{
	if (!run->in_order) {
		write_out(run, text, len);
		free(text);
		run->next_out++;
	} else {
		size_t k = seq % run->window;

		run->slot[k] = text;
		run->slot_len[k] = len;
		run->ready[k] = true;
		while (run->ready[run->next_out % run->window]) {
			k = run->next_out % run->window;
			write_out(run, run->slot[k], run->slot_len[k]);
			free(run->slot[k]);
			run->slot[k] = NULL;
			run->ready[k] = false;
			run->next_out++;
		}
	}
	progress(run, false);
	pthread_cond_broadcast(&run->moved);
}

/* One domain's report as text or JSON, in memory; NULL when it could not
 * be written (out of memory). */
static char *render(struct run *run, const mc_domain_result *res, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	bool ok;

	if (!fp)
		return NULL;
	ok = mc_render(MC_RESULT_DOMAIN, res, &run->ctx->render, fp) == MC_OK;
	if (run->several && run->ctx->render.format == MC_FORMAT_TEXT && !run->ctx->render.quiet)
		fputc('\n', fp);
	if (fclose(fp) != 0 || !ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *render_error(struct run *run, const char *code, const char *msg, size_t *len)
{
	char *buf = NULL;
	FILE *fp;

	mc_print_escaped(stderr, "mailcheck: error: %s\n", msg);
	if (run->ctx->render.format != MC_FORMAT_JSON) {
		*len = 0;
		return NULL;
	}
	if (!(fp = open_memstream(&buf, len)))
		return NULL;
	mc_render_error("domain", code, msg, fp);
	fclose(fp);
	return buf;
}

struct worker {
	struct run *run;
	mc_resolver *r;
	size_t checked;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;

	pthread_mutex_lock(&run->lock);
	for (;;) {
		size_t seq, len = 0;
		char *bad, *name, *text;
		mc_domain_result res;
		mc_status st;

		/* keep within the window of reports not yet written */
		while (run->in_order && run->next_seq >= run->next_out + run->window)
			pthread_cond_wait(&run->moved, &run->lock);
		name = next_domain(run, &seq, &bad);
		if (!name && !bad)
			break;
		if (bad) {
			run->invalid++;
			/* an argument is the command line; a line of the list is input */
			text = render_error(run, run->args ? "usage" : "input", bad, &len);
			free(bad);
			deliver(run, seq, text, len);
			continue;
		}
		pthread_mutex_unlock(&run->lock);
		st = mc_domain_check(w->r, name, &run->opts, &res);
		text = st == MC_OK ? render(run, &res, &len) : NULL;
		if (st == MC_OK && !text)
			st = mc_error_set(MC_ENOMEM, "cannot write the report of %s: out of memory", name);
		if (st != MC_OK)
			text = render_error(run, st == MC_EINVAL ? "usage" : "internal", mc_error_last(),
			                    &len);
		pthread_mutex_lock(&run->lock);
		if (st == MC_OK)
			tally(run, &res);
		else
			run->invalid++;
		deliver(run, seq, text, len);
		pthread_mutex_unlock(&run->lock);
		mc_domain_result_clear(&res);
		free(name);
		/* each domain on a fresh cache: memory stays flat, and a report does
		 * not depend on which worker checked which domain before */
		mc_resolver_forget(w->r);
#ifdef __GLIBC__
		/* glibc keeps what many threads freed in their arenas and RSS creeps
		 * up with the length of the list: give it back now and then */
		if (++w->checked % 64 == 0)
			malloc_trim(0);
#endif
		pthread_mutex_lock(&run->lock);
	}
	pthread_cond_broadcast(&run->moved);
	pthread_mutex_unlock(&run->lock);
	return NULL;
}

static int by_count(const void *a, const void *b)
{
	const struct code_count *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->code, y->code);
}

static void summary(struct run *run)
{
	printf("%zu domain%s: %zu without errors, %zu with errors, %zu not fully checked (DNS)",
	       run->domains, run->domains == 1 ? "" : "s", run->pass, run->fail, run->temperror);
	if (run->invalid)
		printf(", %zu line%s skipped", run->invalid, run->invalid == 1 ? "" : "s");
	putchar('\n');
	if (run->domains == 0)
		return;
	printf("\n  %-8s %6s %8s %6s %14s %10s %12s\n", "part", "pass", "warning", "error",
	       "not published", "temperror", "not checked");
	for (int p = 0; p < MC_PART_COUNT; p++)
		printf("  %-8s %6zu %8zu %6zu %14zu %10zu %12zu\n",
		       mc_domain_part_label((mc_domain_part)p), run->part[p][MC_PART_PASS],
		       run->part[p][MC_PART_WARNING], run->part[p][MC_PART_ERROR],
		       run->part[p][MC_PART_NOT_PUBLISHED], run->part[p][MC_PART_TEMPERROR],
		       run->part[p][MC_PART_NOT_CHECKED]);
	if (run->n_codes) {
		qsort(run->codes, run->n_codes, sizeof(*run->codes), by_count);
		printf("\n  findings (warnings and errors), by how many domains have them:\n");
		for (size_t i = 0; i < run->n_codes; i++)
			printf("  %8zu  %s\n", run->codes[i].n, run->codes[i].code);
	}
}

/* --https-port, --smtp-port (for tests), --net-timeout, --ca-file */
static int net_options(const char *https_port, const char *smtp_port, const char *timeout,
                       mc_net_opts *net)
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
			cli_error("domain: invalid value '%s' for %s (%s)", values[k], names[k],
			          k < 2 ? "a port from 1 to 65535" : "seconds, from 0.001 to 300");
			return -1;
		}
	}
	net->https_port = (unsigned)got[0];
	net->smtp_port = (unsigned)got[1];
	net->timeout = got[2];
	if (net->ca_file && access(net->ca_file, R_OK) != 0) {
		cli_error("domain: cannot read --ca-file '%s': %s", net->ca_file, strerror(errno));
		return -1;
	}
	return 0;
}

static bool selector_ok(const char *s)
{
	/* RFC 6376 3.1: selector = sub-domain *( "." sub-domain ) */
	return *s && strlen(s) < 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
	       strlen(s);
}

int cmd_domain(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *selectors[MC_DOMAIN_MAX_SELECTORS], *jobs_s = NULL, *order = NULL,
	           *https_port = NULL, *smtp_port = NULL, *net_timeout = NULL, *reqs = NULL;
	size_t n_sel = 0, jobs = 8;
	unsigned providers = 0;
	bool no_common = false, smtp = false;
	mc_net_opts net = {0};
	const struct cli_opt opts[] = {
		{.name = "--selector", .list = selectors, .n_list = &n_sel,
		 .max_list = MC_DOMAIN_MAX_SELECTORS / 2},
		{.name = "--jobs", .value = &jobs_s}, {.name = "--order", .value = &order},
		{.name = "--no-common-selectors", .flag = &no_common},
		{.name = "--allow-private", .flag = &net.allow_private},
		{.name = "--smtp", .flag = &smtp},
		{.name = "--ca-file", .value = &net.ca_file},
		{.name = "--https-port", .value = &https_port},
		{.name = "--smtp-port", .value = &smtp_port},
		{.name = "--net-timeout", .value = &net_timeout},
		{.name = "--trust-anchor", .list = ctx->trust_anchors, .n_list = &ctx->n_trust_anchors,
		 .max_list = CLI_MAX_ANCHORS},
		{.name = "--requirements", .value = &reqs}, {0},
	};
	int n = cli_args(argc, argv, opts, 1, INT32_MAX, usage);
	struct run run = {.ctx = ctx};
	struct worker workers[CLI_MAX_JOBS];
	pthread_t threads[CLI_MAX_JOBS];
	size_t started = 0;
	mc_resolver *r;
	int rc;

	if (n < 0 || (jobs_s && cli_jobs("domain", jobs_s, &jobs) < 0) ||
	    net_options(https_port, smtp_port, net_timeout, &net) < 0 ||
	    (reqs && cli_requirements("domain", reqs, &providers) < 0))
		return EXIT_USAGE;
	if (order && strcmp(order, "input") && strcmp(order, "completed")) {
		cli_error("domain: invalid value '%s' for --order (input or completed)", order);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n_sel; i++) {
		if (!selector_ok(selectors[i])) {
			cli_error("domain: invalid selector '%s': letters, digits, '-', '_' and '.' only",
			          selectors[i]);
			return EXIT_USAGE;
		}
	}
	ctx->dnssec = true; /* answers validated from the trust anchor */
	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	run.opts = (mc_domain_opts){.selectors = selectors, .n_selectors = n_sel,
	                            .no_common_selectors = no_common, .net = net,
	                            .smtp = smtp, .requirements = providers};
	if (n == 1 && strcmp(argv[1], "-") == 0) {
		run.in = stdin;
		run.several = true;
	} else {
		run.args = argv + 1;
		run.n_args = (size_t)n;
		run.several = n > 1;
		if (jobs > run.n_args)
			jobs = run.n_args;
	}
	run.in_order = !order || strcmp(order, "input") == 0;
	run.window = jobs * 8;
	run.slot = calloc(run.window, sizeof(*run.slot));
	run.slot_len = calloc(run.window, sizeof(*run.slot_len));
	run.ready = calloc(run.window, sizeof(*run.ready));
	run.progress = run.several && isatty(STDERR_FILENO) && !getenv("MAILCHECK_NO_PROGRESS");
	run.started = now_s();
	if (!run.slot || !run.slot_len || !run.ready) {
		cli_fail("internal", "out of memory");
		rc = EXIT_USAGE;
		goto out;
	}
	mc_net_init(); /* libcurl's global state, before the threads */
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.moved, NULL);
	for (size_t i = 0; i < jobs; i++) {
		workers[i] = (struct worker){.run = &run};
		if (mc_resolver_new_sibling(&workers[i].r, r) != MC_OK)
			break;
		if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0) {
			mc_resolver_free(workers[i].r);
			break;
		}
		started++;
	}
	if (started == 0) {
		cli_fail("internal", "cannot start a worker thread");
		rc = EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
		mc_resolver_free(workers[i].r);
	}
	progress(&run, true);
	if (run.write_failed)
		cli_fail("output", "cannot write to standard output");
	if (run.several && ctx->render.format == MC_FORMAT_TEXT)
		summary(&run);
	rc = run.write_failed || run.invalid ? EXIT_USAGE : run.fail ? EXIT_NOT_PASSED
	   : run.temperror ? EXIT_TEMP : run.domains ? EXIT_PASS : EXIT_NOT_PASSED;
	pthread_mutex_destroy(&run.lock);
	pthread_cond_destroy(&run.moved);
out:
	for (size_t i = 0; i < run.n_codes; i++)
		free(run.codes[i].code);
	free(run.codes);
	free(run.slot);
	free(run.slot_len);
	free(run.ready);
	return rc;
}
