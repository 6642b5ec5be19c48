/* DKIM key records and tag lists are outside data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dkim/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_dkim_key k = {0};
	mc_tags tags;
	size_t pos;

	mc_tags_parse((const char *)data, size, &tags, &pos);
	k.name = mc_strdup("fuzz._domainkey.example.net");
	dkim_key_record_check(&k, (const char *)data, size);
	mc_dkim_key_clear(&k);
	return 0;
}
