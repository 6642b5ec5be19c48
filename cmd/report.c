/*
 * mailcheck report FILE...|DIR|-  [--no-lookups]
 * DMARC aggregate reports (XML, .xml.gz, .zip, or mailed), DMARC failure
 * reports (ARF) and SMTP TLS reports (JSON, plain or gzip). A directory is
 * read whole (its files in name order, subdirectories too -- a Maildir's
 * cur/ and new/ among them, not its tmp/). Every input is read as it
 * streams into one summary; one that cannot be read is named, and the rest
 * are still read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mailcheck/feedback.h"

#define MAX_DEPTH 8 /* directories inside directories */

static const char usage[] = "usage: mailcheck report FILE...|DIR|- [--no-lookups]";

static mc_status read_path(mc_feedback *f, const char *path, int depth, size_t *unopened);

static mc_status read_dir(mc_feedback *f, const char *dir, int depth, size_t *unopened)
{
	char **names;
	long n = cli_dir_list(dir, &names);
	mc_status st = MC_OK;

	if (n < 0) {
		cli_fail("input", "cannot read the directory '%s': %s", dir, strerror(errno));
		(*unopened)++;
		return MC_OK;
	}
	for (long i = 0; i < n && st == MC_OK; i++) {
		const char *base = strrchr(names[i], '/') + 1;
		struct stat sb;

		/* a Maildir's tmp/ holds mail still being written */
		if (!strcmp(base, "tmp") && stat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			continue;
		st = read_path(f, names[i], depth + 1, unopened);
	}
	cli_dir_free(names, n);
	return st;
}

static mc_status read_path(mc_feedback *f, const char *path, int depth, size_t *unopened)
{
	struct stat sb;
	const char *what;
	FILE *fp;
	mc_status st;

	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (depth >= MAX_DEPTH) {
			cli_fail("input", "%s: directories nest more than %d deep; not read", path,
			         MAX_DEPTH);
			(*unopened)++;
			return MC_OK;
		}
		return read_dir(f, path, depth, unopened);
	}
	if (!(fp = cli_open_input(path, &what))) {
		(*unopened)++;
		return MC_OK;
	}
	st = mc_feedback_add_stream(f, fp, what);
	if (fp != stdin)
		fclose(fp);
	return st;
}

int cmd_report(int argc, char **argv, struct mc_ctx *ctx)
{
	bool no_lookups = false;
	const struct cli_opt opts[] = {{.name = "--no-lookups", .flag = &no_lookups}, {0}};
	int n = cli_args(argc, argv, opts, 1, 1000000, usage), rc;
	mc_feedback_opts fo;
	mc_feedback *f;
	mc_feedback_result res;
	mc_resolver *r;
	size_t unopened = 0;
	mc_status st = MC_OK;

	if (n < 0 || !(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	fo = (mc_feedback_opts){.now = ctx->has_now ? (time_t)ctx->now : 0,
	                        .authserv_id = cli_authserv_id(ctx), .no_lookups = no_lookups};
	if (mc_feedback_new(&f, r, &fo) != MC_OK) {
		cli_lib_error(MC_ENOMEM);
		return EXIT_USAGE;
	}
	for (int i = 1; i <= n && st == MC_OK; i++)
		st = read_path(f, argv[i], 0, &unopened);
	if (st == MC_OK)
		st = mc_feedback_finish(f, &res);
	mc_feedback_free(f);
	if (st != MC_OK) {
		cli_lib_error(st);
		return EXIT_USAGE;
	}
	/* each input not read is named on standard error too */
	for (size_t i = 0; i < res.n_unreadable; i++)
		mc_print_escaped(stderr, "mailcheck: warning: %s: %s\n", res.unreadable[i].what,
		        res.unreadable[i].why);
	/* nothing read at all, but messages without a report: an input error
	 * (with --json the error object alone, as bounce does) */
	if (res.verdict == MC_VERDICT_NONE && res.skipped_total && !res.unreadable_total) {
		if (ctx->render.format == MC_FORMAT_TEXT)
			cli_output(MC_RESULT_FEEDBACK, &res, res.verdict, ctx);
		cli_fail("input", "no report in the %llu message%s read",
		         (unsigned long long)res.skipped_total, res.skipped_total == 1 ? "" : "s");
		mc_feedback_result_clear(&res);
		return EXIT_USAGE;
	}
	if (ctx->render.format == MC_FORMAT_CSV)
		mc_render_csv_header(MC_RESULT_FEEDBACK, stdout);
	rc = cli_output(MC_RESULT_FEEDBACK, &res, res.verdict, ctx);
	if (rc != EXIT_USAGE && (unopened || res.unreadable_total || res.verdict == MC_VERDICT_NONE))
		rc = EXIT_USAGE;
	mc_feedback_result_clear(&res);
	return rc;
}
