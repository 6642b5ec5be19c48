/*
 * DNS blocklists (RFC 5782): is an address, or a domain and the addresses
 * that send and receive its mail, on the lists that receivers consult?
 *
 * A run chooses its lists once (mc_bl_set_new: the catalogue, lists of the
 * user's own, Spamhaus DQS), asks each list's RFC 5782 section 5 test
 * entries once (mc_bl_set_probe) so that a dead list or one that lists
 * everything is set aside, and then checks any number of inputs
 * (mc_bl_check), from any thread: the set is read-only after the probe.
 */
#ifndef MAILCHECK_BLOCKLIST_H
#define MAILCHECK_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/verdict.h"

/* What a list holds. */
typedef enum mc_bl_kind {
	MC_BL_KIND_IP,     /* addresses: reversed octets or nibbles under the zone */
	MC_BL_KIND_DOMAIN, /* domain names under the zone (RHSBL, URI lists) */
} mc_bl_kind;

/* What receivers do with a listing. */
typedef enum mc_bl_role {
	MC_BL_BLOCKS,  /* receivers that use it refuse mail from what it lists */
	MC_BL_SCORES,  /* it adds to a spam score; a listing alone rarely refuses */
	MC_BL_ALLOWS,  /* an allowlist: a listing is good news */
} mc_bl_role;

/* Is a list fit to be read, after its test entries (RFC 5782 section 5)? */
typedef enum mc_bl_health {
	MC_BL_HEALTH_UNTESTED,      /* not probed (yet) */
	MC_BL_HEALTH_WORKING,       /* the listed test entry listed, the other not */
	MC_BL_HEALTH_LISTS_ALL,     /* lists the entry that must not be listed: set aside */
	MC_BL_HEALTH_LISTS_NOTHING, /* does not list its test entry: set aside */
	MC_BL_HEALTH_REFUSED,       /* answers with the list's code for a refused query */
	MC_BL_HEALTH_DNS_ERROR,     /* the test queries failed (timeout, SERVFAIL) */
} mc_bl_health;

/* One list of the run. The strings are the catalogue's (or the set's). */
typedef struct mc_bl_list {
	const char *id;        /* short name for --only: "zen", "spamcop", ... */
	const char *name;      /* "Spamhaus ZEN" */
	const char *zone;      /* the zone asked (the DQS zone with --dqs-key) */
	mc_bl_kind kind;
	mc_bl_role role;
	bool ipv6;             /* lists IPv6 addresses too */
	bool custom;           /* given with --list: any 127.0.0.0/8 code is a listing */
	const char *removal;   /* where to look up a listing and ask for removal */
	const char *source;    /* the documentation its codes are taken from */
	const char *terms;     /* its usage terms, in one sentence (NULL: none known) */
	mc_bl_health health;
	char *health_reason;   /* why it was set aside, NULL when working (English, as JSON) */
	char *health_reason_text; /* the same in the locale's language; NULL: as English */
	size_t table;          /* internal: its row of the catalogue */
} mc_bl_list;

typedef struct mc_bl_set mc_bl_set;

#define MC_BL_MAX_LISTS 64

typedef struct mc_bl_opts {
	/* --list ZONE[:ip|:domain]: lists of the user's own, added */
	const char *const *extra;
	size_t n_extra;
	/* --only: ids or zones; none: every list of the catalogue and extra */
	const char *const *only;
	size_t n_only;
	/* --dqs-key: Spamhaus's Data Query Service zones instead of the public ones */
	const char *dqs_key;
} mc_bl_opts;

/* Choose the lists. MC_EINVAL (the error names it) for a bad --list zone,
 * an --only that names no list, or a bad DQS key. */
mc_status mc_bl_set_new(mc_bl_set **out, const mc_bl_opts *opts);
void mc_bl_set_free(mc_bl_set *s);
size_t mc_bl_set_count(const mc_bl_set *s);
const mc_bl_list *mc_bl_set_list(const mc_bl_set *s, size_t i);
/* Ask every list's test entries (127.0.0.2 and 127.0.0.1, or the names
 * TEST and INVALID, or the list's own documented test points) through r,
 * all at once. Its DNS log stays in r. */
mc_status mc_bl_set_probe(mc_bl_set *s, mc_resolver *r);
/* Lists that can be asked: working after the probe (or not probed). */
size_t mc_bl_set_usable(const mc_bl_set *s);
/* The catalogue itself (for listing the lists): its rows, NULL past the end. */
size_t mc_bl_catalogue_count(void);
const mc_bl_list *mc_bl_catalogue_list(size_t i);

