/* Domain names typed by users. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *out = NULL;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (mc_domain_normalize(in, &out) == MC_OK && strlen(out) > 253)
		abort();
	free(out);
	free(in);
	return 0;
}
