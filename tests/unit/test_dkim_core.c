/* mailcheck's DKIM core (lib/dkim/core.c): body and header canonicalization
 * against RFC 6376 3.4.5's example and hand-made cases (fed whole and byte by
 * byte), l=, the footer prefix, b= removal, bottom-up header selection, and
 * the key cache. */
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dkim/core.h"

/* The SHA-256 of `text` equals the body hash of `input` canonicalized. */
static int body_is(enum dkim_canon canon, const char *input, const char *text, bool bytewise)
{
	dkim_bh *b = dkim_bh_new(canon, DKIM_SHA256, -1);
	unsigned char want[32];
	const unsigned char *got;
	size_t len;
	long long hashed, total;
	int ok;

	if (bytewise)
		for (size_t i = 0; input[i]; i++)
			dkim_bh_update(b, input + i, 1);
	else
		dkim_bh_update(b, input, strlen(input));
	got = dkim_bh_final(b, &len, &hashed, &total);
	SHA256((const unsigned char *)text, strlen(text), want);
	ok = len == 32 && memcmp(got, want, 32) == 0 && total == (long long)strlen(text);
	dkim_bh_free(b);
	return ok;
}

static void test_body_rfc6376_example(void)
{
	/* RFC 6376 3.4.5 */
	const char *in = " C \r\nD \t E\r\n\r\n\r\n";

	for (int bytewise = 0; bytewise < 2; bytewise++) {
		CHECK(body_is(DKIM_RELAXED, in, " C\r\nD E\r\n", bytewise));
		CHECK(body_is(DKIM_SIMPLE, in, " C \r\nD \t E\r\n", bytewise));
	}
}

static void test_body_edges(void)
{
	/* an empty body: CRLF (simple), nothing (relaxed) -- RFC 6376 3.4.3, 3.4.4 */
	CHECK(body_is(DKIM_SIMPLE, "", "\r\n", false));
	CHECK(body_is(DKIM_RELAXED, "", "", false));
	/* only empty lines and whitespace */
	CHECK(body_is(DKIM_SIMPLE, "\r\n\r\n", "\r\n", false));
	CHECK(body_is(DKIM_RELAXED, "  \r\n\t\r\n", "", false));
	/* no final CRLF: one is added */
	CHECK(body_is(DKIM_SIMPLE, "abc", "abc\r\n", false));
	CHECK(body_is(DKIM_RELAXED, "abc  ", "abc\r\n", true));
	/* empty lines inside stay */
	CHECK(body_is(DKIM_RELAXED, "a\r\n\r\n b\r\n", "a\r\n\r\n b\r\n", true));
	/* a CR alone is content */
	CHECK(body_is(DKIM_SIMPLE, "a\rb\r\n", "a\rb\r\n", true));
}

static void test_body_limit_and_prefix(void)
{
	dkim_bh *b = dkim_bh_new(DKIM_SIMPLE, DKIM_SHA256, 3);
	unsigned char want[32];
	const unsigned char *got;
	size_t len;
	long long hashed, total;

	dkim_bh_update(b, "abcdef\r\n", 8);
	got = dkim_bh_final(b, &len, &hashed, &total);
	SHA256((const unsigned char *)"abc", 3, want);
	CHECK(memcmp(got, want, 32) == 0 && hashed == 3 && total == 8);
	dkim_bh_free(b);

	/* signed: "Hello\r\nBye\r\n"; received with a footer appended */
	b = dkim_bh_new(DKIM_RELAXED, DKIM_SHA256, -1);
	SHA256((const unsigned char *)"Hello\r\nBye\r\n", 12, want);
	dkim_bh_update(b, "Hello\r\nBye \r\n\r\n-- \r\nlist footer\r\n", 32);
	dkim_bh_final(b, &len, &hashed, &total);
	CHECK(dkim_bh_prefix(b, want, 32) == 12);
	SHA256((const unsigned char *)"Hello\r\nBy\r\n", 11, want);
	CHECK(dkim_bh_prefix(b, want, 32) == -1);
	dkim_bh_free(b);
}

static mc_header hdr(const char *raw)
{
	mc_header h = {0};
	const char *colon = strchr(raw, ':');

	h.name = strndup(raw, (size_t)(colon - raw));
	h.raw = strdup(raw);
	h.raw_len = strlen(raw);
	h.value = strdup(colon + 1);
	h.value_len = strlen(colon + 1);
	return h;
}

