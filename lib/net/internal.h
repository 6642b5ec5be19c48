/* Inside lib/net: the addresses a connection may use, shared by the HTTPS
 * fetches and the SMTP probes. */
#ifndef MC_NET_INTERNAL_H
#define MC_NET_INTERNAL_H

#include "mailcheck/net.h"

#define MC_NET_MAX_ADDRESSES 16

typedef struct mc_net_addresses {
	char **list;       /* the addresses that may be used, A first */
	size_t n;
	size_t found;      /* addresses in DNS (used or refused) */
	char *refused;     /* the first refused one and why ("10.0.0.1 is private") */
	bool temporary;    /* a lookup failed (DNS) */
} mc_net_addresses;

/* A and AAAA of host through lib/dns, without the refused ones (unless
 * allow_private). MC_ENOMEM only. */
mc_status mc_net_lookup(mc_resolver *r, const char *host, const mc_net_opts *o,
                           mc_net_addresses *out);
void mc_net_addresses_clear(mc_net_addresses *a);

double mc_net_timeout(const mc_net_opts *o); /* seconds */

/* libcurl's CURLOPT_RESOLVE entry that pins host:port to the addresses
 * ("host:443:192.0.2.1,[2001:db8::1]"), so that libcurl connects only to
 * those lib/dns gave and mailcheck allowed; NULL when out of memory. */
char *mc_net_resolve_entry(const char *host, const char *port, const mc_net_addresses *a);

/* An SMTP reply in buf (smtp.c): its code and *end when complete, 0 when
 * more is needed, -1 and *why when a line is not a reply line. */
int mc_smtp_reply_scan(const char *buf, size_t len, size_t *end, const char **why);

/* For the TLS scan (tls_scan.c): a session to address:port up to
 * STARTTLS's 220 (implicit TLS, RFC 8314: just the connection) -- its
 * socket, or -1 with where it stopped and why (free *why) -- and a TLS
 * handshake on it, each step bounded by the timeout (0, or -1 and *why). */
typedef struct ssl_st SSL;
int mc_smtp_tls_session(const char *address, unsigned port, bool implicit,
                        const mc_net_opts *o, mc_smtp_stage *stage, char **why);
int mc_smtp_tls_handshake(int fd, SSL *ssl, const mc_net_opts *o, char **why);
/* The certificate presented, as the probe judges it: its chain against the
 * roots (system or ca_file), its names against host, its expiry. */
void mc_smtp_judge_certificate(SSL *ssl, const char *host, const mc_net_opts *o,
                               mc_smtp_probe *p);
/* Does the TLS 1.3 server offer 0-RTT (RFC 8446 4.6.1: early data in its
 * session tickets)? EHLO sent and the reply read, for the tickets: 1, 0,
 * -1 not told. */
int mc_smtp_tls_early_data(int fd, SSL *ssl, bool implicit, const mc_net_opts *o);
/* A renegotiation the client starts (TLS 1.2 and lower): 1 the server went
 * through it, 0 it refused (or stalled), -1 not asked. */
int mc_smtp_tls_renegotiate(int fd, SSL *ssl, const mc_net_opts *o);


#endif
