/*
 * Where mail for a domain goes.
 *
 * RFC 5321 5.1: the MX records of the domain, tried in order of preference;
 * with no MX record (NODATA), the domain's own A/AAAA addresses are the
 * implicit MX -- for bounces too, since a bounce is mail to the envelope
 * sender's domain. RFC 7505: a single MX "0 ." (null MX) says the domain
 * accepts no mail. RFC 2181 10.3: an MX must name a host, not an alias.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/mx.h"

const char *mc_mx_reason_name(mc_mx_reason r)
{
	static const char *const names[] = {
		[MC_MX_DELIVERS] = "mx", [MC_MX_IMPLICIT] = "implicit_mx",
		[MC_MX_NULL] = "null_mx", [MC_MX_NXDOMAIN] = "nxdomain",
		[MC_MX_NO_ROUTE] = "no_route", [MC_MX_NO_USABLE_HOST] = "no_usable_host",
		[MC_MX_DNS_ERROR] = "dns_error",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "dns_error";
}

static void host_free(mc_mx_host *h)
{
	free(h->host);
	free(h->canonical);
	for (size_t k = 0; k < h->n_addresses; k++)
		free(h->addresses[k]);
	free(h->addresses);
	memset(h, 0, sizeof(*h));
}

void mc_mx_result_clear(mc_mx_result *res)
{
	for (size_t i = 0; i < res->n_hosts; i++)
		host_free(&res->hosts[i]);
	free(res->hosts);
	free(res->domain);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}

static int add_host(mc_mx_result *res, uint16_t pref, const char *host)
{
	size_t cap = res->n_hosts;
	mc_mx_host *h;

	if (mc_grow(&res->hosts, &cap, res->n_hosts + 1, sizeof(*res->hosts)) < 0)
		return -1;
	h = &res->hosts[res->n_hosts];
	memset(h, 0, sizeof(*h));
	h->preference = pref;
	h->host = mc_strdup(host);
	if (!h->host)
		return -1;
	res->n_hosts++;
	return 0;
}

/* Append the A or AAAA records of an answer to the host's addresses. */
static int take_addresses(mc_mx_host *h, const mc_dns_answer *a)
{
	size_t cap = h->n_addresses;

	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type != a->type)
			continue;
		if (mc_grow(&h->addresses, &cap, h->n_addresses + 1, sizeof(char *)) < 0)
			return -1;
		h->addresses[h->n_addresses] = mc_strdup(a->rrs[i].data);
		if (!h->addresses[h->n_addresses])
			return -1;
		h->n_addresses++;
	}
	h->usable = h->n_addresses > 0;
	return 0;
}

static bool looks_like_ip(const char *host)
{
	unsigned char b[16];
	char tmp[64];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		host = tmp;
	}
	return inet_pton(AF_INET, host, b) == 1 || inet_pton(AF_INET6, host, b) == 1;
}

/* CNAME records at the head of an answer mean the name is an alias. */
static const char *alias_target(const mc_dns_answer *a)
{
	const char *target = NULL;

	for (size_t i = 0; i < a->n_rrs && a->rrs[i].type == MC_RR_CNAME; i++)
		target = a->rrs[i].data;
	return target;
}

static void note_internal_addresses(mc_mx_result *res, const mc_mx_host *h)
{
	for (size_t i = 0; i < h->n_addresses; i++)
		if (mc_ip_is_internal(h->addresses[i]))
			mc_finding_hint(mc_finding_add(&res->findings, "mx.host_internal_address",
				MC_SEV_WARNING, "mail host '%s' has the address %s, which is loopback "
				"or private: senders on the Internet cannot reach it",
				h->host, h->addresses[i]),
				"give '%s' its public address in DNS", h->host);
}

/* Findings about one MX host, from its A and AAAA answers. Returns true when
 * the lookups failed temporarily and gave no address. */
