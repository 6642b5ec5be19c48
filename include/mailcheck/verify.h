/*
 * verify: the whole authentication of one message, as a receiver runs it --
 * SPF for the client at the trust boundary (or as given), every DKIM
 * signature, DMARC with alignment -- an RFC 8601 Authentication-Results
 * header, and an explanation in sentences, most important first.
 */
#ifndef MAILCHECK_VERIFY_H
#define MAILCHECK_VERIFY_H

#include <stdbool.h>
#include <time.h>

#include "mailcheck/dkim.h"
#include "mailcheck/dmarc.h"
#include "mailcheck/spf.h"
#include "mailcheck/trace.h"

typedef struct mc_verify_request {
	const char *ip, *helo, *mail_from; /* NULL: taken from the trace */
	const char *authserv_id;           /* for Authentication-Results */
	const char *const *trusted;        /* --trust relays, NULL-terminated or NULL */
	time_t now;                        /* 0: the current time */
} mc_verify_request;

typedef struct mc_verify_result {
	char *from_domain;
	char *ip, *helo, *mail_from;       /* the identities used */
	bool identities_from_trace;
	bool spf_ran;
	mc_spf_result spf;
	mc_dkim_result dkim;
	bool dmarc_ran;                    /* exactly one From domain */
	mc_dmarc_result dmarc_policy;
	mc_dmarc_decision dmarc;
	mc_trace trace;
	/* PASS when DMARC passes (or, without a DMARC record, SPF or DKIM passes
	 * aligned); TEMPERROR on DNS failure; FAIL otherwise */
	mc_verdict verdict;
	char *authentication_results;
	char **explanation;
	size_t n_explanation;
	mc_findings findings;
	mc_dns_log dns;
} mc_verify_result;

/* Streaming: feed the message through mc_verify_headers / mc_verify_body
 * (as callbacks of the message reader), then finish. */
typedef struct mc_verifier mc_verifier;

mc_status mc_verifier_new(mc_verifier **out, mc_resolver *r, const mc_verify_request *req);
mc_status mc_verify_headers(void *verifier, const mc_message *msg);
mc_status mc_verify_body(void *verifier, const char *chunk, size_t len);
mc_status mc_verify_finish(mc_verifier *v, const mc_message *msg, mc_verify_result *out);
void mc_verifier_free(mc_verifier *v);
void mc_verify_result_clear(mc_verify_result *res);

#endif
