/* The MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and BIMI records read by
 * `mailcheck domain` are outside data: parse any bytes as each of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *id = NULL, **rua = NULL;
	size_t n_rua = 0, pos = 0;
	mc_bimi b = {0};

	(void)domain_is_sts(s, size);
	(void)domain_is_tlsrpt(s, size);
	(void)domain_is_bimi(s, size);
	if (!domain_sts_parse(s, size, &id, &pos) && (!id || strlen(id) > 32))
		abort(); /* a parsed record always has a 1..32 character id */
	if (pos > size)
		abort();
	free(id);
	if (!domain_tlsrpt_parse(s, size, &rua, &n_rua, &pos) && n_rua == 0)
		abort(); /* a parsed record always has a rua= URI */
	for (size_t i = 0; i < n_rua; i++)
		free(rua[i]);
	free(rua);
	if (pos > size)
		abort();
	(void)domain_bimi_parse(s, size, &b, &pos);
	if (pos > size)
		abort();
	free(b.location);
	free(b.authority);
	return 0;
}
