/*
 * Non-standard bounces, read from their text: about 44% of real bounces are
 * not RFC 3464 reports (qmail "<addr>:" then "Remote host said: 550 ...",
 * Exim "SMTP error from remote mail server after RCPT TO:<addr>: 550 ...",
 * Sendmail "<<< 550 5.1.1 <addr>... User unknown", Exchange "Remote Server
 * returned '550 5.1.1 ...'", X-Failed-Recipients). Recipients are the
 * addresses that head a report (in angle brackets at a line's start, after
 * RCPT TO:, or the X-Failed-Recipients list); each gets the first reply
 * after it. Everything is bounded by the text it reads.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounce/internal.h"
#include "common/util.h"

/* RFC 3463 2: class "." subject "." detail; the classes are 2, 4 and 5, the
 * subjects registered with IANA 0-7, a detail 1-3 digits. */
bool bounce_is_status(const char *s, size_t n)
{
	size_t d = 0;

	if (n < 5 || n > 7 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' ||
	    s[2] < '0' || s[2] > '7' || s[3] != '.')
		return false;
	while (4 + d < n && isdigit((unsigned char)s[4 + d]))
		d++;
	return d >= 1 && 4 + d == n;
}

/* A character that joins what is around it into one token: a status code
 * next to one is part of an address, a host name, a path or a number. */
static bool joins(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '@' || c == '/' ||
	       c == '_';
}

/* The length of the status code standing alone at s[i] (0: none): nothing
 * that joins before it, and no more digits, dots or letters after it than a
 * sentence's full stop -- "[209.85.244.200]" and "5.1.1.2" hold none. */
static size_t status_at(const char *s, size_t n, size_t i)
{
	size_t len = 0;

	if (i > 0 && joins(s[i - 1]))
		return 0;
	while (i + len < n && len < 8 && (isdigit((unsigned char)s[i + len]) || s[i + len] == '.'))
		len++;
	if (len && s[i + len - 1] == '.' && (i + len == n || !joins(s[i + len])))
		len--; /* "... 5.1.1." */
	if (i + len < n && joins(s[i + len]))
		return 0;
	return bounce_is_status(s + i, len) ? len : 0;
}

char *bounce_find_status_in(const char *s, size_t n, size_t from, size_t to)
{
	for (size_t i = from; i < to && i + 5 <= n; i++) {
		size_t len = (s[i] == '2' || s[i] == '4' || s[i] == '5') ? status_at(s, n, i) : 0;

		if (len && i + len <= to)
			return mc_strndup(s + i, len);
	}
	return NULL;
}

char *bounce_find_status(const char *s, size_t n)
{
	return bounce_find_status_in(s, n, 0, n);
}

/* An SMTP reply code (RFC 5321 4.2: 2yz-5yz) standing alone at s[i]. */
static bool reply_code(const char *s, size_t n, size_t i)
{
	return i + 3 < n && (s[i] == '4' || s[i] == '5') && isdigit((unsigned char)s[i + 1]) &&
	       isdigit((unsigned char)s[i + 2]) && (s[i + 3] == ' ' || s[i + 3] == '-') &&
	       (i == 0 || !isalnum((unsigned char)s[i - 1]));
}

/* The line around position i, trimmed, at most 300 bytes. */
static char *line_at(const char *s, size_t n, size_t i)
{
	size_t a = i, b = i;

	while (a > 0 && s[a - 1] != '\n')
		a--;
	while (b < n && s[b] != '\n' && s[b] != '\r')
		b++;
	while (a < b && isspace((unsigned char)s[a]))
		a++;
	if (b - a > 300)
		b = a + 300;
	return mc_strndup(s + a, b - a);
}

/* The reply that follows a recipient's mention, up to end: its status and
 * its line. */
static void reply_after(const char *s, size_t n, size_t from, size_t end, mc_bounce_rcpt *r)
{
	for (size_t i = from; i < end && i < n; i++) {
		char *st;

		if (reply_code(s, n, i) || ((s[i] == '4' || s[i] == '5') && i + 1 < n &&
		                             s[i + 1] == '.')) {
			size_t stop = end < n ? end : n;

			st = bounce_find_status_in(s, n, i, stop - i < 400 ? stop : i + 400);
			if (!st && !reply_code(s, n, i))
				continue;
			r->status = st;
			r->diagnostic = line_at(s, n, i);
			return;
		}
	}
}

static bool skip_address(const char *a)
{
	return !strncasecmp(a, "postmaster@", 11) || !strncasecmp(a, "mailer-daemon@", 14) ||
	       !strncasecmp(a, "MAILER-DAEMON", 13);
}

/* An address at s[i] ("local@domain" up to a delimiter), malloc'd. */
static char *address_at(const char *s, size_t n, size_t i, size_t *end)
{
	size_t a = i, at = 0;

	while (a < n && a - i < 320 && !isspace((unsigned char)s[a]) && s[a] != '>' &&
	       s[a] != '<' && s[a] != '"' && s[a] != ',' && s[a] != ';' && s[a] != '(' &&
	       s[a] != ')') {
		if (s[a] == '@')
			at = a;
		a++;
	}
	while (a > i && (s[a - 1] == '.' || s[a - 1] == ':'))
		a--;
	if (!at || at == i || at + 1 >= a)
		return NULL;
	*end = a;
	return mc_strndup(s + i, a - i);
}

