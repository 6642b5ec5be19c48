/*
 * mailcheck smtp HOST|DOMAIN...
 * The TLS of the servers that receive a domain's mail (its MX hosts, every
 * address), or of one host, graded as the NCSC-NL TLS guidelines grade it
 * (lib/net/tls_check.c): versions, cipher suites and their order, key
 * exchange, the certificate's key and signature.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "common/util.h"
#include "mailcheck/domain.h"

static const char usage[] = "usage: mailcheck smtp HOST|DOMAIN... [--submission HOST] "
                            "[--rpki FILE] [--allow-private] [--ca-file PEM] [--net-timeout SECONDS]";

/* The VRPs of --rpki FILE (rpki-client's or Routinator's JSON). */
static mc_rpki *load_rpki(const char *path)
{
	FILE *fp = fopen(path, "rb");
	mc_buf b = {0};
	char chunk[65536];
	size_t got;
	mc_rpki *k = NULL;

	if (!fp) {
		cli_fail("input", "cannot open %s: %s", path, mc_strerror(errno));
		return NULL;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len <= MC_RPKI_MAX_BYTES)
		mc_buf_add(&b, chunk, got);
	fclose(fp);
	if (mc_rpki_load(b.s ? b.s : "", b.len, &k) != MC_OK)
		cli_fail("input", "--rpki %s: %s", path, mc_error_last_text());
	mc_buf_free(&b);
	return k;
}

int cmd_smtp(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *smtp_port = NULL, *net_timeout = NULL, *rpki = NULL;
	mc_smtp_opts so = {0};
	mc_net_opts *net = &so.net;
	const struct cli_opt opts[] = {
		{.name = "--allow-private", .flag = &net->allow_private},
		{.name = "--ca-file", .value = &net->ca_file},
		{.name = "--smtp-port", .value = &smtp_port},
		{.name = "--net-timeout", .value = &net_timeout},
		{.name = "--submission", .value = &so.submission},
		{.name = "--rpki", .value = &rpki}, {0},
	};
	int n = cli_args(argc, argv, opts, 1, 64, usage), rc = EXIT_PASS;
	mc_rpki *vrps = NULL;
	mc_resolver *r;

	if (n < 0 || cli_net_options("smtp", NULL, smtp_port, net_timeout, net) < 0 ||
	    (rpki && !(vrps = load_rpki(rpki))))
		return EXIT_USAGE;
	so.rpki = vrps;
	ctx->dnssec = true; /* TLSA records count when DNSSEC-secure (RFC 7672) */
	if (!(r = cli_resolver(ctx))) {
		mc_rpki_free(vrps);
		return EXIT_USAGE;
	}
	/* a server that closes while a handshake writes: an error, not a signal */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i <= n; i++) {
		mc_smtp_result res;
		mc_status st = mc_smtp_check(r, argv[i], &so, &res);
		int one;

		if (st != MC_OK) {
			cli_lib_error(st);
			mc_smtp_result_clear(&res);
			mc_rpki_free(vrps);
			return EXIT_USAGE;
		}
		one = cli_output(MC_RESULT_SMTP, &res, res.verdict, ctx);
		mc_smtp_result_clear(&res);
		if (one > rc)
			rc = one;
	}
	mc_rpki_free(vrps);
	return rc;
}
