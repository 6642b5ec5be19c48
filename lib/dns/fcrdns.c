/*
 * Forward-confirmed reverse DNS (RFC 8601 2.7.3 calls it iprev): the PTR
 * names of an address, and whether one of them has an A or AAAA record
 * that is the address again. Many addresses at once in two batches -- all
 * the PTR queries, then all the forward ones -- for iprev of a message's
 * client (lib/verify) and the MX addresses of a domain (lib/domain).
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/dns.h"

/* The first round: the PTR names of each address. */
static mc_status ask_ptr(mc_resolver *r, const char *const *ips, size_t n, mc_fcrdns_answer *out)
{
	mc_dns_query *q = calloc(n ? n : 1, sizeof(*q));
	char (*rev)[80] = calloc(n ? n : 1, sizeof(*rev));
	size_t *at = calloc(n ? n : 1, sizeof(*at)), nq = 0;
	mc_status st = MC_OK;

	if (!q || !rev || !at)
		st = mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; st == MC_OK && i < n; i++) {
		at[i] = SIZE_MAX;
		if (mc_ip_reverse_name(ips[i], rev[nq], sizeof(rev[nq]))) {
			q[nq] = (mc_dns_query){.name = rev[nq], .type = MC_RR_PTR};
			at[i] = nq++;
		}
	}
	if (st == MC_OK && nq)
		st = mc_dns_resolve(r, q, nq);
	for (size_t i = 0; st == MC_OK && i < n; i++) {
		const mc_dns_answer *a = at[i] == SIZE_MAX ? NULL : q[at[i]].answer;
		mc_fcrdns_answer *f = &out[i];

		f->address = at[i] != SIZE_MAX;
		f->ptr_status = a ? a->status : at[i] == SIZE_MAX ? MC_DNS_NXDOMAIN : MC_DNS_ERROR;
		f->temporary = mc_dns_status_is_temporary(f->ptr_status);
		for (size_t k = 0; a && a->status == MC_DNS_OK && k < a->n_rrs; k++)
			if (a->rrs[k].type == MC_RR_PTR && f->n_names < MC_FCRDNS_MAX_NAMES &&
			    (f->names[f->n_names] = mc_strdup(a->rrs[k].data)))
				f->n_names++;
	}
	free(q);
	free(rev);
	free(at);
	return st;
}

/* The second round: the A or AAAA records of every name. */
static mc_status ask_forward(mc_resolver *r, const char *const *ips, size_t n,
                             mc_fcrdns_answer *out)
{
	size_t total = 0, k = 0;
	mc_dns_query *q;
	mc_status st;

	for (size_t i = 0; i < n; i++)
		total += out[i].n_names;
	if (!total)
		return MC_OK;
	if (!(q = calloc(total, sizeof(*q))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < out[i].n_names; j++)
			q[k++] = (mc_dns_query){.name = out[i].names[j],
			                        .type = strchr(ips[i], ':') ? MC_RR_AAAA : MC_RR_A};
	st = mc_dns_resolve(r, q, total);
	k = 0;
	for (size_t i = 0; st == MC_OK && i < n; i++)
		for (size_t j = 0; j < out[i].n_names; j++) {
			const mc_dns_answer *a = q[k++].answer;

			out[i].temporary |= !a || mc_dns_status_is_temporary(a->status);
			for (size_t m = 0; a && a->status == MC_DNS_OK && m < a->n_rrs; m++)
				if (a->rrs[m].type == q[k - 1].type && !out[i].confirmed &&
				    mc_ip_equal(a->rrs[m].data, ips[i]))
					out[i].confirmed = out[i].names[j];
		}
	free(q);
	return st;
}

mc_status mc_dns_fcrdns(mc_resolver *r, const char *const *ips, size_t n, mc_fcrdns_answer *out)
{
	mc_status st;

	memset(out, 0, n * sizeof(*out));
	if ((st = ask_ptr(r, ips, n, out)) == MC_OK)
		st = ask_forward(r, ips, n, out);
	if (st != MC_OK)
		for (size_t i = 0; i < n; i++)
			mc_fcrdns_answer_clear(&out[i]);
	return st;
}

void mc_fcrdns_answer_clear(mc_fcrdns_answer *a)
{
	for (size_t i = 0; i < a->n_names; i++)
		free(a->names[i]);
	memset(a, 0, sizeof(*a));
}
