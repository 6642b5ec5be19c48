/*
 * The links in decoded text: every http:// and https:// link (with the
 * backslashes and mixed case browsers accept after the scheme, WHATWG URL
 * Standard "special" schemes) and every bare "www." name, read for its host
 * -- after the last "@" of the authority (a user name before it is no part
 * of where the link goes), without the port, percent-escapes undone -- and
 * counted under the host's registrable domain. HTML has its character
 * references undone first ("www&#46;example&#46;com" is www.example.com to
 * a browser, HTML Living Standard 13.2.5.72). No MIME here (links.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/verify.h"

#define MAX_HOST 253

/* A code point as UTF-8 into out (at least 4 bytes); its length. */
static size_t utf8(uint32_t c, char *out)
{
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* A numeric character reference at p ("&#46;", "&#x2e;"): the code point,
 * *used its length; 0 when there is none. */
static uint32_t numeric_ref(const char *p, const char *end, size_t *used)
{
	const char *q = p + 2;
	bool hex = q < end && (*q == 'x' || *q == 'X');
	uint32_t c = 0;
	size_t digits = 0;

	q += hex;
	for (; q < end && (hex ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q)); q++) {
		if (c < 0x110000) /* past the last code point: stays out of range */
			c = c * (hex ? 16 : 10) +
			    (uint32_t)(isdigit((unsigned char)*q) ? *q - '0' : (tolower((unsigned char)*q) - 'a' + 10));
		digits++;
	}
	if (!digits)
		return 0;
	*used = (size_t)(q - p) + (q < end && *q == ';');
	return c ? c : 0xFFFD;
}

/* The named references a link is written with; others stay as written. */
static const struct {
	const char *name;
	char c;
} named[] = {
	{"amp;", '&'}, {"period;", '.'}, {"sol;", '/'}, {"colon;", ':'}, {"commat;", '@'},
	{"quot;", '"'}, {"apos;", '\''}, {"lt;", '<'}, {"gt;", '>'}, {"nbsp;", ' '},
	{"bsol;", '\\'}, {"percnt;", '%'}, {"num;", '#'}, {"quest;", '?'}, {"equals;", '='},
};

/* HTML text with its character references undone, into out (at least len
 * bytes: no reference is shorter than what it stands for); its length. */
static size_t unreference(const char *in, size_t len, char *out)
{
	const char *p = in, *end = in + len;
	size_t n = 0;

	while (p < end) {
		size_t used = 0;
		uint32_t c;

		if (*p != '&') {
			out[n++] = *p++;
			continue;
		}
		if (p + 2 < end && p[1] == '#' && (c = numeric_ref(p, end, &used)) != 0 &&
		    utf8(c, (char[4]){0}) <= used) {
			n += utf8(c, out + n);
			p += used;
			continue;
		}
		for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
			size_t l = strlen(named[i].name);

			if ((size_t)(end - p) > l && !strncasecmp(p + 1, named[i].name, l)) {
				out[n++] = named[i].c;
				p += l + 1;
				used = 1;
				break;
			}
		}
		if (!used)
			out[n++] = *p++;
	}
	return n;
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0'
	       : isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10 : -1;
}

/* A byte that ends the authority of a link in text. */
static bool ends_authority(unsigned char c)
{
	return c <= ' ' || c == 0x7F || strchr("/\\?#\"'<>()[]{}|,;`^", c) != NULL;
}

/* The host of the authority at p: after the last '@', before the port,
 * percent-escapes undone, lower case, no final dot; false when it is no
 * name to look up. */
static bool host_of(const char *p, const char *end, char *host, size_t size)
{
	const char *start = p, *q;
	size_t n = 0;

	for (q = p; q < end && !ends_authority((unsigned char)*q); q++)
		if (*q == '@')
			start = q + 1;
	for (p = start; p < q && *p != ':' && n + 1 < size; p++) {
		int hi, lo;

		if (*p == '%' && q - p >= 3 && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			host[n++] = (char)(hi * 16 + lo);
			p += 2;
		} else {
			host[n++] = (char)tolower((unsigned char)*p);
		}
	}
	while (n && host[n - 1] == '.')
		n--;
	host[n] = '\0';
	if (n == 0 || n >= size - 1 || !strchr(host, '.'))
		return false;
	for (size_t i = 0; i < n; i++) /* an escape that made a separator or a control */
		if ((unsigned char)host[i] <= ' ' || ends_authority((unsigned char)host[i]) ||
		    host[i] == '@' || host[i] == ':')
			return false;
	return true;
}

static bool is_address(const char *host)
{
	return strspn(host, "0123456789.") == strlen(host);
}

/* One link's host, counted under its registrable domain. */
static void add_host(mc_links *out, const char *host)
{
	char *name = NULL, *reg;

	out->links++;
	if (is_address(host)) {
		out->address_links++;
		return;
	}
	if (mc_domain_normalize(host, &name) != MC_OK)
		return;
	reg = mc_registrable_domain(name);
	if (!reg) { /* a public suffix itself, or no known suffix */
		free(name);
		return;
	}
	for (size_t i = 0; i < out->n_domains; i++)
		if (strcmp(out->domains[i].domain, reg) == 0) {
			out->domains[i].links++;
			free(name);
			free(reg);
			return;
		}
	if (out->n_domains == MC_LINKS_MAX_DOMAINS) {
		out->left_out++;
		free(name);
		free(reg);
		return;
	}
	out->domains[out->n_domains++] = (mc_link_domain){.domain = reg, .host = name, .links = 1};
}

/* "http:", "https:" (any case) then one or more '/' or '\' at p: the
 * authority's start, or NULL. */
static const char *after_scheme(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	const char *q;

	if (n > 5 && !strncasecmp(p, "http:", 5))
		q = p + 5;
	else if (n > 6 && !strncasecmp(p, "https:", 6))
		q = p + 6;
	else
		return NULL;
	if (q == end || (*q != '/' && *q != '\\'))
		return NULL;
	while (q < end && (*q == '/' || *q == '\\'))
		q++;
	return q;
}

/* A bare "www." name at p, not inside a longer name or link. */
static bool bare_www(const char *text, const char *p, const char *end)
{
	unsigned char before = p > text ? (unsigned char)p[-1] : ' ';

	return end - p > 4 && !strncasecmp(p, "www.", 4) && !isalnum(before) &&
	       before != '.' && before != '/' && before != '\\' && before != '@' &&
	       before != '-' && before != '%' && before < 0x80;
}

static void scan(const char *text, size_t len, mc_links *out)
{
	const char *end = text + len;
	char host[MAX_HOST + 2];

	for (const char *p = text; p < end; p++) {
		const char *auth = NULL;
		char c = (char)tolower((unsigned char)*p);

		if (c == 'h')
			auth = after_scheme(p, end);
		else if (c == 'w' && bare_www(text, p, end))
			auth = p;
		if (!auth)
			continue;
		if (host_of(auth, end, host, sizeof(host)))
			add_host(out, host);
		for (p = auth; p < end && !ends_authority((unsigned char)*p); p++)
			;
		p--;
	}
}

void mc_links_scan(const char *text, size_t len, bool html, mc_links *out)
{
	char *plain;

	if (!html) {
		scan(text, len, out);
		return;
	}
	if (!(plain = malloc(len ? len : 1)))
		return;
	scan(plain, unreference(text, len, plain), out);
	free(plain);
}

void mc_links_clear(mc_links *l)
{
	for (size_t i = 0; i < l->n_domains; i++) {
		free(l->domains[i].domain);
		free(l->domains[i].host);
	}
	memset(l, 0, sizeof(*l));
}
