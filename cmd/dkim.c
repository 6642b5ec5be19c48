/* mailcheck dkim [FILE|-]  |  mailcheck dkim DOMAIN --selector SEL */
#include <string.h>

#include "cli.h"
#include "mailcheck/dkim.h"

static const char usage[] =
	"usage: mailcheck dkim [FILE|-] [--compare]\n"
	"       mailcheck dkim DOMAIN --selector SEL";

struct verify_io {
	mc_dkim_verifier *v;
};

static mc_status on_headers(void *arg, const mc_message *msg)
{
	return mc_dkim_headers(((struct verify_io *)arg)->v, msg);
}

static mc_status on_body(void *arg, const char *chunk, size_t len)
{
	return mc_dkim_body(((struct verify_io *)arg)->v, chunk, len);
}

static int verify_message(const char *path, bool compare, struct mc_ctx *ctx)
{
	struct verify_io io = {0};
	mc_dkim_result res = {0};
	mc_message msg;
	mc_resolver *r;
	const char *what;
	FILE *fp;
	mc_status st;
	int rc;

	if (!(r = cli_resolver(ctx)) || !(fp = cli_open_input(path, &what)))
		return EXIT_USAGE;
	st = mc_dkim_verifier_new(&io.v, r, ctx->has_now ? (time_t)ctx->now : 0);
	if (st == MC_OK && compare)
		mc_dkim_compare(io.v);
	if (st == MC_OK)
		st = mc_msg_read_stream(fp, what, NULL, on_headers, on_body, &io, &msg);
	if (fp != stdin)
		fclose(fp);
	if (st == MC_OK)
		st = mc_dkim_finish(io.v, &msg, &res);
	mc_dkim_verifier_free(io.v);
	if (st != MC_OK) {
		cli_lib_error(st);
		mc_dkim_result_clear(&res);
		return EXIT_USAGE;
	}
	mc_message_clear(&msg);
	rc = cli_output(MC_RESULT_DKIM, &res, res.verdict, ctx);
	mc_dkim_result_clear(&res);
	return rc;
}

static int check_key(const char *domain, const char *selector, struct mc_ctx *ctx)
{
	mc_dkim_key key;
	mc_resolver *r;
	mc_status st;
	int rc;

	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	if ((st = mc_dkim_key_check(r, domain, selector, &key)) != MC_OK) {
		cli_lib_error(st);
		mc_dkim_key_clear(&key);
		return EXIT_USAGE;
	}
	rc = cli_output(MC_RESULT_DKIM_KEY, &key, key.verdict, ctx);
	mc_dkim_key_clear(&key);
	return rc;
}

int cmd_dkim(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *selector = NULL;
	bool compare = false;
	const struct cli_opt opts[] = {{.name = "--selector", .value = &selector},
	                               {.name = "--compare", .flag = &compare}, {0}};
	int n = cli_args(argc, argv, opts, 0, 1, usage);

	if (n < 0)
		return EXIT_USAGE;
	if (selector) {
		if (n != 1) {
			cli_error("dkim: --selector needs the DOMAIN whose key to check\n%s", usage);
			return EXIT_USAGE;
		}
		if (compare) {
			cli_error("dkim: --compare verifies a message, not a key\n%s", usage);
			return EXIT_USAGE;
		}
		return check_key(argv[1], selector, ctx);
	}
	return verify_message(n ? argv[1] : NULL, compare, ctx);
}