/* One return code of an answer (an A record under 127.0.0.0/8). */
typedef struct mc_bl_code {
	char address[16];      /* "127.0.0.2" */
	char *meaning;         /* the list's own words, or what is known of it */
	char *meaning_text;    /* the same in the locale's language; NULL: as meaning */
	bool listed;           /* a listing (not an error code) */
	bool documented;       /* the list documents this code */
	mc_bl_role role;       /* what receivers do with a listing of this code */
} mc_bl_code;

/* What one list said of one target. */
typedef enum mc_bl_state {
	MC_BL_NOT_LISTED,  /* NXDOMAIN (or no A record) */
	MC_BL_LISTED,
	MC_BL_REFUSED,     /* an error code: the list refused the query (not a listing) */
	MC_BL_BAD_ANSWER,  /* A records outside 127.0.0.0/8: no return code at all */
	MC_BL_DNS_ERROR,   /* timeout, SERVFAIL: not known */
	MC_BL_NOT_ASKED,   /* the list is set aside, or does not hold this kind */
} mc_bl_state;

typedef struct mc_bl_hit {
	size_t list;       /* index in the set */
	size_t target;     /* index in the result's targets */
	char *query;       /* the name asked */
	mc_bl_state state;
	mc_bl_code *codes;
	size_t n_codes;
	char *txt;         /* the list's TXT reason for a listing, NULL when none */
	char *why;         /* NOT_ASKED, DNS_ERROR, BAD_ANSWER, REFUSED: why */
	char *why_text;    /* the same in the locale's language; NULL: as why */
} mc_bl_hit;

/* Something looked up: the input, or an address found for a domain. */
typedef struct mc_bl_target {
	char *name;        /* an address as text, or a domain (A-labels) */
	bool ip;
	char *via;         /* how it was found: "MX mx1.example.com", "SPF ip4:...", NULL: the input */
	char *via_text;    /* the same in the locale's language; NULL: as via */
} mc_bl_target;

#define MC_BL_MAX_TARGETS 32

typedef struct mc_bl_result {
	char *input;       /* an address, or a domain normalised */
	bool ip;
	/* FAIL: listed on a list that blocks; else TEMPERROR: a list could not
	 * be asked (DNS failure, a refusal); else PASS (a listing on a list
	 * that only scores is a warning finding) */
	mc_verdict verdict;
	size_t listed_blocking; /* targets x lists listed on lists that block */
	size_t listed_scoring;  /* ... on lists that score */
	mc_bl_target *targets;
	size_t n_targets;
	mc_bl_hit *hits;        /* target by target, list by list in set order */
	size_t n_hits;
	char **left_out;        /* what was not looked up, and why (bounded; English, as JSON) */
	char **left_out_text;   /* the same in the locale's language (NULL items: as English) */
	size_t n_left_out;
	const mc_bl_set *set;   /* the lists (the caller keeps the set alive) */
	bool named;             /* mc_bl_check_names: the names given, no domain's addresses */
	mc_findings findings;
	mc_dns_log dns;
} mc_bl_result;

/* Check an address or a domain against every usable list of the set.
 * MC_EINVAL when input is neither an address nor a domain name. */
mc_status mc_bl_check(mc_resolver *r, const mc_bl_set *s, const char *input, mc_bl_result *out);
/* Check the names given, as they are (addresses, and domains in the
 * domain lists; a domain's mail addresses are not looked up): vias[i] says
 * what each is (may be NULL), vias_text[i] the same in the locale's language
 * (may be NULL: vias[i]'s translation in the catalogue). The result's input
 * is the first. */
mc_status mc_bl_check_names(mc_resolver *r, const mc_bl_set *s, const char *const *names,
                            const char *const *vias, const char *const *vias_text, size_t n,
                            mc_bl_result *out);
void mc_bl_result_clear(mc_bl_result *res);

/*
 * Read one answer of a list (exposed for the fuzz target and tests): the A
 * records' addresses (4 bytes each, n of them) as the list's return codes,
 * into codes (caller frees each meaning and meaning_text, then the array). Returns the state
 * they come to: LISTED, NOT_LISTED (no code), REFUSED (an error code of the
 * list; *why says which) or BAD_ANSWER (*why says which address).
 */
mc_bl_state mc_bl_read_codes(const mc_bl_list *list, const unsigned char (*addrs)[4], size_t n,
                             mc_bl_code **codes, size_t *n_codes, char **why,
                             char **why_text);

const char *mc_bl_state_name(mc_bl_state s);   /* "listed", "not_listed", ... */
const char *mc_bl_health_name(mc_bl_health h); /* "working", "lists_everything", ... */
const char *mc_bl_role_name(mc_bl_role r);     /* "blocks", "scores", "allows" */

#endif
