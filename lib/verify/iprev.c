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
	char rev[80];
	const mc_dns_answer *a;
	mc_dns_query q[MC_IPREV_MAX_NAMES];
	uint16_t type = strchr(ip, ':') ? MC_RR_AAAA : MC_RR_A;
	bool temp = false;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if (!mc_ip_reverse_name(ip, rev, sizeof(rev)))
		return MC_OK; /* not an address: nothing to check */
	if (!(a = mc_dns_lookup(r, rev, MC_RR_PTR)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (mc_dns_status_is_temporary(a->status)) {
		out->verdict = MC_VERDICT_TEMPERROR;
		return MC_OK;
	}
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_PTR && out->n_names < MC_IPREV_MAX_NAMES &&
		    (out->names[out->n_names] = mc_strdup(a->rrs[i].data)))
			out->n_names++;
	if (!out->n_names) {
		out->verdict = MC_VERDICT_PERMERROR;
		return MC_OK;
	}
	for (size_t i = 0; i < out->n_names; i++)
		q[i] = (mc_dns_query){.name = out->names[i], .type = type};
	if ((st = mc_dns_resolve(r, q, out->n_names)) != MC_OK)
		return st;
	for (size_t i = 0; i < out->n_names && !out->confirmed; i++) {
		const mc_dns_answer *f = q[i].answer;

		temp |= !f || mc_dns_status_is_temporary(f->status);
		for (size_t k = 0; f && f->status == MC_DNS_OK && k < f->n_rrs; k++)
			if (f->rrs[k].type == type && mc_ip_equal(f->rrs[k].data, ip))
				out->confirmed = mc_strdup(out->names[i]);
	}
	out->verdict = out->confirmed ? MC_VERDICT_PASS : temp ? MC_VERDICT_TEMPERROR
	             : MC_VERDICT_FAIL;
	return MC_OK;
}

void mc_iprev_clear(mc_iprev *p)
{
	for (size_t i = 0; i < p->n_names; i++)
		free(p->names[i]);
	free(p->confirmed);
	memset(p, 0, sizeof(*p));
}