static bool judge_host(mc_mx_result *res, mc_mx_host *h,
                       const mc_dns_answer *a4, const mc_dns_answer *a6)
{
	const char *alias = alias_target(a4) ? alias_target(a4) : alias_target(a6);
	bool temp = mc_dns_status_is_temporary(a4->status) || mc_dns_status_is_temporary(a6->status);

	if (looks_like_ip(h->host)) {
		mc_finding_hint(mc_finding_add(&res->findings, "mx.ip_literal", MC_SEV_WARNING,
			"MX host '%s' is an IP address, but an MX record must name a host: "
			"senders look it up as a name and find nothing", h->host),
			"publish an A record for a host name (e.g. mail.%s) and point the MX at that name",
			res->domain);
		if (!h->usable)
			return false; /* the lookup of an address as a name finds nothing */
	}
	if (alias) {
		h->canonical = mc_strdup(alias);
		mc_finding_hint(mc_finding_add(&res->findings, "mx.target_cname", MC_SEV_WARNING,
			"MX host '%s' is an alias (CNAME) of '%s'; RFC 2181 10.3 forbids "
			"MX records that point at an alias and some senders refuse them",
			h->host, alias),
			"point the MX record at '%s' itself", alias);
	}
	note_internal_addresses(res, h);
	if (h->usable)
		return false;
	if (temp) {
		const mc_dns_answer *bad = mc_dns_status_is_temporary(a4->status) ? a4 : a6;

		mc_finding_hint(mc_finding_both(&res->findings, "mx.host_temperror", MC_SEV_WARNING,
			"the address of MX host '%s' could not be looked up: %s %s: %s",
			(h->host, bad->name, mc_dns_type_name(bad->type), mc_dns_why(bad)),
			(h->host, bad->name, mc_dns_type_name(bad->type), mc_dns_why_text(bad))),
			"retry later; if it persists, check the nameservers of '%s'", h->host);
		return true;
	}
	if (a4->status == MC_DNS_NXDOMAIN)
		mc_finding_hint(mc_finding_add(&res->findings, "mx.host_nxdomain", MC_SEV_WARNING,
			"MX host '%s' does not exist in DNS: senders skip it", h->host),
			"create an A (and AAAA) record for '%s', or remove the MX record", h->host);
	else
		mc_finding_hint(mc_finding_add(&res->findings, "mx.host_no_address", MC_SEV_WARNING,
			"MX host '%s' has no A or AAAA record: senders skip it", h->host),
			"add an A (and AAAA) record for '%s', or remove the MX record", h->host);
	return false;
}

static int host_order(const void *a, const void *b)
{
	const mc_mx_host *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	return strcmp(x->host, y->host);
}

static void note_equal_preferences(mc_mx_result *res)
{
	for (size_t i = 0; i + 1 < res->n_hosts; i++) {
		size_t j = i;

		while (j + 1 < res->n_hosts && res->hosts[j + 1].preference == res->hosts[i].preference)
			j++;
		if (j > i)
			mc_finding_add(&res->findings, "mx.equal_preference", MC_SEV_INFO,
				"%zu MX hosts share preference %u (%s ... %s): senders pick "
				"among them at random, which spreads the load", j - i + 1,
				res->hosts[i].preference, res->hosts[i].host, res->hosts[j].host);
		i = j;
	}
}

