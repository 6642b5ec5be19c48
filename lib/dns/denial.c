/*
 * DNSSEC's proofs of non-existence (RFC 4035 5.4; NSEC3: RFC 5155 8): that
 * a NODATA or NXDOMAIN answer's signed NSEC or NSEC3 records show the name
 * has no record of the type asked, that no wildcard could answer, and
 * whether the proof shows a delegation without DS (the chain ends there).
 * The walk that calls this is dnssec.c.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dns/dnssec.h"
#include "dns/internal.h"

/* ---- NSEC3 (RFC 5155 8): matching and covering by hashed owner name ---- */

/* hash(name) under the NSEC3 record's zone, as a full name: the record's
 * parameters (algorithm, iterations, salt) make the hash. */
static ldns_rdf *nsec3_hashed(const ldns_rr *n3, const ldns_rdf *name)
{
	ldns_rdf *label = ldns_nsec3_hash_name_frm_nsec3(n3, name);
	ldns_rdf *zone = ldns_dname_left_chop(ldns_rr_owner(n3));
	ldns_rdf *full = label && zone ? ldns_dname_cat_clone(label, zone) : NULL;

	ldns_rdf_deep_free(label);
	ldns_rdf_deep_free(zone);
	return full;
}

/* The NSEC3 record whose owner is hash(name) (match), or whose span holds
 * it strictly (cover); NULL when none. */
static const ldns_rr *nsec3_find(const ldns_rr_list *set, const ldns_rdf *name, bool cover)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(set); i++) {
		const ldns_rr *n3 = ldns_rr_list_rr(set, i);
		ldns_rdf *h = nsec3_hashed(n3, name);
		bool same = h && ldns_dname_compare(h, ldns_rr_owner(n3)) == 0;
		bool hit = h && (cover ? !same && ldns_nsec_covers_name(n3, h) : same);

		ldns_rdf_deep_free(h);
		if (hit)
			return n3;
	}
	return NULL;
}

/*
 * The closest encloser proof (RFC 5155 7.2.1, 8.3): the longest ancestor of
 * name with a matching NSEC3, and a covering NSEC3 for the next closer name
 * (one label longer). Returns that covering record, NULL when no proof.
 */
static const ldns_rr *closest_encloser(const ldns_rr_list *set, const ldns_rdf *name,
                                       ldns_rdf **encloser)
{
	size_t labels = ldns_dname_label_count(name);

	*encloser = NULL;
	for (size_t chop = 1; chop <= labels; chop++) {
		ldns_rdf *ce = ldns_dname_clone_from(name, (uint16_t)chop);
		ldns_rdf *next = ldns_dname_clone_from(name, (uint16_t)(chop - 1));
		const ldns_rr *covering = NULL;

		if (ce && next && nsec3_find(set, ce, false))
			covering = nsec3_find(set, next, true);
		ldns_rdf_deep_free(next);
		if (covering || (ce && nsec3_find(set, ce, false))) {
			*encloser = ce;
			return covering;
		}
		ldns_rdf_deep_free(ce);
	}
	return NULL;
}

/* NSEC3 proof that name has no record of type (NXDOMAIN: no name at all);
 * *cut for a DS denial at an unsigned delegation or in an opt-out span. */
static const char *nsec3_denial(const ldns_rr_list *set, const ldns_rdf *name, ldns_rr_type type,
                                bool nxdomain, bool *cut)
{
	const ldns_rr *m = nxdomain ? NULL : nsec3_find(set, name, false);
	const ldns_rr *covering;
	ldns_rdf *ce = NULL, *wildcard = NULL;
	const char *problem = NULL;

	if (m) { /* RFC 5155 8.5, 8.6: NODATA with a matching record */
		const ldns_rdf *bitmap = ldns_nsec3_bitmap(m);

		if (ldns_nsec_bitmap_covers_type(bitmap, type) ||
		    ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_CNAME))
			return "the NSEC3 record of the name lists the type asked";
		*cut = type == LDNS_RR_TYPE_DS &&
		       ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_NS) &&
		       !ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_SOA);
		return NULL;
	}
	covering = closest_encloser(set, name, &ce);
	if (!covering) {
		problem = "no NSEC3 record matches the name, and no closest encloser is proven";
	} else if (!nxdomain && type == LDNS_RR_TYPE_DS) {
		/* RFC 5155 8.6: no DS at a name in an opt-out span: maybe an
		 * unsigned delegation -- insecure from there */
		*cut = ldns_nsec3_optout(covering);
		if (!*cut)
			problem = "no NSEC3 record matches the name, and its span is not opt-out";
	} else if (nxdomain) {
		/* RFC 5155 8.4: and no wildcard at the closest encloser */
		wildcard = ldns_dname_new_frm_str("*");
		if (!wildcard || ldns_dname_cat(wildcard, ce) != LDNS_STATUS_OK ||
		    !nsec3_find(set, wildcard, true))
			problem = "no NSEC3 record proves that no wildcard could answer";
	} else {
		problem = "no NSEC3 record matches the name";
	}
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(wildcard);
	return problem;
}

/*
 * RFC 4035 5.4: an NXDOMAIN proof also shows that no wildcard at the
 * closest encloser exists -- the deepest ancestor of name that is an
 * ancestor of the covering record's owner or next name; "*." under it must
 * be covered by an NSEC record too.
 */
