/*
 * Connections to hosts named in DNS: HTTPS fetches (MTA-STS policies, BIMI
 * logos and certificates) and SMTP probes of MX hosts.
 *
 * Every address comes from lib/dns (libcurl is handed them with
 * CURLOPT_RESOLVE and never resolves a name itself); loopback, private,
 * link-local, multicast and other non-global addresses are refused unless
 * allow_private is set, so that a service running mailcheck on the domains
 * its users submit cannot be turned against its own network.
 */
#ifndef MAILCHECK_NET_H
#define MAILCHECK_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/dns.h"

typedef struct mc_net_opts {
	bool allow_private;    /* connect to loopback/private/link-local addresses too */
	const char *ca_file;   /* PEM roots instead of the system store (also the VMC root) */
	unsigned https_port;   /* 0: 443 (other ports are for tests) */
	unsigned smtp_port;    /* 0: 25 (other ports are for tests) */
	double timeout;        /* seconds per fetch and per SMTP step; 0: 10 */
} mc_net_opts;

/* Why a fetch gave no usable body. */
typedef enum mc_fetch_error {
	MC_FETCH_OK,
	MC_FETCH_NO_ADDRESS,   /* the host has no address (or its lookup failed) */
	MC_FETCH_REFUSED,      /* only addresses mailcheck does not connect to (private, ...) */
	MC_FETCH_CONNECT,      /* no connection (refused, unreachable) */
	MC_FETCH_TIMEOUT,
	MC_FETCH_TLS,          /* the TLS handshake failed */
	MC_FETCH_CERTIFICATE,  /* the certificate is not valid for the host (chain, name, dates) */
	MC_FETCH_REDIRECT,     /* a 3xx answer (not followed) */
	MC_FETCH_STATUS,       /* an HTTP status other than 200 */
	MC_FETCH_TOO_LARGE,    /* more than the limit */
	MC_FETCH_PROTOCOL,     /* anything else HTTP went wrong with */
} mc_fetch_error;

typedef struct mc_fetch {
	char *url;
	mc_fetch_error error;
	char *message;         /* why, one line; NULL when OK */
	long status;           /* HTTP status, 0 when none */
	char *content_type;    /* NULL when none */
	char *location;        /* of a redirect */
	char *address;         /* the address connected to, NULL when none */
	char *body;            /* NUL-terminated (may hold NULs before), len bytes */
	size_t len;
	double ms;
} mc_fetch;

const char *mc_fetch_error_name(mc_fetch_error e); /* "ok", "no_address", ... */

/* Does mailcheck refuse to connect to this address (without allow_private)?
 * NULL when not, else what it is ("loopback", "private", ...: English, each
 * a message of the catalogue). */
const char *mc_net_refused_address(const char *address);

/* Call once before threads start (libcurl's and libxml2's global init). */
void mc_net_init(void);

/*
 * GET https://HOST[:port]PATH: addresses of host from r (A and AAAA,
 * following CNAMEs), PKIX validation of the certificate for host, no
 * redirects followed, at most max bytes of body. Fills out (clear it with
 * mc_fetch_clear); fails only for lack of memory.
 */
mc_status mc_https_get(mc_resolver *r, const char *host, const char *path, size_t max,
                       const mc_net_opts *o, mc_fetch *out);
void mc_fetch_clear(mc_fetch *f);
/* Is the fetched media type this one (parameters ignored, case-insensitive)? */
bool mc_fetch_media_type(const mc_fetch *f, const char *type);

/*
 * A mailbox read over IMAP (RFC 9051 / RFC 3501) with libcurl:
 * "imaps://USER@HOST[:PORT]/MAILBOX" (implicit TLS, RFC 8314) or
 * "imap://..." (STARTTLS required). The host's addresses come from r and
 * are refused when private (unless allow_private); the certificate is
 * verified (system store or ca_file). The password: MAILCHECK_IMAP_PASSWORD
 * or ~/.netrc -- never in the URL. Read only: the mailbox is EXAMINEd, so
 * nothing is flagged, unless it is opened for moving.
 */
