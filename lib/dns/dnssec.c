/*
 * DNSSEC validation by mailcheck itself (RFC 4033, 4034, 4035; NSEC3:
 * RFC 5155), over answers fetched through lib/dns with the DO bit -- no
 * other DNS path. ldns gives the primitives (signature verification, DS
 * digests, NSEC/NSEC3 matching); the walk is here:
 *
 *   the trust anchor's zone: its DNSKEY RRset, signed by a key that an
 *   anchor (DS or DNSKEY) names;
 *   then label by label down to the name: the DS RRset of the next name,
 *   signed by the keys so far, and that zone's DNSKEY RRset, signed by a
 *   key a DS record names -- or a signed NSEC/NSEC3 proof that there is no
 *   DS: at a delegation (NS in the bitmap, or NSEC3 opt-out) the chain
 *   ends and everything below is insecure; elsewhere the name is no zone
 *   cut and the walk goes on;
 *   then the answer's RRsets, each signed by the keys of its zone, or for
 *   NODATA/NXDOMAIN the signed proof of non-existence.
 *
 * Verdicts: secure, insecure (and where the chain ended), bogus (and why:
 * ldns's status says expired, not yet valid, no matching key, bad
 * signature), indeterminate (a lookup failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "dns/dnssec.h"
#include "dns/internal.h"

#define DEFAULT_ANCHOR "/usr/share/dns/root.key"
#define MAX_ANCHORS 64

const char *mc_dnssec_state_name(mc_dnssec_state s)
{
	static const char *const names[] = {"unchecked", "secure", "insecure", "bogus",
	                                    "indeterminate"};
	return (unsigned)s < sizeof(names) / sizeof(*names) ? names[s] : "?";
}

/* RFC 8624 3.1, the "DNSSEC signing" column. */
const char *mc_dnssec_algorithm_status(uint8_t alg)
{
	switch (alg) {
	case 1: case 3: case 6: case 12:
		return "must_not";
	case 5: case 7: case 10:
		return "not_recommended";
	default:
		return NULL;
	}
}

const char *mc_dnssec_algorithm_name(uint8_t alg)
{
	switch (alg) {
	case 1: return "RSAMD5";
	case 3: return "DSA";
	case 5: return "RSASHA1";
	case 6: return "DSA-NSEC3-SHA1";
	case 7: return "RSASHA1-NSEC3-SHA1";
	case 8: return "RSASHA256";
	case 10: return "RSASHA512";
	case 12: return "ECC-GOST";
	case 13: return "ECDSAP256SHA256";
	case 14: return "ECDSAP384SHA384";
	case 15: return "ED25519";
	case 16: return "ED448";
	default: return "unknown";
	}
}

/* ---- trust anchors ---- */

ldns_rr_list *mc_dnssec_anchors_load(const char *file, char **why)
{
	FILE *fp = fopen(file ? file : DEFAULT_ANCHOR, "r");
	ldns_rr_list *list;
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 1;

	*why = NULL;
	if (!fp) {
		*why = mc_asprintf("cannot read the trust anchor %s%s", file ? file : DEFAULT_ANCHOR,
		                   file ? "" : " (Debian package dns-root-data; or --trust-anchor FILE)");
		return NULL;
	}
	list = ldns_rr_list_new();
	while (list && !feof(fp) && ldns_rr_list_rr_count(list) < MAX_ANCHORS) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);

		if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
		    s == LDNS_STATUS_SYNTAX_ORIGIN || s == LDNS_STATUS_SYNTAX_INCLUDE)
			continue;
		if (s != LDNS_STATUS_OK) {
			*why = mc_asprintf("%s, line %d: %s", file ? file : DEFAULT_ANCHOR, line,
			                   ldns_get_errorstr_by_id(s));
			break;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS ||
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
			ldns_rr_list_push_rr(list, rr);
		else
			ldns_rr_free(rr);
	}
	fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	if (!*why && list && ldns_rr_list_rr_count(list) == 0)
		*why = mc_asprintf("%s holds no DS or DNSKEY record", file ? file : DEFAULT_ANCHOR);
	if (*why) {
		ldns_rr_list_deep_free(list);
		return NULL;
	}
	return list;
}

/* ---- the walk ---- */

