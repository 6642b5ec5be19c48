/*
 * domain: the whole mail setup of a domain in one check -- MX (with
 * forward-confirmed reverse DNS of every MX address), SPF (the record check),
 * DMARC, DKIM keys at the selectors asked and at commonly used ones, the
 * MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and BIMI records, TLSA records of
 * the MX hosts (DANE, RFC 7672) and whether the answers were DNSSEC-
 * authenticated -- summed up as one row per part and the findings, most
 * important first. Every independent query of a step is in flight at once.
 */
#ifndef MAILCHECK_DOMAIN_H
#define MAILCHECK_DOMAIN_H

#include <stdbool.h>

#include "mailcheck/blocklist.h"
#include "mailcheck/dkim.h"
#include "mailcheck/requirements.h"
#include "mailcheck/dmarc.h"
#include "mailcheck/dns.h"
#include "mailcheck/mx.h"
#include "mailcheck/net.h"
#include "mailcheck/findings.h"
#include "mailcheck/spf.h"

#define MC_DOMAIN_MAX_SELECTORS 64 /* --selector plus the common ones */
#define MC_DOMAIN_MAX_URIS 16
#define MC_DOMAIN_MAX_ADDRESSES 32 /* MX addresses whose reverse DNS is checked */

/* The rows of the summary table. */
typedef enum mc_domain_part {
	MC_PART_MX,
	MC_PART_SPF,
	MC_PART_DMARC,
	MC_PART_DKIM,
	MC_PART_MTA_STS,
	MC_PART_TLSRPT,
	MC_PART_BIMI,
	MC_PART_SMTP,
	MC_PART_DANE,
	MC_PART_DNSSEC,
	MC_PART_BLOCKLISTS,    /* its mail addresses and its name on DNS blocklists */
	MC_PART_BULK,          /* the bulk-sender requirements DNS shows */
	MC_PART_COUNT
} mc_domain_part;

typedef enum mc_part_status {
	MC_PART_PASS,
	MC_PART_WARNING,
	MC_PART_ERROR,
	MC_PART_NOT_PUBLISHED,
	MC_PART_TEMPERROR,     /* DNS trouble: not judged */
	MC_PART_NOT_CHECKED,   /* cannot be judged here (DNSSEC offline) */
} mc_part_status;

const char *mc_domain_part_name(mc_domain_part p);   /* "mx", "mta_sts", ... */
const char *mc_domain_part_label(mc_domain_part p);  /* "MX", "MTA-STS", ... */
const char *mc_part_status_name(mc_part_status s);   /* "pass", "not_published", ... */

typedef struct mc_domain_row {
	mc_part_status status;
	char *reason;          /* one line (English, as JSON gives it) */
	char *reason_text;     /* the same in the locale's language; NULL: as reason */
} mc_domain_row;

/* Forward-confirmed reverse DNS of one MX address. */
typedef struct mc_fcrdns {
	char *host, *address;
	char *ptr;             /* the PTR name that resolves back, else the first; NULL: none */
	mc_dns_status ptr_status;
	bool confirmed;        /* a PTR name resolves back to the address (lib/dns fcrdns.c) */
} mc_fcrdns;

/* The policy file (RFC 8461 3.2), as parsed. */
typedef struct mc_sts_policy {
	char *version;         /* "STSv1" */
	char *mode;            /* "enforce", "testing", "none" */
	long max_age;          /* seconds, -1 when absent */
	char **mx;             /* the mx: patterns, lower case */
	size_t n_mx;
} mc_sts_policy;

/* One MX host against the policy's patterns. */
typedef struct mc_sts_mx {
	char *host;
	char *pattern;         /* the first pattern matching it, NULL when none */
} mc_sts_mx;

typedef struct mc_mta_sts {
	char *record;          /* the one v=STSv1 record, NULL when none or several */
	size_t n_records;      /* v=STSv1 records found */
	char *id;
	bool host_resolves;    /* mta-sts.DOMAIN has an address (the policy host) */
	bool fetched;          /* the policy fetch was tried (not offline, record valid) */
	mc_fetch fetch;        /* https://mta-sts.DOMAIN/.well-known/mta-sts.txt */
	bool policy_valid;     /* the body parsed */
	char *policy_error;    /* why it did not, with its line */
	mc_sts_policy policy;
	mc_sts_mx *mx;         /* every MX host, with the pattern that covers it */
	size_t n_mx;
} mc_mta_sts;

