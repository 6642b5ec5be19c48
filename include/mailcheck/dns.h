/*
 * lib/dns: the only way any check talks to DNS.
 *
 * An mc_resolver answers queries from one of two backends -- the network
 * (ldns, UDP with TCP fallback) or zone files loaded in memory -- through
 * one per-run cache, and logs every query it was asked (name, type, status,
 * answers, time, cached or not) so that each command can show the DNS it
 * used.
 *
 * Answers are owned by the resolver and stay valid until mc_resolver_free().
 * A DNS failure is not an error of the call: it is the answer's status
 * (MC_DNS_TIMEOUT, MC_DNS_SERVFAIL, ...). Calls fail only for bad arguments
 * or lack of memory.
 */
#ifndef MAILCHECK_DNS_H
#define MAILCHECK_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailcheck/findings.h"
#include "mailcheck/status.h"

typedef struct mc_resolver mc_resolver;

/* RR types used by the checks (values are the IANA numbers). */
enum {
	MC_RR_A = 1,
	MC_RR_NS = 2,
	MC_RR_CNAME = 5,
	MC_RR_SOA = 6,
	MC_RR_PTR = 12,
	MC_RR_MX = 15,
	MC_RR_TXT = 16,
	MC_RR_AAAA = 28,
	MC_RR_SRV = 33,
	MC_RR_DS = 43,
	MC_RR_RRSIG = 46,
	MC_RR_NSEC = 47,
	MC_RR_DNSKEY = 48,
	MC_RR_NSEC3 = 50,
	MC_RR_TLSA = 52,
	MC_RR_SPF = 99,
	MC_RR_CAA = 257,
};

typedef enum mc_dns_status {
	MC_DNS_OK,       /* NOERROR with records of the type asked */
	MC_DNS_NODATA,   /* the name exists, but has no records of that type */
	MC_DNS_NXDOMAIN, /* the name does not exist */
	MC_DNS_SERVFAIL, /* the server failed (SERVFAIL, CNAME loop) */
	MC_DNS_REFUSED,  /* the server refused to answer */
	MC_DNS_TIMEOUT,  /* no answer in time */
	MC_DNS_ERROR,    /* anything else: malformed answer, bad name, FORMERR */
	MC_DNS_TCP_FAILED, /* the UDP answer was truncated and the TCP retry failed;
	                    * the records of the truncated answer are not used */
} mc_dns_status;

/* One resource record of an answer. */
typedef struct mc_dns_rr {
	char *owner;       /* owner name, lower case, no trailing dot */
	uint16_t type;
	uint32_t ttl;
	uint16_t preference; /* MX only */
	/*
	 * A/AAAA: the address as text; MX/CNAME/PTR/NS: the target name without
	 * trailing dot ("." for the root); TXT/SPF: the character-strings joined
	 * with no separator (RFC 7208 3.3), data_len bytes, may hold NULs; other
	 * types: the rdata in presentation format.
	 */
	char *data;
	size_t data_len;
	unsigned char addr[16]; /* A: 4 bytes, AAAA: 16 bytes, network order */
} mc_dns_rr;

/* What mailcheck's own DNSSEC validation (mc_dns_validate) said of an answer. */
typedef enum mc_dnssec_state {
	MC_DNSSEC_UNCHECKED,     /* not validated (offline, no DO, not asked) */
	MC_DNSSEC_SECURE,        /* a chain of signatures from a trust anchor */
	MC_DNSSEC_INSECURE,      /* proven unsigned: a delegation without DS above it */
	MC_DNSSEC_BOGUS,         /* should be signed, and the signatures do not hold */
	MC_DNSSEC_INDETERMINATE, /* a lookup the validation needed failed */
} mc_dnssec_state;

typedef struct mc_dns_answer {
	char *name;    /* the name asked, normalised */
	uint16_t type; /* the type asked */
	mc_dns_status status;
	int rcode;     /* DNS rcode received, -1 when none (timeout, bad name) */
	bool ad;       /* AD bit: the resolver validated it with DNSSEC */
	/* CNAME records followed from name, then the records of type. */
	mc_dns_rr *rrs;
	size_t n_rrs;
	char *error;   /* what went wrong (timeout, error, tcp_failed), else NULL */
	char *error_text; /* the same in the locale's language; NULL: as error */
	double ms;     /* time the backend took */
	/* DNSSEC: the response as received (resolvers made with opts.dnssec),
	 * and the validation's verdict, its reason and where the chain ended */
	unsigned char *wire;
	size_t wire_len;
	mc_dnssec_state dnssec;
	char *dnssec_reason;
	int64_t sig_expires;   /* earliest RRSIG expiration of a secure answer, 0 when none */
	uint8_t algorithm;     /* DNSSEC algorithm of the zone's key that signed it */
} mc_dns_answer;

