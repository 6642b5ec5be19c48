/*
 * DMARC (RFC 9989, which obsoletes RFC 7489): policy discovery and the
 * organizational domain by the DNS tree walk, record validation, report
 * authorization, identifier alignment and the policy decision -- and, beside
 * it, what an RFC 7489 receiver decides (public suffix list, pct) and what
 * libopendmarc 1.4 decides.
 */
#ifndef MAILCHECK_DMARC_H
#define MAILCHECK_DMARC_H

#include <stdbool.h>

#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/verdict.h"

#define MC_DMARC_MAX_WALK 8  /* RFC 9989: at most 8 queries in a tree walk */
#define MC_DMARC_MAX_URIS 16

typedef enum mc_dmarc_policy {
	MC_DMARC_POLICY_UNSET = 0,
	MC_DMARC_POLICY_NONE,
	MC_DMARC_POLICY_QUARANTINE,
	MC_DMARC_POLICY_REJECT,
} mc_dmarc_policy;

const char *mc_dmarc_policy_name(mc_dmarc_policy p); /* "none", ... or NULL */

typedef struct mc_dmarc_record {
	char *domain;          /* where it was found (without _dmarc.) */
	char *text;
	bool valid;
	mc_dmarc_policy p, sp, np;
	char psd;              /* 'y', 'n' or 'u' */
	bool testing;          /* t=y */
	bool strict_dkim, strict_spf; /* adkim=s, aspf=s */
	char *fo;
	char *rua[MC_DMARC_MAX_URIS];
	size_t n_rua;
	char *ruf[MC_DMARC_MAX_URIS];
	size_t n_ruf;
	int pct;               /* RFC 7489 only (removed in RFC 9989); 100 when absent */
} mc_dmarc_record;

typedef struct mc_dmarc_view7489 {
	char *org_domain;      /* public suffix list */
	char *record_domain;   /* NULL when no record */
	mc_dmarc_policy policy;/* for this domain (p, or sp for a subdomain) */
	int pct;
	bool agrees;           /* same record, organizational domain and policy */
	/* libopendmarc 1.4 on the same record */
	bool opendmarc_ran;
	mc_dmarc_policy opendmarc_policy;
	int opendmarc_pct;
	bool opendmarc_agrees;
} mc_dmarc_view7489;

typedef struct mc_dmarc_result {
	char *domain;
	/* PASS: a valid record applies; NONE: no record; PERMERROR: invalid;
	 * TEMPERROR: DNS failure */
	mc_verdict verdict;
	char *org_domain;
	mc_dmarc_record record;  /* the policy record (record.domain NULL when none) */
	mc_dmarc_policy policy;  /* what applies to mail from this domain */
	mc_dmarc_policy subdomain_policy, nonexistent_policy;
	bool domain_exists;
	mc_dmarc_view7489 rfc7489;
	mc_findings findings;
	mc_dns_log dns;
} mc_dmarc_result;

/* The DMARC record and policy that apply to mail From `domain`. */
mc_status mc_dmarc_check(mc_resolver *r, const char *domain, mc_dmarc_result *out);
void mc_dmarc_result_clear(mc_dmarc_result *res);

/* What authenticated a message, for the policy decision. */
typedef struct mc_dmarc_auth {
	const char *spf_domain;       /* the domain SPF checked (MAIL FROM, or HELO) */
	mc_verdict spf;
	const char *const *dkim_domains; /* d= of each signature */
	const mc_verdict *dkim;       /* and its result */
	size_t n_dkim;
} mc_dmarc_auth;

typedef struct mc_dmarc_decision {
	/* PASS, FAIL, NONE (no policy), TEMPERROR (policy or alignment unknown),
	 * PERMERROR (invalid policy record) */
	mc_verdict result;
	mc_dmarc_policy policy;       /* the policy that applies */
	mc_dmarc_policy disposition;  /* what receivers are asked to do (t=y: a step milder) */
	bool spf_aligned, dkim_aligned;
	char *aligned_dkim_domain;    /* the d= that passed aligned, NULL when none */
	char *from_org, *spf_org;     /* organizational domains compared (relaxed) */
	char *why;                    /* one sentence (English, as JSON has it) */
	char *why_text;               /* the same in the locale's language; NULL: the English */
} mc_dmarc_decision;

/* RFC 9989: pass when an aligned SPF pass or an aligned DKIM pass exists;
 * otherwise the policy of `policy` (from mc_dmarc_check on the From domain). */
mc_status mc_dmarc_evaluate(mc_resolver *r, const mc_dmarc_result *policy,
                            const mc_dmarc_auth *auth, mc_dmarc_decision *out);
void mc_dmarc_decision_clear(mc_dmarc_decision *d);

/* The organizational domain of a name by the RFC 9989 tree walk (NULL: out
 * of memory; on DNS failure the name itself, *temp set). */
char *mc_dmarc_org_domain(mc_resolver *r, const char *domain, bool *temp);

/* Identifier alignment (RFC 9989): strict = the same name; relaxed = the
 * same organizational domain (org_a, org_b given by the caller). */
bool mc_dmarc_aligned(const char *a, const char *b, bool strict,
                      const char *org_a, const char *org_b);

#endif