typedef struct mc_tlsrpt {
	char *record;
	size_t n_records;
	char **rua;
	size_t n_rua;
} mc_tlsrpt;

/* The BIMI logo (l=), fetched and checked against the SVG Tiny PS profile. */
typedef struct mc_bimi_logo {
	mc_fetch fetch;
	bool gzip;             /* served compressed (.svgz) */
	char *error;           /* not an SVG document: why, with the line */
	char **problems;       /* SVG Tiny PS points it misses, one line each */
	size_t n_problems;
	char *title;
	bool square;           /* the viewBox is square */
	unsigned char *svg;    /* the document (uncompressed), for the VMC match */
	size_t svg_len;
} mc_bimi_logo;

/* The Verified Mark Certificate (a=), a PEM chain. */
typedef struct mc_bimi_vmc {
	mc_fetch fetch;
	char *error;           /* no certificate in it: why */
	size_t n_certs;
	char *subject;
	char **names;          /* subjectAltName dNSNames */
	size_t n_names;
	int64_t not_before, not_after;
	bool valid_now;
	bool eku_bimi;         /* extended key usage 1.3.6.1.5.5.7.3.31 */
	bool name_ok;          /* a name is the BIMI record's or aligned with the domain */
	bool logo_embedded;    /* a data: SVG in the logotype extension (RFC 3709) */
	bool logo_matches;     /* the same SVG as l= */
	bool chain_checked;    /* against --ca-file (the Mark Verifying Authority roots) */
	bool chain_ok;
	char *chain_error;
} mc_bimi_vmc;

typedef struct mc_bimi {
	char *record;
	size_t n_records;
	char *location;        /* l= */
	char *authority;       /* a= */
	bool declined;         /* "v=BIMI1; l=; a=;" */
	char *found_at;        /* default._bimi.DOMAIN or of the organizational domain */
	bool logo_tried, vmc_tried; /* fetched (network DNS, a valid record) */
	mc_bimi_logo logo;
	mc_bimi_vmc vmc;
} mc_bimi;

typedef struct mc_tlsa_host {
	char *host;            /* the MX host */
	char *name;            /* _25._tcp.HOST */
	char **records;        /* TLSA records, presentation form */
	size_t n_records;
	bool authenticated;    /* the answer carried the AD bit */
	mc_dns_status status;
} mc_tlsa_host;

typedef struct mc_domain_result {
	char *domain;
	/* TEMPERROR: DNS trouble in a part; else FAIL: an error finding; PASS */
	mc_verdict verdict;
	mc_domain_row rows[MC_PART_COUNT];
	bool exists;           /* false: NXDOMAIN, and only mx was checked */
	mc_mx_result mx;
	mc_fcrdns *fcrdns;
	size_t n_fcrdns;
	mc_spf_lint spf;
	mc_dmarc_result dmarc;
	mc_dkim_key *keys;     /* keys found, and every --selector asked */
	size_t n_keys;
	size_t selectors_tried;
	mc_mta_sts mta_sts;
	mc_tlsrpt tlsrpt;
	mc_bimi bimi;
	mc_tlsa_host *tlsa;
	size_t n_tlsa;
	bool smtp_probed;      /* --smtp, with network DNS */
	mc_smtp_probe *smtp;   /* one per MX address (those of fcrdns) */
	size_t n_smtp;
	mc_tls_scan *tls;      /* one per probe: its TLS graded (mailcheck smtp), when the
	                        * probe reached TLS (tls[i].host NULL otherwise) */
	bool dnssec_checked;   /* false offline (--zone): zone files carry no AD bit */
	size_t answers, authenticated; /* answers with records, and those with AD */
	/* mailcheck's own validation (network, with a trust anchor) of the
	 * answers under the domain: counts per verdict, the first reason of the
	 * worst, the earliest signature expiration, the zone's algorithm */
	bool validated;
	size_t secure, insecure, bogus, indeterminate;
	char *dnssec_reason;
	int64_t sig_expires;
	uint8_t algorithm;
	/* the bulk-sender rules of the providers asked (all by default), as far
	 * as DNS shows them */
	mc_requirements requirements;
	bool requirements_asked; /* opts->requirements given: the text shows each rule */
	/* the DNS blocklists (opts->blocklists with a usable list): its MX and
	 * SPF addresses and its name */
	bool blocklists_checked;
	mc_bl_result blocklists;
	mc_findings findings;  /* this check's own (the parts' are in their results) */
	mc_dns_log dns;
} mc_domain_result;

