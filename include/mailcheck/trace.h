/*
 * The path a message took: Received headers (RFC 5321 4.4, and as real MTAs
 * write them), the recorded authentication results (RFC 8601
 * Authentication-Results, RFC 7208 Received-SPF, RFC 8617 ARC), the trust
 * boundary, and local delivery -- the case where no receiving server ever
 * ran SPF, DKIM or DMARC.
 */
#ifndef MAILCHECK_TRACE_H
#define MAILCHECK_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "mailcheck/msg.h"
#include "mailcheck/findings.h"

/* One Received header, parsed. Fields are NULL when absent. */
typedef struct mc_received {
	char *from;        /* the name the client gave (HELO/EHLO), or the from token */
	char *from_rdns;   /* the reverse name the receiver found */
	char *ip;          /* the client's address (IPv4 or IPv6) */
	char *by;          /* the receiving host */
	char *via, *with, *id, *for_addr;
	char *tls;         /* TLS details when recorded */
	char *envelope_from; /* when recorded (Exim, Postfix milters) */
	bool local;        /* local submission: "from userid", "with local", qmail "invoked by uid" */
	long long time;    /* seconds since the epoch, -1 when no parseable date */
	char *date;        /* the date as written */
	char *unparsed;    /* what could not be read, kept raw */
	char *raw;
} mc_received;

mc_status mc_received_parse(const char *value, mc_received *out);
void mc_received_clear(mc_received *r);

/* One method result of an Authentication-Results header (RFC 8601), or of
 * a Received-SPF header (method "spf"). */
typedef struct mc_auth_result {
	char *header;      /* Authentication-Results, ARC-Authentication-Results, Received-SPF */
	char *authserv_id; /* who concluded it (Received-SPF: receiver=, else NULL) */
	int instance;      /* ARC i=, 0 otherwise */
	char *method;      /* spf, dkim, dmarc, arc, iprev, auth, ... */
	char *result;      /* pass, fail, ... */
	char *reason;
	char *properties;  /* "smtp.mailfrom=a@example.com header.d=example.com", as written */
} mc_auth_result;

typedef struct mc_auth_results {
	mc_auth_result *items;
	size_t n;
} mc_auth_results;

/* Parse one header (name chooses the grammar); appends to out. */
mc_status mc_auth_results_parse(const char *name, const char *value, mc_auth_results *out);
void mc_auth_results_clear(mc_auth_results *list);

typedef struct mc_hop {
	size_t index;      /* 1 = oldest */
	mc_received rcv;
	long long delay;   /* seconds since the previous hop; MC_HOP_NO_DELAY when unknown */
} mc_hop;

#define MC_HOP_NO_DELAY INT64_MIN

typedef struct mc_trace_boundary {
	char *ip, *helo, *by;
	size_t hop;        /* index of the hop */
} mc_trace_boundary;

typedef struct mc_trace {
	mc_hop *hops;      /* oldest first */
	size_t n_hops;
	long long total_delay; /* MC_HOP_NO_DELAY when unknown */
	bool local_delivery;
	bool has_boundary;
	mc_trace_boundary boundary;
	mc_auth_results auth;
	char *return_path; /* the envelope sender recorded by the last MTA */
	char *from;        /* the From address */
	mc_findings findings;
} mc_trace;

/* Read the trace of a message. trusted: host names or addresses of the
 * receiving side's own relays (--trust), NULL-terminated or NULL. */
mc_status mc_trace_build(const mc_message *msg, const char *const *trusted, mc_trace *out);
void mc_trace_clear(mc_trace *t);

#endif
