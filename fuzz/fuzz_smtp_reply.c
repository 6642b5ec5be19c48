/* SMTP replies come from any server an MX record names: scan any bytes as
 * one, and check that a complete reply ends within the bytes given on a
 * final line, and that a scan never reads past them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	size_t end = 0;
	const char *why = NULL;
	int code;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	code = mc_smtp_reply_scan(copy, size, &end, &why);
	if (code > 0 && (code > 999 || end == 0 || end > size || copy[end - 1] != '\n'))
		abort();
	if (code < 0 && !why)
		abort();
	free(copy);
	return 0;
}
