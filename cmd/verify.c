/* mailcheck verify [FILE|-] [--ip IP] [--helo NAME] [--mail-from ADDR] [--trust HOST]... */
#include "cli.h"
#include "mailcheck/verify.h"

#define MAX_TRUST 32

static const char usage[] =
	"usage: mailcheck verify [FILE|-] [--ip IP] [--helo NAME] [--mail-from ADDR] "
	"[--trust HOST]...";

int cmd_verify(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *trust[MAX_TRUST + 1] = {0};
	size_t n_trust = 0;
	mc_verify_request req = {.trusted = trust};
	const struct cli_opt opts[] = {
		{.name = "--ip", .value = &req.ip}, {.name = "--helo", .value = &req.helo},
		{.name = "--mail-from", .value = &req.mail_from},
		{.name = "--trust", .list = trust, .n_list = &n_trust, .max_list = MAX_TRUST},
		{0},
	};
	int n = cli_args(argc, argv, opts, 0, 1, usage);
	mc_verify_result res = {0};
	mc_verifier *v = NULL;
	mc_resolver *r;
	const char *what;
	mc_message msg = {0};
	FILE *fp;
	mc_status st;
	int rc;

	if (n < 0 || !(r = cli_resolver(ctx)) || !(fp = cli_open_input(n ? argv[1] : NULL, &what)))
		return EXIT_USAGE;
	req.authserv_id = cli_authserv_id(ctx);
	req.now = ctx->has_now ? (time_t)ctx->now : 0;
	st = mc_verifier_new(&v, r, &req);
	if (st == MC_OK)
		st = mc_msg_read_stream(fp, what, NULL, mc_verify_headers, mc_verify_body, v, &msg);
	if (fp != stdin)
		fclose(fp);
	if (st == MC_OK)
		st = mc_verify_finish(v, &msg, &res);
	mc_verifier_free(v);
	mc_message_clear(&msg);
	if (st != MC_OK) {
		cli_error("%s", mc_error_last());
		mc_verify_result_clear(&res);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_VERIFY, &res, res.verdict, ctx);
	mc_verify_result_clear(&res);
	return rc;
}
