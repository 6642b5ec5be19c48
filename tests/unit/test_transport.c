/* The MTA-STS policy parser and MX match (lib/domain/sts_policy.c) and the
 * addresses lib/net refuses to connect to. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "domain/internal.h"
#include "mailcheck/net.h"
#include "net/internal.h"

static const char *parse(const char *text, mc_sts_policy *p, size_t *line)
{
	return domain_sts_policy_parse(text, strlen(text), p, line);
}

static void test_policy_good(void)
{
	mc_sts_policy p;
	size_t line;

	CHECK(!parse("version: STSv1\nmode: enforce\nmx: MX1.Example.com\nmx: *.example.net\n"
	             "max_age: 604800\n", &p, &line));
	CHECK_STR(p.mode, "enforce");
	CHECK(p.max_age == 604800 && p.n_mx == 2);
	CHECK_STR(p.mx[0], "mx1.example.com"); /* patterns are kept in lower case */
	domain_sts_policy_clear(&p);
	/* CRLF, blank space around values, unknown fields, no final newline */
	CHECK(!parse("version:STSv1\r\nmode:   testing  \r\nmx: mx.example.com\r\nfoo: bar baz\r\n"
	             "max_age: 86400", &p, &line));
	CHECK_STR(p.mode, "testing");
	domain_sts_policy_clear(&p);
	/* mode none needs no mx; a repeated field: the first wins */
	CHECK(!parse("version: STSv1\nmode: none\nmode: enforce\nmax_age: 1\nmax_age: 99999999999\n",
	             &p, &line));
	CHECK_STR(p.mode, "none");
	CHECK(p.max_age == 1);
	domain_sts_policy_clear(&p);
}

static void test_policy_bad(void)
{
	static const struct {
		const char *text, *why;
		size_t line;
	} cases[] = {
		{"version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 1\n", "STSv1", 1},
		{"version: STSv1\nmode: Enforce\nmx: a.b\nmax_age: 1\n", "lower case", 2},
		{"version: STSv1\nmode: enforce\nmx: a.b\nmax_age: 31557601\n", "31557600", 4},
		{"version: STSv1\nmode: enforce\nmx: a.b\nmax_age: 12345678901\n", "10 digits", 4},
		{"version: STSv1\nmode: enforce\nmx: a.b\nmax_age: -1\n", "seconds", 4},
		{"version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx", 0},
		{"version: STSv1\nmx: a.b\nmax_age: 1\n", "no mode", 0},
		{"mode: enforce\nmx: a.b\nmax_age: 1\n", "no version", 0},
		{"version: STSv1\nmode: enforce\nmx: a.b\n", "no max_age", 0},
		{"version: STSv1\nmode: enforce\nmx: a..b\nmax_age: 1\n", "host name", 3},
		{"version: STSv1\nmode: enforce\nmx: a.b.\nmax_age: 1\n", "host name", 3},
		{"version: STSv1\nmode: enforce\nmx: *.*.b\nmax_age: 1\n", "host name", 3},
		{"version: STSv1\nmode: enforce\nmx: -a.b\nmax_age: 1\n", "host name", 3},
		{"version: STSv1\n\nmode: enforce\nmx: a.b\nmax_age: 1\n", "empty line", 2},
		{"<html>\n", "name: value", 1},
		{"", "no version", 0},
		{"version: STSv1\nmode: enforce\x01\nmx: a.b\nmax_age: 1\n", "control", 2},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mc_sts_policy p;
		size_t line = 99;
		const char *why = parse(cases[i].text, &p, &line);

		CHECK(why && strstr(why, cases[i].why));
		if (!why || !strstr(why, cases[i].why) || line != cases[i].line)
			fprintf(stderr, "  case %zu: %s (line %zu)\n", i, why ? why : "(parsed)", line);
		CHECK(line == cases[i].line);
		domain_sts_policy_clear(&p);
	}
}

static void test_mx_match(void)
{
	CHECK(domain_sts_mx_match("mx.example.com", "mx.example.com"));
	CHECK(domain_sts_mx_match("mx.example.com", "MX.Example.COM."));
	CHECK(!domain_sts_mx_match("mx.example.com", "mx.example.com.au"));
	CHECK(domain_sts_mx_match("*.example.com", "mx.example.com"));
	CHECK(!domain_sts_mx_match("*.example.com", "example.com"));
	CHECK(!domain_sts_mx_match("*.example.com", "a.b.example.com"));
	CHECK(!domain_sts_mx_match("*.example.com", ".example.com"));
	CHECK(!domain_sts_mx_match("*.example.com", "mxexample.com"));
}

static void test_refused(void)
{
	static const struct {
		const char *addr, *what;
	} cases[] = {
		{"127.0.0.1", "loopback"}, {"10.1.2.3", "private"}, {"172.31.0.1", "private"},
		{"192.168.1.1", "private"}, {"169.254.169.254", "link-local"},
		{"224.0.0.1", "multicast"}, {"100.64.0.1", "shared"}, {"0.0.0.0", "unspecified"},
		{"255.255.255.255", "reserved"}, {"::1", "loopback"}, {"::", "unspecified"},
		{"fd00::1", "private"}, {"fe80::1", "link-local"}, {"ff02::1", "multicast"},
		{"::ffff:127.0.0.1", "loopback"}, {"::ffff:10.0.0.1", "private"},
		{"not an address", "invalid"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = mc_net_refused_address(cases[i].addr);

		CHECK(why && strstr(why, cases[i].what));
	}
	CHECK(mc_net_refused_address("8.8.8.8") == NULL);
	CHECK(mc_net_refused_address("172.32.0.1") == NULL);
	CHECK(mc_net_refused_address("2a00:1450:4001::1") == NULL);
	CHECK(mc_net_refused_address("::ffff:8.8.8.8") == NULL);
}

static void test_smtp_reply(void)
{
	static const char multi[] = "250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n"
	                            "221 pipelined";
	size_t end = 0;
	const char *why = NULL;

	CHECK(mc_smtp_reply_scan(multi, strlen(multi), &end, &why) == 250);
	CHECK(end == strlen(multi) - strlen("221 pipelined"));
	CHECK(mc_smtp_reply_scan("220", 3, &end, &why) == 0);           /* no line end yet */
	CHECK(mc_smtp_reply_scan("220-a\r\n220-b", 12, &end, &why) == 0); /* more lines to come */
	CHECK(mc_smtp_reply_scan("220\n", 4, &end, &why) == 220 && end == 4);
	CHECK(mc_smtp_reply_scan("554 go away\n", 12, &end, &why) == 554);
	CHECK(mc_smtp_reply_scan("HTTP/1.1 400\r\n", 15, &end, &why) == -1 && why);
	CHECK(mc_smtp_reply_scan("22\n", 3, &end, &why) == -1);
	CHECK(mc_smtp_reply_scan("220x\n", 5, &end, &why) == -1);
}

int main(void)
{
	static const struct test tests[] = {
		{"sts policy: good", test_policy_good},
		{"sts policy: bad, with the line", test_policy_bad},
		{"sts mx match", test_mx_match},
		{"addresses refused", test_refused},
		{"smtp replies: complete, partial, malformed", test_smtp_reply},
	};
	return run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
