/* From/Sender/Return-Path values are outside data. */
#include <stdint.h>

#include "mailcheck/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_address_list l;

	if (mc_address_list_parse((const char *)data, size, &l) == MC_OK)
		mc_address_list_clear(&l);
	return 0;
}
