/*
 * SPF macro expansion (RFC 7208 7): %{letter digits r delimiters}, %%, %_, %-.
 * Uppercase letters URL-escape their value (7.3); a name for a query is
 * truncated from the left to 253 characters (7.3).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spf/internal.h"

#define MAX_PARTS 128

/* The value of one macro letter, written into buf. */
static const char *letter_value(const spf_macro_env *env, char letter, char *buf, size_t size)
{
	switch (letter) {
	case 's': return env->sender;
	case 'l': return env->local;
	case 'o': return env->sender_domain;
	case 'd': return env->domain;
	case 'h': return env->helo ? env->helo : "unknown";
	case 'r': return env->receiver ? env->receiver : "unknown";
	case 'v': return env->family == AF_INET ? "in-addr" : "ip6";
	case 'c':
		return inet_ntop(env->family, env->ip, buf, (socklen_t)size);
	case 't':
		snprintf(buf, size, "%lld", env->now);
		return buf;
	case 'i':
		if (env->family == AF_INET)
			return inet_ntop(AF_INET, env->ip, buf, (socklen_t)size);
		/* RFC 7208 7.3: IPv6 as dot-separated nibbles (upper case, as in
		 * the example of 7.4) */
		for (int k = 0; k < 16; k++)
			snprintf(buf + 4 * k, size - 4 * (size_t)k, "%X.%X.", env->ip[k] >> 4,
			         env->ip[k] & 15);
		buf[63] = '\0';
		return buf;
	case 'p':
		return env->validated_name ? env->validated_name(env->arg, env->domain) : "unknown";
	}
	return "";
}

static bool unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Split value on the delimiters, reverse and/or keep the rightmost `keep`
 * parts, join with '.', URL-escape when asked. */
static int transform(mc_buf *out, const char *value, const char *delims, int keep,
                     bool reverse, bool escape)
{
	const char *part[MAX_PARTS];
	size_t plen[MAX_PARTS], n = 0, first;
	const char *p = value;

	for (;;) {
		size_t l = strcspn(p, delims);

		if (n == MAX_PARTS)
			return -1;
		part[n] = p;
		plen[n++] = l;
		if (!p[l])
			break;
		p += l + 1;
	}
	if (reverse) {
		for (size_t i = 0; i < n / 2; i++) {
			const char *tp = part[i];
			size_t tl = plen[i];

			part[i] = part[n - 1 - i], plen[i] = plen[n - 1 - i];
			part[n - 1 - i] = tp, plen[n - 1 - i] = tl;
		}
	}
	first = keep > 0 && (size_t)keep < n ? n - (size_t)keep : 0;
	for (size_t i = first; i < n; i++) {
		if (i > first && mc_buf_add(out, ".", 1) < 0)
			return -1;
		for (size_t k = 0; k < plen[i]; k++) {
			unsigned char c = (unsigned char)part[i][k];

			if (escape && !unreserved(c) ? mc_buf_addf(out, "%%%02X", c) < 0
			                             : mc_buf_add(out, (const char *)&c, 1) < 0)
				return -1;
		}
	}
	return 0;
}

/* One %{...} at s (after "%{"); returns the length consumed, or 0 on error. */
static size_t expand_one(const spf_macro_env *env, const char *s, mc_buf *out, bool *bad)
{
	char letter = s[0], buf[80], delims[8] = "";
	const char *value;
	size_t i = 1, nd = 0;
	int keep = 0;
	bool reverse = false, has_digits = false;

	while (isdigit((unsigned char)s[i])) {
		has_digits = true;
		keep = keep > 1000 ? keep : keep * 10 + (s[i] - '0');
		i++;
	}
	if (tolower((unsigned char)s[i]) == 'r') {
		reverse = true;
		i++;
	}
	while (s[i] && strchr(".-+,/_=", s[i])) {
		if (!strchr(delims, s[i]) && nd < sizeof(delims) - 1)
			delims[nd++] = s[i];
		i++;
	}
	if (s[i] != '}' || (has_digits && keep == 0)) {
		*bad = true; /* RFC 7208 7.1: zero parts is not a valid transformer */
		return 0;
	}
	value = letter_value(env, (char)tolower((unsigned char)letter), buf, sizeof(buf));
	if (transform(out, value ? value : "", nd ? delims : ".", keep, reverse,
	              isupper((unsigned char)letter)) < 0)
		return 0;
	return i + 1;
}

static void truncate_left(mc_buf *b)
{
	size_t cut = 0;

	/* RFC 7208 7.3: drop labels from the left until it fits */
	while (b->len - cut > 253) {
		const char *dot = memchr(b->s + cut, '.', b->len - cut);

		if (!dot)
			break;
		cut = (size_t)(dot - b->s) + 1;
	}
	if (cut) {
		memmove(b->s, b->s + cut, b->len - cut + 1);
		b->len -= cut;
	}
}

mc_status spf_expand(const spf_macro_env *env, const char *s, bool exp, bool domain, char **out)
{
	size_t len = strlen(s), bad_at;
	mc_buf b = {0};

	*out = NULL;
	if (spf_macro_syntax(s, len, exp, &bad_at))
		return MC_EPARSE;
	for (size_t i = 0; i < len;) {
		bool bad = false;

		if (s[i] != '%') {
			if (mc_buf_add(&b, s + i, 1) < 0)
				goto nomem;
			i++;
			continue;
		}
		switch (s[i + 1]) {
		case '%':
			if (mc_buf_add(&b, "%", 1) < 0)
				goto nomem;
			i += 2;
			continue;
		case '_':
			if (mc_buf_add(&b, " ", 1) < 0)
				goto nomem;
			i += 2;
			continue;
		case '-':
			if (mc_buf_add(&b, "%20", 3) < 0)
				goto nomem;
			i += 2;
			continue;
		}
		size_t used = expand_one(env, s + i + 2, &b, &bad);

		if (bad) {
			mc_buf_free(&b);
			return MC_EPARSE;
		}
		if (!used)
			goto nomem;
		i += 2 + used;
		if (b.len > 65536) { /* bounded however the macros nest */
			mc_buf_free(&b);
			return MC_EPARSE;
		}
	}
	if (domain && b.s)
		truncate_left(&b);
	*out = mc_buf_take(&b);
	return *out ? MC_OK : MC_ENOMEM;
nomem:
	mc_buf_free(&b);
	return MC_ENOMEM;
}
