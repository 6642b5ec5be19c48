/* Tag lists "name=value; ..." (RFC 6376 3.2), used by DKIM signatures and
 * keys and by DMARC records (RFC 7489 6.4 uses the same syntax). */
#ifndef MC_COMMON_TAGS_H
#define MC_COMMON_TAGS_H

#include <stddef.h>

#define MC_MAX_TAGS 64

typedef struct mc_tag {
	char name[32];
	const char *value; /* into the parsed text, not NUL-terminated */
	size_t len;        /* without the whitespace around it */
} mc_tag;

typedef struct mc_tags {
	mc_tag t[MC_MAX_TAGS];
	size_t n;
} mc_tags;

/* tag-list = tag-spec *( ";" tag-spec ) [ ";" ]. NULL when valid, else why,
 * with *pos the offset of the problem; out holds the tags read before it.
 * Duplicate tags are an error, after which the rest is still read (each
 * tag's first value kept). */
const char *mc_tags_parse(const char *s, size_t len, mc_tags *out, size_t *pos);

/* The value of a tag with all whitespace removed (malloc'd), or NULL. */
char *mc_tag_value(const mc_tags *tags, const char *name);
/* Is the tag present? */
int mc_tag_has(const mc_tags *tags, const char *name);

#endif
