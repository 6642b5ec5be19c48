/*
 * Received headers (RFC 5321 4.4) as real MTAs write them: Postfix,
 * Sendmail, Exim, qmail, OpenSMTPD, Microsoft Exchange / Outlook.com, Gmail,
 * Amavis and other content filters, local submission.
 *
 * The value is cut at its last top-level ';' (the date), then split into
 * clauses at the keywords from / by / via / with / id / for, outside
 * parentheses, brackets and angle brackets. Parenthesised comments belong
 * to the clause before them and are where MTAs put the reverse name and
 * address, HELO, TLS and "from userid". Anything not understood is kept
 * raw in `unparsed`, never an error.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/trace.h"

#define MAX_TOKENS 256

enum clause { C_NONE, C_FROM, C_BY, C_VIA, C_WITH, C_ID, C_FOR };

struct token {
	const char *s;
	size_t n;
	bool comment;      /* (...) -- s/n without the parentheses */
	enum clause clause;
};

static enum clause keyword(const struct token *t)
{
	static const char *const words[] = {"from", "by", "via", "with", "id", "for"};

	if (t->comment)
		return C_NONE;
	if (t->n < 2 || t->n > 4)
		return C_NONE;
	for (int i = 0; i < 6; i++)
		if ((t->s[0] | 0x20) == words[i][0] && t->n == strlen(words[i]) &&
		    strncasecmp(t->s, words[i], t->n) == 0)
			return (enum clause)(i + 1);
	return C_NONE;
}

/* Split into words and comments; returns the count. */
static size_t tokenize(const char *s, size_t len, struct token *tok)
{
	size_t n = 0, i = 0;

	while (i < len && n < MAX_TOKENS) {
		size_t start;

		/* OpenSMTPD ends its clauses with ';' too: a separator, as space */
		while (i < len && (isspace((unsigned char)s[i]) || s[i] == ';'))
			i++;
		if (i >= len)
			break;
		start = i;
		if (s[i] == '(') {
			int depth = 0;

			for (; i < len; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0)
					break;
			}
			tok[n++] = (struct token){s + start + 1, (i < len ? i : len) - start - 1, true, 0};
			i++;
			continue;
		}
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != '(' && s[i] != ';') {
			char close = s[i] == '[' ? ']' : s[i] == '<' ? '>' : 0;

			if (close) {
				const char *end = memchr(s + i, close, len - i);

				i = end ? (size_t)(end - s) : len - 1;
			}
			i++;
		}
		tok[n++] = (struct token){s + start, i - start, false, 0};
	}
	return n;
}

static char *dup_token(const struct token *t)
{
	size_t n = t->n;
	const char *s = t->s;

	if (n >= 2 && ((s[0] == '<' && s[n - 1] == '>') || (s[0] == '[' && s[n - 1] == ']'))) {
		s++;
		n -= 2;
	}
	while (n && (s[n - 1] == ';' || s[n - 1] == '.' || s[n - 1] == ','))
		n--; /* "mx.google.com." and trailing separators */
	return mc_strndup(s, n);
}

/* An IP address in text: "[192.0.2.1]", "[IPv6:2001:db8::1]", "192.0.2.1". */
static char *find_ip(const char *s, size_t n)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned char b[16];

	for (size_t i = 0; i < n; i++) {
		size_t k = i, len;

		if (s[i] == '[')
			k = i + 1;
		else if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '.'))
			continue;
		if (n - k >= 5 && strncasecmp(s + k, "IPv6:", 5) == 0)
			k += 5;
		for (len = 0; k + len < n && len < INET6_ADDRSTRLEN &&
		     (isxdigit((unsigned char)s[k + len]) || s[k + len] == ':' || s[k + len] == '.');
		     len++)
			;
		while (len && s[k + len - 1] == '.')
			len--;
		if (len < 2)
			continue;
		memcpy(buf, s + k, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET, buf, b) == 1 || inet_pton(AF_INET6, buf, b) == 1)
			return mc_strdup(buf);
	}
	return NULL;
}

static bool has_ip(const char *s, size_t n)
{
	char *ip = find_ip(s, n);

	free(ip);
	return ip != NULL;
}

static bool starts(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	return t->n >= n && strncasecmp(t->s, word, n) == 0;
}

static bool contains(const struct token *t, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= t->n; i++)
		if ((t->s[i] | 0x20) == (word[0] | 0x20) && strncasecmp(t->s + i, word, n) == 0)
			return true;
	return false;
}

/* The word after "key" or "key=" inside a comment (HELO, helo=, envelope-from). */
static char *after(const struct token *t, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i + n < t->n; i++) {
		if ((t->s[i] | 0x20) != (key[0] | 0x20) || strncasecmp(t->s + i, key, n) != 0 ||
		    (i && isalnum((unsigned char)t->s[i - 1])))
			continue;
		size_t k = i + n, e;

		while (k < t->n && (t->s[k] == ' ' || t->s[k] == '=' || t->s[k] == '<'))
			k++;
		for (e = k; e < t->n && !isspace((unsigned char)t->s[e]) && t->s[e] != '>' &&
		     t->s[e] != ')' && t->s[e] != ','; e++)
			;
		if (e > k)
			return mc_strndup(t->s + k, e - k);
	}
	return NULL;
}

