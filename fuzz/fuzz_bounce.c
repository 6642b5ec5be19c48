/* Hostile bounces: MIME structure through GMime, the delivery-status
 * fields, the non-standard text reports and the classification. */
#include <stdint.h>

#include "mailcheck/bounce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_bounce_result res;

	if (mc_bounce_parse((const char *)data, size, &res) == MC_OK)
		mc_bounce_result_clear(&res);
	return 0;
}
