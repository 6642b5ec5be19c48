/* DNS responses are outside data: any bytes as a response to a query.
 * Read both ways -- wire.c's reader and ldns's packet -- they must agree:
 * what wire.c takes, ldns takes, and the answers are the same. */
#include <stdint.h>
#include <stdlib.h>

#include "dns/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = {MC_RR_A, MC_RR_AAAA, MC_RR_MX, MC_RR_TXT, MC_RR_PTR,
	                                 MC_RR_CNAME, MC_RR_NS, 99};
	ldns_pkt *pkt = NULL;

	if (size < 1)
		return 0;
	const uint8_t *wire = data + 1;
	size_t len = size - 1;
	bool ldns_ok = ldns_wire2pkt(&pkt, wire, len) == LDNS_STATUS_OK;
	mc_dns_answer *probe = mc_dns_answer_new("example.com", MC_RR_A);

	/* what wire.c takes, ldns takes, and it is not truncated */
	if (probe && mc_dns_answer_from_wire(probe, wire, len) != MC_EPARSE &&
	    (!ldns_ok || ldns_pkt_tc(pkt)))
		abort();
	mc_dns_answer_free(probe);
	if (!ldns_ok) {
		ldns_pkt_free(pkt);
		return 0;
	}
	/* ask as if the question was the packet's own, or a fixed name */
	const ldns_rr_list *q = ldns_pkt_question(pkt);
	char *name = ldns_rr_list_rr_count(q) ? mc_dns_rdf_name(ldns_rr_owner(ldns_rr_list_rr(q, 0)))
	                                      : NULL;
	uint16_t type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	mc_dns_answer *a = mc_dns_answer_new(name ? name : "example.com", type);
	mc_dns_answer *b = mc_dns_answer_new(name ? name : "example.com", type);

	if (a && b) {
		mc_status sa = mc_dns_answer_from_pkt(a, pkt), sb = mc_dns_answer_from_wire(b, wire, len);

		if (sb != MC_EPARSE && (sa != sb || (sa == MC_OK && !mc_dns_answer_same(a, b))))
			abort(); /* the two readers disagree */
	}
	mc_dns_answer_free(a);
	mc_dns_answer_free(b);
	free(name);
	ldns_pkt_free(pkt);
	return 0;
}
