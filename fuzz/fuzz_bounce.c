/* Hostile bounces: MIME structure through GMime, the delivery-status
 * fields, the non-standard text reports and the classification; the text
 * report carries no raw byte a terminal acts on. */
#include <stdint.h>
#include <stdio.h>

#include "mailcheck/bounce.h"
#include "mailcheck/report.h"
#include "terminal_safe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const mc_render_opts text = {.format = MC_FORMAT_TEXT, .verbose = true};
	mc_bounce_result res;
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	if (mc_bounce_parse((const char *)data, size, &res) != MC_OK)
		return 0;
	if (!(fp = open_memstream(&out, &len)))
		abort();
	mc_render(MC_RESULT_BOUNCE, &res, &text, fp);
	fclose(fp);
	assert_terminal_safe(out, len);
	free(out);
	mc_bounce_result_clear(&res);
	return 0;
}
