/*
 * mailcheck blocklist IP|DOMAIN...|-  [--list ZONE[:ip|:domain]]... [--only ID]...
 *                                     [--dqs-key KEY] [--jobs N] [--order input|completed]
 * Each input against the DNS blocklists (lib/blocklist): the lists are
 * chosen and their test entries asked once, here, before the batch runner
 * (batch.h) gives the inputs to --jobs workers; reports come in input order
 * (or as completed), and with several inputs a summary ends the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "common/util.h"
#include "mailcheck/blocklist.h"

static const char usage[] =
	"usage: mailcheck blocklist IP|DOMAIN...|- [--list ZONE[:ip|:domain]]... [--only ID]... "
	"[--dqs-key KEY] [--jobs N] [--order input|completed]";

struct run {
	struct mc_ctx *ctx;
	mc_bl_set *set;
	struct cli_names names;
	bool several;
	size_t inputs, listed, scored, temperror, invalid;
};

/* One input: an address or a domain as given, or why its line is none. */
struct input {
	char *item;
	struct cli_said *bad; /* why a line is no input */
};

/* What one input came to, for the summary and the exit status. */
struct outcome {
	bool checked;
	mc_verdict verdict;
	bool scored;
};

static void run_one(void *arg, void *worker, void *input, FILE *out, FILE *err, void **outcome)
{
	struct run *run = arg;
	struct input *in = input;
	struct outcome *oc = calloc(1, sizeof(*oc));
	mc_bl_result res;
	mc_status st;

	*outcome = oc;
	if (in->bad || !in->item) {
		cli_fail_said(out, err, run->names.args ? "usage" : "input",
		              in->bad ? in->bad->en : "out of memory", in->bad ? in->bad->text : NULL);
	} else if (!worker) {
		cli_fail_to(out, err, "internal", "cannot make a resolver for a worker");
	} else if ((st = mc_bl_check(worker, run->set, in->item, &res)) != MC_OK) {
		cli_fail_last(out, err, st == MC_EINVAL ? (run->names.args ? "usage" : "input") : "internal");
		mc_bl_result_clear(&res);
	} else {
		if (run->ctx->metrics)
			mc_metrics_add(run->ctx->metrics, MC_RESULT_BLOCKLIST, &res, cli_now(run->ctx));
		if (mc_render(MC_RESULT_BLOCKLIST, &res, &run->ctx->render, out) != MC_OK)
			cli_fail_last(out, err, "internal");
		else if (oc)
			*oc = (struct outcome){.checked = true, .verdict = res.verdict,
			                       .scored = res.listed_scoring > 0};
		if (run->several && run->ctx->render.format == MC_FORMAT_TEXT &&
		    !run->ctx->render.quiet)
			fputc('\n', out);
		mc_bl_result_clear(&res);
	}
	if (worker) /* each input on a fresh cache: memory stays flat */
		mc_resolver_forget(worker);
	free(in->item);
	free(in->bad);
	free(in);
}

static void count(void *arg, void *outcome)
{
	struct run *run = arg;
	struct outcome *oc = outcome;

	if (!oc || !oc->checked) {
		run->invalid++;
		free(oc);
		return;
	}
	run->inputs++;
	run->listed += oc->verdict == MC_VERDICT_FAIL;
	run->temperror += oc->verdict == MC_VERDICT_TEMPERROR;
	run->scored += oc->scored && oc->verdict != MC_VERDICT_FAIL;
	free(oc);
}

static bool run_batch(struct run *run, size_t jobs, bool in_order, mc_resolver *r)
{
	const struct cli_batch_ops ops = {.arg = run, .resolver = r, .run = run_one, .count = count,
	                                  .unit = "inputs", .handover = 1,
	                                  .progress = run->several};
	cli_batch *batch;
	char *item;
	struct cli_said *bad;

	if (run->ctx->render.format == MC_FORMAT_CSV)
		mc_render_csv_header(MC_RESULT_BLOCKLIST, stdout); /* once: the workers write rows */
	if (!(batch = cli_batch_start(&ops, jobs, in_order, run->several ? run->names.n_args : 0)))
		return false;
	while (cli_names_next(&run->names, &item, &bad)) {
		struct input *in = malloc(sizeof(*in));

		if (!in) {
			free(item);
			free(bad);
			run->invalid++;
			break;
		}
		*in = (struct input){.item = item, .bad = bad};
		cli_batch_submit(batch, in);
	}
	if (!cli_batch_finish(batch)) {
		cli_fail("output", "cannot write to standard output");
		run->invalid++;
	}
	return true;
}

static void summary(const struct run *run)
{
	printf(mc_ntr("%zu input: %zu on a list that blocks, %zu only on lists that score, %zu not "
	              "fully checked (DNS)", "%zu inputs: %zu on a list that blocks, %zu only on "
	              "lists that score, %zu not fully checked (DNS)", run->inputs), run->inputs,
	       run->listed, run->scored, run->temperror);
	if (run->invalid)
		printf(mc_ntr(", %zu line skipped", ", %zu lines skipped", run->invalid), run->invalid);
	putchar('\n');
}

/* The lists, chosen and probed once for the whole run. */
static mc_bl_set *make_set(const mc_bl_opts *o, mc_resolver *r)
{
	mc_bl_set *s;

	if (mc_bl_set_new(&s, o) != MC_OK) {
		char *en = mc_asprintf("blocklist: %s", mc_error_last()),
		     *tr = mc_asprintf("blocklist: %s", mc_error_last_text());

		cli_fail_said(stdout, stderr, "usage", en ? en : mc_error_last(), tr);
		free(en);
		free(tr);
		return NULL;
	}
	if (cli_probe(s, r) != MC_OK) {
		cli_lib_error(MC_EINVAL);
		mc_bl_set_free(s);
		return NULL;
	}
	mc_resolver_forget(r); /* the probe's answers are in the set now */
	return s;
}

int cmd_blocklist(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *extra[MC_BL_MAX_LISTS], *only[MC_BL_MAX_LISTS], *jobs_s = NULL, *order = NULL;
	mc_bl_opts o = {.extra = extra, .only = only};
	size_t jobs = 8;
	const struct cli_opt opts[] = {
		{.name = "--list", .list = extra, .n_list = &o.n_extra, .max_list = MC_BL_MAX_LISTS / 2},
		{.name = "--only", .list = only, .n_list = &o.n_only, .max_list = MC_BL_MAX_LISTS},
		{.name = "--dqs-key", .value = &o.dqs_key},
		{.name = "--jobs", .value = &jobs_s}, {.name = "--order", .value = &order}, {0},
	};
	int n = cli_args(argc, argv, opts, 1, INT32_MAX, usage);
	struct run run = {.ctx = ctx};
	bool in_order = true;
	mc_resolver *r;

	if (n < 0 || (jobs_s && cli_jobs("blocklist", jobs_s, &jobs) < 0) ||
	    (order && cli_order("blocklist", order, &in_order) < 0))
		return EXIT_USAGE;
	if (!(r = cli_resolver(ctx)) || !(run.set = make_set(&o, r)))
		return EXIT_USAGE;
	run.several = cli_names_from(&run.names, argv, n, &jobs);
	if (!run_batch(&run, jobs, in_order, r)) {
		mc_bl_set_free(run.set);
		return EXIT_USAGE;
	}
	if (run.several && ctx->render.format == MC_FORMAT_TEXT)
		summary(&run);
	mc_bl_set_free(run.set);
	return run.invalid ? EXIT_USAGE : run.listed ? EXIT_NOT_PASSED
	     : run.temperror ? EXIT_TEMP : EXIT_PASS;
}
