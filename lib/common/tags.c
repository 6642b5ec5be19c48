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

const char *mc_tags_parse(const char *s, size_t len, mc_tags *out, size_t *pos)
{
	size_t i = 0, dup_pos = 0;
	const char *dup = NULL;

	out->n = 0;
	while (i < len) {
		size_t name_start, name_end, v_start, v_end;
		bool again = false;

		while (i < len && is_wsp(s[i]))
			i++;
		if (i == len)
			break;
		*pos = name_start = i;
		if (!isalpha((unsigned char)s[i]))
			return "a tag name must start with a letter";
		while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		name_end = i;
		while (i < len && is_wsp(s[i]))
			i++;
		if (i == len || s[i] != '=')
			return "expected '=' after the tag name";
		i++;
		v_start = i;
		while (i < len && s[i] != ';')
			i++;
		v_end = i;
		if (memchr(s + v_start, '\0', v_end - v_start)) {
			*pos = v_start + (size_t)((const char *)memchr(s + v_start, '\0',
			                                              v_end - v_start) - (s + v_start));
			return "a NUL byte in a tag value";
		}
		while (v_start < v_end && is_wsp(s[v_start]))
			v_start++;
		while (v_end > v_start && is_wsp(s[v_end - 1]))
			v_end--;
		if (name_end - name_start >= sizeof(out->t[0].name))
			return "tag name too long";
		for (size_t k = 0; k < out->n && !again; k++)
			again = strlen(out->t[k].name) == name_end - name_start &&
			        memcmp(out->t[k].name, s + name_start, name_end - name_start) == 0;
		/* RFC 6376 3.2: a duplicate makes the list invalid; the rest is still
		 * read (the first value kept) so that a caller can say whose it is */
		if (again && !dup) {
			dup = "duplicate tag";
			dup_pos = name_start;
		}
		if (!again && out->n == MC_MAX_TAGS)
			return "too many tags";
		if (!again) {
			mc_tag *t = &out->t[out->n++];

			memcpy(t->name, s + name_start, name_end - name_start);
			t->name[name_end - name_start] = '\0';
			t->value = s + v_start;
			t->len = v_end - v_start;
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