typedef struct mc_imap mc_imap;

#define MC_IMAP_MAX_MESSAGE ((size_t)64 << 20)
#define MC_IMAP_MAX_RESPONSE ((size_t)16 << 20) /* an EXAMINE or SEARCH response */

/* Errors name what failed (MC_EINVAL: the URL; MC_EIO: the connection,
 * login, TLS or the server's answer). key: the URL without a password. */
mc_status mc_imap_open(mc_imap **out, mc_resolver *r, const char *url, const mc_net_opts *o,
                       bool for_moving, uint64_t *uidvalidity);
const char *mc_imap_key(const mc_imap *m);
/* The UIDs above after, ascending (free *uids). */
mc_status mc_imap_uids(mc_imap *m, uint64_t after, uint64_t **uids, size_t *n);
/* One message whole (free *data); MC_EPARSE when it is larger than
 * MC_IMAP_MAX_MESSAGE. */
mc_status mc_imap_fetch(mc_imap *m, uint64_t uid, char **data, size_t *len);
/* UID MOVE (RFC 6851) to folder. */
mc_status mc_imap_move(mc_imap *m, uint64_t uid, const char *folder);
void mc_imap_close(mc_imap *m);

/* The server's untagged lines (internal, and for the fuzz target): the
 * UIDVALIDITY of an EXAMINE/SELECT response (0 when none); the UIDs of
 * SEARCH responses above after (at most max). */
uint64_t mc_imap_parse_uidvalidity(const char *text, size_t len);
size_t mc_imap_parse_search(const char *text, size_t len, uint64_t after, uint64_t *uids,
                            size_t max);
/* An ESEARCH response (RFC 4731): false when there is none; else the UIDs
 * of ALL above after (at most max) in uids[*n], its COUNT, and how many
 * UIDs ALL names in all (*total: the same as *count unless it was cut). */
bool mc_imap_parse_esearch(const char *text, size_t len, uint64_t after, uint64_t *uids,
                           size_t max, size_t *n, uint64_t *count, uint64_t *total);
#define MC_IMAP_MAX_UIDS 1000000 /* messages read in one run; the rest the next */

/* Where an SMTP probe stopped. */
typedef enum mc_smtp_stage {
	MC_SMTP_DONE,          /* banner, EHLO, STARTTLS, TLS handshake, QUIT */
	MC_SMTP_REFUSED,       /* the address is one mailcheck does not connect to */
	MC_SMTP_CONNECT,       /* no TCP connection */
	MC_SMTP_BANNER,        /* no 220 greeting (silent, endless, refused with 554) */
	MC_SMTP_EHLO,          /* EHLO was not accepted */
	MC_SMTP_NO_STARTTLS,   /* STARTTLS is not offered */
	MC_SMTP_STARTTLS,      /* STARTTLS offered, but refused when asked */
	MC_SMTP_TLS,           /* the TLS handshake failed */
} mc_smtp_stage;

/* One probe of an MX address (RFC 5321 greeting and EHLO, RFC 3207
 * STARTTLS, then TLS with OpenSSL): what a sending server meets there. No
 * mail is sent; every step is bounded in time (opts.timeout) and bytes. */
typedef struct mc_smtp_probe {
	char *host, *address;
	mc_smtp_stage stage;
	char *error;           /* why it stopped, one line; NULL when DONE */
	char *banner;          /* the first line of the greeting */
	char *banner_name;     /* the name the server gives in it (first word) */
	char *ehlo_name;       /* and in its EHLO reply */
	bool starttls;         /* offered in the EHLO reply */
	char *protocol, *cipher;
	/* the certificate: PKIX (system store or ca_file), names, dates */
	char *subject;
	char **names;          /* subjectAltName dNSNames (else the CN) */
	size_t n_names;
	bool chain_ok;
	char *chain_error;     /* why the chain does not verify */
	bool name_ok;          /* a name matches the MX host (RFC 6125) */
	int64_t not_after;
	double days_left;
	/* DANE (RFC 7672): only with DNSSEC-secure TLSA records */
	bool dane_tried;
	bool dane_ok;
	char *dane_match;      /* the TLSA record that matched, presentation form */
	int dane_depth;        /* 0: the server's certificate, else the chain's */
	char *dane_error;
	double ms;
} mc_smtp_probe;

