/* mailcheck mx DOMAIN */
#include "cli.h"
#include "mailcheck/mx.h"

int cmd_mx(int argc, char **argv, struct mc_ctx *ctx)
{
	mc_mx_result res;
	mc_resolver *r;
	mc_status st;
	int rc;

	if (cli_args(argc, argv, NULL, 1, 1, "usage: mailcheck mx DOMAIN") < 0)
		return EXIT_USAGE;
	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	st = mc_mx_check(r, argv[1], &res);
	if (st != MC_OK) {
		cli_lib_error(st);
		mc_mx_result_clear(&res);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_MX, &res, res.verdict, ctx);
	mc_mx_result_clear(&res);
	return rc;
}
