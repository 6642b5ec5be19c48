/* Hostile reports, then the totals and their explanations (no DNS). One
 * source, three targets (fuzz/meson.build): PREFIX is the first byte that
 * sends the input to one parser -- "<feedback>" the aggregate XML reader,
 * "{" the TLS report JSON, "" any input of mailcheck report (mail with
 * attachments through GMime, ARF, gzip, zip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/feedback.h"

#ifndef PREFIX
#define PREFIX ""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_feedback *f;
	mc_feedback_result res;
	char *buf = malloc(size + 16);
	size_t len = 0;

	if (!buf || mc_feedback_new(&f, NULL, NULL) != MC_OK) {
		free(buf);
		return 0;
	}
	/* the parser this target is for: its first byte */
	if (PREFIX[0] && (!size || data[0] != PREFIX[0])) {
		memcpy(buf, PREFIX, strlen(PREFIX));
		len = strlen(PREFIX);
	}
	memcpy(buf + len, data, size);
	len += size;
	mc_feedback_add_bytes(f, buf, len, "fuzz");
	if (mc_feedback_finish(f, &res) == MC_OK)
		mc_feedback_result_clear(&res);
	mc_feedback_free(f);
	free(buf);
	return 0;
}
