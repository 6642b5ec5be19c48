/* mailcheck trace [FILE|-] [--trust HOST]... */
#include "cli.h"
#include "mailcheck/trace.h"

#define MAX_TRUST 32

int cmd_trace(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *trust[MAX_TRUST + 1] = {0};
	size_t n_trust = 0;
	const struct cli_opt opts[] = {
		{.name = "--trust", .list = trust, .n_list = &n_trust, .max_list = MAX_TRUST},
		{0},
	};
	int n = cli_args(argc, argv, opts, 0, 1, "usage: mailcheck trace [FILE|-] [--trust HOST]...");
	const char *what;
	mc_message msg;
	mc_trace t;
	FILE *fp;
	mc_status st;
	int rc;

	if (n < 0 || !(fp = cli_open_input(n ? argv[1] : NULL, &what)))
		return EXIT_USAGE;
	st = mc_msg_read_stream(fp, what, NULL, NULL, NULL, NULL, &msg);
	if (fp != stdin)
		fclose(fp);
	if (st == MC_OK)
		st = mc_trace_build(&msg, trust, &t);
	mc_message_clear(&msg);
	if (st != MC_OK) {
		cli_lib_error(st);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_TRACE, &t, MC_VERDICT_PASS, ctx);
	mc_trace_clear(&t);
	return rc;
}
