/* DNS responses are outside data: any bytes as a response to a query. */
#include <stdint.h>
#include <stdlib.h>

#include "dns/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt *pkt = NULL;
	static const uint16_t types[] = {MC_RR_A, MC_RR_AAAA, MC_RR_MX, MC_RR_TXT, MC_RR_PTR};

	if (size < 1 || ldns_wire2pkt(&pkt, data + 1, size - 1) != LDNS_STATUS_OK)
		return 0;
	/* ask as if the question was the packet's own, or a fixed name */
	const ldns_rr_list *q = ldns_pkt_question(pkt);
	char *name = ldns_rr_list_rr_count(q) ? mc_dns_rdf_name(ldns_rr_owner(ldns_rr_list_rr(q, 0)))
	                                      : NULL;
	mc_dns_answer *a = mc_dns_answer_new(name ? name : "example.com",
	                                     types[data[0] % (sizeof(types) / sizeof(types[0]))]);

	if (a)
		mc_dns_answer_from_pkt(a, pkt);
	mc_dns_answer_free(a);
	free(name);
	ldns_pkt_free(pkt);
	return 0;
}
