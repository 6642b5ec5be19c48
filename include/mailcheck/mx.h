/*
 * Where mail for a domain goes: MX hosts and their addresses, implicit MX
 * (RFC 5321 5.1) and null MX (RFC 7505).
 */
#ifndef MAILCHECK_MX_H
#define MAILCHECK_MX_H

#include <stdbool.h>
#include <stdint.h>

#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/verdict.h"

typedef struct mc_mx_host {
	uint16_t preference;
	char *host;          /* as published, no trailing dot */
	char *canonical;     /* CNAME target when host is an alias, else NULL */
	char **addresses;    /* A first, then AAAA, as text */
	size_t n_addresses;
	bool usable;         /* has at least one address */
} mc_mx_host;

/* Why the verdict is what it is: stable, for programs (JSON "reason"). */
typedef enum mc_mx_reason {
	MC_MX_DELIVERS,       /* MX hosts with addresses */
	MC_MX_IMPLICIT,       /* no MX; the domain's own addresses receive */
	MC_MX_NULL,           /* null MX: accepts no mail */
	MC_MX_NXDOMAIN,       /* the domain does not exist */
	MC_MX_NO_ROUTE,       /* no MX and no address */
	MC_MX_NO_USABLE_HOST, /* MX hosts, none with an address */
	MC_MX_DNS_ERROR,      /* a lookup failed (timeout, SERVFAIL) */
} mc_mx_reason;

const char *mc_mx_reason_name(mc_mx_reason r);

typedef struct mc_mx_result {
	char *domain;
	/* PASS: mail can be delivered; FAIL: it cannot; TEMPERROR: DNS trouble */
	mc_verdict verdict;
	mc_mx_reason reason;
	bool null_mx;
	bool implicit;
	mc_mx_host *hosts;   /* sorted by preference, then name */
	size_t n_hosts;
	mc_findings findings;
	mc_dns_log dns;
} mc_mx_result;

/* Check where mail for `domain` goes. MC_EINVAL for a bad domain name. */
mc_status mc_mx_check(mc_resolver *r, const char *domain, mc_mx_result *out);
void mc_mx_result_clear(mc_mx_result *res);

#endif
