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
#include "mailcheck/blocklist.h"
#include "mailcheck/requirements.h"
#include "mailcheck/spf.h"
#include "mailcheck/trace.h"

/*
 * The domains of the links in a message's text and HTML parts (--links):
 * the parts decoded (transfer encoding, charset, HTML character
 * references), every http/https link and bare "www." name read for its
 * host, and the hosts grouped by registrable domain (public suffix list),
 * in order of first appearance. URI blocklists (Spamhaus DBL, SURBL,
 * URIBL) list such domains: mail that passes DMARC is junked for them.
 */
#define MC_LINKS_MAX_DOMAINS 12             /* looked up; the others are counted */
#define MC_LINKS_MAX_BODY ((size_t)8 << 20) /* body bytes kept to read */
#define MC_LINKS_MAX_TEXT ((size_t)2 << 20) /* decoded bytes read of one part */

typedef struct mc_link_domain {
	char *domain; /* registrable domain, A-labels */
	char *host;   /* the first host seen under it, A-labels */
	size_t links; /* links to it */
} mc_link_domain;

typedef struct mc_links {
	mc_link_domain domains[MC_LINKS_MAX_DOMAINS];
	size_t n_domains;
	size_t links;        /* links read in all */
	size_t left_out;     /* further domains, not looked up */
	size_t address_links; /* links to a bare IP address, not looked up in domain lists */
	size_t parts;        /* text and HTML parts read */
	bool truncated;      /* the body or a part was longer than read: only its start was */
	const char *unreadable; /* why the body could not be read as MIME, else NULL */
} mc_links;

/* Read the links of a message: its header fields and body (as the verifier
 * was fed them). Needs GMime: in mailcheck, the helper program's. */
mc_status mc_verify_links_read(const mc_message *msg, const char *body, size_t len, mc_links *out);
/* Read links in decoded text (html: character references undone first)
 * into out (links_scan.c: no MIME). */
void mc_links_scan(const char *text, size_t len, bool html, mc_links *out);
void mc_links_clear(mc_links *l);

typedef mc_status (*mc_links_fn)(const mc_message *msg, const char *body, size_t len,
                                 mc_links *out);

typedef struct mc_verify_request {
	const char *ip, *helo, *mail_from; /* NULL: taken from the trace */
	const char *authserv_id;           /* for Authentication-Results */
	const char *const *trusted;        /* --trust relays, NULL-terminated or NULL */
	time_t now;                        /* 0: the current time */
	bool compare;                      /* also verify DKIM with libopendkim (--compare) */
	unsigned requirements;             /* MC_REQ_*: judge these providers' bulk-sender rules */
	/* the DNS blocklists (probed): the client at the trust boundary and the
	 * From and envelope domains looked up; NULL or none usable: not asked */
	const mc_bl_set *blocklists;
	/* with blocklists: the links' domains read by this (mc_verify_links_read)
	 * and looked up in the domain lists too; NULL: links not read */
	mc_links_fn links;
} mc_verify_request;

/* iprev (RFC 8601 2.7.3): forward-confirmed reverse DNS of the client. */
#define MC_IPREV_MAX_NAMES 10
typedef struct mc_iprev {
	mc_verdict verdict;      /* pass, fail, permerror (no PTR), temperror; none: no client */
	char *names[MC_IPREV_MAX_NAMES]; /* the PTR names */
	size_t n_names;
	char *confirmed;         /* the PTR name whose A/AAAA is the client, NULL when none */
} mc_iprev;

/* The iprev of ip (none when ip is no address). */
mc_status mc_iprev_check(mc_resolver *r, const char *ip, mc_iprev *out);
void mc_iprev_clear(mc_iprev *p);

/* A mailing list or forwarder between the author and the receiver, as the
 * headers show it, and what it changed. */
typedef struct mc_intermediary {
	const char *kind;        /* "list", "forwarder", NULL (none seen) */
	const char *software;    /* the list manager when its headers say (Mailman, ...), or NULL */
	char *list_id;           /* List-Id's identifier */
	char *list_address;      /* List-Post's address */
	char *list_domain;       /* the list's domain (List-Post, else List-Id) */
	char *forwarder;         /* the forwarding domain (SRS Return-Path, Resent-From, X-Forwarded-For) */
	char *srs_domain;        /* the original envelope domain encoded in an SRS address */
	bool from_rewritten;     /* From is the list's own address (DMARC mitigation) */
	char *original_from;     /* the author's address (X-Original-From, Reply-To), when rewritten */
	char *subject_tag;       /* "[tag]" at the start of the Subject */
	bool subject_changed;    /* a signature over Subject fails on the headers */
	long long footer_bytes;  /* bytes appended to a signed body, -1 none seen */
	bool body_rewritten;     /* a signed body changed other than by appending */
	char *added_signed;      /* a list header the author's signature covers that is now present */
	char *broken_domain;     /* d= of the signature those changes broke */
	char *arc_sealer;        /* ARC passes and this sealer recorded a pass of DMARC/DKIM/SPF */
	int arc_sealer_instance;
	const char *arc_sealer_saw; /* what it recorded: "dmarc=pass", "dkim=pass", "spf=pass" */
} mc_intermediary;

typedef struct mc_verify_result {
	char *from_domain;
	char *ip, *helo, *mail_from;       /* the identities used */
	bool identities_from_trace;
	/* no Return-Path, no envelope-from in the boundary's Received and no
	 * --mail-from: the envelope sender is unknown, and SPF is not guessed */
	bool envelope_unknown;
	bool spf_ran;
	mc_spf_result spf;
	mc_dkim_result dkim;
	bool dmarc_ran;                    /* exactly one From domain */
	mc_dmarc_result dmarc_policy;
	mc_dmarc_decision dmarc;
	mc_trace trace;
	mc_iprev iprev;
	mc_intermediary via;
	/* PASS when DMARC passes (or, without a DMARC record, SPF or DKIM passes
	 * aligned); TEMPERROR on DNS failure; FAIL otherwise */
	mc_verdict verdict;
	/* why it did not pass, in a few words that group messages with the same
	 * cause ("footer added by the mailing list lists.example.org", "not
	 * DKIM-signed; SPF passes only for mailer.example (not aligned)");
	 * NULL on pass */
	char *cause;
	char *cause_text;      /* the same in the locale's language; NULL: as cause */
	char *authentication_results;
	char **explanation;    /* English: the JSON's */
	char **explanation_text; /* each in the locale's language; NULL: the English */
	size_t n_explanation;
	/* the bulk-sender rules of the providers asked (requirements.providers
	 * 0 when none was) */
	mc_requirements requirements;
	bool blocklists_checked;
	mc_bl_result blocklists;
	bool links_read;
	mc_links links;
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

/* The i-th sentence of the explanation as people read it: in the
 * locale's language when there is a translation, else the English. */
static inline const char *mc_verify_sentence(const mc_verify_result *r, size_t i)
{
	return r->explanation_text && r->explanation_text[i] ? r->explanation_text[i]
	                                                       : r->explanation[i];
}

#endif
