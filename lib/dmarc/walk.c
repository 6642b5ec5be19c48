/*
 * The RFC 9989 DNS tree walk. From the author domain, query _dmarc.<name>;
 * then, when the name has more than seven labels, jump to its rightmost
 * seven, and go on removing one label at a time down to the top-level
 * label: at most 8 queries. mailcheck asks all of them in one concurrent
 * batch, and derives from the answers both the policy record (the first
 * valid one, most specific first) and the organizational domain:
 *   - a record with psd=n marks the organizational domain;
 *   - a record with psd=y, other than at the start, marks a public suffix
 *     domain: the organizational domain is one label below it;
 *   - otherwise the record found at the name with the fewest labels;
 *   - with no record at all, the domain itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dmarc/internal.h"

static size_t count_labels(const char *d)
{
	size_t n = 1;

	for (; *d; d++)
		n += *d == '.';
	return n;
}

/* The rightmost `keep` labels of d. */
static const char *rightmost(const char *d, size_t keep)
{
	size_t n = count_labels(d);

	while (n-- > keep)
		d = strchr(d, '.') + 1;
	return d;
}

size_t dmarc_walk_names(const char *domain, char names[MC_DMARC_MAX_WALK][256])
{
	size_t n = 0, labels = count_labels(domain);
	const char *cur = domain;

	snprintf(names[n++], 256, "%s", domain);
	if (labels > 7) {
		cur = rightmost(domain, 7);
		labels = 7;
	} else if (labels > 1) {
		cur = strchr(domain, '.') + 1;
		labels--;
	} else {
		return n;
	}
	while (n < MC_DMARC_MAX_WALK) {
		snprintf(names[n++], 256, "%s", cur);
		if (labels-- == 1)
			break;
		cur = strchr(cur, '.') + 1;
	}
	return n;
}

/* The organizational domain, from the valid records found at names[i]
 * (psd[i] is 0 where there is none). */
char *dmarc_org_from_walk(const char *domain, char names[][256], const char *psd, size_t n)
{
	long fewest = -1;

	for (size_t i = 0; i < n; i++) {
		if (!psd[i])
			continue;
		if (psd[i] == 'n')
			return mc_strdup(names[i]);
		if (psd[i] == 'y' && i > 0)
			return mc_strdup(rightmost(domain, count_labels(names[i]) + 1));
		fewest = (long)i;
	}
	return mc_strdup(fewest >= 0 ? names[fewest] : domain);
}
