/* SPF macro expansion against the worked examples of RFC 7208 7.4, and the
 * record parser on a few records. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "check.h"
#include "spf/internal.h"

static void expands(const spf_macro_env *env, const char *in, const char *want)
{
	char *out = NULL;

	CHECK(spf_expand(env, in, false, true, &out) == MC_OK);
	CHECK_STR(out, want);
	free(out);
}

static void test_rfc7208_examples_ipv4(void)
{
	unsigned char ip[16];
	spf_macro_env env = {.sender = "strong-bad@email.example.com", .local = "strong-bad",
	                     .sender_domain = "email.example.com", .domain = "email.example.com",
	                     .ip = ip, .family = AF_INET};

	inet_pton(AF_INET, "192.0.2.3", ip);
	expands(&env, "%{s}", "strong-bad@email.example.com");
	expands(&env, "%{o}", "email.example.com");
	expands(&env, "%{d}", "email.example.com");
	expands(&env, "%{d4}", "email.example.com");
	expands(&env, "%{d3}", "email.example.com");
	expands(&env, "%{d2}", "example.com");
	expands(&env, "%{d1}", "com");
	expands(&env, "%{dr}", "com.example.email");
	expands(&env, "%{d2r}", "example.email");
	expands(&env, "%{l}", "strong-bad");
	expands(&env, "%{l-}", "strong.bad");
	expands(&env, "%{lr}", "strong-bad");
	expands(&env, "%{lr-}", "bad.strong");
	expands(&env, "%{l1r-}", "strong");
	expands(&env, "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com");
	expands(&env, "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com");
	expands(&env, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
	        "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
	expands(&env, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
	        "3.2.0.192.in-addr.strong.lp._spf.example.com");
	expands(&env, "%{d2}.trusted-domains.example.net",
	        "example.com.trusted-domains.example.net");
}

static void test_rfc7208_examples_ipv6(void)
{
	unsigned char ip[16];
	spf_macro_env env = {.sender = "strong-bad@email.example.com", .local = "strong-bad",
	                     .sender_domain = "email.example.com", .domain = "email.example.com",
	                     .ip = ip, .family = AF_INET6};

	inet_pton(AF_INET6, "2001:db8::cb01", ip);
	expands(&env, "%{ir}.%{v}._spf.%{d2}",
	        "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
}

static void test_escapes_and_errors(void)
{
	unsigned char ip[16] = {192, 0, 2, 3};
	spf_macro_env env = {.sender = "a b@x.example", .local = "a b", .sender_domain = "x.example",
	                     .domain = "x.example", .ip = ip, .family = AF_INET};
	char *out = NULL;

	CHECK(spf_expand(&env, "%%%_%-", false, false, &out) == MC_OK);
	CHECK_STR(out, "% %20");
	free(out);
	CHECK(spf_expand(&env, "%{L}", false, false, &out) == MC_OK); /* URL-escaped */
	CHECK_STR(out, "a%20b");
	free(out);
	CHECK(spf_expand(&env, "%{l0}", false, false, &out) == MC_EPARSE);
	CHECK(spf_expand(&env, "%{x}", false, false, &out) == MC_EPARSE);
	CHECK(spf_expand(&env, "%{c}", false, false, &out) == MC_EPARSE); /* exp only */
	CHECK(spf_expand(&env, "%{c}", true, false, &out) == MC_OK);
	CHECK_STR(out, "192.0.2.3");
	free(out);
}

static void test_parse(void)
{
	spf_record rec;
	size_t pos;
	const char *good = "v=spf1 a/24//64 mx:example.com ip6:2001:db8::/32 ~all exp=x.example.com";
	const char *bad = "v=spf1 ip4:192.0.2.0/24 a:foo..bar/33 -all";

	CHECK(spf_record_parse(good, strlen(good), &rec, &pos) == MC_OK);
	CHECK(rec.n == 5 && rec.terms[0].kind == SPF_A && rec.terms[0].cidr4 == 24 &&
	      rec.terms[0].cidr6 == 64);
	CHECK(rec.terms[3].qualifier == '~' && rec.exp == 4);
	spf_record_free(&rec);
	CHECK(spf_record_parse(bad, strlen(bad), &rec, &pos) == MC_EPARSE);
	CHECK(pos == 24);
	spf_record_free(&rec);
	CHECK(!spf_is_record("v=spf10", 7) && spf_is_record("V=SPF1", 6));
}

int main(void)
{
	static const struct test tests[] = {
		{"spf macro: RFC 7208 7.4 examples, IPv4", test_rfc7208_examples_ipv4},
		{"spf macro: RFC 7208 7.4 example, IPv6", test_rfc7208_examples_ipv6},
		{"spf macro: escapes and errors", test_escapes_and_errors},
		{"spf record: parse", test_parse},
	};
	return RUN(tests);
}
