/* DMARC records are outside data: parse any bytes as one, and hand the
 * result to libopendmarc's reader as mailcheck does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_dmarc_record rec = {0};
	mc_findings f = {0};
	mc_dmarc_policy p;
	int pct;

	rec.domain = strdup("example.com");
	if (dmarc_is_record((const char *)data, size)) {
		dmarc_record_parse(&rec, (const char *)data, size, &f);
		if (rec.text && !memchr(data, 0, size))
			dmarc_opendmarc_view(&rec, "example.com", "example.com", &p, &pct);
	}
	dmarc_record_clear(&rec);
	mc_findings_clear(&f);
	return 0;
}