static void set(char **field, char *value)
{
	if (!*field)
		*field = value;
	else
		free(value);
}

/* A comment of the from clause: reverse name, address, HELO, local marks. */
static void from_comment(mc_received *r, const struct token *t)
{
	char *helo = after(t, "helo");

	if (helo) { /* qmail "(HELO x)", Exim "(helo=x)": the token before was the rDNS */
		if (r->from && !r->from_rdns && strcmp(r->from, "unknown") != 0)
			r->from_rdns = mc_strdup(r->from);
		free(r->from);
		r->from = helo;
	}
	set(&r->ip, find_ip(t->s, t->n));
	if (contains(t, "from userid") || contains(t, "invoked by uid"))
		r->local = true;
	if (starts(t, "using TLS") || contains(t, "TLSv1"))
		set(&r->tls, mc_strndup(t->s, t->n));
	if (!r->from_rdns && !helo && t->n && isalnum((unsigned char)t->s[0])) {
		size_t e = 0;

		while (e < t->n && !isspace((unsigned char)t->s[e]) && t->s[e] != '[')
			e++;
		while (e > 0 && t->s[e - 1] == '.')
			e--; /* "mail-sor-f41.google.com." */
		char *word = mc_strndup(t->s, e);

		if (word && strchr(word, '.') && !has_ip(word, strlen(word)))
			r->from_rdns = word;
		else
			free(word);
	}
}

/* Comments anywhere: envelope-from, TLS, local submission marks. */
static void any_comment(mc_received *r, const struct token *t)
{
	set(&r->envelope_from, after(t, "envelope-from"));
	if (contains(t, "from userid") || contains(t, "/Submit") || contains(t, "invoked by uid"))
		r->local = true;
	if (r->tls == NULL && (contains(t, "version=TLS") || starts(t, "TLS") ||
	                       contains(t, "Transport Security")))
		r->tls = mc_strndup(t->s, t->n);
}

/* Append a word to a clause's value: "with Microsoft SMTP Server",
 * "with InterScan Messaging Security Suite", "via Frontend Transport". */
static void join(char **field, const struct token *t)
{
	char *w = *field ? mc_asprintf("%s %.*s", *field, (int)t->n, t->s) : dup_token(t);

	if (w) {
		free(*field);
		*field = w;
	}
}

static bool is_bracketed_ip(const struct token *t)
{
	return t->n > 2 && t->s[0] == '[' && has_ip(t->s, t->n);
}

static void word_in_clause(mc_received *r, enum clause c, const struct token *t, mc_buf *rest,
                           bool first)
{
	char **field[] = {[C_BY] = &r->by, [C_VIA] = &r->via, [C_ID] = &r->id,
	                  [C_FOR] = &r->for_addr};

	if (c == C_FROM && first) {
		char *v = dup_token(t), *ip = v ? find_ip(v, strlen(v)) : NULL;

		if (ip && (t->s[0] == '[' || !strchr(v, '-'))) { /* "[192.0.2.1]", "[IPv6:...]" */
			set(&r->ip, ip);
			free(v);
		} else {
			set(&r->from, v);
			free(ip);
		}
	} else if (c == C_FROM && is_bracketed_ip(t)) {
		set(&r->ip, find_ip(t->s, t->n)); /* Exim 3, others: "from name [192.0.2.1]" */
	} else if (c == C_WITH) {
		if (t->n == 3 && strncasecmp(t->s, "tls", 3) == 0)
			;
		else if (r->with && strncasecmp(r->with, "esmtp", 5) == 0 && starts(t, "TLS_"))
			set(&r->tls, dup_token(t)); /* Exim: "with esmtps (TLS1.3) tls TLS_AES..." */
		else
			join(&r->with, t); /* "MailEnable ESMTP", "Internet Mail Service" */
	} else if (c == C_VIA && !first) {
		join(&r->via, t); /* Microsoft: "via Frontend Transport" */
	} else if (c == C_BY && !first && is_bracketed_ip(t)) {
		; /* the receiving host's own address: "by r0.example.com [192.0.2.55]" */
	} else if (c == C_BY && !first && strcasecmp(r->by ? r->by : "", "host") == 0) {
		free(r->by); /* indimail: "by host mail.example.jp" */
		r->by = dup_token(t);
	} else if (c == C_BY && !first && r->by && !strchr(r->by, '.') && !memchr(t->s, '.', t->n)) {
		join(&r->by, t); /* a program, not a host: "by OpenMail Mailer" */
	} else if (first && c != C_NONE && c != C_FROM) {
		set(field[c], dup_token(t));
	} else {
		mc_buf_addf(rest, "%s%.*s", rest->len ? " " : "", (int)t->n, t->s);
	}
}

