/* The links of text and HTML (verify --links): each link's host as a
 * browser would go to it, grouped under its registrable domain; what is no
 * link, or no name, is not read as one. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mailcheck/verify.h"

/* The registrable domains read from text, comma-separated. */
static char *domains(const char *text, bool html, mc_links *l)
{
	static char out[1024];

	memset(l, 0, sizeof(*l));
	mc_links_scan(text, strlen(text), html, l);
	out[0] = '\0';
	for (size_t i = 0; i < l->n_domains; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, l->domains[i].domain);
	}
	return out;
}

static void test_hosts(void)
{
	static const struct {
		const char *text;
		int html;
		const char *want;
	} cases[] = {
		{"see https://www.example.com/a and http://shop.example.org.", 0, "example.com,example.org"},
		{"HTTPS://WWW.EXAMPLE.COM/", 0, "example.com"},
		{"https:\\\\evil.example.net\\path", 0, "example.net"},
		{"http:/one-slash.example.com/x", 0, "example.com"},
		{"https://bank.example.com@evil.example.net/login", 0, "example.net"},
		{"https://user:pw@host.example.org:8443/", 0, "example.org"},
		{"https://%65vil.example.net/", 0, "example.net"},
		{"https://host.example.co.uk./x", 0, "example.co.uk"},
		{"go to www.example.com/help now", 0, "example.com"},
		{"mail help@www.example.com or awww.example.org", 0, ""},
		{"https://192.0.2.1/x http://[2001:db8::1]/ https://co.uk/", 0, ""},
		{"https:// nothing, http:example.com, https:", 0, ""},
		{"<a href=\"https://promo&#46;shady&#x2E;example/o\">x</a>", 1, "shady.example"},
		{"<a href=\"https&colon;&sol;&sol;x&period;example&period;net\">", 1, "example.net"},
		{"<a href=\"https://a.example.com/?x=1&amp;y=https://b.example.org/\">", 1,
		 "example.com,example.org"},
		{"&#104;ttps://www.example.net/", 1, "example.net"},
		{"https://promo&#46;shady&#x2E;example/o", 0, ""}, /* text: not HTML */
		{"https://xn--r8jz45g.example.com/ https://\xe4\xbe\x8b\xe3\x81\x88.jp/", 0,
		 "example.com,xn--r8jz45g.jp"},
		{"https://%00evil.example.net/ https://a%2fb.example.net/", 0, ""},
		{"&#1114112;&#99999999999999; &#0; &#x; &", 1, ""},
	};
	mc_links l;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = domains(cases[i].text, cases[i].html, &l);

		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
		CHECK_STR(got, cases[i].want);
		mc_links_clear(&l);
	}
}

static void test_counts(void)
{
	mc_links l;
	char text[4096] = "";

	domains("https://www.example.com/a https://example.com/b http://192.0.2.7/p", false, &l);
	CHECK(l.links == 3);
	CHECK(l.address_links == 1);
	CHECK(l.n_domains == 1 && l.domains[0].links == 2);
	CHECK_STR(l.domains[0].host, "www.example.com");
	mc_links_clear(&l);

	for (int i = 0; i < MC_LINKS_MAX_DOMAINS + 5; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "https://d%d.example/ ", i);
	domains(text, false, &l);
	CHECK(l.n_domains == MC_LINKS_MAX_DOMAINS);
	CHECK(l.left_out == 5);
	CHECK(l.links == MC_LINKS_MAX_DOMAINS + 5);
	mc_links_clear(&l);
}

static void test_long_host(void)
{
	size_t n = 100000;
	char *text = malloc(n + 32);
	mc_links l = {0};

	memcpy(text, "https://", 8);
	memset(text + 8, 'a', n);
	memcpy(text + 8 + n, ".example/", 10);
	mc_links_scan(text, strlen(text), true, &l);
	CHECK(l.n_domains == 0); /* longer than a name can be */
	mc_links_clear(&l);
	free(text);
}

int main(void)
{
	static const struct test tests[] = {
		{"links: each link's host, as a browser goes to it", test_hosts},
		{"links: counted by domain, bounded", test_counts},
		{"links: a host longer than a name", test_long_host},
	};

	return RUN(tests);
}