/* One entry of the query log. */
typedef struct mc_dns_log_entry {
	const mc_dns_answer *answer;
	bool cached;   /* answered from the per-run cache */
} mc_dns_log_entry;

/* A slice of the query log, copied into a result. */
typedef struct mc_dns_log {
	mc_dns_log_entry *entries;
	size_t n;
} mc_dns_log;

/* One query of a batch: fill name and type; mc_dns_resolve fills answer. */
typedef struct mc_dns_query {
	const char *name;
	uint16_t type;
	const mc_dns_answer *answer;
} mc_dns_query;

typedef struct mc_resolver_opts {
	/* "ADDR" or "ADDR:PORT", "[V6]:PORT" or bare V6; NULL: /etc/resolv.conf */
	const char *const *servers;
	size_t n_servers;
	double timeout;  /* seconds per query, all tries included; 0: 5 s */
	int tries;       /* UDP sends per query; 0: 3 */
	bool dnssec;     /* set the DO bit and keep each response for mc_dns_validate */
} mc_resolver_opts;

mc_status mc_resolver_new_network(mc_resolver **out, const mc_resolver_opts *opts);

/*
 * Answer from zone files instead of the network. Names in no zone are
 * NXDOMAIN. Comment lines ";! timeout NAME [TYPE]" and
 * ";! servfail NAME [TYPE]" make those queries time out or fail.
 */
mc_status mc_resolver_new_zones(mc_resolver **out, const char *const *files, size_t n);

void mc_resolver_free(mc_resolver *r);

/* Does it answer from zone files (no network, no DNSSEC validation)? */
bool mc_resolver_offline(const mc_resolver *r);

/*
 * A resolver for another thread: the same backend (nameservers or zone
 * files, read-only once loaded), its own cache and log. Free it before its
 * parent.
 */
mc_status mc_resolver_new_sibling(mc_resolver **out, const mc_resolver *parent);

/* Forget the cache and the log (a long run keeps memory flat); every answer
 * taken from the resolver before is freed. */
void mc_resolver_forget(mc_resolver *r);
/* Answers in the cache. */
size_t mc_resolver_cache_size(const mc_resolver *r);

/*
 * Answer every query of the batch; independent queries are in flight at once
 * on the network backend. Never fails for DNS trouble (see the answer's
 * status); MC_EINVAL / MC_ENOMEM only.
 */
mc_status mc_dns_resolve(mc_resolver *r, mc_dns_query *queries, size_t n);

/* Forward-confirmed reverse DNS of an address (RFC 8601 2.7.3 iprev): its
 * PTR names, and the first of them whose A or AAAA record is the address. */
#define MC_FCRDNS_MAX_NAMES 10
typedef struct mc_fcrdns_answer {
	bool address;            /* the text was an IP address (else nothing was asked) */
	mc_dns_status ptr_status;
	char *names[MC_FCRDNS_MAX_NAMES]; /* the PTR names, at most ten */
	size_t n_names;
	const char *confirmed;   /* the name that resolves back (one of names), NULL none */
	bool temporary;          /* a lookup failed for now: the PTR one or a forward one */
} mc_fcrdns_answer;

/* The reverse DNS of n addresses, asked in two batches (every PTR query,
 * then every forward query): out[i] for ips[i]. */
mc_status mc_dns_fcrdns(mc_resolver *r, const char *const *ips, size_t n, mc_fcrdns_answer *out);
void mc_fcrdns_answer_clear(mc_fcrdns_answer *a);

/* One query; NULL only when out of memory. */
const mc_dns_answer *mc_dns_lookup(mc_resolver *r, const char *name, uint16_t type);

/* Number of entries in the query log so far. */
size_t mc_dns_log_size(const mc_resolver *r);
/* Forget the log entries from index `size` on (a batch that has copied a
 * message's slice keeps the log from growing with every message). */
void mc_dns_log_rewind(mc_resolver *r, size_t size);

/* Copy the log entries from index `since` on into `out` (caller frees with mc_dns_log_clear). */
mc_status mc_dns_log_copy(const mc_resolver *r, size_t since, mc_dns_log *out);
void mc_dns_log_clear(mc_dns_log *log);
/* Append the log entries from index `since` on to `log`. */
mc_status mc_dns_log_append(const mc_resolver *r, size_t since, mc_dns_log *log);
/* Keep only the first entry of each answer (a check that asks a name it
 * prefetched earlier logs it twice, the second time from the cache). */
void mc_dns_log_unique(mc_dns_log *log);

