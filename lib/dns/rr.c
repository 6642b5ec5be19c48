/* Answers, and the conversion of ldns records into mailcheck's plain form. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dns/internal.h"

mc_dns_answer *mc_dns_answer_new(const char *name, uint16_t type)
{
	mc_dns_answer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->name = mc_strdup(name);
	if (!a->name) {
		free(a);
		return NULL;
	}
	a->type = type;
	a->rcode = -1;
	a->status = MC_DNS_ERROR;
	return a;
}

void mc_dns_answer_free(mc_dns_answer *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_rrs; i++) {
		free(a->rrs[i].owner);
		free(a->rrs[i].data);
	}
	free(a->rrs);
	free(a->name);
	free(a->error);
	free(a->error_text);
	free(a->wire);
	free(a->dnssec_reason);
	free(a);
}

char *mc_dns_rdf_name(const ldns_rdf *rdf)
{
	char *s = ldns_rdf2str(rdf), *folded;

	if (!s)
		return NULL;
	folded = mc_dns_name_fold(s);
	free(s);
	return folded;
}

/* TXT/SPF: the character-strings joined with no separator (RFC 7208 3.3). */
static int join_strings(const ldns_rr *rr, mc_dns_rr *out)
{
	mc_buf b = {0};

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *rdf = ldns_rr_rdf(rr, i);
		const uint8_t *d = ldns_rdf_data(rdf);
		size_t len = ldns_rdf_size(rdf);

		if (len == 0 || (size_t)d[0] + 1 > len)
			continue;
		if (mc_buf_add(&b, (const char *)d + 1, d[0]) < 0) {
			mc_buf_free(&b);
			return -1;
		}
	}
	out->data_len = b.len;
	out->data = mc_buf_take(&b);
	return out->data ? 0 : -1;
}

static int convert_rdata(const ldns_rr *rr, mc_dns_rr *out)
{
	const ldns_rdf *rdf = ldns_rr_rd_count(rr) ? ldns_rr_rdf(rr, 0) : NULL;
	char text[INET6_ADDRSTRLEN];

	switch (out->type) {
	case MC_RR_A:
	case MC_RR_AAAA: {
		size_t len = out->type == MC_RR_A ? 4 : 16;

		if (!rdf || ldns_rdf_size(rdf) != len)
			return -1;
		memcpy(out->addr, ldns_rdf_data(rdf), len);
		inet_ntop(len == 4 ? AF_INET : AF_INET6, out->addr, text, sizeof(text));
		out->data = mc_strdup(text);
		break;
	}
	case MC_RR_MX:
		if (ldns_rr_rd_count(rr) != 2)
			return -1;
		out->preference = ldns_rdf2native_int16(rdf);
		out->data = mc_dns_rdf_name(ldns_rr_rdf(rr, 1));
		break;
	case MC_RR_CNAME:
	case MC_RR_PTR:
	case MC_RR_NS:
		if (!rdf)
			return -1;
		out->data = mc_dns_rdf_name(rdf);
		break;
	case MC_RR_TXT:
	case MC_RR_SPF:
		return join_strings(rr, out);
	default: {
		mc_buf b = {0};

		for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
			char *f = ldns_rdf2str(ldns_rr_rdf(rr, i));

			if (!f || mc_buf_addf(&b, "%s%s", i ? " " : "", f) < 0) {
				free(f);
				mc_buf_free(&b);
				return -1;
			}
			free(f);
		}
		out->data = mc_buf_take(&b);
		break;
	}
	}
	if (!out->data)
		return -1;
	out->data_len = strlen(out->data);
	return 0;
}

mc_status mc_dns_answer_push(mc_dns_answer *a, mc_dns_rr *rr)
{
	/* the capacity mc_grow gave (8, then doubled), which only this
	 * function grows: a record more reallocates only when it is full, not
	 * for every record (10,000 records were 50 million moves) */
	size_t cap = a->n_rrs ? 8 : 0;

	while (cap && cap < a->n_rrs)
		cap *= 2;

	if (!rr->owner || !rr->data || mc_grow(&a->rrs, &cap, a->n_rrs + 1, sizeof(*a->rrs)) < 0) {
		free(rr->owner);
		free(rr->data);
		return MC_ENOMEM;
	}
	a->rrs[a->n_rrs++] = *rr;
	return MC_OK;
}