const char *mc_smtp_stage_name(mc_smtp_stage s); /* "done", "connect", ... */

/*
 * Probe host at address (port 25, or opts.smtp_port). tlsa: DNSSEC-secure
 * TLSA records of _25._tcp.host in presentation form ("3 1 1 HEX"), to be
 * matched against the chain presented. MC_ENOMEM only; the outcome is in
 * out (mc_smtp_probe_clear).
 */
mc_status mc_smtp_probe_run(const char *host, const char *address, char *const *tlsa,
                            size_t n_tlsa, const mc_net_opts *o, mc_smtp_probe *out);
void mc_smtp_probe_clear(mc_smtp_probe *p);

/*
 * The TLS of an SMTP server graded (mailcheck smtp, issue 32), as the
 * NCSC-NL guidelines for TLS (v2.1, the tables internet.nl's mail test
 * applies) grade it: every protocol version probed with its own handshake,
 * every cipher suite the server accepts found by handshakes that offer
 * shrinking sets, whether it enforces its own order, the key exchange
 * groups and finite-field DH size, the certificate's key and signature.
 * Each handshake is a session of its own (greeting, EHLO, STARTTLS), one at
 * a time per address, each step bounded by the timeout.
 */
typedef enum mc_tls_grade {
	MC_TLS_GOOD,
	MC_TLS_SUFFICIENT,
	MC_TLS_PHASE_OUT,
	MC_TLS_INSUFFICIENT,
} mc_tls_grade;

const char *mc_tls_grade_name(mc_tls_grade g); /* "good", "sufficient", "phase_out", ... */

#define MC_TLS_MAX_SUITES 128
#define MC_TLS_MAX_GROUPS 16

typedef struct mc_tls_version {
	const char *name;      /* "TLSv1.3", ..., "TLSv1" (OpenSSL's names) */
	bool accepted;
	bool testable;         /* false: this OpenSSL cannot offer it (SSL 3) */
	mc_tls_grade grade;    /* of the version itself */
} mc_tls_version;

typedef struct mc_tls_suite {
	const char *name;      /* OpenSSL's name ("ECDHE-RSA-AES128-GCM-SHA256") */
	const char *iana;      /* the RFC name ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") */
	const char *version;   /* the version it was accepted with */
	const char *kx;        /* its key exchange: "ECDHE", "DHE", "RSA", "any" (TLS 1.3), "other" */
	mc_tls_grade grade;
} mc_tls_suite;

typedef struct mc_tls_group {
	const char *name;      /* "x25519", "secp256r1", "ffdhe3072", ... */
	mc_tls_grade grade;
} mc_tls_group;

#define MC_TLS_VERSIONS 5  /* TLS 1.3, 1.2, 1.1, 1.0, SSL 3 */
#define MC_TLS_MAX_TLSA 16

/* A TLSA record of the host (RFC 6698, for SMTP RFC 7672) against the
 * certificates the server presented. */
typedef struct mc_tls_tlsa {
	char *record;          /* "3 1 1 HEX", presentation form */
	bool usable;           /* DANE-TA(2) or DANE-EE(3), a known selector and matching type */
	int matches;           /* -1 none; 0 the server's certificate; n its chain's n-th */
} mc_tls_tlsa;

/* Will the next certificate change break DANE delivery (RFC 7671 8.1)? */
typedef enum mc_tls_rollover {
	MC_TLS_ROLLOVER_NONE,  /* no usable TLSA records: no DANE */
	MC_TLS_ROLLOVER_READY, /* a record for the issuing CA, or one for a next key */
	MC_TLS_ROLLOVER_CURRENT_ONLY, /* only records of the key in use */
	MC_TLS_ROLLOVER_MISMATCH,     /* no record matches what the server presents */
} mc_tls_rollover;

const char *mc_tls_rollover_name(mc_tls_rollover r); /* "none", "ready", ... */

