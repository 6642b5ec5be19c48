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
	/* international names: their A-labels (IDNA2008, UTS #46 mapping) */
	ok("b\xc3\xbc" "cher.example", "xn--bcher-kva.example");
	ok("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.JP", "xn--wgv71a119e.jp");
	ok("XN--WGV71A119E.jp", "xn--wgv71a119e.jp");
	ok("fa\xc3\x9f.de", "xn--fa-hia.de"); /* non-transitional: not "fass.de" */
	/* full-width letters and the ideographic full stop folded */
	ok("\xef\xbd\x85\xef\xbd\x98.jp", "ex.jp");
	ok("-leading.example", "-leading.example"); /* ASCII: not IDNA's business */
}

static void test_unicode(void)
{
	char *u = mc_domain_to_unicode("mx.xn--wgv71a119e.jp");

	CHECK_STR(u, "mx.\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.jp");
	free(u);
	CHECK(mc_domain_to_unicode("example.com") == NULL);
	CHECK(mc_domain_to_unicode("xn--zz.jp") == NULL);
}

static void test_reject(void)
{
	char label[80], name[300];

	bad("", "empty");
	bad(".", "root");
	bad("a..b", "empty label");
	bad("exa mple.com", "space");
	bad("xn--zz.example", "not a valid international domain name");
	bad("xn--a.example", "not a valid international domain name");
	bad("\xe6\x97\xa5 .jp", "space");
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
		{"name: U-labels for display", test_unicode},
	};
	return RUN(tests);
}
