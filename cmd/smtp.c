/*
 * mailcheck smtp HOST|DOMAIN...
 * The TLS of the servers that receive a domain's mail (its MX hosts, every
 * address), or of one host, graded as the NCSC-NL TLS guidelines grade it
 * (lib/net/tls_check.c): versions, cipher suites and their order, key
 * exchange, the certificate's key and signature.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "mailcheck/domain.h"

static const char usage[] = "usage: mailcheck smtp HOST|DOMAIN... [--submission HOST] "
                            "[--allow-private] [--ca-file PEM] [--net-timeout SECONDS]";

int cmd_smtp(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *smtp_port = NULL, *net_timeout = NULL, *submission = NULL;
	mc_net_opts net = {0};
	const struct cli_opt opts[] = {
		{.name = "--allow-private", .flag = &net.allow_private},
		{.name = "--ca-file", .value = &net.ca_file},
		{.name = "--smtp-port", .value = &smtp_port},
		{.name = "--net-timeout", .value = &net_timeout},
		{.name = "--submission", .value = &submission}, {0},
	};
	int n = cli_args(argc, argv, opts, 1, 64, usage), rc = EXIT_PASS;
	mc_resolver *r;

	if (n < 0 || cli_net_options("smtp", NULL, smtp_port, net_timeout, &net) < 0)
		return EXIT_USAGE;
	ctx->dnssec = true; /* TLSA records count when DNSSEC-secure (RFC 7672) */
	if (!(r = cli_resolver(ctx)))
		return EXIT_USAGE;
	/* a server that closes while a handshake writes: an error, not a signal */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i <= n; i++) {
		mc_smtp_result res;
		mc_status st = mc_smtp_check(r, argv[i], submission, &net, &res);
		int one;

		if (st != MC_OK) {
			cli_lib_error(st);
			mc_smtp_result_clear(&res);
			return EXIT_USAGE;
		}
		one = cli_output(MC_RESULT_SMTP, &res, res.verdict, ctx);
		mc_smtp_result_clear(&res);
		if (one > rc)
			rc = one;
	}
	return rc;
}