/* Look up the addresses of every host in one batch and judge each. */
static mc_status resolve_hosts(mc_resolver *r, mc_mx_result *res)
{
	mc_dns_query *q = calloc(res->n_hosts * 2 + 1, sizeof(*q));
	bool any_usable = false, any_temp = false;
	mc_status st;

	if (!q)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < res->n_hosts; i++) {
		q[2 * i] = (mc_dns_query){.name = res->hosts[i].host, .type = MC_RR_A};
		q[2 * i + 1] = (mc_dns_query){.name = res->hosts[i].host, .type = MC_RR_AAAA};
	}
	st = mc_dns_resolve(r, q, res->n_hosts * 2);
	for (size_t i = 0; st == MC_OK && i < res->n_hosts; i++) {
		mc_mx_host *h = &res->hosts[i];

		if (take_addresses(h, q[2 * i].answer) < 0 || take_addresses(h, q[2 * i + 1].answer) < 0) {
			st = mc_error_set(MC_ENOMEM, "out of memory");
			break;
		}
		any_temp |= judge_host(res, h, q[2 * i].answer, q[2 * i + 1].answer);
		any_usable |= h->usable;
	}
	free(q);
	if (st != MC_OK)
		return st;
	if (any_usable) {
		res->verdict = MC_VERDICT_PASS;
		res->reason = MC_MX_DELIVERS;
	} else if (any_temp) {
		res->verdict = MC_VERDICT_TEMPERROR;
		res->reason = MC_MX_DNS_ERROR;
	} else {
		res->verdict = MC_VERDICT_FAIL;
		res->reason = MC_MX_NO_USABLE_HOST;
		mc_finding_hint(mc_finding_add(&res->findings, "mx.no_usable_host", MC_SEV_ERROR,
			"none of the MX hosts of %s has an address: mail to %s bounces",
			res->domain, res->domain),
			"give the MX hosts A/AAAA records, or point the MX at a host that has them");
	}
	return MC_OK;
}

/* RFC 7505 3: a null MX is one MX with an empty target ("."), preference 0. */
static void null_mx(mc_mx_result *res, size_t n_mx, const mc_dns_rr *dot)
{
	if (n_mx > 1) {
		mc_finding_hint(mc_finding_add(&res->findings, "mx.null_mixed", MC_SEV_ERROR,
			"%s publishes a null MX (\".\") beside other MX records; RFC 7505 "
			"forbids that and senders may treat the domain either way", res->domain),
			"keep either the null MX (to accept no mail) or the real MX records, not both");
		return;
	}
	res->null_mx = true;
	res->verdict = MC_VERDICT_FAIL;
	res->reason = MC_MX_NULL;
	mc_finding_hint(mc_finding_add(&res->findings, "mx.null", MC_SEV_INFO,
		"%s publishes a null MX (RFC 7505): it accepts no mail, and mail to it "
		"-- bounces included -- is refused at once", res->domain),
		"if %s sends mail, its bounces are lost: use a Return-Path domain that "
		"receives mail, or replace the null MX with real MX records", res->domain);
	if (dot->preference != 0)
		mc_finding_add(&res->findings, "mx.null_preference", MC_SEV_WARNING,
			"the null MX of %s has preference %u; RFC 7505 says 0",
			res->domain, dot->preference);
}

