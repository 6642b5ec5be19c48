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
	       isdigit((unsigned char)s[i + 2]) && (isspace((unsigned char)s[i + 3]) || s[i + 3] == '-') &&
	       (i == 0 || !isalnum((unsigned char)s[i - 1]));
}

/* The line around position i, trimmed, at most 300 bytes. */
static char *line_at(const char *s, size_t n, size_t i)
{
	size_t a = i, b = i;
	mc_buf line = {0};

	while (a > 0 && s[a - 1] != '\n')
		a--;
	bool wraps = a < n && !isspace((unsigned char)s[a]); /* a line at column 0 ... */

	while (a < n && isspace((unsigned char)s[a]) && s[a] != '\n')
		a++;
	for (;;) {
		while (b < n && s[b] != '\n' && s[b] != '\r')
			b++;
		mc_buf_addf(&line, "%s%.*s", line.len ? " " : "", (int)(b - a), s + a);
		/* ... goes on in the indented lines under it (Postfix wraps its
		 * replies: "said: 450\n    try again later") */
		b += b < n && s[b] == '\r';
		if (!wraps || b + 1 >= n || (s[b + 1] != ' ' && s[b + 1] != '\t') || line.len > 300)
			break;
		a = b + 1;
		while (a < n && (s[a] == ' ' || s[a] == '\t'))
			a++;
		if (a >= n || s[a] == '\n' || s[a] == '\r')
			break;
		b = a;
	}
	if (line.s && line.len > 300)
		line.s[300] = '\0';
	return line.s ? mc_buf_take(&line) : mc_strdup("");
}

/* Is position i in a header field of a quoted original (a Received line and
 * its continuation, Date, Message-ID, DKIM-Signature, X-...)? Its numbers are
 * no reply. Diagnostic-Code and Status lines are not among them. */
static bool in_quoted_header(const char *s, size_t i)
{
	static const char *const names[] = {
		"Received", "Date", "Message-ID", "DKIM-Signature", "ARC-Seal",
		"ARC-Message-Signature", "ARC-Authentication-Results", "Authentication-Results",
		"Received-SPF", "Return-Path", "References", "In-Reply-To", "MIME-Version",
		"Content-Type", "Content-Transfer-Encoding", "Subject", "From", "To", "Cc",
		"Sender", "Reply-To", "List-", "Thread-", "X-", NULL};
	size_t a = i, len, floor = i > 4096 ? i - 4096 : 0;

	for (;;) { /* the start of the line, then of the field it continues (a field
	            * of more than 4 KiB before i is no header line of a bounce) */
		while (a > floor && s[a - 1] != '\n')
			a--;
		if (a == floor && a > 0)
			return false;
		if (a == 0 || (s[a] != ' ' && s[a] != '\t'))
			break;
		a--;
	}
	for (len = 0; a + len < i && s[a + len] != ':' && !isspace((unsigned char)s[a + len]); len++)
		;
	if (a + len >= i || s[a + len] != ':')
		return false;
	for (const char *const *p = names; *p; p++) {
		size_t k = strlen(*p);

		if ((*p)[k - 1] == '-' ? len > k && !strncasecmp(s + a, *p, k)
		                       : len == k && !strncasecmp(s + a, *p, k))
			return true;
	}
	return false;
}

/* Is the line [ls, e) in a quoted header field? A line that continues a
 * field (it starts with space or tab) is what the line before it was,
 * *prev (-1: not known); the answer is kept in *prev for the next line, so
 * that a run of continuation lines is never walked back over. */
static bool line_quoted(const char *s, size_t n, size_t ls, size_t e, int *prev)
{
	bool q = ls < n && (s[ls] == ' ' || s[ls] == '\t') && *prev >= 0
	         ? *prev == 1 : in_quoted_header(s, e);

	*prev = q;
	return q;
}

/*
 * What MTAs that write no code say instead (Exchange 2003 "The recipient
 * name is not recognized", Domino "not listed in Domino Directory", IMail
 * "Unknown user", KDDI and BIGLOBE "mailbox is full", expiry notices). A
 * phrase gives the reply's line, never a status: a status is read only
 * where the message writes one.
 */
