/* mailcheck dmarc DOMAIN */
#include "cli.h"
#include "mailcheck/dmarc.h"

int cmd_dmarc(int argc, char **argv, struct mc_ctx *ctx)
{
	mc_dmarc_result res;
	mc_status st;
	mc_resolver *r;
	int rc;

	if (cli_args(argc, argv, NULL, 1, 1, "usage: mailcheck dmarc DOMAIN") < 0)
		return EXIT_USAGE;
	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	if ((st = mc_dmarc_check(r, argv[1], &res)) != MC_OK) {
		cli_lib_error(st);
		mc_dmarc_result_clear(&res);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_DMARC, &res, res.verdict, ctx);
	mc_dmarc_result_clear(&res);
	return rc;
}