struct anchor {
	size_t at;
	char *addr;
};

#define MAX_ANCHORS 100

/* Recipients' mentions: "<addr>" at a line's start (qmail, Postfix), an
 * address alone or before ':' at a line's start (Exim's indented list,
 * OpenSMTPD's "addr: 550 ..."), "RCPT TO:<addr>" (Exim, Sendmail). */
static size_t anchors(const char *s, size_t n, struct anchor *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < MAX_ANCHORS; i++) {
		bool line_start = i == 0 || s[i - 1] == '\n';
		size_t p = i, end;
		char *a;

		while (line_start && p < n && (s[p] == ' ' || s[p] == '\t'))
			p++;
		if (line_start && p < n && s[p] == '<') {
			p++;
		} else if (line_start && p < n && !isspace((unsigned char)s[p]) &&
		           (a = address_at(s, n, p, &end))) {
			/* a bare address: alone on its line, or before ':' */
			size_t q = end;

			while (q < n && (s[q] == ' ' || s[q] == '\t'))
				q++;
			bool alone = q >= n || s[q] == '\r' || s[q] == '\n' || s[q] == ':';

			free(a);
			if (!alone)
				continue;
		} else if (i + 8 < n && !strncasecmp(s + i, "RCPT TO:", 8)) {
			p = i + 8;
			while (p < n && (s[p] == ' ' || s[p] == '<'))
				p++;
		} else {
			continue;
		}
		if (!(a = address_at(s, n, p, &end)))
			continue;
		if (skip_address(a) || (k && !strcasecmp(out[k - 1].addr, a))) {
			free(a);
			continue;
		}
		out[k].at = end;
		out[k++].addr = a;
		i = end;
	}
	return k;
}

static void add(mc_bounce_result *out, mc_bounce_rcpt *r)
{
	size_t cap = out->n_rcpts;

	if (!r->action)
		r->action = mc_strdup(r->status && r->status[0] == '4' ? "delayed" : "failed");
	if (out->n_rcpts < MC_BOUNCE_MAX_RECIPIENTS &&
	    mc_grow(&out->rcpts, &cap, out->n_rcpts + 1, sizeof(*r)) == 0)
		out->rcpts[out->n_rcpts++] = *r;
	else
		bounce_rcpt_clear(r);
}

void bounce_read_text(const char *s, size_t n, const char *failed, mc_bounce_result *out)
{
	struct anchor a[MAX_ANCHORS];
	size_t k;

	if (!s) /* an empty part holds no bytes: memmem() must not see NULL */
		s = "", n = 0;
	if (n > MC_BOUNCE_MAX_BYTES)
		n = MC_BOUNCE_MAX_BYTES;
	if (failed && *failed) { /* Exim: X-Failed-Recipients: a@x, b@y */
		for (const char *p = failed; *p && out->n_rcpts < MC_BOUNCE_MAX_RECIPIENTS;) {
			size_t l = strcspn(p, ", \t"), end;
			char *addr = l ? address_at(p, l, 0, &end) : NULL;

			if (addr) {
				mc_bounce_rcpt r = {.recipient = addr};
				const char *m = memmem(s, n, addr, strlen(addr));

				reply_after(s, n, m ? (size_t)(m - s) : 0, n, &r);
				if (!r.status && !r.diagnostic) /* named elsewhere: the report's reply */
					reply_after(s, n, 0, n, &r);
				add(out, &r);
			}
			p += l;
			p += strspn(p, ", \t");
		}
		return;
	}
	k = anchors(s, n, a);
	for (size_t i = 0; i < k; i++) {
		mc_bounce_rcpt r = {.recipient = a[i].addr};

		reply_after(s, n, a[i].at, i + 1 < k ? a[i + 1].at : n, &r);
		/* an address without a reply after it is no failed recipient */
		if (!r.status && !r.diagnostic) {
			free(r.recipient);
			continue;
		}
		add(out, &r);
	}
	if (!out->n_rcpts) { /* no recipient named: the reply alone */
		mc_bounce_rcpt r = {0};

		reply_after(s, n, 0, n, &r);
		if (r.status || r.diagnostic)
			add(out, &r);
	}
}

void bounce_reply_for(const char *s, size_t n, mc_bounce_rcpt *r)
{
	const char *m = r->recipient ? memmem(s, n, r->recipient, strlen(r->recipient)) : NULL;
	mc_bounce_rcpt found = {0};

	if (!m)
		return;
	reply_after(s, n, (size_t)(m - s), n < (size_t)(m - s) + 2000 ? n : (size_t)(m - s) + 2000,
	            &found);
	/* the server's reply says more than a generic or missing Status */
	if (found.status && (!r->status || (found.status[0] == r->status[0] &&
	                                    !strcmp(r->status + 1, ".0.0")))) {
		free(r->status);
		r->status = found.status;
		found.status = NULL;
	}
	if (!r->diagnostic && found.diagnostic) {
		r->diagnostic = found.diagnostic;
		found.diagnostic = NULL;
	}
	bounce_rcpt_clear(&found);
}