static const char *const failure_phrases[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox", "no such recipient",
	"unknown recipient", "recipient name is not recognized", "not listed in", "not found",
	"does not exist", "doesn't exist", "invalid recipient", "invalid mailbox",
	"mailbox unavailable", "mailbox is full", "mailbox full", "over quota",
	"insufficient storage", "exceeds", "exceeded", "size limit", "host unknown",
	"unknown host", "unrouteable", "no route to host", "connection refused", "timed out",
	"expired", "retry time", "too long in queue", "queue too long", "giving up",
	"could not be delivered for", "message too large", "message is too big", "refused",
	"rejected", "blocked", "suspended", "disabled", "locked", "not accepting mail",
	"network error", "name service error", "not reachable", "unreachable",
	"unable to connect", "not responding", "no mx record", "doesn't have a",
	"does not have a", "malformed", "invalid final delivery", "did not receive",
	"not delivered within", "failure reason",
	/* in Japanese: not found, does not exist, not in the list, capacity
	 * (a full mailbox), refused */
	"見つかりません", "存在しません", "リストにありません", "容量", "拒否", NULL};
/* ... and the sentences that only say that it failed, for whom: the reply
 * when no line says why */
static const char *const failure_intros[] = {
	"could not be delivered to", "was not delivered to", "error delivering your mail to",
	"could not deliver", "delivery to the following recipient", "delivery failed",
	"delivery has failed", "undeliverable to",
	"送信できませんでした", "配信できませんでした", "送信に失敗しました", NULL};

static bool line_says(const char *s, size_t i, size_t e, const char *const *phrases, size_t *at)
{
	for (const char *const *p = phrases; *p; p++) {
		const char *m = bounce_strcasestr_n(s + i, e - i, *p);

		if (m) {
			*at = (size_t)(m - s);
			return true;
		}
	}
	return false;
}

/* The first line in s[from..to) that says why delivery failed in words, else
 * the first that says for whom it failed. */
static bool phrase_line(const char *s, size_t n, size_t from, size_t to, size_t *at)
{
	for (int pass = 0; pass < 2; pass++) {
		int prev = -1;

		for (size_t i = from; i < to && i < n;) {
			const char *nl = memchr(s + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - s) : n;

			if (!line_quoted(s, n, i, e, &prev) &&
			    line_says(s, i, e, pass ? failure_intros : failure_phrases, at))
				return true;
			i = e + 1;
		}
	}
	return false;
}

/* The reply that follows a recipient's mention, up to end: its status and
 * its line; without a code, the first line that says why in words. */
