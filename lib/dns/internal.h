/*
 * Inside lib/dns: the backend interface (one file per backend, OpenSMTPD's
 * table_backend model), the cache, and ldns conversion helpers. No ldns type
 * leaves lib/dns.
 */
#ifndef MC_DNS_INTERNAL_H
#define MC_DNS_INTERNAL_H

#include <ldns/ldns.h>

#include "mailcheck/dns.h"

/* Longest CNAME chain followed before the answer is SERVFAIL (loop). */
#define MC_DNS_MAX_CNAME 16

/*
 * A backend answers a batch of cache misses. Each answers[i] arrives with
 * name and type set; the backend fills status, rcode, ad, rrs, error, ms.
 * Returns MC_OK or MC_ENOMEM.
 */
typedef struct mc_dns_backend {
	const char *name;
	mc_status (*resolve)(void *state, mc_dns_answer **answers, size_t n);
	void (*free)(void *state);
} mc_dns_backend;

extern const mc_dns_backend mc_dns_backend_net;
extern const mc_dns_backend mc_dns_backend_zone;

mc_status mc_dns_net_open(const mc_resolver_opts *opts, void **state);
mc_status mc_dns_zone_open(const char *const *files, size_t n, void **state);

/* The resolver front: backend + cache + log (resolver.c). */
mc_status mc_resolver_new_backend(mc_resolver **out, const mc_dns_backend *be, void *state);

/* Cache (cache.c): maps (name, type) to an answer it owns. */
typedef struct mc_dns_cache mc_dns_cache;
mc_dns_cache *mc_dns_cache_new(void);
void mc_dns_cache_free(mc_dns_cache *c);
mc_dns_answer *mc_dns_cache_get(const mc_dns_cache *c, const char *name, uint16_t type);
/* Takes ownership of a (also on failure). */
mc_status mc_dns_cache_put(mc_dns_cache *c, mc_dns_answer *a);
size_t mc_dns_cache_size(const mc_dns_cache *c);

/* Answers (rr.c) */
mc_dns_answer *mc_dns_answer_new(const char *name, uint16_t type);
void mc_dns_answer_free(mc_dns_answer *a);
/* Append a converted record (taking its strings); MC_ENOMEM, and they are
 * freed, when its owner or data is NULL or the list cannot grow. */
mc_status mc_dns_answer_push(mc_dns_answer *a, mc_dns_rr *rr);
/* Append an ldns record, converted; owner_override replaces its owner (wildcards). */
mc_status mc_dns_answer_add_ldns(mc_dns_answer *a, const ldns_rr *rr, const char *owner_override);
/* Fill a from a response packet's answer section: CNAMEs from name, then type. */
mc_status mc_dns_answer_from_pkt(mc_dns_answer *a, const ldns_pkt *pkt);
/* Whether two answers say the same: status, rcode, AD, error, records. */
bool mc_dns_answer_same(const mc_dns_answer *a, const mc_dns_answer *b);
/* The status of an answer from its rcode, AD bit, whether records of the
 * type asked were found and whether the CNAME chain ended (else SERVFAIL). */
void mc_dns_answer_set_status(mc_dns_answer *a, int rcode, bool ad, bool found, bool chain_ended);
/* A response read without ldns (wire.c): MC_EPARSE when that reader does
 * not take it (or it is truncated), nothing filled: then ldns reads it;
 * else what mc_dns_answer_from_pkt gives for ldns's packet of it. */
mc_status mc_dns_answer_from_wire(mc_dns_answer *a, const uint8_t *wire, size_t len);
/* ldns name -> our string form (lower case, no trailing dot, "." for root). */
char *mc_dns_rdf_name(const ldns_rdf *rdf);

/* DNSSEC (dnssec.c): trust anchors (DS/DNSKEY) from a zone-format file,
 * NULL: Debian's root key; NULL and *why on failure. */
ldns_rr_list *mc_dnssec_anchors_load(const char *file, char **why);
const ldns_rr_list *mc_resolver_anchors(const mc_resolver *r);
/* The validated chains of a resolver (dnssec.c owns them; the resolver
 * frees them when it forgets or is freed). */
void *mc_resolver_dnssec_memo(const mc_resolver *r);
void mc_resolver_set_dnssec_memo(mc_resolver *r, void *memo);
void mc_dnssec_memo_free(void *memo);

#endif
