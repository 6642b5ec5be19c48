/*
 * SPF (RFC 7208): mailcheck's own check_host() on lib/dns, and the record
 * lint. See shared/DESIGN.md for why mailcheck does not use libspf2's
 * verdict (libspf2 is only a second opinion, mc_spf_compare).
 */
#ifndef MAILCHECK_SPF_H
#define MAILCHECK_SPF_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/verdict.h"

/* RFC 7208 4.6.4 */
#define MC_SPF_MAX_LOOKUPS 10
#define MC_SPF_MAX_VOID 2
#define MC_SPF_MAX_MX_PTR 10

typedef struct mc_spf_request {
	const char *domain;  /* the domain checked (MAIL FROM domain, or HELO) */
	const char *ip;      /* the connecting client, IPv4 or IPv6 */
	const char *sender;  /* envelope sender; NULL/"": postmaster@helo (RFC 7208 2.3) */
	const char *helo;    /* HELO/EHLO name; NULL: "unknown" in macros */
	const char *receiver; /* %{r} and Received-SPF receiver=; NULL: "unknown" */
	time_t now;          /* %{t}; 0: time(NULL) */
} mc_spf_request;

/* One step of the path to the deciding term: the record of `domain` and the
 * term of it that matched (an include, then the term inside it, ...). */
typedef struct mc_spf_step {
	char *domain;
	char *term;
} mc_spf_step;

typedef struct mc_spf_result {
	/* inputs, as used */
	char *domain, *ip, *sender, *helo;
	mc_verdict verdict;  /* pass fail softfail neutral none permerror temperror */
	char *record;        /* the domain's SPF record, NULL when none */
	char *mechanism;     /* the term of `record` that decided; NULL: no term matched */
	bool default_result; /* no term matched: redirect or the default neutral */
	mc_spf_step *path;   /* from `record` down to the innermost matching term */
	size_t n_path;
	char *explanation;   /* exp= text on fail, NULL when none */
	int dns_lookups;     /* terms that queried DNS (limit 10) */
	int void_lookups;    /* lookups with no answer (limit 2) */
	char *received_spf;  /* a Received-SPF header field (RFC 7208 9.1) */
	char *suggestion;    /* on fail/softfail: the term to add, e.g. "ip4:192.0.2.1" */
	/* --compare: libspf2's verdict on the same query (mc_spf_compare_libspf2) */
	bool compared;
	char *libspf2_result; /* in RFC 7208 words; NULL when libspf2 could not run */
	char *libspf2_detail; /* libspf2's own result name, or why it could not run */
	bool libspf2_agrees;
	mc_findings findings;
	mc_dns_log dns;
} mc_spf_result;

/*
 * Second opinion: run libspf2 (Debian's, as in Exim and other receivers) on
 * the same query through lib/dns, in a child process so that its aborts
 * cannot take the report down. Fills the libspf2_* fields, adds
 * spf.receivers_disagree when the verdicts differ, and appends the queries
 * libspf2 made to res->dns. Call after mc_spf_check on the same result.
 */
mc_status mc_spf_compare_libspf2(mc_resolver *r, const mc_spf_request *req, mc_spf_result *res);

/* One record of the include/redirect tree (lint). */
typedef struct mc_spf_node {
	char *domain;
	char *via;           /* the term that led here ("include:x"), NULL at the root */
	char *record;        /* NULL when the domain has none */
	char *problem;       /* why the record is unusable (no record, syntax, loop ...) */
	char *problem_text;  /* the same in the locale's language; NULL: as problem */
	long error_position; /* offset of a syntax error in record, -1 when none */
	int lookups;         /* terms of this record that query DNS */
	struct mc_spf_node *children;
	size_t n_children;
} mc_spf_node;

typedef struct mc_spf_lint {
	char *domain;
	/* PASS: usable, no error finding; FAIL: error findings (e.g. +all);
	 * NONE: no record; PERMERROR: receivers get permerror; TEMPERROR: DNS */
	mc_verdict verdict;
	char *record;
	mc_spf_node tree;
	int dns_lookups;     /* every DNS-querying term of the tree (worst case) */
	int void_lookups;    /* static targets that do not exist */
	char **networks;     /* authorized networks, flattened ("192.0.2.0/24") */
	size_t n_networks;
	bool networks_complete; /* false when macros, exists or ptr hide some */
	mc_findings findings;
	mc_dns_log dns;
} mc_spf_lint;

/* Walk and check the SPF record of a domain without a client IP. */
mc_status mc_spf_lint_check(mc_resolver *r, const char *domain, mc_spf_lint *out);
void mc_spf_lint_clear(mc_spf_lint *res);

/* Evaluate. MC_EINVAL when ip is not an IP address; DNS trouble is the
 * verdict temperror, not an error. */
mc_status mc_spf_check(mc_resolver *r, const mc_spf_request *req, mc_spf_result *out);
void mc_spf_result_clear(mc_spf_result *res);

#endif