static void reply_after(const char *s, size_t n, size_t from, size_t end, mc_bounce_rcpt *r,
                        bool words)
{
	int prev = -1;     /* line_quoted's memory */
	size_t line_e = 0; /* where the current line ends: past it, a new line */

	for (size_t i = from; i < end && i < n; i++) {
		char *st;

		if (i >= line_e || i == from) { /* a line: skipped whole when quoted */
			const char *nl = memchr(s + i, '\n', n - i);

			line_e = nl ? (size_t)(nl - s) + 1 : n;
			if (line_quoted(s, n, i, line_e > i ? line_e - 1 : i, &prev)) {
				i = line_e - 1;
				continue;
			}
		}

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
	size_t at;

	if (words && phrase_line(s, n, from, end < from + 1000 ? end : from + 1000, &at))
		r->diagnostic = line_at(s, n, at);
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

/* Past the label some MTAs put before a recipient at a line's start:
 * Sendmail's ">>> ", Mimecast's "-- ", "Recipient: " (EZweb), a list's "* ". */
static size_t after_label(const char *s, size_t n, size_t p)
{
	static const char *const labels[] = {">>>", "--", "* ", "Recipient:", "Recipient address:",
	                                     "Failed recipient:", NULL};

	for (const char *const *l = labels; *l; l++) {
		size_t k = strlen(*l);

		if (p + k < n && !strncasecmp(s + p, *l, k)) {
			p += k;
			while (p < n && (s[p] == ' ' || s[p] == '\t'))
				p++;
			return p;
		}
	}
	return p;
}

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
		if (line_start)
			p = after_label(s, n, p);
		if (line_start && p < n && s[p] == '<') {
			p++;
		} else if (line_start && p < n && !isspace((unsigned char)s[p]) &&
		           (a = address_at(s, n, p, &end))) {
			/* a bare address: alone on its line, or before ':' */
			size_t q = end;

			while (q < n && (s[q] == ' ' || s[q] == '\t'))
				q++;
			bool alone = q >= n || s[q] == '\r' || s[q] == '\n' || s[q] == ':' ||
			             (q + 3 < n && !strncmp(s + q, "on ", 3)) || /* Exchange 2003 */
			             s[q] == '<' || /* Sendmail: ">>> a@b <a@b>" */
			             s[q] == '('; /* GroupWise: "a@b (user not found)" */

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

const char *bounce_strcasestr_n(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i = 0;
	int lo = tolower((unsigned char)needle[0]), up = toupper((unsigned char)needle[0]);
	const char *next_lo = s, *next_up = up == lo ? NULL : s; /* NULL: no more */

	if (k == 0 || k > n)
		return k == 0 ? s : NULL;
	/* the candidates are where its first letter stands, in either case:
	 * memchr() finds them, each case searched again only once its last
	 * candidate is behind, and never again once it has none left */
	while (i + k <= n) {
		const char *p;

		if (next_lo && next_lo < s + i + (i == 0))
			next_lo = memchr(s + i, lo, n - k + 1 - i);
		if (next_up && next_up < s + i + (i == 0))
			next_up = memchr(s + i, up, n - k + 1 - i);
		p = up == lo || !next_up ? next_lo : !next_lo ? next_up : next_lo < next_up ? next_lo
		                                                                          : next_up;
		if (!p)
			return NULL;
		if (!strncasecmp(p, needle, k))
			return p;
		i = (size_t)(p - s) + 1;
	}
	return NULL;
}

/* Where the line holding position i ends (after its newline). */
static size_t line_end(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);

	return nl ? (size_t)(nl - s) + 1 : n;
}

/* The reason in words on the (at most three) lines above the line of a
 * recipient's mention at `at`, not before `floor`: "User not listed in
 * public Name & Address Book" then the address. */
static void reply_before(const char *s, size_t n, size_t at, size_t floor, mc_bounce_rcpt *r)
{
	size_t line = at, from;

	while (line > 0 && s[line - 1] != '\n')
		line--;
	from = line;
	for (int k = 0; k < 3 && from > floor; k++) {
		from--;
		while (from > floor && s[from - 1] != '\n')
			from--;
	}
	if (from < line)
		reply_after(s, n, from, line, r, true);
}

/* Recipients named on the line that says why in words, when no line heads
 * a report with an address: each such line with an address, the address
 * its recipient and the line its reply. */
static void phrase_recipients(const char *s, size_t n, mc_bounce_result *out)
{
	int prev = -1;

	for (size_t a = 0, e, end, at; a < n; a = e + 1) {
		const char *nl = memchr(s + a, '\n', n - a);

		e = nl ? (size_t)(nl - s) : n;
		if (line_quoted(s, n, a, e, &prev) || (!line_says(s, a, e, failure_phrases, &at) &&
		                                       !line_says(s, a, e, failure_intros, &at)))
			continue;
		/* an address within the line's first 4 KiB (a reason line is short) */
		for (size_t j = a; j < e && j < a + 4096; j++) {
			char *addr = (j == a || !(isalnum((unsigned char)s[j - 1]) || s[j - 1] == '.' ||
			                          s[j - 1] == '-' || s[j - 1] == '_' || s[j - 1] == '+' ||
			                          s[j - 1] == '@'))
			             ? address_at(s, n, j, &end) : NULL;

			if (!addr)
				continue;
			/* a postmaster is a recipient where the line says the mail to it
			 * failed ("... delivering your mail to <postmaster@x>"), not where
			 * the report names whom to ask */
			if ((skip_address(addr) && !line_says(s, a, e, failure_intros, &at)) || end > e) {
				free(addr);
				continue;
			}
			bool seen = false;

			for (size_t k = 0; k < out->n_rcpts && !seen; k++)
				seen = out->rcpts[k].recipient && !strcasecmp(out->rcpts[k].recipient, addr);
			if (seen) {
				free(addr);
				break;
			}
			mc_bounce_rcpt r = {.recipient = addr};

			/* its code: on the line, or in the 600 bytes after it up to a line
			 * that names another address ("... to <a@b>." then "550 5.2.1 ...") */
			size_t stop = e;

			while (stop < n && stop < e + 600) {
				const char *l = memchr(s + stop + 1, '\n', n - stop - 1);
				size_t next = l ? (size_t)(l - s) : n;
				const char *other = memchr(s + stop, '@', next - stop);

				if (other && !memmem(s + stop, next - stop, addr, strlen(addr)))
					break;
				stop = next;
			}
			reply_after(s, n, a, stop < n ? stop : n, &r, true);
			add(out, &r);
			break;
		}
	}
}

/* The recipient a text names apart from its reply: "RCPT TO: a@b" in the
 * message details (Verizon), else the To field of the quoted original when
 * it holds one address. NULL when neither does. */
static char *named_anywhere(const char *s, size_t n)
{
	static const char *const marks[] = {"RCPT TO:", "\nTo:"};
	size_t end;

	for (size_t m = 0; m < 2; m++) {
		const char *p = bounce_strcasestr_n(s, n, marks[m]);

		if (!p)
			continue;
		size_t i = (size_t)(p - s) + strlen(marks[m]), e = line_end(s, n, i);

		while (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '<'))
			i++;
		/* To: may carry a display name: the address in its angle brackets */
		const char *lt = memchr(s + i, '<', e - i);

		if (m == 1 && lt)
			i = (size_t)(lt - s) + 1;
		char *a = address_at(s, n, i, &end);

		if (a && !skip_address(a) && (m == 0 || !memchr(s + end, '@', e - end)))
			return a;
		free(a);
	}
	return NULL;
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

				reply_after(s, n, m ? (size_t)(m - s) : 0, n, &r, true);
				if (!r.status && !r.diagnostic) /* named elsewhere: the report's reply */
					reply_after(s, n, 0, n, &r, false);
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

		reply_after(s, n, a[i].at, i + 1 < k ? a[i + 1].at : n, &r, true);
		if (!r.status && !r.diagnostic) /* Notes, EZweb: the reason on the lines above */
			reply_before(s, n, a[i].at, i ? line_end(s, n, a[i - 1].at) : 0, &r);
		/* an address without a reply after it is no failed recipient */
		if (!r.status && !r.diagnostic) {
			free(r.recipient);
			continue;
		}
		add(out, &r);
	}
	if (!out->n_rcpts) /* "Unknown user: a@b", "User x (a@b) not listed in ..." */
		phrase_recipients(s, n, out);
	if (!out->n_rcpts) { /* no recipient heads the reply: the reply by its code */
		mc_bounce_rcpt r = {.recipient = named_anywhere(s, n)};

		reply_after(s, n, 0, n, &r, false);
		if (r.status || r.diagnostic)
			add(out, &r);
		else
			free(r.recipient);
	}
}

void bounce_reply_for(const char *s, size_t n, mc_bounce_rcpt *r)
{
	/* an empty text part holds no bytes (NULL): nothing to find */
	const char *m = r->recipient && s ? memmem(s, n, r->recipient, strlen(r->recipient)) : NULL;
	mc_bounce_rcpt found = {0};

	if (!m)
		return;
	reply_after(s, n, (size_t)(m - s), n < (size_t)(m - s) + 2000 ? n : (size_t)(m - s) + 2000,
	            &found, true);
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
