/* DMARC: the tree-walk names, the organizational domain rules, alignment. */
#include <stdlib.h>

#include "check.h"
#include "dmarc/internal.h"

static void test_walk_names(void)
{
	char names[MC_DMARC_MAX_WALK][256];
	size_t n = dmarc_walk_names("a.b.c.d.e.f.g.h.i.example.com", names);

	CHECK(n == 8);
	CHECK_STR(names[0], "a.b.c.d.e.f.g.h.i.example.com");
	CHECK_STR(names[1], "e.f.g.h.i.example.com"); /* the rightmost seven labels */
	CHECK_STR(names[7], "com");
	n = dmarc_walk_names("mail.example.com", names);
	CHECK(n == 3);
	CHECK_STR(names[1], "example.com");
	CHECK_STR(names[2], "com");
	CHECK(dmarc_walk_names("localhost", names) == 1);
}

static void test_org_rules(void)
{
	char names[3][256] = {"a.shop.example", "shop.example", "example"};
	char *org;

	/* the record with the fewest labels */
	org = dmarc_org_from_walk(names[0], names, (const char[]){'u', 'u', 0}, 3);
	CHECK_STR(org, "shop.example");
	free(org);
	/* psd=y above: one label below it */
	org = dmarc_org_from_walk(names[0], names, (const char[]){0, 0, 'y'}, 3);
	CHECK_STR(org, "shop.example");
	free(org);
	/* psd=n stops the walk */
	org = dmarc_org_from_walk(names[0], names, (const char[]){'n', 'u', 'u'}, 3);
	CHECK_STR(org, "a.shop.example");
	free(org);
	/* no record: the domain itself */
	org = dmarc_org_from_walk(names[0], names, (const char[]){0, 0, 0}, 3);
	CHECK_STR(org, "a.shop.example");
	free(org);
}

static void test_alignment(void)
{
	CHECK(mc_dmarc_aligned("example.com", "EXAMPLE.com.", true, NULL, NULL));
	CHECK(!mc_dmarc_aligned("bounce.example.com", "example.com", true, "example.com",
	                        "example.com")); /* OpenDMARC 1.4 says aligned here */
	CHECK(mc_dmarc_aligned("bounce.example.com", "example.com", false, "example.com",
	                       "example.com"));
	CHECK(!mc_dmarc_aligned("esp.example.net", "example.com", false, "example.net",
	                        "example.com"));
	CHECK(!mc_dmarc_aligned("a.example.com", "b.example.com", true, "example.com",
	                        "example.com"));
}

static void test_record(void)
{
	mc_dmarc_record rec = {.domain = strdup("example.com")};
	mc_findings f = {0};
	const char *txt = "v=DMARC1; p=quarantine; sp=reject; np=none; psd=n; t=y; adkim=s; "
	                  "rua=mailto:a@example.com,mailto:b@example.net!10m; pct=20";

	CHECK(dmarc_is_record(txt, strlen(txt)));
	CHECK(!dmarc_is_record("v=DMARC10", 9) && !dmarc_is_record("p=none; v=DMARC1", 16));
	dmarc_record_parse(&rec, txt, strlen(txt), &f);
	CHECK(rec.valid && rec.p == MC_DMARC_POLICY_QUARANTINE && rec.sp == MC_DMARC_POLICY_REJECT);
	CHECK(rec.np == MC_DMARC_POLICY_NONE && rec.psd == 'n' && rec.testing && rec.strict_dkim);
	CHECK(!rec.strict_spf && rec.n_rua == 2 && rec.pct == 20);
	CHECK_STR(rec.rua[1], "mailto:b@example.net");
	dmarc_record_clear(&rec);
	mc_findings_clear(&f);
}

int main(void)
{
	static const struct test tests[] = {
		{"dmarc: tree walk names", test_walk_names},
		{"dmarc: organizational domain rules", test_org_rules},
		{"dmarc: alignment", test_alignment},
		{"dmarc: record", test_record},
	};
	return RUN(tests);
}
