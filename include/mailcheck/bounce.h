/*
 * Bounces: read a delivery status notification -- RFC 3464 (and RFC 6533's
 * global form) or the non-standard reports real MTAs write -- and say, for
 * each recipient, what failed, with which status, at which server, and why
 * in words. The MIME structure and transfer encodings are GMime's.
 */
#ifndef MAILCHECK_BOUNCE_H
#define MAILCHECK_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/blocklist.h"
#include "mailcheck/dns.h"
#include "mailcheck/findings.h"
#include "mailcheck/status.h"
#include "mailcheck/verify.h"

#define MC_BOUNCE_MAX_BYTES ((size_t)32 << 20) /* a larger input is refused */
#define MC_BOUNCE_MAX_RECIPIENTS 1000

typedef struct mc_bounce_rcpt {
	char *recipient;          /* Final-Recipient (or the address the text names) */
	char *original_recipient; /* Original-Recipient, NULL when absent */
	char *action;             /* failed, delayed, delivered, relayed, expanded */
	char *status;             /* "5.7.26", NULL when none was found */
	char *remote_mta;         /* the server that answered, NULL when not said */
	char *diagnostic;         /* its reply ("550 5.7.26 ..."), NULL when none */
	char *will_retry_until;   /* delayed: until when the sender retries */
	const char *provider;     /* gmail, microsoft, yahoo, ... when the reply says */
	const char *category;     /* authentication, mailbox, policy, ... (stable) */
	char *cause;              /* the cause in a sentence (English, as JSON gives it) */
	char *cause_text;         /* the same in the locale's language; NULL: as cause */
	/* category "blocklist": the list the reply names (a catalogue ID of
	 * lib/blocklist, "microsoft" for Outlook.com's own list, NULL when it
	 * names none) and the address it names (NULL when none) */
	const char *blocklist;
	char *listed_ip;
} mc_bounce_rcpt;

/* When authentication refused a recipient and nothing of the original came
 * back: the DNS checks for the sender's domain, as far as they go without
 * the message. */
#define MC_BOUNCE_MAX_NOTES 8
typedef struct mc_bounce_domain_check {
	char *domain;            /* the sender's domain checked */
	const char *domain_from; /* "reply": the receiver's reply names it; "envelope": where the bounce went */
	char *client_ip;         /* the reporting MTA's address, NULL when it has none */
	bool spf_ran;            /* SPF for client_ip and domain */
	mc_spf_result spf;
	bool iprev_ran;
	mc_iprev iprev;
	mc_dmarc_result dmarc;   /* the DMARC record that applies to the domain */
	char *explanation[MC_BOUNCE_MAX_NOTES];      /* English, as JSON gives them */
	char *explanation_text[MC_BOUNCE_MAX_NOTES]; /* in the locale's language; NULL: as English */
	size_t n_explanation;
	const char *not_checked[MC_BOUNCE_MAX_NOTES]; /* what needs the message */
	size_t n_not_checked;
} mc_bounce_domain_check;

typedef struct mc_bounce_result {
	/* dsn: RFC 3464 multipart/report; text: a non-standard bounce read from
	 * its text; auto_reply (RFC 3834, or a vacation subject), challenge (a
	 * challenge-response request) and feedback_report (ARF): no bounce */
	const char *kind;
	char *reporting_mta;
	char *received_from_mta;  /* Received-From-MTA: who handed the message to the reporting MTA */
	char *sender;             /* where the bounce went (To of the bounce) */
	char *original_from;      /* the From address of the returned original, NULL if none */
	const char *original;     /* "message", "headers" or NULL: what came back */
	mc_bounce_rcpt *rcpts;
	size_t n_rcpts;
	/* the returned original as bytes (headers only: with an empty body) */
	char *original_data;
	size_t original_len;
	/* mc_bounce_check: the original checked as the receiver would, NULL
	 * when not run; the client is the reporting MTA's address */
	mc_verify_result *check;
	char *check_ip;
	/* mc_bounce_check when nothing came back, NULL otherwise */
	mc_bounce_domain_check *domain_check;
	/* mc_bounce_blocklists: the address a blocklist refusal names (or the
	 * reporting MTA's), looked up now */
	char *blocklist_ip;
	bool blocklists_checked;
	mc_bl_result blocklists;
	mc_findings findings;
	mc_dns_log dns;           /* the queries of mc_bounce_check */
} mc_bounce_result;

/* Read a bounce from bytes. MC_EPARSE when it is no message at all. */
mc_status mc_bounce_parse(const char *data, size_t len, mc_bounce_result *out);
void mc_bounce_result_clear(mc_bounce_result *res);

/* Does a recipient's failure come from authentication (SPF, DKIM, DMARC,
 * reverse DNS, TLS)? */
bool mc_bounce_auth_failure(const mc_bounce_result *res);
/* Check the returned original as the refusing receiver would have: SPF for
 * the reporting MTA's address (the server that talked to the receiver),
 * DKIM (headers only when only headers came back: the body hash cannot be
 * checked then), DMARC. When nothing came back: SPF for that address,
 * its reverse DNS and the DMARC record of the sender's domain, and what
 * cannot be checked without the message (domain_check). now: 0 the
 * current time. */
mc_status mc_bounce_check(mc_resolver *r, mc_bounce_result *res, time_t now,
                          const char *authserv_id);

/* Was a recipient refused for a blocklist listing (category "blocklist")? */
bool mc_bounce_blocklisted(const mc_bounce_result *res);
/* Look the address such a refusal names (else the reporting MTA's) up now
 * in the lists of set (probed; NULL: none usable): still listed, or listed
 * no more. Findings say which. */
mc_status mc_bounce_blocklists(mc_resolver *r, mc_bounce_result *res, const mc_bl_set *set);

#endif