/*
 * DNSSEC validation by mailcheck itself (RFC 4033-4035, with ldns's
 * signature and denial primitives): from the trust anchors (DS or DNSKEY
 * records in zone-file form; NULL: Debian's /usr/share/dns/root.key) down
 * the DS/DNSKEY chain to the answer, fetching what it needs through r.
 * Sets a's dnssec, dnssec_reason, sig_expires and algorithm. Answers of a
 * resolver without opts.dnssec (or offline) stay UNCHECKED.
 */
mc_status mc_resolver_set_trust_anchor(mc_resolver *r, const char *file);
/* Several anchor files at once (n 0: Debian's root key); anchors may be at
 * any name -- the root, a TLD, an island of security (RFC 4033 3) -- and
 * each name is validated from the closest anchor above it. */
mc_status mc_resolver_set_trust_anchors(mc_resolver *r, const char *const *files, size_t n);
bool mc_resolver_validates(const mc_resolver *r);
mc_status mc_dns_validate(mc_resolver *r, const mc_dns_answer *a);
/* NULL when the closest trust anchor above name (NULL: the root) covers it
 * and its zone validates through r (validation can work there), else why
 * not (caller frees): no anchor covers name, or a resolver that returns no
 * RRSIGs, or an anchor that matches no key of its zone. */
char *mc_dnssec_unusable(mc_resolver *r, const char *name);
const char *mc_dnssec_state_name(mc_dnssec_state s); /* "secure", ... */
/* RFC 8624 3.1: "must_not" / "not_recommended" to sign with, or NULL. */
const char *mc_dnssec_algorithm_status(uint8_t alg);
const char *mc_dnssec_algorithm_name(uint8_t alg);

/* Helpers */
const char *mc_dns_status_name(mc_dns_status s);   /* "noerror", "nxdomain", ... */
/* Why an answer failed, for a sentence: its error or else its status name;
 * mc_dns_why in English (JSON), mc_dns_why_text in the locale's language. */
const char *mc_dns_why(const mc_dns_answer *a);
const char *mc_dns_why_text(const mc_dns_answer *a);
const char *mc_dns_rcode_name(int rcode);          /* "NOERROR", ... or NULL for -1 */
const char *mc_dns_type_name(uint16_t type);       /* "MX", "TXT", ... */
bool mc_dns_status_is_temporary(mc_dns_status s);  /* SERVFAIL, REFUSED, TIMEOUT, ERROR, TCP_FAILED */

/*
 * Check and normalise a domain name given by a user: an international name
 * to its A-labels (mc_domain_to_ascii), one trailing dot stripped, ASCII
 * lowercased. MC_EINVAL with a message when a label is empty or longer than
 * 63 octets, the name longer than 253, it is no valid IDN, or it holds bytes
 * that cannot be a host name (space, control).
 */
mc_status mc_domain_normalize(const char *in, char **out);

/* An international domain name (U-labels, or A-labels to check) as the
 * A-labels DNS asks, IDNA2008 with UTS #46 mapping; a plain ASCII name as it
 * is. MC_EINVAL when it is not a valid IDN. */
mc_status mc_domain_to_ascii(const char *in, char **out);
/* The U-label form of a name with A-labels ("xn--wgv71a119e.jp" ->
 * "日本語.jp"), malloc'd; NULL when it has none or they do not decode. */
char *mc_domain_to_unicode(const char *ascii);
/* Is name the domain itself or a name under it (case-insensitive)? */
bool mc_dns_name_within(const char *name, const char *domain);

/* Lowercase and strip one trailing dot; NULL when out of memory. Does not
 * validate. */
char *mc_dns_name_fold(const char *name);
/* NULL when the name can be asked in DNS (labels 1..63, at most 253
 * characters), else why not. */
const char *mc_dns_name_problem(const char *name);

/* Add the findings that the DNS log itself calls for (a truncated answer
 * whose TCP retry failed: dns.tcp_failed), one per query. */
void mc_findings_dns(mc_findings *f, const mc_dns_log *log);

/*
 * --record FILE (record.c): the answers of DNS logs gathered (from any
 * thread; each line once) and written as a zone file that --zone reads back
 * to the same answers: records, NODATA kept as an existing name, timeouts
 * and failures as the zone backend's fault directives.
 */
typedef struct mc_dns_recording mc_dns_recording;
mc_dns_recording *mc_dns_recording_new(void);
void mc_dns_recording_add(mc_dns_recording *rec, const mc_dns_log *log);
/* what: the run, for the file's first line ("mailcheck domain example.com") */
mc_status mc_dns_recording_write(mc_dns_recording *rec, const char *path, const char *what);
void mc_dns_recording_free(mc_dns_recording *rec);

#endif
