/*
 * The bulk-sender requirements of the big mailbox providers (Gmail and
 * Yahoo since February 2024, Microsoft since May 2025), as rules kept as
 * data: who requires each, of whom (every sender, bulk senders, bulk
 * marketing mail), and the provider pages they come from. Each is judged
 * on a message (verify --requirements) or on a domain's DNS (domain), with
 * the evidence.
 */
#ifndef MAILCHECK_REQUIREMENTS_H
#define MAILCHECK_REQUIREMENTS_H

#include <stdbool.h>
#include <stddef.h>

enum { MC_REQ_GMAIL = 1, MC_REQ_YAHOO = 2, MC_REQ_MICROSOFT = 4, MC_REQ_ALL = 7 };

typedef enum mc_req_status {
	MC_REQ_PASS,
	MC_REQ_FAIL,
	MC_REQ_NOT_APPLICABLE, /* the rule does not apply to this message */
	MC_REQ_NOT_CHECKABLE,  /* cannot be told from what mailcheck sees */
} mc_req_status;

const char *mc_req_status_name(mc_req_status s); /* "pass", "fail", ... */

typedef struct mc_req_rule {
	const char *id;        /* stable: "spf_and_dkim", ... */
	const char *rule;      /* the rule in words */
	unsigned providers;    /* MC_REQ_* that require it */
	const char *applies;   /* "all" senders, "bulk" senders, "bulk_marketing" mail */
} mc_req_rule;

/* The rules, in the order they are reported. */
size_t mc_req_rules(const mc_req_rule **rules);
/* A provider's name ("gmail"), and its page with the date it speaks for
 * (English, as the JSON gives it; _text: in the locale's language). */
const char *mc_req_provider_name(unsigned provider);
const char *mc_req_provider_source(unsigned provider);
const char *mc_req_provider_source_text(unsigned provider);
/* "gmail", "yahoo", "microsoft", "all", or a comma-separated list of
 * them, into MC_REQ_* bits; false when a word is none of these. */
bool mc_req_parse_providers(const char *list, unsigned *out);

#define MC_REQ_MAX 16
typedef struct mc_requirement {
	const mc_req_rule *rule;
	mc_req_status status;
	char *evidence;        /* what the message or DNS shows (English, as JSON gives it) */
	char *evidence_text;   /* the same in the locale's language; NULL: as English */
} mc_requirement;

typedef struct mc_requirements {
	unsigned providers;    /* those asked */
	mc_requirement items[MC_REQ_MAX]; /* the rules of those providers */
	size_t n;
	size_t failed;         /* items that fail */
} mc_requirements;

void mc_requirements_clear(mc_requirements *r);

/* For the checks that judge the rules (verify, domain): an evidence
 * sentence from a message, the English returned (for it->evidence) and the
 * locale's language kept in it->evidence_text. */
char *mc_req_evidence(mc_requirement *it, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Two clauses said together ("SPF ...; DKIM ..."), each given in English
 * and in the locale's language (NULL: as the English); all four taken. */
char *mc_req_evidence_pair(mc_requirement *it, char *a, char *a_text, char *b, char *b_text);

#endif
