/* Inside lib/domain. */
#ifndef MC_DOMAIN_INTERNAL_H
#define MC_DOMAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/domain.h"

/* RFC 8461 3.1: does the TXT record begin "v=STSv1"? Others are ignored. */
bool domain_is_sts(const char *s, size_t len);
/* Parse it: NULL and *id set, or why not with *pos the offset. */
const char *domain_sts_parse(const char *s, size_t len, char **id, size_t *pos);

/* RFC 8461 3.2: the policy file. NULL and *p filled, or why not with *line
 * the line (0: the policy as a whole); clear *p either way. */
const char *domain_sts_policy_parse(const char *s, size_t len, mc_sts_policy *p, size_t *line);
void domain_sts_policy_clear(mc_sts_policy *p);
/* RFC 8461 4.1: does an mx: pattern cover the MX host? */
bool domain_sts_mx_match(const char *pattern, const char *host);

/* RFC 8460 3: "v=TLSRPTv1" records, and their rua= URIs. */
bool domain_is_tlsrpt(const char *s, size_t len);
const char *domain_tlsrpt_parse(const char *s, size_t len, char ***rua, size_t *n_rua,
                                size_t *pos);

/* BIMI: "v=BIMI1" records; fills location, authority, declined. */
bool domain_is_bimi(const char *s, size_t len);
const char *domain_bimi_parse(const char *s, size_t len, mc_bimi *out, size_t *pos);

/* A finding of the domain check's own. */
#define domain_finding(res, code, sev, ...) mc_finding_add(&(res)->findings, code, sev, __VA_ARGS__)

/* The batch builder (domain.c): names are kept until the batch is resolved. */
struct domain_batch {
	mc_dns_query *q;
	char **names;
	size_t n, cap;
};
/* Add the query of fmt with arg (a "%s" format) and type; its place in *index. */
bool domain_ask(struct domain_batch *b, const char *fmt, const char *arg, uint16_t type,
                size_t *index);
void domain_batch_free(struct domain_batch *b);
/* The answer at i once resolved, NULL past the batch. */
const mc_dns_answer *domain_answer(const struct domain_batch *b, size_t i);

/* The MX hosts' rows (mx_rows.c): FCrDNS of every address, DANE's TLSA. */
mc_status domain_reverse_dns(mc_resolver *r, mc_domain_result *res);
mc_status domain_dane(mc_resolver *r, mc_domain_result *res);
/* The DNSSEC row (dnssec_row.c), once every answer is in. */
void domain_dnssec_row(mc_domain_result *res);

/* The summary row of a part (domain.c). */
/* The DNSBL row (blocklist_row.c): after the rest, its own DNS log appended. */
mc_status domain_blocklists(mc_resolver *r, mc_domain_result *res, const mc_domain_opts *opts);
void domain_row(mc_domain_result *res, mc_domain_part p, mc_part_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The MTA-STS policy: fetch it, parse it, match the MX hosts (transport.c). */
mc_status domain_sts_policy(mc_resolver *r, mc_domain_result *res, const mc_net_opts *o);
void domain_mta_sts_clear(mc_mta_sts *m);
/* BIMI (bimi.c): the SVG Tiny PS check (NULL, or why it is no SVG
 * document; profile problems in l->problems), the VMC check, the fetch of
 * both, and gunzip bounded at 256 KiB (NULL when not gzip or larger). */
const char *domain_svg_check(const unsigned char *svg, size_t len, mc_bimi_logo *l);
void domain_vmc_check(const unsigned char *pem, size_t len, const char *domain,
                      const char *record_name, const char *ca_file,
                      const unsigned char *logo, size_t logo_len, mc_bimi_vmc *v);
unsigned char *domain_gunzip(const unsigned char *in, size_t len, size_t *out_len);
mc_status domain_bimi_assets(mc_resolver *r, mc_domain_result *res, const mc_net_opts *o);
void domain_bimi_clear(mc_bimi *b);

/* --smtp: probe every MX address (after MTA-STS, reverse DNS and TLSA). */
/* The bulk-sender rules of these providers as DNS shows them, and their
 * row (requirements.c); after the SPF, DMARC and DKIM checks. */
void domain_requirements(mc_domain_result *res, unsigned providers);
mc_status domain_smtp(mc_domain_result *res, const mc_net_opts *o);

/* ---- the records' rows (record_rows.c) ---- */
/* The TXT records of an answer that `is` accepts; *first: the first. */
size_t domain_txt_records(const mc_dns_answer *a, bool (*is)(const char *, size_t),
                          const mc_dns_rr **first);
/* MTA-STS: the _mta-sts record (txt), its policy host (a4, a6), the
 * policy fetched when online. */
mc_status domain_mta_sts(mc_resolver *r, mc_domain_result *res, const mc_domain_opts *o,
                        const mc_dns_answer *txt, const mc_dns_answer *a4,
                        const mc_dns_answer *a6);
void domain_tlsrpt(mc_domain_result *res, const mc_dns_answer *txt);
/* The BIMI record found at default._bimi.WHERE (txt) and its row. */
void domain_bimi_row(mc_domain_result *res, const mc_dns_answer *txt, const char *where);

/* CAA of a mail server's name (caa.c, RFC 8659): the relevant set up the
 * tree into s (caa_name, caa_issue) and whether it allows the certificate's
 * issuer (caa_allowed). */
struct mc_tls_scan;
mc_status domain_caa(mc_resolver *r, const char *host, struct mc_tls_scan *s);
/* The findings of a graded scan (tls_check.c): each grade below good, a
 * handshake broken off, no TLS to grade. */
void domain_tls_findings(const struct mc_tls_scan *s, mc_findings *f);

#endif
