/* mailcheck diff reads two outputs of --json, which anyone can write: the
 * input up to its first NUL byte is OLD, the rest NEW (no NUL: the same
 * bytes both sides). Checks that the counts add up and every report that
 * changed says how. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nul = memchr(s, '\0', size);
	size_t old_len = nul ? (size_t)(nul - s) : size;
	const char *new = nul ? nul + 1 : s;
	size_t new_len = nul ? size - old_len - 1 : size;
	static char empty[1];
	FILE *a = fmemopen(old_len ? (void *)s : empty, old_len ? old_len : 1, "r"),
	     *b = fmemopen(new_len ? (void *)new : empty, new_len ? new_len : 1, "r");
	mc_diff_result r = {0};

	if (!old_len && a) /* fmemopen needs a size: an empty side reads nothing */
		fgetc(a);
	if (!new_len && b)
		fgetc(b);
	if (a && b && mc_diff(a, "OLD", b, "NEW", &r) == MC_OK) {
		if (r.worse + r.better + r.changed + r.unchanged != r.compared ||
		    r.n_reports != r.compared - r.unchanged)
			abort();
		if (!nul && (r.change != MC_DIFF_SAME || r.n_only_old || r.n_only_new))
			abort(); /* a run compared with itself is the same */
		for (size_t i = 0; i < r.n_reports; i++)
			if (r.reports[i].change == MC_DIFF_SAME)
				abort();
	}
	mc_diff_result_clear(&r);
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	return 0;
}