struct zone {
	mc_dnssec_state state;  /* SECURE: keys hold the zone's validated DNSKEY RRset */
	ldns_rdf *name;         /* the deepest zone reached */
	ldns_rr_list *keys;
	char *reason;           /* INSECURE: where the chain ended; BOGUS/INDETERMINATE: why */
};

static void zone_clear(struct zone *z)
{
	ldns_rdf_deep_free(z->name);
	ldns_rr_list_deep_free(z->keys);
	free(z->reason);
	memset(z, 0, sizeof(*z));
}

static void zone_fail(struct zone *z, mc_dnssec_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void zone_fail(struct zone *z, mc_dnssec_state st, const char *fmt, ...)
{
	va_list ap;

	z->state = st;
	free(z->reason);
	va_start(ap, fmt);
	z->reason = mc_vasprintf(fmt, ap);
	va_end(ap);
}

static char *name_str(const ldns_rdf *d)
{
	return mc_dns_rdf_name(d);
}

static ldns_pkt *packet(const mc_dns_answer *a)
{
	ldns_pkt *p = NULL;

	if (!a->wire || ldns_wire2pkt(&p, a->wire, a->wire_len) != LDNS_STATUS_OK)
		return NULL;
	return p;
}

/* Clones of the records of a section with this type (RRSIG: covering
 * `covered`), owned by `owner` when not NULL. */
ldns_rr_list *mc_dnssec_pick(const ldns_rr_list *sec, ldns_rr_type type, ldns_rr_type covered,
                             const ldns_rdf *owner)
{
	ldns_rr_list *out = ldns_rr_list_new();

	for (size_t i = 0; out && i < ldns_rr_list_rr_count(sec); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(sec, i);

		if (ldns_rr_get_type(rr) != type ||
		    (owner && ldns_dname_compare(ldns_rr_owner(rr), owner) != 0))
			continue;
		if (type == LDNS_RR_TYPE_RRSIG &&
		    (!ldns_rr_rrsig_typecovered(rr) ||
		     ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != covered))
			continue;
		ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	return out;
}

const char *mc_dnssec_why(ldns_status s)
{
	switch (s) {
	case LDNS_STATUS_CRYPTO_SIG_EXPIRED:
		return "the signature has expired";
	case LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED:
		return "the signature is not valid yet (inception in the future)";
	case LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY:
	case LDNS_STATUS_CRYPTO_NO_DNSKEY:
		return "no key of the zone made the signature (key tag unknown)";
	case LDNS_STATUS_CRYPTO_BOGUS:
		return "the signature does not verify";
	case LDNS_STATUS_CRYPTO_NO_RRSIG:
		return "there is no signature";
	case LDNS_STATUS_CRYPTO_UNKNOWN_ALGO:
	case LDNS_STATUS_CRYPTO_ALGO_NOT_IMPL:
		return "the algorithm is not supported";
	default:
		return ldns_get_errorstr_by_id(s);
	}
}

/* Verify an RRset against its signatures with keys: LDNS_STATUS_OK when one
 * holds; the earliest expiration of the good ones in *expires. */
ldns_status mc_dnssec_verify(const ldns_rr_list *rrset, const ldns_rr_list *sigs,
                             const ldns_rr_list *keys, int64_t *expires)
{
	ldns_status best = LDNS_STATUS_CRYPTO_NO_RRSIG;
	time_t now = time(NULL);

	if (ldns_rr_list_rr_count(rrset) == 0)
		return LDNS_STATUS_ERR;
	for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		ldns_rr_list *clone = ldns_rr_list_clone(rrset);
		ldns_status s = ldns_verify_rrsig_keylist_time(clone, sig, keys, now, NULL);

		ldns_rr_list_deep_free(clone);
		if (s == LDNS_STATUS_OK) {
			int64_t exp = ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig));

			if (expires && (*expires == 0 || exp < *expires))
				*expires = exp;
			best = LDNS_STATUS_OK;
		} else if (best != LDNS_STATUS_OK) {
			best = s;
		}
	}
	return best;
}

static const mc_dns_answer *ask(mc_resolver *r, const ldns_rdf *name, uint16_t type)
{
	char *s = name_str(name);
	const mc_dns_answer *a = s ? mc_dns_lookup(r, s, type) : NULL;

	free(s);
	return a;
}