static void interpret(mc_received *r, struct token *tok, size_t n)
{
	enum clause c = C_NONE;
	bool first = false;
	mc_buf rest = {0};

	for (size_t i = 0; i < n; i++) {
		enum clause k = keyword(&tok[i]);

		if (k != C_NONE && !(k == C_FOR && c == C_FOR)) {
			c = k;
			first = true;
			continue;
		}
		if (tok[i].comment) {
			if (c == C_FROM)
				from_comment(r, &tok[i]);
			any_comment(r, &tok[i]);
			if (c == C_NONE && (starts(&tok[i], "from ") || starts(&tok[i], "qmail")))
				r->local |= !contains(&tok[i], "invoked from network");
			continue;
		}
		if (c == C_BY && !first && i + 3 < n && tok[i].n == 4 &&
		    strncasecmp(tok[i].s, "over", 4) == 0 && starts(&tok[i + 1], "TLS")) {
			/* Microsoft SMTPSVC: "by host over TLS secured channel with ..." */
			set(&r->tls, mc_strdup("TLS secured channel"));
			while (i + 1 < n && keyword(&tok[i + 1]) == C_NONE && !tok[i + 1].comment)
				i++;
			continue;
		}
		if (!tok[i].comment && starts(&tok[i], "envelope-from") && i + 1 < n) {
			/* Haraka: "id X envelope-from <a@b>" outside a comment */
			set(&r->envelope_from, dup_token(&tok[++i]));
			continue;
		}
		if (c == C_NONE && (starts(&tok[i], "indimail") || starts(&tok[i], "qmail"))) {
			/* "indimail-mta queue 58962 by host ..." (qmail's queue note) */
			r->local = true;
			while (i + 1 < n && keyword(&tok[i + 1]) == C_NONE && !tok[i + 1].comment)
				i++;
			continue;
		}
		word_in_clause(r, c, &tok[i], &rest, first);
		first = false;
	}
	if (r->with && strcasecmp(r->with, "local") == 0)
		r->local = true;
	if (rest.len)
		r->unparsed = mc_buf_take(&rest);
	mc_buf_free(&rest);
}

/* The date with its trailing comments taken off -- "(PST)", "(envelope-from
 * <a@b>)" (Exim and Sendmail write them after the date), whose sender is
 * kept. RFC 5322 3.6.7: the date-time ends the field; what follows is CFWS. */
static char *date_alone(mc_received *r, const char *s, size_t n)
{
	while (n && (isspace((unsigned char)*s) || *s == ';'))
		s++, n--;
	for (;;) {
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (!n || s[n - 1] != ')')
			break;
		size_t open = n - 1, depth = 0;

		for (size_t i = n; i-- > 0;) {
			depth += s[i] == ')';
			depth -= s[i] == '(' && depth;
			if (s[i] == '(' && depth == 0) {
				open = i;
				break;
			}
		}
		if (open == n - 1)
			break; /* no opening parenthesis */
		struct token t = {s + open + 1, n - open - 2, true, 0};

		set(&r->envelope_from, after(&t, "envelope-from"));
		n = open;
	}
	return mc_strndup(s, n);
}

/* No ';' before the date (GMX, some filters: "id 0LvVA5-1Y3o Sat, 29 Nov
 * 2014 00:32:10 +0100"): where a date that parses to the end begins, as the
 * position of an imagined ';' before it; len when there is none. */
static size_t date_without_semicolon(const char *v, size_t len)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

	for (size_t i = len > 48 ? len - 48 : 1; i + 10 < len; i++) {
		if (!isspace((unsigned char)v[i - 1]))
			continue;
		for (int d = 0; d < 7; d++)
			if (strncasecmp(v + i, days[d], 3) == 0 && v[i + 3] == ',' &&
			    mc_date_parse(v + i) >= 0)
				return i - 1;
	}
	return len;
}

mc_status mc_received_parse(const char *value, mc_received *out)
{
	struct token tok[MAX_TOKENS]; /* filled as far as tokenize() says, never read past */
	size_t len = strlen(value), semi = len, depth = 0, n;

	memset(out, 0, sizeof(*out));
	out->time = -1;
	out->raw = mc_strdup(value);
	if (!out->raw)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) { /* the last ';' outside comments */
		if (value[i] == '(')
			depth++;
		else if (value[i] == ')' && depth)
			depth--;
		else if (value[i] == ';' && depth == 0)
			semi = i;
	}
	if (semi == len)
		semi = date_without_semicolon(value, len);
	if (semi < len) {
		out->date = date_alone(out, value + semi + 1, len - semi - 1);
		out->time = mc_date_parse(out->date);
	}
	n = tokenize(value, semi, tok);
	interpret(out, tok, n);
	return MC_OK;
}

void mc_received_clear(mc_received *r)
{
	char **fields[] = {&r->from, &r->from_rdns, &r->ip, &r->by, &r->via, &r->with, &r->id,
	                   &r->for_addr, &r->tls, &r->envelope_from, &r->date, &r->unparsed, &r->raw};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*fields[i]);
	memset(r, 0, sizeof(*r));
}
