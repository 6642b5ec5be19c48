/*
 * The MX hosts' own rows of `mailcheck domain`: forward-confirmed reverse
 * DNS of every MX address, and DANE (RFC 7672): TLSA records of every MX
 * host.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "domain/internal.h"

#define MAX_TLSA_HOSTS 16

/* ---- MX: forward-confirmed reverse DNS; DANE ---- */

/* The findings of one MX address's reverse DNS. */
static void reverse_dns_findings(mc_domain_result *res, const mc_fcrdns *f)
{
	if (!f->ptr)
		mc_finding_hint(domain_finding(res, "mx.ptr_missing", MC_SEV_WARNING, "the address %s of "
			"MX host %s has no reverse DNS (PTR) name: many receivers distrust a "
			"server without one, and the same server usually sends mail too",
			f->address, f->host),
			"ask whoever runs the network of %s (the hosting provider) to set its PTR "
			"record to %s", f->address, f->host);
	else if (!f->confirmed)
		mc_finding_hint(domain_finding(res, "mx.ptr_mismatch", MC_SEV_WARNING, "the address %s of "
			"MX host %s has the PTR name %s, which does not resolve back to %s "
			"(forward-confirmed reverse DNS fails)", f->address, f->host, f->ptr,
			f->address),
			"make the PTR name of %s one whose A/AAAA record is %s (usually %s)",
			f->address, f->address, f->host);
}