/* The DNSKEY RRset of z->name, trusted through `trusted` (DS or DNSKEY
 * records naming its keys). */
static void take_keys(mc_resolver *r, struct zone *z, const ldns_rr_list *trusted)
{
	const mc_dns_answer *a = ask(r, z->name, MC_RR_DNSKEY);
	char *zn = name_str(z->name);
	ldns_pkt *p = a ? packet(a) : NULL;
	ldns_rr_list *keys = NULL, *sigs = NULL, *named = ldns_rr_list_new();
	ldns_status s;

	if (!a || mc_dns_status_is_temporary(a->status)) {
		zone_fail(z, MC_DNSSEC_INDETERMINATE, "the DNSKEY lookup of %s failed", zn);
		goto out;
	}
	if (!p) {
		zone_fail(z, MC_DNSSEC_INDETERMINATE, "no DNSSEC data for the DNSKEY of %s", zn);
		goto out;
	}
	keys = mc_dnssec_pick(ldns_pkt_answer(p), LDNS_RR_TYPE_DNSKEY, 0, z->name);
	sigs = mc_dnssec_pick(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DNSKEY, z->name);
	for (size_t i = 0; keys && i < ldns_rr_list_rr_count(keys); i++)
		for (size_t k = 0; k < ldns_rr_list_rr_count(trusted); k++)
			if (ldns_rr_compare_ds(ldns_rr_list_rr(trusted, k), ldns_rr_list_rr(keys, i))) {
				ldns_rr_list_push_rr(named, ldns_rr_list_rr(keys, i));
				break;
			}
	if (!keys || ldns_rr_list_rr_count(keys) == 0) {
		zone_fail(z, MC_DNSSEC_BOGUS, "%s has DS records but publishes no DNSKEY", zn);
		goto out;
	}
	if (ldns_rr_list_rr_count(named) == 0) {
		zone_fail(z, MC_DNSSEC_BOGUS, "no DNSKEY of %s matches its DS records (a key rolled "
		          "without updating the DS at the parent?)", zn);
		goto out;
	}
	if ((s = mc_dnssec_verify(keys, sigs, named, NULL)) != LDNS_STATUS_OK) {
		zone_fail(z, MC_DNSSEC_BOGUS, "the DNSKEY RRset of %s is not signed by a key its DS "
		          "names: %s", zn, mc_dnssec_why(s));
		goto out;
	}
	ldns_rr_list_deep_free(z->keys);
	z->keys = keys;
	keys = NULL;
out:
	ldns_rr_list_free(named); /* its records belong to keys */
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	ldns_pkt_free(p);
	free(zn);
}

/* The anchor deepest above or at name: the start of the walk. */
static ldns_rdf *anchor_zone(const ldns_rr_list *anchors, const ldns_rdf *name)
{
	const ldns_rdf *best = NULL;

	for (size_t i = 0; i < ldns_rr_list_rr_count(anchors); i++) {
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(anchors, i));

		if ((ldns_dname_compare(o, name) == 0 || ldns_dname_is_subdomain(name, o)) &&
		    (!best || ldns_dname_label_count(o) > ldns_dname_label_count(best)))
			best = o;
	}
	return best ? ldns_rdf_clone(best) : NULL;
}

/*
 * What the walks of a resolver found, by name: each name of a chain the
 * walk passed (a zone whose keys were validated, a name proven to be no
 * cut, an unsigned delegation, a bogus link), so that the next walk for a
 * name below starts there. The answers of one check share their zones:
 * each link is verified once per resolver (until it forgets).
 */
#define MEMO_MAX 128

struct memo {
	ldns_rdf *name[MEMO_MAX];
	struct zone zone[MEMO_MAX];
	size_t n;
};

static void zone_copy(const struct zone *from, struct zone *to)
{
	to->state = from->state;
	to->name = from->name ? ldns_rdf_clone(from->name) : NULL;
	to->keys = from->keys ? ldns_rr_list_clone(from->keys) : NULL;
	to->reason = from->reason ? mc_strdup(from->reason) : NULL;
}

void mc_dnssec_memo_free(void *memo)
{
	struct memo *m = memo;

	for (size_t i = 0; m && i < m->n; i++) {
		ldns_rdf_deep_free(m->name[i]);
		zone_clear(&m->zone[i]);
	}
	free(m);
}

