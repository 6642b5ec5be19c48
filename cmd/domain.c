/*
 * mailcheck domain DOMAIN... | -  [--selector SEL]... [--jobs N]
 *                                [--order input|completed]
 * One report per domain. Domains come from the arguments or, with "-", from
 * standard input (one a line, "#" comments and blank lines ignored, bad
 * names reported by line and skipped). The batch runner (batch.h) gives
 * them to --jobs worker threads, each checking one domain at a time with a
 * resolver of its own (the same nameservers or zone files, a cache of its
 * own that is forgotten after each domain); the reports are written in input
 * order (or as completed), and memory stays flat however long the list.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "common/util.h"
#include "mailcheck/domain.h"

static const char usage[] =
	"usage: mailcheck domain DOMAIN...|- [--selector SEL]... [--jobs N] "
	"[--order input|completed] [--no-common-selectors] [--smtp] [--allow-private] [--ca-file PEM] "
	"[--net-timeout SECONDS] [--trust-anchor FILE] [--https-port N] [--smtp-port N] "
	"[--requirements gmail|yahoo|microsoft|all] [--no-blocklists]";

struct code_count {
	char *code;
	size_t n;
};

struct run {
	struct mc_ctx *ctx;
	mc_domain_opts opts;
	mc_resolver *r;        /* the workers' resolvers are its siblings */
	struct cli_names names; /* the arguments, or a stream */
	bool several;
	/* tally, in output order */
	size_t domains, pass, fail, temperror, invalid;
	size_t part[MC_PART_COUNT][MC_PART_NOT_CHECKED + 1];
	struct code_count *codes;
	size_t n_codes, cap_codes;
	mc_buf html_rows;      /* --html: a row per domain, in output order */
};

/* One input: a domain, or why its line or argument is none. */
struct input {
	char *name;
	struct cli_said *bad; /* why it is no domain (NULL: out of memory) */
	bool unreadable;
};

#define MAX_CODES 256

/* What one domain came to, for the summary. */
struct outcome {
	bool checked;          /* false: bad input, or the check could not run */
	mc_verdict verdict;
	mc_part_status part[MC_PART_COUNT];
	char *code[MAX_CODES]; /* its warnings' and errors' codes, each once */
	size_t n_codes;
	char *html_row, *html; /* --html: its row of the overview and its section */
};

/* The next input, or false at the end: a domain (normalized) or why its
 * line or argument cannot be one. */
static bool next_input(struct run *run, struct input *in)
{
	char *item;
	struct cli_said *bad;

	*in = (struct input){0};
	if (!cli_names_next(&run->names, &item, &bad))
		return false;
	if (bad || !item)
		in->bad = bad; /* NULL with no item: out of memory */
	else if (mc_domain_normalize(item, &in->name) != MC_OK)
		in->bad = cli_names_bad_last(&run->names);
	in->unreadable = !in->name;
	free(item);
	return true;
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
static void note_findings(struct outcome *oc, const mc_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		bool dup = false;

		if (f->items[i].severity < MC_SEV_WARNING)
			continue;
		for (size_t k = 0; k < oc->n_codes && !dup; k++)
			dup = strcmp(oc->code[k], f->items[i].code) == 0;
		if (!dup && oc->n_codes < MAX_CODES && (oc->code[oc->n_codes] = strdup(f->items[i].code)))
			oc->n_codes++;
	}
}

static void note(struct outcome *oc, const mc_domain_result *res, bool html)
{
	if (html) {
		oc->html_row = mc_render_html_row(MC_RESULT_DOMAIN, res);
		oc->html = mc_render_html(MC_RESULT_DOMAIN, res);
	}
	oc->checked = true;
	oc->verdict = res->verdict;
	for (int p = 0; p < MC_PART_COUNT; p++)
		oc->part[p] = res->rows[p].status;
	note_findings(oc, &res->findings);
	note_findings(oc, &res->mx.findings);
	note_findings(oc, &res->spf.findings);
	note_findings(oc, &res->dmarc.findings);
	note_findings(oc, &res->blocklists.findings);
	for (size_t i = 0; i < res->n_keys; i++)
		note_findings(oc, &res->keys[i].findings);
}

/* Count one domain (the runner's count: in output order). */
static void count(void *arg, void *outcome)
{
	struct run *run = arg;
	struct outcome *oc = outcome;

	if (!oc || !oc->checked) {
		run->invalid++;
		free(oc);
		return;
	}
	run->domains++;
	if (oc->verdict == MC_VERDICT_PASS)
		run->pass++;
	else if (oc->verdict == MC_VERDICT_TEMPERROR)
		run->temperror++;
	else
		run->fail++;
	for (int p = 0; p < MC_PART_COUNT; p++)
		run->part[p][oc->part[p]]++;
	for (size_t i = 0; i < oc->n_codes; i++) {
		count_code(run, oc->code[i]);
		free(oc->code[i]);
	}
	if (run->ctx->page) {
		if (oc->html_row)
			mc_buf_add(&run->html_rows, oc->html_row, strlen(oc->html_row));
		mc_page_add_section(run->ctx->page, oc->html);
	}
	free(oc->html_row);
	free(oc->html);
	free(oc);
}

