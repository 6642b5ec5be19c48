/*
 * RFC 5322 3.4 address lists: mailbox / group, name-addr / addr-spec,
 * quoted strings and quoted-pairs, comments (nested, bounded), obsolete
 * routes, domain literals, and RFC 2047 encoded words in display names.
 *
 * A scanner walks the value once and splits it at top-level commas (and
 * group ':' / ';'), outside quotes, comments, angle brackets and domain
 * literals; each piece is then read as one mailbox.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "common/util.h"
#include "mailcheck/dns.h"
#include "mailcheck/msg.h"

#define MAX_COMMENT_DEPTH 64
#define MAX_ADDRESSES 1000

struct piece {
	const char *s;
	size_t n;
	const char *group;
	size_t group_len;
};

/* Skip a comment starting at s[i] == '('; returns the index after it, or
 * 0 when it does not close or nests too deep. */
static size_t skip_comment(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '(' && ++depth > MAX_COMMENT_DEPTH)
			return 0;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

static size_t skip_quoted(const char *s, size_t n, size_t i, char close)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == close)
			return i + 1;
	}
	return 0;
}

/* Text of s without comments, quotes unescaped, runs of space collapsed. */
static char *clean(const char *s, size_t n, bool keep_quotes)
{
	mc_buf b = {0};
	bool space = false;

	for (size_t i = 0; i < n;) {
		char c = s[i];

		if (c == '(') {
			size_t end = skip_comment(s, n, i);

			i = end ? end : n;
			space = true;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = true;
			i++;
			continue;
		}
		if (space && b.len)
			mc_buf_add(&b, " ", 1);
		space = false;
		if (c == '"') {
			size_t end = skip_quoted(s, n, i, '"');

			size_t close;

			end = end ? end : n;
			close = end > i + 1 && s[end - 1] == '"' ? end - 1 : end;
			if (keep_quotes)
				mc_buf_add(&b, s + i, end - i);
			else
				for (size_t k = i + 1; k < close; k++) {
					if (s[k] == '\\' && k + 1 < close)
						k++;
					mc_buf_add(&b, s + k, 1);
				}
			i = end;
			continue;
		}
		size_t run = i + 1;

		while (run < n && !strchr("( \t\r\n\"", s[run]))
			run++;
		mc_buf_add(&b, s + i, run - i);
		i = run;
	}
	return mc_buf_take(&b);
}

/* RFC 2047: =?charset?B|Q?text?= in a display name, decoded for UTF-8,
 * US-ASCII and ISO-8859-1; other charsets are left as written. */
static int b64val(char c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(t, c) : NULL;

	return p ? (int)(p - t) : -1;
}

static void decode_word(mc_buf *out, const char *cs, size_t csn, char enc, const char *t, size_t n)
{
	bool latin1 = csn == 10 && strncasecmp(cs, "iso-8859-1", 10) == 0;
	mc_buf raw = {0};

	if (enc == 'B' || enc == 'b') {
		unsigned v = 0;
		int bits = 0;

		for (size_t i = 0; i < n; i++) {
			int d = b64val(t[i]);

			if (d < 0)
				continue;
			v = v << 6 | (unsigned)d;
			if ((bits += 6) >= 8) {
				char c = (char)(v >> (bits -= 8));

				mc_buf_add(&raw, &c, 1);
			}
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			char c = t[i];

			if (c == '_')
				c = ' ';
			else if (c == '=' && i + 2 < n && isxdigit((unsigned char)t[i + 1]) &&
			         isxdigit((unsigned char)t[i + 2])) {
				char hex[3] = {t[i + 1], t[i + 2], 0};

				c = (char)strtol(hex, NULL, 16);
				i += 2;
			}
			mc_buf_add(&raw, &c, 1);
		}
	}
	for (size_t i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.s[i];

		if (latin1 && c >= 0x80) {
			char u[2] = {(char)(0xc0 | c >> 6), (char)(0x80 | (c & 0x3f))};

			mc_buf_add(out, u, 2);
		} else {
			mc_buf_add(out, (char *)&c, 1);
		}
	}
	mc_buf_free(&raw);
}

