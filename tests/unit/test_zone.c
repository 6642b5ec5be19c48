/* The zone-file backend answers as a real server + resolver would. */
#include <stdlib.h>

#include "check.h"
#include "mailcheck/dns.h"

static mc_resolver *open_zones(void)
{
	const char *files[] = {TESTDATA "/zones/example.com.zone",
	                       TESTDATA "/zones/example.net.zone",
	                       TESTDATA "/zones/example.org.zone"};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_zones(&r, files, 3) == MC_OK);
	return r;
}

static void test_records(void)
{
	mc_resolver *r = open_zones();
	const mc_dns_answer *a = mc_dns_lookup(r, "Example.COM.", MC_RR_MX);

	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 2);
	CHECK_STR(a->name, "example.com");
	CHECK(a->rrs[0].preference == 10 || a->rrs[1].preference == 10);
	a = mc_dns_lookup(r, "mx1.example.com", MC_RR_AAAA);
	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 1);
	CHECK_STR(a->rrs[0].data, "2001:db8::25");
	CHECK(a->rrs[0].addr[0] == 0x20 && a->rrs[0].addr[15] == 0x25);
	CHECK(a->rrs[0].ttl == 3600);
	mc_resolver_free(r);
}

static void test_nodata_nxdomain_ent(void)
{
	mc_resolver *r = open_zones();

	CHECK(mc_dns_lookup(r, "mx2.example.com", MC_RR_AAAA)->status == MC_DNS_NODATA);
	CHECK(mc_dns_lookup(r, "nothere.example.com", MC_RR_A)->status == MC_DNS_NXDOMAIN);
	CHECK(mc_dns_lookup(r, "ent.example.com", MC_RR_A)->status == MC_DNS_NODATA);
	CHECK(mc_dns_lookup(r, "example.invalid", MC_RR_A)->status == MC_DNS_NXDOMAIN);
	CHECK(mc_dns_lookup(r, "below.deep.ent.example.com", MC_RR_A)->status == MC_DNS_NXDOMAIN);
	mc_resolver_free(r);
}

static void test_txt_joined(void)
{
	mc_resolver *r = open_zones();
	const mc_dns_answer *a = mc_dns_lookup(r, "multi.example.com", MC_RR_TXT);

	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 1);
	CHECK_STR(a->rrs[0].data, "v=spf1 ip4:192.0.2.0/24 -all");
	CHECK(a->rrs[0].data_len == strlen("v=spf1 ip4:192.0.2.0/24 -all"));
	mc_resolver_free(r);
}

static void test_cname_chase(void)
{
	mc_resolver *r = open_zones();
	const mc_dns_answer *a = mc_dns_lookup(r, "mxalias.example.net", MC_RR_A);

	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 2);
	CHECK(a->rrs[0].type == MC_RR_CNAME);
	CHECK_STR(a->rrs[0].data, "mail.example.net");
	CHECK_STR(a->rrs[1].owner, "mail.example.net");
	/* asking for the CNAME itself does not chase */
	a = mc_dns_lookup(r, "mxalias.example.net", MC_RR_CNAME);
	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 1);
	a = mc_dns_lookup(r, "loop.example.org", MC_RR_A);
	CHECK(a && a->status == MC_DNS_SERVFAIL && a->error);
	mc_resolver_free(r);
}

static void test_wildcard(void)
{
	mc_resolver *r = open_zones();
	const mc_dns_answer *a = mc_dns_lookup(r, "x.y.wild.example.net", MC_RR_MX);

	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 1);
	CHECK_STR(a->rrs[0].owner, "x.y.wild.example.net");
	CHECK(mc_dns_lookup(r, "x.wild.example.net", MC_RR_A)->status == MC_DNS_NODATA);
	/* the wildcard does not answer for the closest encloser itself */
	CHECK(mc_dns_lookup(r, "wild.example.net", MC_RR_MX)->status == MC_DNS_NODATA);
	mc_resolver_free(r);
}

static void test_faults(void)
{
	mc_resolver *r = open_zones();

	CHECK(mc_dns_lookup(r, "timeout.example.org", MC_RR_MX)->status == MC_DNS_TIMEOUT);
	CHECK(mc_dns_lookup(r, "timeout.example.org", MC_RR_A)->status == MC_DNS_OK);
	CHECK(mc_dns_lookup(r, "servfail.example.org", MC_RR_TXT)->status == MC_DNS_SERVFAIL);
	CHECK(mc_dns_lookup(r, "impltemp.example.org", MC_RR_TXT)->status == MC_DNS_OK);
	CHECK(mc_dns_lookup(r, "impltemp.example.org", MC_RR_AAAA)->status == MC_DNS_SERVFAIL);
	mc_resolver_free(r);
}

static void test_bad_files(void)
{
	const char *bad[] = {TESTDATA "/zones/bad/bad-address.zone"};
	const char *dir[] = {TESTDATA "/zones/bad/bad-directive.zone"};
	const char *none[] = {TESTDATA "/zones/does-not-exist.zone"};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_zones(&r, bad, 1) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "line 5") != NULL);
	CHECK(mc_resolver_new_zones(&r, dir, 1) == MC_EPARSE);
	CHECK(strstr(mc_error_last(), "line 3") != NULL);
	CHECK(mc_resolver_new_zones(&r, none, 1) == MC_EIO);
	CHECK(strstr(mc_error_last(), "does-not-exist.zone") != NULL);
}

static void test_bad_query_name(void)
{
	mc_resolver *r = open_zones();
	char longlabel[80];

	memset(longlabel, 'a', 70);
	strcpy(longlabel + 70, ".com");
	const mc_dns_answer *a = mc_dns_lookup(r, longlabel, MC_RR_TXT);

	CHECK(a && a->status == MC_DNS_ERROR && a->error);
	CHECK(mc_dns_lookup(r, "a..b", MC_RR_TXT)->status == MC_DNS_ERROR);
	mc_resolver_free(r);
}

/* Regression (fuzz_zone): an empty file is a zone with no names. */
static void test_empty_file(void)
{
	const char *files[] = {TESTDATA "/zones/bad/empty.zone"};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_zones(&r, files, 1) == MC_OK);
	CHECK(r && mc_dns_lookup(r, "example.com", MC_RR_MX)->status == MC_DNS_NXDOMAIN);
	mc_resolver_free(r);
}

int main(void)
{
	static const struct test tests[] = {
		{"zone records", test_records},
		{"zone nodata/nxdomain/empty non-terminal", test_nodata_nxdomain_ent},
		{"zone TXT strings joined", test_txt_joined},
		{"zone CNAME chase and loop", test_cname_chase},
		{"zone wildcard", test_wildcard},
		{"zone fault directives", test_faults},
		{"zone bad files", test_bad_files},
		{"zone bad query names", test_bad_query_name},
		{"zone empty file", test_empty_file},
	};
	return RUN(tests);
}