/* Check one domain and write its report (the runner's run, in a worker). */
static void run_one(void *arg, void *worker, void *input, FILE *out, FILE *err, void **outcome)
{
	struct run *run = arg;
	struct input *in = input;
	struct outcome *oc = calloc(1, sizeof(*oc));
	mc_domain_result res;
	mc_status st;

	*outcome = oc;
	if (in->unreadable) {
		/* an argument is the command line; a line of the list is input */
		cli_fail_said(out, err, run->names.args ? "usage" : "input",
		              in->bad ? in->bad->en : "out of memory", in->bad ? in->bad->text : NULL);
	} else if (!worker) {
		cli_fail_to(out, err, "internal", "cannot make a resolver for a worker");
	} else if ((st = mc_domain_check(worker, in->name, &run->opts, &res)) != MC_OK) {
		cli_fail_last(out, err, st == MC_EINVAL ? "usage" : "internal");
	} else {
		if (run->ctx->metrics)
			mc_metrics_add(run->ctx->metrics, MC_RESULT_DOMAIN, &res, cli_now(run->ctx));
		if (mc_render(MC_RESULT_DOMAIN, &res, &run->ctx->render, out) != MC_OK)
			cli_fail_last(out, err, "internal");
		else if (oc)
			note(oc, &res, run->ctx->page != NULL);
		if (run->several && run->ctx->render.format == MC_FORMAT_TEXT &&
		    !run->ctx->render.quiet)
			fputc('\n', out);
		mc_domain_result_clear(&res);
	}
	/* each domain on a fresh cache: memory stays flat, and a report does
	 * not depend on which worker checked which domain before */
	if (worker)
		mc_resolver_forget(worker);
	free(in->name);
	free(in->bad);
	free(in);
}

static int by_count(const void *a, const void *b)
{
	const struct code_count *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->code, y->code);
}

/* --html of a batch: the table of every domain and the parts as bars. */
static void html_overview(struct run *run)
{
	size_t counts[MC_PART_COUNT * 6], *n = calloc(run->n_codes + 1, sizeof(*n));
	const char **codes = calloc(run->n_codes + 1, sizeof(*codes));
	char *html;

	for (int p = 0; p < MC_PART_COUNT; p++)
		for (int st = 0; st < 6; st++)
			counts[p * 6 + st] = run->part[p][st];
	if (codes && n) {
		qsort(run->codes, run->n_codes, sizeof(*run->codes), by_count);
		for (size_t i = 0; i < run->n_codes; i++)
			codes[i] = run->codes[i].code, n[i] = run->codes[i].n;
		if ((html = mc_render_html_overview(MC_RESULT_DOMAIN, run->html_rows.s, counts,
		                                    run->domains, codes, n, run->n_codes)))
			mc_page_set_overview(run->ctx->page, html);
		free(html);
	}
	free(codes);
	free(n);
}

/* The count of each state per part: a column per state, as wide as its
 * heading in the locale's words (display width). */
static void part_counts(const struct run *run)
{
	static const char *const heads[] = {
		[MC_PART_PASS] = N_("pass"), [MC_PART_WARNING] = N_("warning"),
		[MC_PART_ERROR] = N_("error"), [MC_PART_NOT_PUBLISHED] = N_("not published"),
		[MC_PART_TEMPERROR] = N_("temperror"), [MC_PART_NOT_CHECKED] = N_("not checked"),
	};
	/* TRANSLATORS: the heading of the column of a domain's parts (MX, SPF, ...) */
	const char *part = _("part");
	int wpart = (int)mc_text_width(part) > 8 ? (int)mc_text_width(part) : 8;

	fputs("\n  ", stdout);
	mc_text_cell(stdout, part, wpart, false);
	for (size_t s = 0; s < sizeof(heads) / sizeof(heads[0]); s++) {
		int w = (int)mc_text_width(_(heads[s]));

		putchar(' ');
		mc_text_cell(stdout, _(heads[s]), w + 1 < 6 ? 6 : w + 1, true);
	}
	putchar('\n');
	for (int p = 0; p < MC_PART_COUNT; p++) {
		const char *label = mc_domain_part_label((mc_domain_part)p);

		fputs("  ", stdout);
		mc_text_cell(stdout, label, wpart, false);
		for (size_t s = 0; s < sizeof(heads) / sizeof(heads[0]); s++) {
			int w = (int)mc_text_width(_(heads[s]));

			printf(" %*zu", w + 1 < 6 ? 6 : w + 1, run->part[p][s]);
		}
		putchar('\n');
	}
}

static void summary(struct run *run)
{
	printf(mc_ntr("%zu domain: %zu without errors, %zu with errors, %zu not fully checked "
	              "(DNS)", "%zu domains: %zu without errors, %zu with errors, %zu not fully "
	              "checked (DNS)", run->domains), run->domains, run->pass, run->fail,
	       run->temperror);
	if (run->invalid)
		printf(mc_ntr(", %zu line skipped", ", %zu lines skipped", run->invalid), run->invalid);
	putchar('\n');
	if (run->domains == 0)
		return;
	part_counts(run);
	if (run->n_codes) {
		qsort(run->codes, run->n_codes, sizeof(*run->codes), by_count);
		printf("\n  %s\n", _("findings (warnings and errors), by how many domains have them:"));
		for (size_t i = 0; i < run->n_codes; i++)
			printf("  %8zu  %s\n", run->codes[i].n, run->codes[i].code);
	}
}

