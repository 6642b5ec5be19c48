/* Tag lists (RFC 6376 3.2): DKIM signatures and keys, DMARC records. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/tags.h"

static int is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One tag-spec read at s[*i] (tag-name "=" tag-value, RFC 6376 3.2): its
 * name and value bounds, *i past it. NULL, or why it is malformed (*pos
 * where). */
static const char *read_spec(const char *s, size_t len, size_t *i, size_t name[2],
                             size_t value[2], size_t *pos)
{
	const char *nul;

	*pos = name[0] = *i;
	if (!isalpha((unsigned char)s[*i]))
		return N_("a tag name must start with a letter");
	while (*i < len && (isalnum((unsigned char)s[*i]) || s[*i] == '_'))
		(*i)++;
	name[1] = *i;
	while (*i < len && is_wsp(s[*i]))
		(*i)++;
	if (*i == len || s[*i] != '=')
		return N_("expected '=' after the tag name");
	value[0] = ++(*i);
	while (*i < len && s[*i] != ';')
		(*i)++;
	value[1] = *i;
	if ((nul = memchr(s + value[0], '\0', value[1] - value[0]))) {
		*pos = (size_t)(nul - s);
		return N_("a NUL byte in a tag value");
	}
	while (value[0] < value[1] && is_wsp(s[value[0]]))
		value[0]++;
	while (value[1] > value[0] && is_wsp(s[value[1] - 1]))
		value[1]--;
	return name[1] - name[0] >= sizeof(((mc_tag *)0)->name) ? "tag name too long" : NULL;
}

/* Is the name s[n0, n1) among the tags read? */
static bool seen(const mc_tags *out, const char *s, size_t n0, size_t n1)
{
	for (size_t k = 0; k < out->n; k++)
		if (strlen(out->t[k].name) == n1 - n0 && memcmp(out->t[k].name, s + n0, n1 - n0) == 0)
			return true;
	return false;
}

const char *mc_tags_parse(const char *s, size_t len, mc_tags *out, size_t *pos)
{
	size_t i = 0, dup_pos = 0, name[2], value[2];
	const char *dup = NULL, *why;

	out->n = 0;
	while (i < len) {
		while (i < len && is_wsp(s[i]))
			i++;
		if (i == len)
			break;
		if ((why = read_spec(s, len, &i, name, value, pos)))
			return why;
		if (seen(out, s, name[0], name[1])) {
			/* RFC 6376 3.2: a duplicate makes the list invalid; the rest is
			 * still read (the first value kept) so that a caller can say
			 * whose it is */
			if (!dup) {
				dup = N_("duplicate tag");
				dup_pos = name[0];
			}
		} else if (out->n == MC_MAX_TAGS) {
			return N_("too many tags");
		} else {
			mc_tag *t = &out->t[out->n++];

			memcpy(t->name, s + name[0], name[1] - name[0]);
			t->name[name[1] - name[0]] = '\0';
			t->value = s + value[0];
			t->len = value[1] - value[0];
		}
		if (i < len)
			i++; /* the ';' */
	}
	if (dup)
		*pos = dup_pos;
	return dup;
}

static const mc_tag *find(const mc_tags *tags, const char *name)
{
	for (size_t i = 0; i < tags->n; i++)
		if (tags->t[i].name[0] == name[0] && strcmp(tags->t[i].name, name) == 0)
			return &tags->t[i];
	return NULL;
}

int mc_tag_has(const mc_tags *tags, const char *name)
{
	return find(tags, name) != NULL;
}

char *mc_tag_value(const mc_tags *tags, const char *name)
{
	const mc_tag *t = find(tags, name);
	char *v;
	size_t k = 0;

	if (!t || !(v = malloc(t->len + 1)))
		return NULL;
	for (size_t i = 0; i < t->len; i++)
		if (!is_wsp(t->value[i]))
			v[k++] = t->value[i];
	v[k] = '\0';
	return v;
}