static void remember(mc_resolver *r, const ldns_rdf *name, const struct zone *z)
{
	struct memo *m = mc_resolver_dnssec_memo(r);

	if (z->state == MC_DNSSEC_INDETERMINATE) /* a lookup failed: try again next time */
		return;
	if (!m && (m = calloc(1, sizeof(*m))))
		mc_resolver_set_dnssec_memo(r, m);
	if (m && m->n < MEMO_MAX && (m->name[m->n] = ldns_rdf_clone(name))) {
		zone_copy(z, &m->zone[m->n]);
		m->n++;
	}
}

/* The deepest name remembered at or above name; its walk result in *z. */
static const ldns_rdf *recall(mc_resolver *r, const ldns_rdf *name, struct zone *z)
{
	const struct memo *m = mc_resolver_dnssec_memo(r);
	size_t best = SIZE_MAX;

	for (size_t i = 0; m && i < m->n; i++)
		if ((ldns_dname_compare(m->name[i], name) == 0 ||
		     ldns_dname_is_subdomain(name, m->name[i])) &&
		    (best == SIZE_MAX ||
		     ldns_dname_label_count(m->name[i]) > ldns_dname_label_count(m->name[best])))
			best = i;
	if (best == SIZE_MAX)
		return NULL;
	zone_copy(&m->zone[best], z);
	return m->name[best];
}

/* Walk from the anchor (or from where an earlier walk got) down to name
 * (see the top of the file). */
/* A DS answer for next: its records verified with the zone's keys, and the
 * keys of next taken from them. true: the walk stops. */
static bool ds_found(mc_resolver *r, ldns_pkt *p, ldns_rdf *next, const char *nn,
                     const char *zn, struct zone *z)
{
	ldns_rr_list *ds = mc_dnssec_pick(ldns_pkt_answer(p), LDNS_RR_TYPE_DS, 0, next);
	ldns_rr_list *sig = mc_dnssec_pick(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS, next);
	ldns_status s = mc_dnssec_verify(ds, sig, z->keys, NULL);
	bool stop = true;

	if (s != LDNS_STATUS_OK) {
		zone_fail(z, MC_DNSSEC_BOGUS, "the DS records of %s (in %s): %s", nn, zn, mc_dnssec_why(s));
	} else {
		ldns_rdf_deep_free(z->name);
		z->name = ldns_rdf_clone(next);
		take_keys(r, z, ds);
		stop = z->reason != NULL;
	}
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(sig);
	return stop;
}

/* No DS for next: proven absent (a name inside the zone, or an unsigned
 * delegation), or not. true: the walk stops. */
static bool ds_denied(const mc_dns_answer *a, ldns_pkt *p, ldns_rdf *next, const char *nn,
                      const char *zn, struct zone *z)
{
	bool cut = false;
	const char *problem = mc_dnssec_denial(p, next, LDNS_RR_TYPE_DS, z->keys, &cut);

	if (problem) {
		zone_fail(z, MC_DNSSEC_BOGUS, "%s does not prove that %s has no DS record: %s",
		          zn, nn, problem);
		return true;
	}
	if (cut) {
		zone_fail(z, MC_DNSSEC_INSECURE, "the chain of trust ends at %s: its parent "
		          "zone %s publishes no DS record for it (an unsigned delegation)", nn, zn);
		return true;
	}
	return a->status == MC_DNS_NXDOMAIN; /* nothing exists below: the zone so far is the one */
}

/* One label down from the zone towards name: the DS lookup of the name
 * `at` labels deep. true: the walk stops. */
static bool step_down(mc_resolver *r, const ldns_rdf *name, size_t labels, size_t at,
                      struct zone *z)
{
	ldns_rdf *next = ldns_dname_clone_from(name, (uint16_t)(labels - at));
	const mc_dns_answer *a = next ? ask(r, next, MC_RR_DS) : NULL;
	ldns_pkt *p = a ? packet(a) : NULL;
	char *nn = next ? name_str(next) : NULL, *zn = name_str(z->name);
	bool stop;