mc_status mc_dns_answer_add_ldns(mc_dns_answer *a, const ldns_rr *rr, const char *owner_override)
{
	mc_dns_rr out = {0};

	out.type = ldns_rr_get_type(rr);
	out.ttl = ldns_rr_ttl(rr);
	out.owner = owner_override ? mc_strdup(owner_override)
	                           : mc_dns_rdf_name(ldns_rr_owner(rr));
	if (!out.owner || convert_rdata(rr, &out) < 0) { /* push frees what was made */
		free(out.data);
		out.data = NULL;
	}
	return mc_dns_answer_push(a, &out);
}

static bool owner_is(const ldns_rr *rr, const ldns_rdf *name)
{
	return ldns_dname_compare(ldns_rr_owner(rr), name) == 0;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool mc_dns_answer_same(const mc_dns_answer *a, const mc_dns_answer *b)
{
	if (a->status != b->status || a->rcode != b->rcode || a->ad != b->ad ||
	    a->n_rrs != b->n_rrs || !same_str(a->error, b->error))
		return false;
	for (size_t i = 0; i < a->n_rrs; i++) {
		const mc_dns_rr *x = &a->rrs[i], *y = &b->rrs[i];

		if (x->type != y->type || x->ttl != y->ttl || x->preference != y->preference ||
		    !same_str(x->owner, y->owner) || x->data_len != y->data_len ||
		    memcmp(x->data, y->data, x->data_len) != 0 || memcmp(x->addr, y->addr, 16) != 0)
			return false;
	}
	return true;
}

void mc_dns_answer_set_status(mc_dns_answer *a, int rcode, bool ad, bool found, bool chain_ended)
{
	a->rcode = rcode;
	a->ad = ad;
	switch (a->rcode) {
	case LDNS_RCODE_NOERROR:
		a->status = found ? MC_DNS_OK : MC_DNS_NODATA;
		break;
	case LDNS_RCODE_NXDOMAIN:
		a->status = MC_DNS_NXDOMAIN;
		break;
	case LDNS_RCODE_SERVFAIL:
		a->status = MC_DNS_SERVFAIL;
		break;
	case LDNS_RCODE_REFUSED:
		a->status = MC_DNS_REFUSED;
		break;
	default:
		a->status = MC_DNS_ERROR;
		a->error = mc_asprintf_both(&a->error_text, "server answered %s", mc_dns_rcode_name(a->rcode));
		break;
	}
	/* A server that hands back a CNAME loop or a chain longer than we follow
	 * gets what a recursive resolver answers, and what the zone backend
	 * gives for the same zone: SERVFAIL. */
	if (!chain_ended && a->status == MC_DNS_NODATA) {
		a->status = MC_DNS_SERVFAIL;
		a->error = mc_asprintf_both(&a->error_text, "CNAME chain longer than %d (a loop?)", MC_DNS_MAX_CNAME);
	}
}

/*
 * Walk the answer section the way a stub resolver reads a recursive
 * server's reply: from the name asked, follow CNAMEs (bounded), then keep
 * the records of the type asked at the final name.
 */
mc_status mc_dns_answer_from_pkt(mc_dns_answer *a, const ldns_pkt *pkt)
{
	ldns_rr_list *answer = ldns_pkt_answer(pkt);
	ldns_rdf *name = ldns_dname_new_frm_str(a->name);
	bool found = false, chain_ended = false;
	mc_status st = MC_OK;

	if (!name)
		return MC_ENOMEM;
	for (int hops = 0; hops <= MC_DNS_MAX_CNAME && !found; hops++) {
		const ldns_rr *cname = NULL;

		for (size_t i = 0; i < ldns_rr_list_rr_count(answer); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(answer, i);

			if (!owner_is(rr, name))
				continue;
			if (ldns_rr_get_type(rr) == a->type) {
				if ((st = mc_dns_answer_add_ldns(a, rr, NULL)) != MC_OK)
					goto out;
				found = true;
			} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && !cname) {
				cname = rr;
			}
		}
		if (found || !cname) {
			chain_ended = true;
			break;
		}
		if ((st = mc_dns_answer_add_ldns(a, cname, NULL)) != MC_OK)
			goto out;
		ldns_rdf_deep_free(name);
		name = ldns_rdf_clone(ldns_rr_rdf(cname, 0));
		if (!name)
			return MC_ENOMEM;
	}
	mc_dns_answer_set_status(a, ldns_pkt_get_rcode(pkt), ldns_pkt_ad(pkt), found, chain_ended);
out:
	ldns_rdf_deep_free(name);
	return st;
}
