/* wire.c's reader against ldns's packet: responses made by ldns from
 * records in zone format, then broken on purpose (bytes changed, cut,
 * lengths and pointers bent). Whatever wire.c takes, ldns must take too and
 * give the same answer; and wire.c must take the plain ones (else the fast
 * path would be dead and this test would prove nothing). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dns/internal.h"

static const char *const records[][6] = {
	{"example.com. 300 IN A 192.0.2.1", "example.com. 300 IN A 192.0.2.2"},
	{"example.com. 60 IN AAAA 2001:db8::1"},
	{"Example.COM. 3600 IN MX 10 mx1.example.com.", "example.com. 3600 IN MX 20 MX2.example.net."},
	{"example.com. 300 IN TXT \"v=spf1 \" \"include:_spf.example.net -all\"",
	 "example.com. 300 IN TXT \"\\000nul\\255\""},
	{"www.example.com. 300 IN CNAME web.example.net.", "web.example.net. 300 IN A 192.0.2.9"},
	{"example.com. 300 IN NS ns1.example.com.", "1.2.0.192.in-addr.arpa. 300 IN PTR host.example.com."},
	{"a.example.com. 300 IN CNAME b.example.com.", "b.example.com. 300 IN CNAME a.example.com."},
	{"_dmarc.example.com. 300 IN TXT \"v=DMARC1; p=reject\"",
	 "example.com. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 example.com. AAAA"},
	{"example.com. 300 IN CAA 0 issue \"ca.example\""},
	{"we*rd.example.com. 300 IN A 192.0.2.3", "example.com. 300 IN SPF \"v=spf1 -all\""},
};
static const char *const asked[] = {"example.com", "www.example.com", "a.example.com",
                                    "1.2.0.192.in-addr.arpa", "_dmarc.example.com", "EXAMPLE.com."};
static const uint16_t types[] = {MC_RR_A, MC_RR_AAAA, MC_RR_MX, MC_RR_TXT, MC_RR_CNAME,
                                 MC_RR_NS, MC_RR_PTR, 99};

/* A response holding one set of records, an SOA in authority, EDNS. */
static uint8_t *make(size_t set, bool nxdomain, size_t *len)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(asked[set % 6]), LDNS_RR_TYPE_A,
	                                 LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_rr *soa = NULL;
	uint8_t *wire = NULL;

	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, nxdomain ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR);
	ldns_pkt_set_ad(p, set % 3 == 0);
	for (size_t i = 0; i < 6 && records[set][i]; i++) {
		ldns_rr *rr = NULL;

		if (ldns_rr_new_frm_str(&rr, records[set][i], 0, NULL, NULL) == LDNS_STATUS_OK)
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	if (ldns_rr_new_frm_str(&soa, "example.com. 300 IN SOA ns1.example.com. "
	                        "hostmaster.example.com. 1 7200 900 1209600 300", 0, NULL, NULL) ==
	    LDNS_STATUS_OK)
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, soa);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, set % 2);
	if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK)
		wire = NULL;
	ldns_pkt_free(p);
	return wire;
}

static unsigned seed = 2026;

static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) % n;
}

/* Both readers on one response, for every name and type asked. */
static void compare(const uint8_t *w, size_t len, size_t *taken, size_t *agreed)
{
	ldns_pkt *pkt = NULL;
	bool ldns_ok = ldns_wire2pkt(&pkt, w, len) == LDNS_STATUS_OK;

	for (size_t q = 0; q < sizeof(asked) / sizeof(asked[0]); q++)
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			mc_dns_answer *a = mc_dns_answer_new(asked[q], types[t]);
			mc_dns_answer *b = mc_dns_answer_new(asked[q], types[t]);
			mc_status sb = mc_dns_answer_from_wire(b, w, len);

			if (sb != MC_EPARSE) { /* taken: ldns takes it too, and agrees */
				mc_status sa = ldns_ok ? mc_dns_answer_from_pkt(a, pkt) : MC_EPARSE;
				bool same = sa == sb && (sa != MC_OK || mc_dns_answer_same(a, b));

				(*taken)++;
				CHECK(ldns_ok && !ldns_pkt_tc(pkt));
				CHECK(same);
				*agreed += same;
			}
			mc_dns_answer_free(a);
			mc_dns_answer_free(b);
		}
	ldns_pkt_free(pkt);
}

static void test_plain(void)
{
	size_t taken = 0, agreed = 0;

	for (size_t set = 0; set < sizeof(records) / sizeof(records[0]); set++)
		for (int nx = 0; nx < 2; nx++) {
			size_t len;
			uint8_t *w = make(set, nx, &len);

			CHECK(w != NULL);
			if (w)
				compare(w, len, &taken, &agreed);
			free(w);
		}
	/* the plain sets are read by wire.c: 7 of 10, every name and type */
	CHECK(taken >= 7 * 2 * 6 * 8);
	CHECK(agreed == taken);
}

static void test_broken(void)
{
	size_t taken = 0, agreed = 0;

	for (int round = 0; round < 30000 && !check_failures; round++) {
		size_t len, set = (size_t)round % (sizeof(records) / sizeof(records[0]));
		uint8_t *w = make(set, round % 7 == 0, &len);

		if (!w)
			continue;
		for (unsigned k = 1 + rnd(3); k > 0; k--) {
			size_t at = rnd((unsigned)len);

			switch (rnd(4)) {
			case 0: /* any byte */
				w[at] = (uint8_t)rnd(256);
				break;
			case 1: /* a pointer, anywhere */
				w[at] = (uint8_t)(0xc0 | rnd(2));
				if (at + 1 < len)
					w[at + 1] = (uint8_t)rnd((unsigned)len + 4);
				break;
			case 2: /* a small number: lengths, counts */
				w[at] = (uint8_t)rnd(70);
				break;
			default: /* cut short */
				len = at > 12 ? at : len;
				break;
			}
		}
		compare(w, len, &taken, &agreed);
		free(w);
	}
	CHECK(taken > 1000);
	CHECK(agreed == taken);
}

int main(void)
{
	static const struct test tests[] = {
		{"wire: plain responses read as ldns reads them", test_plain},
		{"wire: broken responses: what wire.c takes, ldns reads the same", test_broken},
	};
	return RUN(tests);
}
