/* The per-run cache and the query log. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "mailcheck/dns.h"

static mc_resolver *open_zone(void)
{
	const char *files[] = {TESTDATA "/zones/example.com.zone"};
	mc_resolver *r = NULL;

	CHECK(mc_resolver_new_zones(&r, files, 1) == MC_OK);
	return r;
}

static void test_second_query_cached(void)
{
	mc_resolver *r = open_zone();
	const mc_dns_answer *a1 = mc_dns_lookup(r, "example.com", MC_RR_MX);
	const mc_dns_answer *a2 = mc_dns_lookup(r, "EXAMPLE.com.", MC_RR_MX);
	mc_dns_log log;

	CHECK(a1 == a2);
	CHECK(mc_dns_log_size(r) == 2);
	CHECK(mc_dns_log_copy(r, 0, &log) == MC_OK);
	CHECK(log.n == 2 && !log.entries[0].cached && log.entries[1].cached);
	mc_dns_log_clear(&log);
	/* another type of the same name is another entry */
	CHECK(mc_dns_lookup(r, "example.com", MC_RR_A) != a1);
	mc_resolver_free(r);
}

/* A batch copies each message's slice of the log, each answer once, then
 * rewinds the shared log so that it does not grow with every message. */
static void test_log_unique_and_rewind(void)
{
	mc_resolver *r = open_zone();
	mc_dns_log log;

	mc_dns_lookup(r, "example.com", MC_RR_MX);
	mc_dns_lookup(r, "example.com", MC_RR_A);
	mc_dns_lookup(r, "example.com", MC_RR_MX);
	CHECK(mc_dns_log_copy(r, 0, &log) == MC_OK && log.n == 3);
	mc_dns_log_unique(&log);
	CHECK(log.n == 2 && log.entries[0].answer->type == MC_RR_MX && !log.entries[0].cached &&
	      log.entries[1].answer->type == MC_RR_A);
	mc_dns_log_clear(&log);
	mc_dns_log_rewind(r, 1);
	CHECK(mc_dns_log_size(r) == 1);
	mc_dns_log_rewind(r, 5); /* never forward */
	CHECK(mc_dns_log_size(r) == 1);
	/* the cache stays: the next lookup is a hit */
	mc_dns_lookup(r, "example.com", MC_RR_A);
	CHECK(mc_dns_log_copy(r, 1, &log) == MC_OK && log.n == 1 && log.entries[0].cached);
	mc_dns_log_clear(&log);
	mc_resolver_free(r);
}

static void test_batch(void)
{
	mc_resolver *r = open_zone();
	mc_dns_query q[] = {
		{.name = "mx1.example.com", .type = MC_RR_A},
		{.name = "mx1.example.com", .type = MC_RR_AAAA},
		{.name = "MX1.example.com", .type = MC_RR_A},
		{.name = "nothere.example.com", .type = MC_RR_A},
	};
	mc_dns_log log;

	CHECK(mc_dns_resolve(r, q, 4) == MC_OK);
	CHECK(q[0].answer && q[0].answer == q[2].answer);
	CHECK(q[1].answer->type == MC_RR_AAAA);
	CHECK(q[3].answer->status == MC_DNS_NXDOMAIN);
	CHECK(mc_dns_log_copy(r, 1, &log) == MC_OK);
	CHECK(log.n == 3);
	CHECK(!log.entries[0].cached && log.entries[1].cached && !log.entries[2].cached);
	mc_dns_log_clear(&log);
	mc_resolver_free(r);
}

static void test_many_names(void)
{
	mc_resolver *r = open_zone();
	const mc_dns_answer *first[500];
	char name[64];
	bool same = true;

	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "n%d.example.com", i);
		first[i] = mc_dns_lookup(r, name, MC_RR_TXT);
	}
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "n%d.example.com", i);
		same &= mc_dns_lookup(r, name, MC_RR_TXT) == first[i];
	}
	CHECK(same);
	CHECK(mc_dns_log_size(r) == 1000);
	mc_resolver_free(r);
}

static void test_network_opts(void)
{
	mc_resolver *r = NULL;
	const char *good[] = {"127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:53"};
	const char *bad1[] = {"127.0.0.1:99999"};
	const char *bad2[] = {"resolver.example"};
	mc_resolver_opts o = {.servers = good, .n_servers = 4};

	CHECK(mc_resolver_new_network(&r, &o) == MC_OK);
	mc_resolver_free(r);
	o.servers = bad1;
	o.n_servers = 1;
	CHECK(mc_resolver_new_network(&r, &o) == MC_EINVAL);
	o.servers = bad2;
	CHECK(mc_resolver_new_network(&r, &o) == MC_EINVAL);
	CHECK(strstr(mc_error_last(), "resolver.example") != NULL);
}

int main(void)
{
	static const struct test tests[] = {
		{"cache: second query from cache", test_second_query_cached},
		{"cache: batch with duplicates", test_batch},
		{"cache: log slices once per answer, rewind", test_log_unique_and_rewind},
		{"cache: 500 names (rehash)", test_many_names},
		{"network: nameserver syntax", test_network_opts},
	};
	return RUN(tests);
}
