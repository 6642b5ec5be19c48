/* mailcheck spf DOMAIN [IP] [--helo NAME] [--sender ADDR] */
#include "cli.h"
#include "mailcheck/spf.h"

static const char usage[] =
	"usage: mailcheck spf DOMAIN [IP [--sender ADDR] [--helo NAME] [--compare]]";

/* No IP: walk and lint the record. */
static int lint(mc_resolver *r, const char *domain, struct mc_ctx *ctx)
{
	mc_spf_lint res;
	mc_status st;
	int rc;

	if ((st = mc_spf_lint_check(r, domain, &res)) != MC_OK) {
		cli_lib_error(st);
		mc_spf_lint_clear(&res);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_SPF_LINT, &res, res.verdict, ctx);
	mc_spf_lint_clear(&res);
	return rc;
}

int cmd_spf(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *sender = NULL, *helo = NULL;
	bool compare = false;
	const struct cli_opt opts[] = {
		{.name = "--sender", .value = &sender}, {.name = "--helo", .value = &helo},
		{.name = "--compare", .flag = &compare}, {0},
	};
	mc_spf_result res;
	mc_resolver *r;
	mc_status st;
	int n, rc;

	if ((n = cli_args(argc, argv, opts, 1, 2, usage)) < 0)
		return EXIT_USAGE;
	if (n == 1 && (sender || helo || compare)) {
		cli_error("spf: --sender, --helo and --compare need an IP to evaluate\n%s", usage);
		return EXIT_USAGE;
	}
	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	if (n == 1)
		return lint(r, argv[1], ctx);
	mc_spf_request req = {
		.domain = argv[1], .ip = argv[2], .sender = sender, .helo = helo,
		.receiver = cli_authserv_id(ctx), .now = ctx->has_now ? (time_t)ctx->now : 0,
	};
	st = mc_spf_check(r, &req, &res);
	if (st == MC_OK && compare)
		st = mc_spf_compare_libspf2(r, &req, &res);
	if (st != MC_OK) {
		cli_lib_error(st);
		mc_spf_result_clear(&res);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_SPF, &res, res.verdict, ctx);
	mc_spf_result_clear(&res);
	return rc;
}
