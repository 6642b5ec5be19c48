/* A program of somebody else's, built against the installed library through
 * pkg-config: where does mail for a domain go, from a zone file. */
#include <stdio.h>

#include <mailcheck/mx.h>

int main(int argc, char **argv)
{
	const char *files[1];
	mc_resolver *r;
	mc_mx_result res;

	if (argc != 3) {
		fprintf(stderr, "usage: consumer ZONEFILE DOMAIN\n");
		return 2;
	}
	files[0] = argv[1];
	if (mc_resolver_new_zones(&r, files, 1) != MC_OK) {
		fprintf(stderr, "consumer: %s\n", mc_error_last());
		return 2;
	}
	if (mc_mx_check(r, argv[2], &res) != MC_OK) {
		fprintf(stderr, "consumer: %s\n", mc_error_last());
		mc_resolver_free(r);
		return 2;
	}
	printf("%s %s %zu\n", argv[2], mc_mx_reason_name(res.reason), res.n_hosts);
	mc_mx_result_clear(&res);
	mc_resolver_free(r);
	return 0;
}
