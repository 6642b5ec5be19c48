/* The MTA-STS policy file (RFC 8461 3.2) is fetched from a web server the
 * domain's owner runs: parse any bytes as one, and match its patterns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_sts_policy p;
	size_t line = 0;
	const char *why = domain_sts_policy_parse((const char *)data, size, &p, &line);

	if (!why && (!p.version || !p.mode || p.max_age < 0 || p.max_age > 31557600))
		abort(); /* a parsed policy has every required field in bounds */
	if (line > size + 1)
		abort();
	for (size_t i = 0; i < p.n_mx; i++) {
		const char *pat = p.mx[i];
		char one_more[300];

		if (pat[0] != '*') { /* a plain pattern covers its own name */
			if (!domain_sts_mx_match(pat, pat))
				abort();
			continue;
		}
		/* "*.rest" covers "a.rest", not "rest" */
		snprintf(one_more, sizeof(one_more), "a%s", pat + 1);
		if (!domain_sts_mx_match(pat, one_more) || domain_sts_mx_match(pat, pat + 2))
			abort();
	}
	domain_sts_policy_clear(&p);
	return 0;
}
