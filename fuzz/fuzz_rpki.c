/* What smtp reads from outside: a VRP file (rpki-client's or Routinator's
 * JSON, --rpki) and Team Cymru's origin answers (DNS TXT). The bytes as a
 * VRP file, validated against a few routes; the same bytes as an origin
 * answer; a route accepted must be a prefix the validation can read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const routes[] = {"127.0.0.0/24", "10.0.0.0/8", "2001:db8::/48",
	                                     "0.0.0.0/0", "::/0", "192.0.2.1/32"};
	char *copy = malloc(size + 1), prefix[64];
	mc_rpki *k = NULL;
	uint32_t asn;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (mc_rpki_load(copy, size, &k) == MC_OK) {
		for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
			for (uint32_t a = 0; a < 3; a++)
				if (mc_rpki_validate(k, routes[i], 64500 + a) == MC_RPKI_NOT_CHECKED)
					abort(); /* a route it could read */
		mc_rpki_free(k);
	}
	if (mc_rpki_origin_parse(copy, &asn, prefix, sizeof(prefix)) &&
	    (!memchr(prefix, '/', strlen(prefix)) || strlen(prefix) >= sizeof(prefix)))
		abort();
	free(copy);
	return 0;
}
