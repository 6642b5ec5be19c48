/* The message reader and the RFC 5322 address parser. */
#include <stdlib.h>

#include "check.h"
#include "mailcheck/msg.h"

struct sink {
	char body[4096];
	size_t len;
	int header_calls;
	size_t headers_at_call;
};

static mc_status on_headers(void *arg, const mc_message *m)
{
	struct sink *s = arg;

	s->header_calls++;
	s->headers_at_call = m->n_headers;
	return MC_OK;
}

static mc_status on_body(void *arg, const char *chunk, size_t len)
{
	struct sink *s = arg;

	if (s->len + len < sizeof(s->body)) {
		memcpy(s->body + s->len, chunk, len);
		s->len += len;
	}
	return MC_OK;
}

/* Feed `text` in pieces of `step` bytes. */
static mc_status read_text(const char *text, size_t step, const mc_msg_limits *lim,
                           struct sink *s, mc_message *m)
{
	mc_msg_reader *r;
	size_t n = strlen(text);
	mc_status st = mc_msg_reader_new(&r, lim, on_headers, on_body, s);

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; st == MC_OK && i < n; i += step)
		st = mc_msg_push(r, text + i, n - i < step ? n - i : step);
	if (st == MC_OK)
		st = mc_msg_finish(r, m);
	mc_msg_reader_free(r);
	return st;
}

static void test_headers_and_body(void)
{
	static const char crlf[] = "From: Alice <a@example.com>\r\nSubject: a\r\n\tfolded one\r\n"
	                           "\r\nline 1\r\nline 2\r\n";
	static const char lf[] = "From: Alice <a@example.com>\nSubject: a\n\tfolded one\n"
	                         "\nline 1\nline 2\n";
	struct sink s;
	mc_message m;

	for (size_t step = 1; step <= 64; step *= 4) {
		for (int k = 0; k < 2; k++) {
			CHECK(read_text(k ? lf : crlf, step, NULL, &s, &m) == MC_OK);
			CHECK(m.n_headers == 2 && s.header_calls == 1 && s.headers_at_call == 2);
			CHECK_STR(m.headers[1].name, "Subject");
			CHECK_STR(m.headers[1].raw, "Subject: a\r\n\tfolded one");
			CHECK_STR(m.headers[1].value, "a\tfolded one");
			CHECK(s.len == 16 && memcmp(s.body, "line 1\r\nline 2\r\n", 16) == 0);
			CHECK(m.body_bytes == 16 && m.has_body && m.lf_only == (k == 1));
			mc_message_clear(&m);
		}
	}
}

static void test_odd_shapes(void)
{
	struct sink s;
	mc_message m;
	size_t i = 0;

	CHECK(read_text("From somebody Tue Nov 24 10:00:00 2026\nX-A: 1\n x\nnot a header\nX-B: 2",
	                7, NULL, &s, &m) == MC_OK);
	CHECK_STR(m.mbox_from, "somebody Tue Nov 24 10:00:00 2026");
	CHECK(m.n_headers == 2 && !m.has_body && m.skipped_lines == 1);
	CHECK_STR(m.headers[0].value, "1 x");
	CHECK(mc_message_find(&m, "x-b", &i) == &m.headers[1]);
	mc_message_clear(&m);
	/* no header field at all: not a message, an error that says so */
	CHECK(read_text("", 1, NULL, &s, &m) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "empty") != NULL);
	CHECK(read_text("\x01\x02 garbage\nmore\n\nbody\n", 3, NULL, &s, &m) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "not an email message") != NULL);
	CHECK(read_text("\n\nonly a body\n", 2, NULL, &s, &m) == MC_EPARSE);
}

static void test_limits(void)
{
	mc_msg_limits lim = {.max_line = 50, .max_headers = 3, .max_header_bytes = 120};
	struct sink s;
	mc_message m;
	char big[200];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "X-Big: ", 7);
	CHECK(read_text(big, 16, &lim, &s, &m) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "longer than 50 bytes") != NULL);
	CHECK(read_text("A: 1\nB: 2\nC: 3\nD: 4\n\n", 16, &lim, &s, &m) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "more than 3 header fields") != NULL);
	lim.max_headers = 100;
	CHECK(read_text("A: 1234567890123456789012345678901234567890\nB: 1234567890123456789012345"
	                "678901234567890\nC: 1234567890123456789012345678901234567890\n\n",
	                16, &lim, &s, &m) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "header block larger than 120") != NULL);
}

static void addr(const char *in, size_t n, const char *display, const char *local,
                 const char *domain)
{
	mc_address_list l;

	CHECK(mc_address_list_parse(in, strlen(in), &l) == MC_OK);
	CHECK(l.n == n);
	if (l.n >= 1) {
		if (display)
			CHECK_STR(l.items[0].display, display);
		else
			CHECK(l.items[0].display == NULL);
		CHECK_STR(l.items[0].local, local);
		CHECK_STR(l.items[0].domain, domain);
	}
	mc_address_list_clear(&l);
}

static void test_addresses(void)
{
	mc_address_list l;
	char deep[300];

	addr("Alice <alice@Example.COM>", 1, "Alice", "alice", "example.com");
	addr("\"Bob, Jr.\" <bob@x.example>, carol@y.example", 2, "Bob, Jr.", "bob", "x.example");
	addr("a@x.example (Alice (the first))", 1, NULL, "a", "x.example");
	addr("<@route.example,@r2.example:user@x.example>", 1, NULL, "user", "x.example");
	addr("\"quoted@local\"@x.example", 1, NULL, "\"quoted@local\"", "x.example");
	addr("=?UTF-8?B?w6lsw6g=?= <e@x.example>", 1, "\xc3\xa9l\xc3\xa8", "e", "x.example");
	addr("=?ISO-8859-1?Q?Andr=E9?= =?utf-8?q?_B?= <a@x.example>", 1, "Andr\xc3\xa9 B", "a",
	     "x.example");
	addr("undisclosed-recipients:;", 0, NULL, NULL, NULL);
	CHECK(mc_address_list_parse("team: a@x.example, b@y.example;, c@z.example", 44, &l) == MC_OK);
	CHECK(l.n == 3 && l.items[0].group && strcmp(l.items[0].group, "team") == 0 && !l.items[2].group);
	mc_address_list_clear(&l);
	CHECK(mc_address_list_parse("\"unclosed <a@x.example>", 23, &l) == MC_EPARSE);
	memset(deep, '(', 200);
	strcpy(deep + 200, "a@x.example");
	CHECK(mc_address_list_parse(deep, strlen(deep), &l) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "comment") != NULL);
}

int main(void)
{
	static const struct test tests[] = {
		{"msg: headers raw and unfolded, body CRLF, any chunking", test_headers_and_body},
		{"msg: mbox From line, no body, stray lines", test_odd_shapes},
		{"msg: limits", test_limits},
		{"address: RFC 5322 forms", test_addresses},
	};
	return RUN(tests);
}
