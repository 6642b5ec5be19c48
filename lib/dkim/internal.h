/* Inside lib/dkim: the RFC 6376 3.2 tag-list parser. */
#ifndef MC_DKIM_INTERNAL_H
#define MC_DKIM_INTERNAL_H

#include <stddef.h>

#include "mailcheck/dkim.h"

#define DKIM_MAX_TAGS 64

typedef struct dkim_tag {
	char name[32];
	const char *value; /* into the parsed text, not NUL-terminated */
	size_t len;        /* without the whitespace around it */
} dkim_tag;

typedef struct dkim_tags {
	dkim_tag t[DKIM_MAX_TAGS];
	size_t n;
} dkim_tags;

/* tag-list = tag-spec *( ";" tag-spec ) [ ";" ]. NULL when valid, else why,
 * with *pos the offset of the problem. Duplicate tags are an error. */
const char *dkim_tags_parse(const char *s, size_t len, dkim_tags *out, size_t *pos);

/* The value of a tag with all whitespace removed (malloc'd), or NULL. */
char *dkim_tag_value(const dkim_tags *tags, const char *name);
/* Check a key record's text into k (k->name set by the caller). */
void dkim_key_record_check(mc_dkim_key *k, const char *rec, size_t len);

/* Is the tag present? */
int dkim_tag_has(const dkim_tags *tags, const char *name);

#endif
