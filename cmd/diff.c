/*
 * mailcheck diff OLD NEW
 * Two outputs of mailcheck --json compared (lib/diff): exit 1 when anything
 * got worse, 0 otherwise, 2 when an input cannot be read or compared. One
 * of the two may be "-" (standard input).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/util.h"
#include "mailcheck/diff.h"

static FILE *open_input(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	if (!fp)
		cli_fail("input", "cannot open %s: %s", path, mc_strerror(errno));
	return fp;
}

int cmd_diff(int argc, char **argv, struct mc_ctx *ctx)
{
	FILE *old = NULL, *new = NULL;
	mc_diff_result res;
	mc_status st;
	int rc;

	if (cli_args(argc, argv, NULL, 2, 2, "usage: mailcheck diff OLD NEW") < 0)
		return EXIT_USAGE;
	if (strcmp(argv[1], "-") == 0 && strcmp(argv[2], "-") == 0) {
		cli_error("diff: only one of OLD and NEW can be standard input (-)");
		return EXIT_USAGE;
	}
	if (!(old = open_input(argv[1])) || !(new = open_input(argv[2]))) {
		if (old && old != stdin)
			fclose(old);
		return EXIT_USAGE;
	}
	st = mc_diff(old, argv[1], new, argv[2], &res);
	if (old != stdin)
		fclose(old);
	if (new != stdin)
		fclose(new);
	if (st != MC_OK) {
		cli_lib_error(st);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_DIFF, &res, MC_VERDICT_PASS, ctx);
	if (rc == EXIT_PASS && res.change == MC_DIFF_WORSE)
		rc = EXIT_NOT_PASSED;
	mc_diff_result_clear(&res);
	return rc;
}