/* What to scan: a host's address, its port, STARTTLS or implicit TLS, and
 * the host's TLSA records for that port (presentation form), with whether
 * their answer was DNSSEC-secure. */
typedef struct mc_tls_target {
	const char *host, *address;
	unsigned port;         /* 0: 25, or opts.smtp_port */
	bool implicit;         /* TLS from the start (submissions, 465: RFC 8314) */
	const char *service;   /* "smtp", "submission", "submissions" */
	char *const *tlsa;
	size_t n_tlsa;
	bool authenticated;
} mc_tls_target;

typedef struct mc_tls_scan {
	char *host, *address;
	unsigned port;
	bool implicit;
	const char *service;
	char *error;           /* why nothing could be graded (no STARTTLS, ...) */
	char *error_text;      /* the same in the locale's language; NULL: as error */
	mc_smtp_stage stage;   /* where the first session stopped; DONE when it reached TLS */
	mc_tls_version versions[MC_TLS_VERSIONS];
	mc_tls_suite suites[MC_TLS_MAX_SUITES];
	size_t n_suites;
	int server_order;      /* 1 the server chooses, 0 the client, -1 not told (one suite) */
	mc_tls_group groups[MC_TLS_MAX_GROUPS];
	size_t n_groups;
	int dh_bits;           /* finite-field DH of the DHE suites, 0 none */
	mc_tls_grade dh_grade;
	bool static_rsa;       /* a suite with RSA key exchange accepted */
	char *kx_hash;         /* the hash of the key exchange signature ("SHA256"), NULL none */
	mc_tls_grade kx_hash_grade;
	char *key_type;        /* the certificate's key: "RSA", "EC", "ED25519" */
	int key_bits;
	char *key_curve;       /* EC: "prime256v1" ... */
	mc_tls_grade key_grade;
	char *signature;       /* the certificate's signature algorithm ("sha256WithRSAEncryption") */
	mc_tls_grade signature_grade;
	bool chain_ok;         /* PKIX: the chain to a trusted root (system or ca_file) */
	char *chain_error;     /* why not */
	bool name_ok;          /* a name of it matches the host (RFC 6125) */
	int64_t not_after;
	double days_left;
	int secure_renegotiation; /* RFC 5746 under TLS 1.2 or lower: 1, 0, -1 not told */
	int extended_master_secret; /* RFC 7627 under TLS 1.2: 1, 0, -1 not told */
	int client_renegotiation; /* the server renegotiates when the client asks (TLS 1.2
	                           * and lower): 1, 0, -1 not told */
	int early_data;        /* TLS 1.3 0-RTT offered in the session tickets: 1, 0, -1 not told */
	mc_tls_tlsa tlsa[MC_TLS_MAX_TLSA]; /* the host's TLSA records (given to the scan) */
	size_t n_tlsa;
	bool tlsa_authenticated; /* the TLSA answer was DNSSEC-secure (given) */
	mc_tls_rollover rollover;
	char *issuer;          /* the organisation (O) of the certificate's issuer, NULL none */
	/* CAA (RFC 8659), filled by the caller that asks DNS (lib/domain) */
	char *caa_name;        /* where the relevant CAA set is, NULL: none up the tree */
	char *caa_issue[MC_TLS_MAX_TLSA]; /* its issue values' CA domains ("" : no CA) */
	size_t n_caa_issue;
	int caa_allowed;       /* 1 the issuer is allowed, 0 not, -1 not told */
	mc_tls_grade grade;    /* the worst of all */
	unsigned handshakes;   /* made */
	bool cut_short;        /* a handshake failed in the middle (reset, stall): some
	                        * answers may be missing */
	char *cut_why;
	double ms;
} mc_tls_scan;

/* Scan a target; refused addresses (private, ...) are said so unless
 * allow_private; its TLSA records are matched against the certificates
 * presented. MC_ENOMEM only. */
mc_status mc_tls_scan_run(const mc_tls_target *t, const mc_net_opts *o, mc_tls_scan *out);
void mc_tls_scan_clear(mc_tls_scan *s);

#endif
