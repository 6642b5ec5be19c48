/* Domain names given by users. */
#include <stdlib.h>

#include "check.h"
#include "mailcheck/dns.h"

static void ok(const char *in, const char *want)
{
	char *out = NULL;

	CHECK(mc_domain_normalize(in, &out) == MC_OK);
	CHECK_STR(out, want);
	free(out);
}

static void bad(const char *in, const char *why)
{
	char *out = NULL;

	CHECK(mc_domain_normalize(in, &out) == MC_EINVAL);
	CHECK(out == NULL);
	CHECK(strstr(mc_error_last(), why) != NULL);
}

static void test_normalize(void)
{
	ok("Example.COM", "example.com");
	ok("example.com.", "example.com");
	ok("_dmarc.example.com", "_dmarc.example.com");
	ok("xn--bcher-kva.example", "xn--bcher-kva.example");
}

static void test_reject(void)
{
	char label[80], name[300];

	bad("", "empty");
	bad(".", "root");
	bad("a..b", "empty label");
	bad("exa mple.com", "space");
	bad("b\xc3\xbc" "cher.example", "xn--");
	bad("user@example.com", "'@'");
	memset(label, 'a', 64);
	label[64] = '\0';
	bad(label, "63");
	for (int i = 0; i < 60; i++)
		memcpy(name + i * 5, "abcd.", 5);
	strcpy(name + 295, "com");
	bad(name, "253");
}

int main(void)
{
	static const struct test tests[] = {
		{"name: normalise", test_normalize},
		{"name: reject", test_reject},
	};
	return RUN(tests);
}
