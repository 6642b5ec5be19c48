/* mailcheck bounce [FILE|-] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mailcheck/bounce.h"

static const char usage[] = "usage: mailcheck bounce [FILE|-]";

int cmd_bounce(int argc, char **argv, struct mc_ctx *ctx)
{
	const struct cli_opt opts[] = {{0}};
	int n = cli_args(argc, argv, opts, 0, 1, usage), rc;
	const char *what;
	FILE *fp;
	char *data = NULL;
	size_t len = 0, cap = 0;
	mc_bounce_result res;
	mc_status st;

	if (n < 0 || !(fp = cli_open_input(n ? argv[1] : NULL, &what)))
		return EXIT_USAGE;
	for (;;) { /* the whole message, bounded */
		if (len == cap) {
			char *d;

			cap = cap ? cap * 2 : 65536;
			if (cap > MC_BOUNCE_MAX_BYTES + 1)
				cap = MC_BOUNCE_MAX_BYTES + 1;
			if (len == cap || !(d = realloc(data, cap)))
				break;
			data = d;
		}
		size_t got = fread(data + len, 1, cap - len, fp);

		if (!got)
			break;
		len += got;
	}
	if (fp != stdin)
		fclose(fp);
	st = mc_bounce_parse(data ? data : "", len, &res);
	free(data);
	if (st != MC_OK) {
		cli_fail("input", "cannot read the message in %s: %s", what, mc_error_last());
		return EXIT_USAGE;
	}
	if (!res.kind || !strcmp(res.kind, "auto_reply") || !strcmp(res.kind, "feedback_report")) {
		cli_fail("input", "%s is no bounce: %s", what,
		         !res.kind ? "no delivery status report and no failed recipient in its text"
		         : !strcmp(res.kind, "auto_reply") ? "it is an automatic reply (RFC 3834)"
		         : "it is a feedback (abuse) report (ARF)");
		if (res.kind && ctx->render.format == MC_FORMAT_TEXT)
			cli_output(MC_RESULT_BOUNCE, &res, MC_VERDICT_NONE, ctx);
		mc_bounce_result_clear(&res);
		return EXIT_USAGE;
	}
	/* authentication refused it: check what came back as the receiver would */
	if (mc_bounce_auth_failure(&res) && res.original_data) {
		mc_resolver *r = cli_resolver(ctx);

		if (!r || mc_bounce_check(r, &res, ctx->has_now ? (time_t)ctx->now : 0,
		                          cli_authserv_id(ctx)) != MC_OK) {
			if (r)
				cli_lib_error(MC_ENOMEM);
			mc_bounce_result_clear(&res);
			return EXIT_USAGE;
		}
	}
	bool failed = false;

	for (size_t i = 0; i < res.n_rcpts; i++)
		failed |= !res.rcpts[i].action || !strcmp(res.rcpts[i].action, "failed");
	rc = cli_output(MC_RESULT_BOUNCE, &res, failed ? MC_VERDICT_FAIL : MC_VERDICT_PASS, ctx);
	mc_bounce_result_clear(&res);
	return rc;
}