	if (!a || !p || mc_dns_status_is_temporary(a->status)) {
		zone_fail(z, MC_DNSSEC_INDETERMINATE, "the DS lookup of %s failed", nn ? nn : "?");
		stop = true;
	} else if (a->status == MC_DNS_OK) {
		stop = ds_found(r, p, next, nn, zn, z);
	} else {
		stop = ds_denied(a, p, next, nn, zn, z);
	}
	if (next && (!stop || z->state != MC_DNSSEC_SECURE))
		remember(r, next, z);
	ldns_pkt_free(p);
	ldns_rdf_deep_free(next);
	free(nn);
	free(zn);
	return stop;
}

static void walk(mc_resolver *r, const ldns_rr_list *anchors, const ldns_rdf *name,
                 struct zone *z)
{
	const ldns_rdf *from;
	size_t labels, at;

	memset(z, 0, sizeof(*z));
	if ((from = recall(r, name, z))) {
		if (z->state != MC_DNSSEC_SECURE)
			return; /* the chain ended above */
		at = ldns_dname_label_count(from) + 1;
	} else {
		if (!(z->name = anchor_zone(anchors, name))) {
			char *n = name_str(name);

			zone_fail(z, MC_DNSSEC_INDETERMINATE, "no trust anchor covers %s", n);
			free(n);
			return;
		}
		take_keys(r, z, anchors);
		if (!z->reason)
			z->state = MC_DNSSEC_SECURE;
		remember(r, z->name, z);
		if (z->reason)
			return;
		at = ldns_dname_label_count(z->name) + 1;
	}
	labels = ldns_dname_label_count(name);
	for (; at <= labels; at++)
		if (step_down(r, name, labels, at, z))
			return;
}


static void judge(mc_dns_answer *a, mc_dnssec_state st, char *reason)
{
	/* the worst verdict of the answer's parts wins */
	static const int rank[] = {[MC_DNSSEC_UNCHECKED] = 0, [MC_DNSSEC_SECURE] = 1,
	                           [MC_DNSSEC_INSECURE] = 2, [MC_DNSSEC_INDETERMINATE] = 3,
	                           [MC_DNSSEC_BOGUS] = 4};

	if (rank[st] > rank[a->dnssec]) {
		a->dnssec = st;
		free(a->dnssec_reason);
		a->dnssec_reason = reason;
	} else {
		free(reason);
	}
}

/* One RRset of a positive answer. */
static void rrset(mc_resolver *r, const ldns_rr_list *anchors, mc_dns_answer *a,
                  const ldns_pkt *p, const ldns_rr *first)
{
	const ldns_rdf *owner = ldns_rr_owner(first);
	ldns_rr_type type = ldns_rr_get_type(first);
	ldns_rr_list *set = mc_dnssec_pick(ldns_pkt_answer(p), type, 0, owner);
	ldns_rr_list *sigs = mc_dnssec_pick(ldns_pkt_answer(p), LDNS_RR_TYPE_RRSIG, type, owner);
	const ldns_rdf *signer = ldns_rr_list_rr_count(sigs)
	                       ? ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, 0)) : NULL;
	char *on = name_str(owner);
	struct zone z;

	/* the zone that signed it (a signer above the owner), else the owner's */
	if (signer && (ldns_dname_compare(signer, owner) == 0 ||
	               ldns_dname_is_subdomain(owner, signer)))
		walk(r, anchors, signer, &z);
	else
		walk(r, anchors, owner, &z);
	if (z.state != MC_DNSSEC_SECURE) {
		judge(a, z.state, z.reason);
		z.reason = NULL;
	} else if (ldns_rr_list_rr_count(sigs) == 0) {
		char *zn = name_str(z.name);

		judge(a, MC_DNSSEC_BOGUS, mc_asprintf("the %s records of %s carry no signature, "
		      "though the zone %s is signed", mc_dns_type_name(type), on, zn));
		free(zn);
	} else {
		int64_t expires = 0;
		ldns_status s = mc_dnssec_verify(set, sigs, z.keys, &expires);

		if (s != LDNS_STATUS_OK) {
			judge(a, MC_DNSSEC_BOGUS, mc_asprintf("the %s records of %s: %s",
			      mc_dns_type_name(type), on, mc_dnssec_why(s)));
		} else {
			judge(a, MC_DNSSEC_SECURE, NULL);
			if (!a->sig_expires || expires < a->sig_expires)
				a->sig_expires = expires;
			a->algorithm = ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(
				ldns_rr_list_rr(sigs, 0)));
		}
	}
	free(on);
	zone_clear(&z);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
}