static char *decode_encoded_words(const char *s)
{
	mc_buf b = {0};
	const char *p = s, *last_end = NULL;

	while (*p) {
		const char *q1, *q2, *end;

		if (p[0] == '=' && p[1] == '?' && (q1 = strchr(p + 2, '?')) && q1[1] && q1[2] == '?' &&
		    (end = strstr(q1 + 3, "?=")) && strchr("BbQq", q1[1])) {
			const char *star = memchr(p + 2, '*', (size_t)(q1 - p - 2)); /* RFC 2231 language */
			size_t csn = (size_t)((star ? star : q1) - (p + 2));
			bool utf8 = (csn == 5 && strncasecmp(p + 2, "utf-8", 5) == 0) ||
			            (csn == 8 && strncasecmp(p + 2, "us-ascii", 8) == 0) ||
			            (csn == 10 && strncasecmp(p + 2, "iso-8859-1", 10) == 0);

			q2 = q1 + 3;
			if (utf8) {
				/* whitespace between two encoded words is dropped (RFC 2047 6.2) */
				if (last_end && b.len && b.s[b.len - 1] == ' ' &&
				    strspn(last_end, " ") == (size_t)(p - last_end))
					b.len--;
				decode_word(&b, p + 2, csn, q1[1], q2, (size_t)(end - q2));
				p = last_end = end + 2;
				continue;
			}
		}
		mc_buf_add(&b, p, 1);
		p++;
	}
	return mc_buf_take(&b);
}

/* Split at top-level commas; groups "name: a, b;" tag their members. The
 * pieces grow as needed: most lists hold one address. */
static mc_status split(const char *s, size_t n, struct piece **pieces, size_t *count)
{
	size_t start = 0, np = 0, cap = 0;
	const char *group = NULL;
	size_t group_len = 0;

	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : ',';
		size_t end = 0;

		if (i < n && (c == '"' || c == '(' || c == '[' || c == '<')) {
			end = c == '(' ? skip_comment(s, n, i)
			    : skip_quoted(s, n, i, c == '"' ? '"' : c == '[' ? ']' : '>');
			if (!end)
				return mc_error_set(MC_EPARSE, "offset %zu: unclosed %s", i,
				                    c == '"' ? "quoted string" : c == '(' ?
				                    "comment (or nested too deep)" : c == '[' ?
				                    "domain literal" : "'<'");
			i = end - 1;
			continue;
		}
		if (c == ':' && !group) {
			group = s + start;
			group_len = i - start;
			start = i + 1;
			continue;
		}
		if (c != ',' && c != ';')
			continue;
		if (np == MAX_ADDRESSES)
			return mc_error_set(MC_EPARSE, "more than %d addresses", MAX_ADDRESSES);
		if (mc_grow(pieces, &cap, np + 1, sizeof(**pieces)) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		(*pieces)[np++] = (struct piece){s + start, i - start, group, group_len};
		start = i + 1;
		if (c == ';')
			group = NULL;
	}
	*count = np;
	return MC_OK;
}

static bool blank(const char *s, size_t n)
{
	char *c = clean(s, n, true);
	bool empty = !c || !*c;

	free(c);
	return empty;
}