mc_status domain_reverse_dns(mc_resolver *r, mc_domain_result *res)
{
	const char *ips[MC_DOMAIN_MAX_ADDRESSES];
	mc_fcrdns_answer *a;
	mc_status st;

	res->fcrdns = calloc(MC_DOMAIN_MAX_ADDRESSES, sizeof(*res->fcrdns));
	a = calloc(MC_DOMAIN_MAX_ADDRESSES, sizeof(*a));
	if (!res->fcrdns || !a) {
		free(a);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	for (size_t h = 0; h < res->mx.n_hosts; h++) {
		const mc_mx_host *host = &res->mx.hosts[h];

		for (size_t i = 0; i < host->n_addresses && res->n_fcrdns < MC_DOMAIN_MAX_ADDRESSES;
		     i++) {
			mc_fcrdns *f = &res->fcrdns[res->n_fcrdns];
			char rev[80];

			if (!mc_ip_reverse_name(host->addresses[i], rev, sizeof(rev)))
				continue; /* not an address */
			f->host = mc_strdup(host->host);
			f->address = mc_strdup(host->addresses[i]);
			ips[res->n_fcrdns++] = host->addresses[i];
		}
	}
	if ((st = mc_dns_fcrdns(r, ips, res->n_fcrdns, a)) != MC_OK) {
		free(a);
		return st;
	}
	for (size_t i = 0; i < res->n_fcrdns; i++) {
		mc_fcrdns *f = &res->fcrdns[i];

		f->ptr_status = a[i].ptr_status;
		f->confirmed = a[i].confirmed != NULL;
		/* the name that resolves back, else the first */
		f->ptr = mc_strdup(a[i].confirmed ? a[i].confirmed : a[i].n_names ? a[i].names[0] : NULL);
		if (!a[i].temporary) /* else said by the DNS failure itself */
			reverse_dns_findings(res, f);
		mc_fcrdns_answer_clear(&a[i]);
	}
	free(a);
	return MC_OK;
}

/* The TLSA records of an answer. */
static void tlsa_records(mc_tlsa_host *t, const mc_dns_answer *a)
{
	for (size_t k = 0; a && a->status == MC_DNS_OK && k < a->n_rrs; k++) {
		char **grown;

		if (a->rrs[k].type != MC_RR_TLSA)
			continue;
		if (!(grown = realloc(t->records, (t->n_records + 1) * sizeof(*t->records))))
			break;
		t->records = grown;
		t->records[t->n_records++] = mc_strdup(a->rrs[k].data);
	}
}

/* The DANE row from how many MX hosts publish TLSA (with), how many of
 * those DNSSEC authenticates, how many lookups failed (temp). */
static void dane_row(mc_domain_result *res, size_t with, size_t authenticated, size_t temp)
{
	if (with == 0 && temp) {
		domain_row(res, MC_PART_DANE, MC_PART_TEMPERROR, "TLSA lookups failed");
	} else if (with == 0) {
		domain_row(res, MC_PART_DANE, MC_PART_NOT_PUBLISHED, "no TLSA records at the MX hosts");
	} else if (!res->dnssec_checked) {
		domain_row(res, MC_PART_DANE, MC_PART_NOT_CHECKED, "TLSA at %zu of %zu MX hosts; DNSSEC "
		    "cannot be judged offline", with, res->n_tlsa);
	} else if (authenticated < with) {
		domain_row(res, MC_PART_DANE, MC_PART_WARNING, "TLSA at %zu of %zu MX hosts, %zu without "
		    "DNSSEC", with, res->n_tlsa, with - authenticated);
		mc_finding_hint(domain_finding(res, "dane.not_authenticated", MC_SEV_WARNING,
			with - authenticated > 1
			? N_("%zu MX hosts of %s publish TLSA records that the resolver did not "
			     "authenticate with DNSSEC: RFC 7672 has senders ignore TLSA records that are "
			     "not DNSSEC-secure")
			: N_("%zu MX host of %s publishes TLSA records that the resolver did not "
			     "authenticate with DNSSEC: RFC 7672 has senders ignore TLSA records that are "
			     "not DNSSEC-secure"), with - authenticated, res->domain),
			"sign the zones of the MX hosts (DNSSEC) and publish their DS records, or "
			"check with a validating resolver (--dns)");
	} else {
		domain_row(res, MC_PART_DANE, MC_PART_PASS, "TLSA at %zu of %zu MX hosts, DNSSEC-"
		    "authenticated (certificates not matched)", with, res->n_tlsa);
	}
	if (with && with < res->n_tlsa)
		mc_finding_hint(domain_finding(res, "dane.partial", MC_SEV_WARNING, "only %zu of the %zu MX "
			"hosts of %s publish TLSA records: DANE senders deliver to the others "
			"without authenticating them", with, res->n_tlsa, res->domain),
			"publish TLSA records (_25._tcp.HOST) for every MX host");
}

mc_status domain_dane(mc_resolver *r, mc_domain_result *res)
{
	struct domain_batch b = {0};
	size_t n = res->mx.null_mx ? 0 : res->mx.n_hosts;
	size_t authenticated = 0, with = 0, temp = 0;
	mc_status st = MC_OK;

	if (n > MAX_TLSA_HOSTS)
		n = MAX_TLSA_HOSTS;
	if (n && !(res->tlsa = calloc(n, sizeof(*res->tlsa))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t at;

		res->tlsa[i].host = mc_strdup(res->mx.hosts[i].host);
		if (!domain_ask(&b, "_25._tcp.%s", res->mx.hosts[i].host, MC_RR_TLSA, &at))
			break;
		res->n_tlsa++;
	}
	if (b.n && (st = mc_dns_resolve(r, b.q, b.n)) != MC_OK)
		goto out;
	for (size_t i = 0; i < res->n_tlsa; i++) {
		mc_tlsa_host *t = &res->tlsa[i];
		const mc_dns_answer *a = domain_answer(&b, i);

		t->name = mc_strdup(b.names[i]);
		t->status = a ? a->status : MC_DNS_ERROR;
		/* RFC 7672 2.2: TLSA records count only when DNSSEC-secure */
		if (a && res->validated && (st = mc_dns_validate(r, a)) != MC_OK)
			goto out;
		t->authenticated = a && (res->validated ? a->dnssec == MC_DNSSEC_SECURE : a->ad);
		temp += mc_dns_status_is_temporary(t->status);
		tlsa_records(t, a);
		with += t->n_records > 0;
		authenticated += t->n_records > 0 && t->authenticated;
	}
	dane_row(res, with, authenticated, temp);
out:
	domain_batch_free(&b);
	return st;
}