static bool selector_ok(const char *s)
{
	/* RFC 6376 3.1: selector = sub-domain *( "." sub-domain ) */
	return *s && strlen(s) < 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
	       strlen(s);
}

static bool selectors_ok(const char *const *selectors, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!selector_ok(selectors[i])) {
			cli_error("domain: invalid selector '%s': letters, digits, '-', '_' and '.' only",
			          selectors[i]);
			return false;
		}
	}
	return true;
}

/* The catalogue's blocklists, their test entries asked once for the run
 * (not validated: lists are no part of the domain's DNSSEC). */
static mc_bl_set *blocklists(mc_resolver *r)
{
	mc_bl_set *s;

	if (mc_bl_set_new(&s, NULL) != MC_OK || cli_probe(s, r) != MC_OK) {
		cli_lib_error(MC_ENOMEM);
		mc_bl_set_free(s);
		return NULL;
	}
	mc_resolver_forget(r);
	return s;
}

/* Every domain through the batch runner; false when it cannot start.
 * *written: standard output took every report. */
static bool run_batch(struct run *run, size_t jobs, bool in_order, bool *written)
{
	const struct cli_batch_ops ops = {.arg = run, .resolver = run->r, .run = run_one,
	                                  .count = count, .unit = "domains", .handover = 1,
	                                  .progress = run->several};
	cli_batch *batch;
	struct input in;

	mc_net_init(); /* libcurl's global state, before the threads */
	if (run->ctx->render.format == MC_FORMAT_CSV)
		mc_render_csv_header(MC_RESULT_DOMAIN, stdout); /* once: the workers write rows */
	if (!(batch = cli_batch_start(&ops, jobs, in_order, run->several ? run->names.n_args : 0)))
		return false;
	while (next_input(run, &in)) {
		struct input *copy = malloc(sizeof(*copy));

		if (!copy) {
			free(in.name);
			free(in.bad);
			cli_fail("internal", "out of memory");
			run->invalid++;
			break;
		}
		*copy = in;
		cli_batch_submit(batch, copy);
	}
	if (!(*written = cli_batch_finish(batch)))
		cli_fail("output", "cannot write to standard output");
	return true;
}

int cmd_domain(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *selectors[MC_DOMAIN_MAX_SELECTORS], *jobs_s = NULL, *order = NULL,
	           *https_port = NULL, *smtp_port = NULL, *net_timeout = NULL, *reqs = NULL;
	size_t n_sel = 0, jobs = 8;
	unsigned providers = 0;
	bool no_common = false, smtp = false, no_blocklists = false;
	mc_bl_set *lists = NULL;
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
		{.name = "--requirements", .value = &reqs},
		{.name = "--no-blocklists", .flag = &no_blocklists}, {0},
	};
	int n = cli_args(argc, argv, opts, 1, INT32_MAX, usage);
	struct run run = {.ctx = ctx};
	bool in_order = true, written;
	int rc;

	if (n < 0 || (jobs_s && cli_jobs("domain", jobs_s, &jobs) < 0) ||
	    (order && cli_order("domain", order, &in_order) < 0) ||
	    cli_net_options("domain", https_port, smtp_port, net_timeout, &net) < 0 ||
	    (reqs && cli_requirements("domain", reqs, &providers) < 0) || !selectors_ok(selectors, n_sel))
		return EXIT_USAGE;
	ctx->dnssec = true; /* answers validated from the trust anchor */
	if (!(run.r = cli_resolver(ctx)))
		return EXIT_USAGE;
	if (!no_blocklists && !(lists = blocklists(run.r)))
		return EXIT_USAGE;
	run.opts = (mc_domain_opts){.selectors = selectors, .n_selectors = n_sel,
	                            .no_common_selectors = no_common, .net = net,
	                            .smtp = smtp, .requirements = providers, .blocklists = lists};
	run.several = cli_names_from(&run.names, argv, n, &jobs);
	if (!run_batch(&run, jobs, in_order, &written)) {
		mc_bl_set_free(lists);
		return EXIT_USAGE;
	}
	mc_bl_set_free(lists);
	if (run.several && ctx->render.format == MC_FORMAT_TEXT)
		summary(&run);
	if (ctx->page && run.several && run.domains) /* a batch: the overview first */
		html_overview(&run);
	mc_buf_free(&run.html_rows);
	rc = !written || run.invalid ? EXIT_USAGE : run.fail ? EXIT_NOT_PASSED
	   : run.temperror ? EXIT_TEMP : run.domains ? EXIT_PASS : EXIT_NOT_PASSED;
	for (size_t i = 0; i < run.n_codes; i++)
		free(run.codes[i].code);
	free(run.codes);
	return rc;
}