static bool nsec_no_wildcard(const ldns_rr_list *nsec, const ldns_rdf *name,
                             const ldns_rr *covering)
{
	const ldns_rdf *ends[2] = {ldns_rr_owner(covering), ldns_rr_rdf(covering, 0)};
	size_t labels = ldns_dname_label_count(name);
	bool proven = false;

	for (size_t chop = 1; chop <= labels && !proven; chop++) {
		ldns_rdf *ce = ldns_dname_clone_from(name, (uint16_t)chop), *wild;
		bool encloses = false;

		for (int k = 0; ce && k < 2; k++)
			encloses |= ends[k] && (ldns_dname_compare(ends[k], ce) == 0 ||
			                        ldns_dname_is_subdomain(ends[k], ce));
		if (!encloses) {
			ldns_rdf_deep_free(ce);
			continue;
		}
		wild = ldns_dname_new_frm_str("*");
		if (wild && ldns_dname_cat(wild, ce) == LDNS_STATUS_OK)
			for (size_t i = 0; i < ldns_rr_list_rr_count(nsec) && !proven; i++) {
				const ldns_rr *rr = ldns_rr_list_rr(nsec, i);

				proven = ldns_dname_compare(ldns_rr_owner(rr), wild) != 0 &&
				         ldns_nsec_covers_name(rr, wild);
			}
		ldns_rdf_deep_free(wild);
		ldns_rdf_deep_free(ce);
		return proven; /* the closest encloser decides */
	}
	return proven;
}

/* The signed proof in a NODATA/NXDOMAIN answer that `name` has no record of
 * `type`: OK, or why not. Sets *cut when the proof shows a delegation
 * (NS without DS, or an NSEC3 opt-out span). */
/* Each NSEC or NSEC3 record of the set signed by the zone's keys: NULL, or
 * why not. */
static const char *set_signed(const ldns_rr_list *auth, const ldns_rr_list *set,
                              const ldns_rr_list *keys)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(set); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(set, i);
		ldns_rr_list *one = ldns_rr_list_new(), *sig =
			mc_dnssec_pick(auth, LDNS_RR_TYPE_RRSIG, ldns_rr_get_type(rr), ldns_rr_owner(rr));
		ldns_status s;

		ldns_rr_list_push_rr(one, ldns_rr_clone(rr));
		s = mc_dnssec_verify(one, sig, keys, NULL);
		ldns_rr_list_deep_free(one);
		ldns_rr_list_deep_free(sig);
		if (s != LDNS_STATUS_OK)
			return mc_dnssec_why(s);
	}
	return NULL;
}

/* RFC 4035 5.4 with NSEC: a record of the name without the type (NODATA),
 * or one covering the name with no wildcard to answer (NXDOMAIN). */
static const char *nsec_denial(const ldns_rr_list *nsec, const ldns_rdf *name,
                               ldns_rr_type type, bool nxdomain, bool *cut)
{
	const ldns_rr *covering = NULL;
	const char *problem = NULL;
	bool matched = false;

	for (size_t i = 0; i < ldns_rr_list_rr_count(nsec); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(nsec, i);
		const ldns_rdf *bitmap = ldns_nsec_get_bitmap(rr);

		if (ldns_dname_compare(ldns_rr_owner(rr), name) == 0) {
			matched = true;
			if (ldns_nsec_bitmap_covers_type(bitmap, type) ||
			    ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_CNAME))
				problem = "the NSEC record of the name lists the type asked";
			*cut = type == LDNS_RR_TYPE_DS &&
			       ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_NS) &&
			       !ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_SOA);
		} else if (ldns_nsec_covers_name(rr, name)) {
			matched = true; /* no such name (or an empty non-terminal) */
			covering = rr;
		}
	}
	if (!matched)
		return "no NSEC record matches or covers the name";
	if (nxdomain && covering && !nsec_no_wildcard(nsec, name, covering))
		return "no NSEC record proves that no wildcard could answer";
	return problem;
}

const char *mc_dnssec_denial(const ldns_pkt *p, const ldns_rdf *name, ldns_rr_type type,
                             const ldns_rr_list *keys, bool *cut)
{
	ldns_rr_list *auth = ldns_pkt_authority(p);
	ldns_rr_list *nsec = mc_dnssec_pick(auth, LDNS_RR_TYPE_NSEC, 0, NULL);
	ldns_rr_list *nsec3 = mc_dnssec_pick(auth, LDNS_RR_TYPE_NSEC3, 0, NULL);
	ldns_rr_list *set = ldns_rr_list_rr_count(nsec) ? nsec : nsec3;
	bool nxdomain = ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN;
	const char *problem;

	*cut = false;
	if (ldns_rr_list_rr_count(set) == 0)
		problem = "the answer carries no NSEC or NSEC3 records (missing proof of "
		          "non-existence)";
	else if (!(problem = set_signed(auth, set, keys)))
		problem = set == nsec ? nsec_denial(nsec, name, type, nxdomain, cut)
		                      : nsec3_denial(nsec3, name, type, nxdomain, cut);
	ldns_rr_list_deep_free(nsec);
	ldns_rr_list_deep_free(nsec3);
	return problem;
}
