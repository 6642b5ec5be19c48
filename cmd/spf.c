/* mailcheck spf DOMAIN IP [--helo NAME] [--sender ADDR] */
#include "cli.h"
#include "mailcheck/spf.h"

static const char usage[] =
	"usage: mailcheck spf DOMAIN IP [--sender ADDR] [--helo NAME]";

int cmd_spf(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *sender = NULL, *helo = NULL;
	const struct cli_opt opts[] = {
		{"--sender", &sender, NULL}, {"--helo", &helo, NULL}, {NULL, NULL, NULL},
	};
	mc_spf_result res;
	mc_resolver *r;
	mc_status st;
	int n, rc;

	if ((n = cli_args(argc, argv, opts, 2, 2, usage)) < 0)
		return EXIT_USAGE;
	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	mc_spf_request req = {
		.domain = argv[1], .ip = argv[2], .sender = sender, .helo = helo,
		.receiver = cli_authserv_id(ctx), .now = ctx->has_now ? (time_t)ctx->now : 0,
	};
	st = mc_spf_check(r, &req, &res);
	if (st != MC_OK) {
		cli_error("%s", mc_error_last());
		mc_spf_result_clear(&res);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_SPF, &res, res.verdict, ctx);
	mc_spf_result_clear(&res);
	return rc;
}
