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

static mc_resolver *zones(void)
{
	const char *f[] = {TESTDATA "/zones/example.com.zone", TESTDATA "/zones/mailer.test.zone",
	                   TESTDATA "/zones/example.net.zone"};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_zones(&r, f, 3) == MC_OK);
	return r;
}

/* The situations of DESIGN.md: an ESP's bounce domain passes SPF but does
 * not align; DKIM of the From domain aligns; a subdomain aligns relaxed. */
static void test_evaluate(void)
{
	mc_resolver *r = zones();
	mc_dmarc_result pol;
	mc_dmarc_decision d;
	const char *dkim_d[] = {"mailer.test", "example.com"};
	mc_verdict dkim_v[] = {MC_VERDICT_PASS, MC_VERDICT_FAIL};
	mc_dmarc_auth esp = {.spf_domain = "bounces.mailer.test", .spf = MC_VERDICT_PASS,
	                     .dkim_domains = dkim_d, .dkim = dkim_v, .n_dkim = 2};

	CHECK(mc_dmarc_check(r, "example.com", &pol) == MC_OK && pol.verdict == MC_VERDICT_PASS);
	CHECK(mc_dmarc_evaluate(r, &pol, &esp, &d) == MC_OK);
	CHECK(d.result == MC_VERDICT_FAIL && !d.spf_aligned && !d.dkim_aligned);
	CHECK(d.disposition == MC_DMARC_POLICY_REJECT);
	mc_dmarc_decision_clear(&d);
	dkim_v[1] = MC_VERDICT_PASS; /* the From domain's own signature passes */
	CHECK(mc_dmarc_evaluate(r, &pol, &esp, &d) == MC_OK);
	CHECK(d.result == MC_VERDICT_PASS && d.dkim_aligned && d.disposition == MC_DMARC_POLICY_NONE);
	CHECK_STR(d.aligned_dkim_domain, "example.com");
	mc_dmarc_decision_clear(&d);
	mc_dmarc_auth sub = {.spf_domain = "bounce.example.com", .spf = MC_VERDICT_PASS};
	CHECK(mc_dmarc_evaluate(r, &pol, &sub, &d) == MC_OK);
	CHECK(d.result == MC_VERDICT_PASS && d.spf_aligned); /* relaxed */
	mc_dmarc_decision_clear(&d);
	mc_dmarc_result_clear(&pol);
	/* t=y: a step milder */
	CHECK(mc_dmarc_check(r, "trial.example.net", &pol) == MC_OK);
	CHECK(mc_dmarc_evaluate(r, &pol, &esp, &d) == MC_OK);
	CHECK(d.result == MC_VERDICT_FAIL && d.disposition == MC_DMARC_POLICY_NONE);
	mc_dmarc_decision_clear(&d);
	mc_dmarc_result_clear(&pol);
	mc_resolver_free(r);
}

int main(void)
{
	static const struct test tests[] = {
		{"dmarc: tree walk names", test_walk_names},
		{"dmarc: organizational domain rules", test_org_rules},
		{"dmarc: alignment", test_alignment},
		{"dmarc: record", test_record},
		{"dmarc: policy decision", test_evaluate},
	};
	return RUN(tests);
}