static mc_status from_mx_records(mc_resolver *r, mc_mx_result *res, const mc_dns_answer *a)
{
	const mc_dns_rr *dot = NULL;
	size_t n_mx = 0;

	for (size_t i = 0; i < a->n_rrs; i++) {
		if (a->rrs[i].type != MC_RR_MX)
			continue;
		n_mx++;
		if (strcmp(a->rrs[i].data, ".") == 0)
			dot = &a->rrs[i];
		else if (add_host(res, a->rrs[i].preference, a->rrs[i].data) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
	}
	if (dot) {
		null_mx(res, n_mx, dot);
		if (res->null_mx)
			return MC_OK;
	}
	qsort(res->hosts, res->n_hosts, sizeof(*res->hosts), host_order);
	note_equal_preferences(res);
	return resolve_hosts(r, res);
}

static void temperror(mc_mx_result *res, const mc_dns_answer *a)
{
	res->verdict = MC_VERDICT_TEMPERROR;
	res->reason = MC_MX_DNS_ERROR;
	mc_finding_hint(mc_finding_both(&res->findings, "mx.temperror", MC_SEV_ERROR,
		"the DNS lookup %s %s failed: %s; this says nothing about the domain's "
		"mail setup", (a->name, mc_dns_type_name(a->type), mc_dns_why(a)),
		(a->name, mc_dns_type_name(a->type), mc_dns_why_text(a))),
		"retry later; if it persists, check that the nameservers of %s answer",
		res->domain);
}

static mc_status implicit_mx(mc_resolver *r, mc_mx_result *res)
{
	mc_dns_query q[2] = {{.name = res->domain, .type = MC_RR_A},
	                     {.name = res->domain, .type = MC_RR_AAAA}};
	mc_mx_host *h;
	mc_status st = mc_dns_resolve(r, q, 2);

	if (st != MC_OK)
		return st;
	if (add_host(res, 0, res->domain) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	h = &res->hosts[0];
	if (take_addresses(h, q[0].answer) < 0 || take_addresses(h, q[1].answer) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (h->usable) {
		res->implicit = true;
		res->verdict = MC_VERDICT_PASS;
		res->reason = MC_MX_IMPLICIT;
		mc_finding *f = h->n_addresses > 1
			? mc_finding_add(&res->findings, "mx.implicit", MC_SEV_WARNING,
			                 "%s has no MX record, so mail to it -- and bounces of mail it "
			                 "sends -- goes to its own addresses (%s, ...), the implicit MX "
			                 "of RFC 5321 5.1; that host must run a mail server on port 25",
			                 res->domain, h->addresses[0])
			: mc_finding_add(&res->findings, "mx.implicit", MC_SEV_WARNING,
			                 "%s has no MX record, so mail to it -- and bounces of mail it "
			                 "sends -- goes to its own address (%s), the implicit MX of "
			                 "RFC 5321 5.1; that host must run a mail server on port 25",
			                 res->domain, h->addresses[0]);

		mc_finding_hint(f, "publish an MX record naming the server that should receive mail "
		                "for %s (or a null MX \"0 .\" if it must receive none)", res->domain);
		note_internal_addresses(res, h);
		return MC_OK;
	}
	host_free(h);
	res->n_hosts = 0;
	for (int i = 0; i < 2; i++) {
		if (mc_dns_status_is_temporary(q[i].answer->status)) {
			temperror(res, q[i].answer);
			return MC_OK;
		}
	}
	res->verdict = MC_VERDICT_FAIL;
	res->reason = MC_MX_NO_ROUTE;
	mc_finding_hint(mc_finding_add(&res->findings, "mx.no_route", MC_SEV_ERROR,
		"%s has no MX record and no A or AAAA address: mail to it -- and bounces "
		"of mail it sends -- cannot be delivered", res->domain),
		"publish an MX record naming the server that receives mail for %s", res->domain);
	return MC_OK;
}

mc_status mc_mx_check(mc_resolver *r, const char *domain, mc_mx_result *out)
{
	size_t log_start = mc_dns_log_size(r);
	const mc_dns_answer *a;
	mc_status st = MC_OK;

	memset(out, 0, sizeof(*out));
	if ((st = mc_domain_normalize(domain, &out->domain)) != MC_OK)
		return st;
	if (!(a = mc_dns_lookup(r, out->domain, MC_RR_MX)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	switch (a->status) {
	case MC_DNS_OK:
		st = from_mx_records(r, out, a);
		break;
	case MC_DNS_NODATA:
		st = implicit_mx(r, out);
		break;
	case MC_DNS_NXDOMAIN:
		out->verdict = MC_VERDICT_FAIL;
		out->reason = MC_MX_NXDOMAIN;
		mc_finding_hint(mc_finding_add(&out->findings, "mx.nxdomain", MC_SEV_ERROR,
			"%s does not exist in DNS (NXDOMAIN): mail to it bounces", out->domain),
			"check the spelling; a newly registered domain needs its nameservers "
			"delegated before it can receive mail");
		break;
	default:
		temperror(out, a);
		break;
	}
	if (st == MC_OK && (st = mc_dns_log_copy(r, log_start, &out->dns)) == MC_OK)
		mc_findings_dns(&out->findings, &out->dns);
	return st;
}