static void test_headers(void)
{
	mc_header hs[] = {hdr("From: a@example.com"), hdr("Subject:  Hi\r\n\tthere  "),
	                  hdr("from: b@example.com"),
	                  hdr("DKIM-Signature: v=1; b= abc\r\n def ; bh=xyz")};
	mc_message msg = {.headers = hs, .n_headers = 4};
	char *names[] = {"from", "from", "subject", "from"};
	size_t idx[4], n = dkim_select_headers(&msg, names, 4, idx, 4);
	unsigned char got[32], want[32];
	const char *relaxed = "from:b@example.com\r\nfrom:a@example.com\r\nsubject:Hi there\r\n"
	                      "dkim-signature:v=1; b=; bh=xyz";
	const char *simple = "from: b@example.com\r\nFrom: a@example.com\r\nSubject:  Hi\r\n"
	                     "\tthere  \r\nDKIM-Signature: v=1; b=; bh=xyz";

	/* bottom-up, each instance once; a fourth "from" selects nothing */
	CHECK(n == 3 && idx[0] == 2 && idx[1] == 0 && idx[2] == 1);
	CHECK(dkim_header_digest(&msg, idx, n, &hs[3], DKIM_RELAXED, DKIM_SHA256, got) == 32);
	SHA256((const unsigned char *)relaxed, strlen(relaxed), want);
	CHECK(memcmp(got, want, 32) == 0);
	dkim_header_digest(&msg, idx, n, &hs[3], DKIM_SIMPLE, DKIM_SHA256, got);
	SHA256((const unsigned char *)simple, strlen(simple), want);
	CHECK(memcmp(got, want, 32) == 0);
	for (size_t i = 0; i < 4; i++) {
		free(hs[i].name);
		free(hs[i].raw);
		free(hs[i].value);
	}
}

/* RFC 6376 3.4.2: relaxed unfolds line breaks only; a CR that ends no line
 * is content (a changed byte must not verify), LF-only folding is a break. */
static void test_headers_lone_cr(void)
{
	mc_header hs[] = {hdr("List-Id: Dev <dev.lists.test\r>"), hdr("Subject: a\n b"),
	                  hdr("DKIM-Signature: v=1; b=x")};
	mc_message msg = {.headers = hs, .n_headers = 3};
	size_t idx[] = {0, 1};
	unsigned char got[32], want[32];
	const char *relaxed = "list-id:Dev <dev.lists.test\r>\r\nsubject:a b\r\n"
	                      "dkim-signature:v=1; b=";

	CHECK(dkim_header_digest(&msg, idx, 2, &hs[2], DKIM_RELAXED, DKIM_SHA256, got) == 32);
	SHA256((const unsigned char *)relaxed, strlen(relaxed), want);
	CHECK(memcmp(got, want, 32) == 0);
	for (size_t i = 0; i < 3; i++) {
		free(hs[i].name);
		free(hs[i].raw);
		free(hs[i].value);
	}
}

static void test_tags(void)
{
	mc_header h = hdr("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; "
	                  "c=relaxed; h=From : Subject; bh=AAAA; b=AAAA; t=10; x=5");
	dkim_tags t;

	dkim_tags_parse(&h, DKIM_KIND_SIGNATURE, &t);
	CHECK_STR(t.c, "relaxed/simple");
	CHECK(t.n_h == 2 && !strcmp(t.h[0], "from") && !strcmp(t.h[1], "subject"));
	CHECK_STR(t.error, "syntax"); /* x= before t= */
	dkim_tags_free(&t);
	free(h.name);
	free(h.raw);
	free(h.value);
	h = hdr("ARC-Seal: i=2; a=rsa-sha256; cv=pass; d=example.org; s=s; b=AAAA");
	dkim_tags_parse(&h, DKIM_KIND_SEAL, &t);
	CHECK(!t.error && t.instance == 2 && !strcmp(t.cv, "pass"));
	dkim_tags_free(&t);
	free(h.name);
	free(h.raw);
	free(h.value);
}

static void test_key_cache(void)
{
	const char *ed = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
	const char *revoked = "v=DKIM1; k=rsa; p=";
	dkim_key *a = dkim_key_get(ed, strlen(ed)), *b = dkim_key_get(ed, strlen(ed));

	CHECK(a && a == b && !a->error && a->type == DKIM_KEY_ED25519 && a->bits == 256);
	a = dkim_key_get(revoked, strlen(revoked));
	CHECK(a && a->error && !strcmp(a->error, "key_revoked"));
	a = dkim_key_get("v=DKIM1; p=bm90IGEga2V5", 23);
	CHECK(a && a->error && !strcmp(a->error, "key_syntax"));
	dkim_key_cache_clear();
}

int main(void)
{
	static const struct test tests[] = {
		{"body: RFC 6376 3.4.5 example", test_body_rfc6376_example},
		{"body: empty, whitespace, no final CRLF, bare CR", test_body_edges},
		{"body: l= and the footer prefix", test_body_limit_and_prefix},
		{"headers: selection, relaxed and simple, b= removed", test_headers},
		{"headers: a CR that ends no line is content (relaxed)", test_headers_lone_cr},
		{"tags: c= default, h= case, x= before t=, ARC-Seal", test_tags},
		{"keys: the cache, revoked, malformed", test_key_cache},
	};

	return RUN(tests);
}