/* The zones the anchors are for, "example.test, lab.internal", in buf. */
static void anchor_zones(const ldns_rr_list *anchors, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_list_rr_count(anchors); i++) {
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(anchors, i));
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = ldns_dname_compare(o, ldns_rr_owner(ldns_rr_list_rr(anchors, k))) == 0;
		if (!seen && len < size) {
			char *n = name_str(o);

			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
			                        n ? n : "?");
			free(n);
		}
	}
}

char *mc_dnssec_unusable(mc_resolver *r, const char *name)
{
	const ldns_rr_list *anchors = mc_resolver_anchors(r);
	ldns_rdf *at = ldns_dname_new_frm_str(name ? name : "."), *zone;
	char *why = NULL, zones[512];
	struct zone z;

	if (!anchors || !at) {
		ldns_rdf_deep_free(at);
		return mc_strdup(anchors ? "out of memory" : "no trust anchor");
	}
	if (!(zone = anchor_zone(anchors, at))) {
		anchor_zones(anchors, zones, sizeof(zones));
		why = mc_asprintf("no trust anchor covers %s (the anchors given are for %s)",
		                  name ? name : ".", zones);
	} else {
		char *zn = name_str(zone);

		walk(r, anchors, zone, &z);
		if (z.state != MC_DNSSEC_SECURE)
			why = mc_asprintf("the trust anchor for %s does not validate through this "
			                  "resolver, so no answer under it can: %s (a resolver that "
			                  "strips DNSSEC records, or an anchor that matches no key of "
			                  "the zone?)", zn ? zn : "?", z.reason ? z.reason : "?");
		zone_clear(&z);
		free(zn);
		ldns_rdf_deep_free(zone);
	}
	ldns_rdf_deep_free(at);
	return why;
}

mc_status mc_dns_validate(mc_resolver *r, const mc_dns_answer *answer)
{
	const ldns_rr_list *anchors = mc_resolver_anchors(r);
	mc_dns_answer *a = (mc_dns_answer *)answer; /* the verdict is the answer's own */
	ldns_pkt *p;

	if (!anchors || a->dnssec != MC_DNSSEC_UNCHECKED || !a->wire ||
	    (a->status != MC_DNS_OK && a->status != MC_DNS_NODATA && a->status != MC_DNS_NXDOMAIN))
		return MC_OK;
	if (!(p = packet(a)))
		return MC_OK;
	if (a->status == MC_DNS_OK) {
		ldns_rr_list *ans = ldns_pkt_answer(p);

		/* every RRset of the answer section (a CNAME chain and the records) */
		for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			bool seen = false;

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG)
				continue;
			for (size_t k = 0; k < i && !seen; k++) {
				const ldns_rr *o = ldns_rr_list_rr(ans, k);

				seen = ldns_rr_get_type(o) == ldns_rr_get_type(rr) &&
				       ldns_dname_compare(ldns_rr_owner(o), ldns_rr_owner(rr)) == 0;
			}
			if (!seen)
				rrset(r, anchors, a, p, rr);
		}
	} else {
		ldns_rdf *name = ldns_dname_new_frm_str(a->name);
		struct zone z;
		bool cut;

		walk(r, anchors, name, &z);
		if (z.state == MC_DNSSEC_SECURE) {
			const char *problem = mc_dnssec_denial(p, name, a->type, z.keys, &cut);
			char *zn = name_str(z.name);

			if (problem)
				judge(a, MC_DNSSEC_BOGUS, mc_asprintf("%s (%s %s, zone %s)", problem,
				      a->status == MC_DNS_NXDOMAIN ? "NXDOMAIN" : "no records",
				      mc_dns_type_name(a->type), zn));
			else
				judge(a, MC_DNSSEC_SECURE, NULL);
			free(zn);
		} else {
			judge(a, z.state, z.reason);
			z.reason = NULL;
		}
		zone_clear(&z);
		ldns_rdf_deep_free(name);
	}
	ldns_pkt_free(p);
	return MC_OK;
}
