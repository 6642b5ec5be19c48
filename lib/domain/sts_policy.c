/*
 * The MTA-STS policy file (RFC 8461 3.2) and the MX host match (RFC 8461
 * 4.1). The parser is bounded by the body it is given (the fetch caps it at
 * 64 KiB) and allocates at most one pattern per line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "domain/internal.h"

#define STS_MAX_AGE_LIMIT 31557600L /* RFC 8461 3.2: about one year */

void domain_sts_policy_clear(mc_sts_policy *p)
{
	for (size_t i = 0; i < p->n_mx; i++)
		free(p->mx[i]);
	free(p->mx);
	free(p->version);
	free(p->mode);
	*p = (mc_sts_policy){.max_age = -1};
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 5321 Domain: labels of letters, digits and '-', not starting or
 * ending with '-'; with an optional leading "*." (RFC 8461 3.2). */
static bool pattern_ok(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0;; i++) { /* i: the start of a label */
		size_t l = 0;

		while (i + l < len && s[i + l] != '.')
			l++;
		if (l == 0 || l > 63 || s[i] == '-' || s[i + l - 1] == '-')
			return false; /* an empty label: "..", a leading or trailing dot */
		for (size_t k = 0; k < l; k++)
			if (!isalnum((unsigned char)s[i + k]) && s[i + k] != '-')
				return false;
		i += l;
		if (i == len)
			return true;
	}
}

static char *dup_lower(const char *s, size_t len)
{
	char *d = mc_strndup(s, len);

	for (size_t i = 0; d && i < len; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

/* One "name: value" line; NULL, or why it is wrong. */
static const char *field(mc_sts_policy *p, const char *name, size_t nlen, const char *v,
                         size_t vlen)
{
#define IS(lit) (nlen == sizeof(lit) - 1 && memcmp(name, lit, nlen) == 0)
	if (IS("version")) {
		if (p->version)
			return NULL; /* the first wins */
		if (!(p->version = mc_strndup(v, vlen)))
			return "out of memory";
		if (strcmp(p->version, "STSv1") != 0)
			return "version must be STSv1";
	} else if (IS("mode")) {
		if (p->mode)
			return NULL;
		if (!(p->mode = mc_strndup(v, vlen)))
			return "out of memory";
		if (strcmp(p->mode, "enforce") && strcmp(p->mode, "testing") && strcmp(p->mode, "none"))
			return "mode must be enforce, testing or none (lower case)";
	} else if (IS("max_age")) {
		long age = 0;

		if (p->max_age >= 0)
			return NULL;
		if (vlen == 0 || vlen > 10)
			return "max_age must be 1 to 10 digits (seconds)";
		for (size_t i = 0; i < vlen; i++) {
			if (!isdigit((unsigned char)v[i]))
				return "max_age must be a number of seconds";
			age = age * 10 + (v[i] - '0');
		}
		p->max_age = age;
		if (age > STS_MAX_AGE_LIMIT)
			return "max_age is above 31557600 seconds (RFC 8461 3.2)";
	} else if (IS("mx")) {
		size_t cap = p->n_mx;

		if (!pattern_ok(v, vlen))
			return "an mx pattern must be a host name, optionally starting with \"*.\"";
		if (mc_grow(&p->mx, &cap, p->n_mx + 1, sizeof(*p->mx)) < 0 ||
		    !(p->mx[p->n_mx] = dup_lower(v, vlen)))
			return "out of memory";
		p->n_mx++;
	}
	return NULL; /* other fields are extensions: ignored */
#undef IS
}

const char *domain_sts_policy_parse(const char *s, size_t len, mc_sts_policy *p, size_t *line)
{
	size_t i = 0;
	const char *why;

	*p = (mc_sts_policy){.max_age = -1};
	*line = 0;
	while (i < len) {
		size_t end = i, n1, v0, v1;

		(*line)++;
		while (end < len && s[end] != '\n')
			end++;
		v1 = end;
		if (v1 > i && s[v1 - 1] == '\r')
			v1--;
		if (v1 == i) { /* an empty line: only at the end */
			size_t rest = end;

			while (rest < len && (s[rest] == '\n' || s[rest] == '\r'))
				rest++;
			if (rest < len)
				return "an empty line in the middle of the policy";
			break;
		}
		n1 = i;
		while (n1 < v1 && (isalnum((unsigned char)s[n1]) || s[n1] == '_' || s[n1] == '-' ||
		                   s[n1] == '.'))
			n1++;
		if (n1 == i || n1 == v1 || s[n1] != ':')
			return "expected a line \"name: value\"";
		if (n1 - i > 32)
			return "a field name is at most 32 characters";
		v0 = n1 + 1;
		while (v0 < v1 && is_wsp(s[v0]))
			v0++;
		while (v1 > v0 && is_wsp(s[v1 - 1]))
			v1--;
		for (size_t k = v0; k < v1; k++)
			if ((unsigned char)s[k] < 0x20 && s[k] != '\t')
				return "a control character in a value";
		if ((why = field(p, s + i, n1 - i, s + v0, v1 - v0)))
			return why;
		i = end + 1;
	}
	*line = 0;
	if (!p->version)
		return "no version field (version: STSv1)";
	if (!p->mode)
		return "no mode field (mode: enforce, testing or none)";
	if (p->max_age < 0)
		return "no max_age field";
	if (p->n_mx == 0 && strcmp(p->mode, "none") != 0)
		return "no mx field: a policy in this mode must list the MX hosts";
	return NULL;
}

/*
 * RFC 8461 4.1: a pattern matches the host name exactly, or "*.rest"
 * matches a name of one more label (the wildcard covers the leftmost
 * label only: "*.example.com" matches "mx.example.com", neither
 * "example.com" nor "a.b.example.com"). Case-insensitive.
 */
bool domain_sts_mx_match(const char *pattern, const char *host)
{
	size_t hl = strlen(host);

	if (hl && host[hl - 1] == '.')
		hl--;
	if (pattern[0] == '*' && pattern[1] == '.') {
		const char *dot = memchr(host, '.', hl);

		if (!dot || dot == host)
			return false;
		return strlen(pattern + 1) == hl - (size_t)(dot - host) &&
		       strncasecmp(pattern + 1, dot, hl - (size_t)(dot - host)) == 0;
	}
	return strlen(pattern) == hl && strncasecmp(pattern, host, hl) == 0;
}
