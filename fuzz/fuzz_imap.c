/* An IMAP server's untagged lines come from whatever host the mailbox URL
 * names: read any bytes as an EXAMINE and a UID SEARCH response. A scan
 * (and an ESEARCH one) never reads past the bytes given (an exact-size copy: ASan sees an
 * overread); the UIDs it gives are above the one asked, 32-bit and at most
 * as many as room was given for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	uint64_t uids[64], after = size ? data[0] : 0;
	size_t n;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	(void)mc_imap_parse_uidvalidity(copy, size);
	n = mc_imap_parse_search(copy, size, after, uids, 64);
	if (n > 64)
		abort();
	for (size_t i = 0; i < n; i++)
		if (uids[i] <= after || uids[i] > UINT32_MAX)
			abort();
	/* the compact form (ESEARCH, RFC 4731) */
	uint64_t count, total;

	if (mc_imap_parse_esearch(copy, size, after, uids, 64, &n, &count, &total) &&
	    n > 64)
		abort();
	for (size_t i = 0; i < n; i++)
		if (uids[i] <= after || uids[i] > UINT32_MAX)
			abort();
	free(copy);
	return 0;
}
