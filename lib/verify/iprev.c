/*
 * iprev (RFC 8601 2.7.3): the client's PTR names, and whether one of them
 * resolves back to the client's address (forward-confirmed reverse DNS).
 * pass: one does; fail: PTR names exist and none does; permerror: no PTR
 * data; temperror: a lookup failed. Receivers (Gmail, Yahoo, Microsoft)
 * require it of bulk senders.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "verify/internal.h"

mc_status mc_iprev_check(mc_resolver *r, const char *ip, mc_iprev *out)
{
	mc_fcrdns_answer a;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = mc_dns_fcrdns(r, &ip, 1, &a)) != MC_OK)
		return st;
	if (!a.address)
		return MC_OK; /* not an address: nothing to check */
	for (size_t i = 0; i < a.n_names && i < MC_IPREV_MAX_NAMES; i++) {
		if (a.names[i] == a.confirmed)
			out->confirmed = mc_strdup(a.names[i]);
		out->names[out->n_names++] = a.names[i]; /* moved */
		a.names[i] = NULL;
	}
	out->verdict = mc_dns_status_is_temporary(a.ptr_status) ? MC_VERDICT_TEMPERROR
	             : !out->n_names ? MC_VERDICT_PERMERROR
	             : out->confirmed ? MC_VERDICT_PASS
	             : a.temporary ? MC_VERDICT_TEMPERROR : MC_VERDICT_FAIL;
	mc_fcrdns_answer_clear(&a);
	return MC_OK;
}

void mc_iprev_clear(mc_iprev *p)
{
	for (size_t i = 0; i < p->n_names; i++)
		free(p->names[i]);
	free(p->confirmed);
	memset(p, 0, sizeof(*p));
}