/* One mailbox: [display] <addr-spec> or addr-spec. */
static mc_status mailbox(const struct piece *p, mc_address *a)
{
	const char *lt = NULL, *gt = NULL;
	char *spec, *at;

	for (size_t i = 0; i < p->n; i++) {
		size_t end = 0;

		if (p->s[i] == '"' || p->s[i] == '(')
			end = p->s[i] == '"' ? skip_quoted(p->s, p->n, i, '"') : skip_comment(p->s, p->n, i);
		else if (p->s[i] == '<' && !lt)
			lt = p->s + i;
		else if (p->s[i] == '>' && lt && !gt)
			gt = p->s + i;
		if (end)
			i = end - 1;
	}
	if (lt && gt) {
		char *d = clean(p->s, (size_t)(lt - p->s), false);

		if (d && *d)
			a->display = decode_encoded_words(d);
		free(d);
		const char *in = lt + 1;
		size_t in_n = (size_t)(gt - in);
		const char *colon = memchr(in, ':', in_n); /* obsolete route "@a,@b:" */

		if (colon && in_n && in[0] == '@') {
			in_n -= (size_t)(colon + 1 - in);
			in = colon + 1;
		}
		spec = clean(in, in_n, true);
	} else {
		spec = clean(p->s, p->n, true);
	}
	if (!spec)
		return mc_error_set(MC_ENOMEM, "out of memory");
	/* the last '@' outside quotes splits local part and domain */
	at = NULL;
	for (char *c = spec; *c; c++) {
		if (*c == '"') {
			size_t end = skip_quoted(spec, strlen(spec), (size_t)(c - spec), '"');

			c = end ? spec + end - 1 : c + strlen(c) - 1;
		} else if (*c == '@') {
			at = c;
		}
	}
	if (at) {
		*at = '\0';
		a->domain = mc_dns_name_fold(at + 1);
		for (char *c = a->domain; c && *c; c++)
			if (*c == ' ')
				memmove(c, c + 1, strlen(c));
	}
	a->local = mc_strdup(spec);
	free(spec);
	return MC_OK;
}

mc_status mc_address_list_parse(const char *value, size_t len, mc_address_list *out)
{
	struct piece *pieces = NULL; /* filled in order */
	size_t n = 0;
	mc_status st;

	memset(out, 0, sizeof(*out));
	st = split(value, len, &pieces, &n);
	for (size_t i = 0; st == MC_OK && i < n; i++) {
		mc_address a = {0};

		if (blank(pieces[i].s, pieces[i].n))
			continue; /* empty list element or empty group */
		st = mailbox(&pieces[i], &a);
		if (st == MC_OK && pieces[i].group)
			a.group = clean(pieces[i].group, pieces[i].group_len, false);
		size_t cap = out->n;

		if (st == MC_OK && mc_grow(&out->items, &cap, out->n + 1, sizeof(a)) < 0)
			st = mc_error_set(MC_ENOMEM, "out of memory");
		if (st == MC_OK)
			out->items[out->n++] = a;
	}
	free(pieces);
	if (st != MC_OK)
		mc_address_list_clear(out);
	return st;
}

void mc_address_list_clear(mc_address_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i].display);
		free(list->items[i].local);
		free(list->items[i].domain);
		free(list->items[i].group);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* *why: English, marked for the catalogue (a caller translates it). */
char *mc_message_from_domain(const mc_message *msg, const char **why)
{
	size_t i = 0, headers = mc_message_count(msg, "From");
	const mc_header *h = mc_message_find(msg, "From", &i);
	mc_address_list l = {0};
	char *d = NULL;

	*why = NULL;
	if (headers != 1)
		*why = headers ? N_("several From header fields") : N_("no From header field");
	else if (mc_address_list_parse(h->value, h->value_len, &l) != MC_OK)
		*why = N_("a From header field that cannot be parsed");
	else if (l.n != 1)
		*why = l.n ? N_("several addresses in From") : N_("no address in From");
	else if (!l.items[0].domain || !*l.items[0].domain)
		*why = N_("a From address without a domain");
	/* RFC 6532 3.2: a UTF-8 domain; DMARC asks its A-labels (RFC 8616 5) */
	else if (mc_domain_to_ascii(l.items[0].domain, &d) != MC_OK)
		*why = N_("a From domain that is not a valid international domain name");
	mc_address_list_clear(&l);
	return d;
}
