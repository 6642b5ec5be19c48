/*
 * Inside lib/dns's DNSSEC validation: what dnssec.c (the walk) and
 * denial.c (proofs of non-existence) share.
 */
#ifndef MC_DNS_DNSSEC_H
#define MC_DNS_DNSSEC_H

#include <stdbool.h>
#include <stdint.h>
#include <ldns/ldns.h>

/* Clones of the records of a section with this type (RRSIG: covering
 * `covered`), owned by `owner` when not NULL. */
ldns_rr_list *mc_dnssec_pick(const ldns_rr_list *sec, ldns_rr_type type, ldns_rr_type covered,
                             const ldns_rdf *owner);
/* Verify an RRset against its signatures with keys: LDNS_STATUS_OK when one
 * holds; the earliest expiration of the good ones in *expires. */
ldns_status mc_dnssec_verify(const ldns_rr_list *rrset, const ldns_rr_list *sigs,
                             const ldns_rr_list *keys, int64_t *expires);
/* ldns's status in words for people. */
const char *mc_dnssec_why(ldns_status s);
/* The signed proof in a NODATA/NXDOMAIN answer that `name` has no record of
 * `type`: NULL when it holds, or why not. Sets *cut when the proof shows a
 * delegation (NS without DS, or an NSEC3 opt-out span). */
const char *mc_dnssec_denial(const ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type,
                             const ldns_rr_list *keys, bool *cut);

#endif