typedef struct mc_domain_opts {
	const char *const *selectors; /* also asked, and reported when absent */
	size_t n_selectors;
	bool no_common_selectors;     /* ask only the given selectors */
	mc_net_opts net;              /* HTTPS fetches (MTA-STS policy, BIMI) and SMTP */
	bool smtp;                    /* probe every MX address on port 25 (--smtp) */
	unsigned requirements;        /* MC_REQ_*: the providers whose rules are judged; 0: all */
	const mc_bl_set *blocklists;  /* the lists, probed (mc_bl_set_probe); NULL: not asked */
} mc_domain_opts;

/* The common selectors asked (data, with their source in lib/domain). */
size_t mc_domain_common_selectors(const char *const **list);

mc_status mc_domain_check(mc_resolver *r, const char *domain, const mc_domain_opts *opts,
                          mc_domain_result *out);
void mc_domain_result_clear(mc_domain_result *res);

/* mailcheck smtp: the servers that receive a domain's mail (every address
 * of its MX hosts, or of the domain itself without MX) and its submission
 * servers (RFC 6186 SRV records, RFC 8314), or one host, each
 * scanned and graded, with findings and fixes. PASS: nothing insufficient;
 * FAIL: something insufficient, a server without TLS or that broke a
 * handshake; NONE: no server (null MX); TEMPERROR: DNS failed. */
typedef struct mc_rpki mc_rpki;
typedef struct mc_rpki_result mc_rpki_result;

typedef struct mc_smtp_opts {
	const char *submission; /* a host scanned on 587 and 465 too; NULL none */
	const mc_rpki *rpki;    /* VRPs: each address's route origin validated; NULL not */
	mc_net_opts net;
} mc_smtp_opts;

typedef struct mc_smtp_result {
	char *subject;
	bool mx;               /* the subject's MX hosts (else its own addresses) */
	mc_tls_scan *scans;
	mc_rpki_result *rpki;  /* one for each scan (state NOT_CHECKED without VRPs) */
	size_t n_scans;
	mc_verdict verdict;
	mc_findings findings;
	mc_dns_log dns;
} mc_smtp_result;

mc_status mc_smtp_check(mc_resolver *r, const char *subject, const mc_smtp_opts *o,
                        mc_smtp_result *out);
void mc_smtp_result_clear(mc_smtp_result *res);

/*
 * RPKI route origin validation (RFC 6811) of an address: its route and
 * origin AS from Team Cymru's IP-to-ASN answers in DNS, against validated
 * ROA payloads from rpki-client's or Routinator's JSON output.
 */
#define MC_RPKI_MAX_BYTES ((size_t)512 << 20)

typedef enum mc_rpki_state {
	MC_RPKI_NOT_CHECKED, MC_RPKI_VALID, MC_RPKI_INVALID, MC_RPKI_NOT_FOUND,
} mc_rpki_state;
const char *mc_rpki_state_name(mc_rpki_state s); /* "valid", "invalid", "not_found" ... */

struct mc_rpki_result {
	mc_rpki_state state;
	uint32_t asn;          /* the route's origin AS */
	char prefix[64];       /* the route */
	bool no_origin;        /* no origin answer (no route, or the lookup failed) */
};

/* The VRPs of a file's bytes; MC_EPARSE names what is wrong. */
mc_status mc_rpki_load(const char *data, size_t len, mc_rpki **out);
void mc_rpki_free(mc_rpki *k);
size_t mc_rpki_size(const mc_rpki *k);
/* RFC 6811 of a route ("192.0.2.0/24") and its origin AS. */
mc_rpki_state mc_rpki_validate(const mc_rpki *k, const char *prefix, uint32_t asn);
/* A Team Cymru origin answer into its first AS and the route. */
bool mc_rpki_origin_parse(const char *txt, uint32_t *asn, char *prefix, size_t size);
/* The route and origin of address, validated. MC_ENOMEM only. */
mc_status mc_rpki_check(mc_resolver *r, const mc_rpki *k, const char *address,
                        mc_rpki_result *out);

#endif
