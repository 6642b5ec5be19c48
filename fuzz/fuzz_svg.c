/* A BIMI logo comes from any web server a DNS record names: check any
 * bytes (gzip too) as one, and any bytes as a VMC PEM chain. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_bimi b = {0};
	size_t plain_len = 0;
	unsigned char *plain = domain_gunzip(data, size, &plain_len);
	const unsigned char *svg = plain ? plain : data;
	size_t len = plain ? plain_len : size;
	const char *why = domain_svg_check(svg, len, &b.logo);

	if (why && !b.logo.error)
		abort(); /* a refusal always says why */
	if (b.logo.n_problems > 16)
		abort(); /* bounded */
	domain_vmc_check(data, size, "example.com", "default._bimi.example.com", NULL, svg, len,
	                 &b.vmc);
	if (b.vmc.n_certs > 10)
		abort();
	free(plain);
	domain_bimi_clear(&b);
	return 0;
}
