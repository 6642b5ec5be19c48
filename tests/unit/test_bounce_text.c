/* Status codes read from the text of bounces: RFC 3463's grammar, and a code
 * standing alone -- never read out of an IP address, a version or a longer
 * run of digits and dots. */
#include <stdlib.h>
#include <string.h>

#include "bounce/internal.h"
#include "check.h"

static void test_is_status(void)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{"5.1.1", 1}, {"4.7.0", 1}, {"2.0.0", 1}, {"5.7.515", 1}, {"5.0.0", 1},
		{"3.1.1", 0}, {"5.8.1", 0}, {"5.11.1", 0}, {"5.1.1234", 0}, {"5.1.", 0},
		{"5.1", 0}, {"5..1", 0}, {"5.1.1.1", 0}, {"4.244.200", 0}, {"", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(bounce_is_status(cases[i].s, strlen(cases[i].s)) == cases[i].ok);
}

static void test_find_status(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"host mx.example.net[158.125.1.193] said: 550 unknown user", NULL},
		{"host gmail-smtp-in.l.google.com[209.85.244.200] said: 450 try later", NULL},
		{"host mx[158.125.1.193] said: 550 5.1.1 <a@b.example>: no such user", "5.1.1"},
		{"Diagnostic-Code: smtp; 550 5.7.26 unauthenticated.", "5.7.26"},
		{"dsn=4.4.1, status=deferred", "4.4.1"},
		{"#550 5.1.10 RESOLVER.ADR.RecipientNotFound", "5.1.10"},
		{"version 5.4.1.2 of the software", NULL},
		{"see https://example.com/5.1.1/help then 5.2.2 mailbox full", "5.2.2"},
		{"a5.1.1 b5.1.1", NULL},
		{"ends with 4.2.2", "4.2.2"},
		{"10.5.1.1 is an address", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = bounce_find_status(cases[i].text, strlen(cases[i].text));

		if (cases[i].want)
			CHECK_STR(got, cases[i].want);
		else
			CHECK(got == NULL);
		free(got);
	}
}

/* A text cut in the middle of a number is read to its end only. */
static void test_find_status_bounded(void)
{
	const char text[] = "said 5.1.1";
	char *got = bounce_find_status(text, 8); /* "said 5.1" */

	CHECK(got == NULL);
	free(got);
	got = bounce_find_status_in(text, strlen(text), 0, 4); /* starts after "said" */
	CHECK(got == NULL);
	free(got);
}

/* The case-insensitive bounded search every phrase goes through. */
static void test_strcasestr_n(void)
{
	static const struct {
		const char *hay, *needle;
		long at; /* -1: not found */
	} cases[] = {
		{"Mailbox is FULL", "mailbox is full", 0}, {"the Mailbox is full", "mailbox", 4},
		{"aAaAaAaAb", "ab", 7}, {"AAAAAAAAab", "ab", 8}, {"aaaaaaaaAB", "ab", 8},
		{"xxxx", "xy", -1}, {"user unknow", "user unknown", -1}, {"", "a", -1},
		{"55555 5.1.1", "5.1", 6}, {"Ünknown user", "user", 9},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *h = cases[i].hay, *p = bounce_strcasestr_n(h, strlen(h), cases[i].needle);

		CHECK(cases[i].at < 0 ? p == NULL : p == h + cases[i].at);
	}
	/* bounded: a match past n is not one */
	CHECK(bounce_strcasestr_n("abc user", 5, "user") == NULL);
}

int main(void)
{
	static const struct test tests[] = {
		{"bounce: RFC 3463 status grammar", test_is_status},
		{"bounce: a status code standing alone in text", test_find_status},
		{"bounce: the text read within its bounds", test_find_status_bounded},
		{"bounce: case-insensitive search in bounds", test_strcasestr_n},
	};

	return RUN(tests);
}
