/*
 * The network backend against real servers, started by
 * tests/integration/run.sh:
 *   MC_TEST_DNS     ADDR:PORT of NSD serving testdata/zones
 *   MC_TEST_SILENT  ADDR:PORT of a UDP socket that never answers
 * Without them the tests are skipped.
 */
#include <stdlib.h>

#include "check.h"
#include "mailcheck/dns.h"

double now_ms(void);

static const char *live, *silent;

static mc_resolver *net(const char *const *servers, size_t n, double timeout)
{
	mc_resolver_opts o = {.servers = servers, .n_servers = n, .timeout = timeout};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_network(&r, &o) == MC_OK);
	return r;
}

static mc_resolver *zones(void)
{
	const char *f[] = {TESTDATA "/zones/example.com.zone", TESTDATA "/zones/example.net.zone"};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_zones(&r, f, 2) == MC_OK);
	return r;
}

/* Same status and same records from the server as from the zone files. */
static void test_same_as_zone(void)
{
	static const struct { const char *name; uint16_t type; } q[] = {
		{"example.com", MC_RR_MX}, {"mx1.example.com", MC_RR_AAAA},
		{"mx2.example.com", MC_RR_AAAA}, {"nothere.example.com", MC_RR_A},
		{"ent.example.com", MC_RR_A}, {"multi.example.com", MC_RR_TXT},
		{"mxalias.example.net", MC_RR_A}, {"a.b.wild.example.net", MC_RR_MX},
		{"big.example.com", MC_RR_TXT},
	};
	mc_resolver *n = net(&live, 1, 3), *z = zones();
	mc_dns_query batch[sizeof(q) / sizeof(q[0])];

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		batch[i] = (mc_dns_query){.name = q[i].name, .type = q[i].type};
	CHECK(mc_dns_resolve(n, batch, sizeof(q) / sizeof(q[0])) == MC_OK);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		const mc_dns_answer *a = batch[i].answer, *b = mc_dns_lookup(z, q[i].name, q[i].type);

		CHECK(a->status == b->status);
		CHECK(a->n_rrs == b->n_rrs);
		if (a->status != b->status || a->n_rrs != b->n_rrs) {
			fprintf(stderr, "  %s: network %s/%zu, zone %s/%zu (%s)\n", q[i].name,
			        mc_dns_status_name(a->status), a->n_rrs,
			        mc_dns_status_name(b->status), b->n_rrs, a->error ? a->error : "");
			continue;
		}
		for (size_t k = 0; k < a->n_rrs; k++) {
			CHECK(a->rrs[k].type == b->rrs[k].type);
			CHECK(a->rrs[k].data_len == b->rrs[k].data_len);
		}
	}
	/* the big record came whole, over TCP */
	CHECK(batch[8].answer->n_rrs == 1 && batch[8].answer->rrs[0].data_len > 1500);
	mc_resolver_free(n);
	mc_resolver_free(z);
}

/* Ten queries to a server that never answers take one timeout, not ten. */
static void test_concurrent_timeouts(void)
{
	mc_resolver *r = net(&silent, 1, 1.0);
	mc_dns_query q[10];
	char names[10][32];
	double start = now_ms();

	for (int i = 0; i < 10; i++) {
		snprintf(names[i], sizeof(names[i]), "q%d.example.com", i);
		q[i] = (mc_dns_query){.name = names[i], .type = MC_RR_A};
	}
	CHECK(mc_dns_resolve(r, q, 10) == MC_OK);
	double took = now_ms() - start;

	for (int i = 0; i < 10; i++)
		CHECK(q[i].answer->status == MC_DNS_TIMEOUT && q[i].answer->error);
	CHECK(took >= 900 && took < 2500);
	if (took >= 2500)
		fprintf(stderr, "  10 timeouts took %.0f ms\n", took);
	mc_resolver_free(r);
}

/* A dead first server does not make the resolver useless (the ldns_resolver
 * trap): the next try goes to the live one. */
static void test_dead_then_live(void)
{
	const char *servers[] = {silent, live};
	mc_resolver *r = net(servers, 2, 2.0);
	const mc_dns_answer *a = mc_dns_lookup(r, "example.com", MC_RR_MX);

	CHECK(a && a->status == MC_DNS_OK && a->n_rrs == 2);
	a = mc_dns_lookup(r, "mx1.example.com", MC_RR_A);
	CHECK(a && a->status == MC_DNS_OK);
	mc_resolver_free(r);
}

/* Names outside the server's zones: an authoritative server refuses. */
static void test_refused(void)
{
	mc_resolver *r = net(&live, 1, 2.0);
	const mc_dns_answer *a = mc_dns_lookup(r, "example.invalid", MC_RR_A);

	CHECK(a && a->status == MC_DNS_REFUSED && mc_dns_status_is_temporary(a->status));
	mc_resolver_free(r);
}

int main(void)
{
	static const struct test tests[] = {
		{"net: same answers as the zone backend (incl. TCP fallback)", test_same_as_zone},
		{"net: concurrent timeouts", test_concurrent_timeouts},
		{"net: dead server then live one", test_dead_then_live},
		{"net: REFUSED", test_refused},
	};
	live = getenv("MC_TEST_DNS");
	silent = getenv("MC_TEST_SILENT");
	if (!live || !silent) {
		printf("0 passed, 0 failed, %zu skipped\n", sizeof(tests) / sizeof(tests[0]));
		return 0;
	}
	return RUN(tests);
}
