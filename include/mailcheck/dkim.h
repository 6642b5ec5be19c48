/*
 * DKIM (RFC 6376): verify every DKIM-Signature of a message with reasons a
 * program can act on, validate the ARC chain (RFC 8617), and check a
 * published key record. mailcheck's own DKIM core (canonicalization,
 * hashes, keys decoded once per run, OpenSSL's EVP verification); keys come
 * through lib/dns; RFC 8301 (no rsa-sha1, RSA keys of 1024 bits or more)
 * applies. libopendkim runs beside on request (mc_dkim_compare).
 */
#ifndef MAILCHECK_DKIM_H
#define MAILCHECK_DKIM_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "mailcheck/dns.h"
#include "mailcheck/msg.h"
#include "mailcheck/findings.h"
#include "mailcheck/verdict.h"

#define MC_DKIM_MAX_SIGNATURES 50 /* more are ignored, with a finding */

typedef struct mc_dkim_sig {
	char *domain, *selector, *algorithm, *canonicalization, *identity;
	int key_bits;            /* 0 when the key was not loaded */
	char **signed_headers;   /* h=, lower case */
	size_t n_signed_headers;
	long long body_length;   /* l=, -1 when absent */
	long long body_hashed;   /* canonical body bytes the signature covers, -1 unknown */
	long long body_total;    /* canonical body bytes of the message, -1 unknown */
	long long timestamp;     /* t=, -1 when absent */
	long long expiry;        /* x=, -1 when absent */
	char *body_hash;         /* bh= as signed */
	char *body_hash_computed; /* the hash of the body as received (base64), NULL if not computed */
	bool testing;            /* the key says t=y */
	bool key_pkcs1;          /* the key is published as PKCS#1 RSAPublicKey */
	/* reason "expired" only: when the receiver got the message (the trust
	 * boundary's Received date, -1 unknown) and whether the signature verified
	 * and had not expired then -- it passed at the receiver, it fails now */
	long long arrival;
	bool valid_at_arrival;
	/* reason "body_hash_mismatch": bh= is the hash of the first
	 * body_signed_prefix canonical bytes received, so the body as signed is
	 * intact and the rest was appended (a footer); -1 when not so */
	long long body_signed_prefix;
	bool headers_intact;     /* the signed header fields verify (whatever the body) */
	const char *opendkim;    /* --compare: libopendkim's verdict ("pass", "fail"), or NULL */
	char *opendkim_error;    /* and its words when it fails */
	mc_verdict verdict;      /* pass, fail, permerror, temperror */
	const char *reason;      /* NULL on pass; else body_hash_mismatch, ... (stable) */
	char *detail;            /* what went wrong, for people (English, as JSON gives it) */
	char *detail_text;       /* the same in the locale's language; NULL: as detail */
} mc_dkim_sig;

/* ARC (RFC 8617): one set of the chain, and the chain's validation. */
typedef struct mc_arc_set {
	int instance;
	char *seal_domain, *seal_selector;   /* ARC-Seal d= s= */
	char *ams_domain, *ams_selector;     /* ARC-Message-Signature d= s= */
	char *cv;                            /* the seal's cv= */
	char *authserv_id;                   /* the ADMD of the ARC-Authentication-Results */
	char *spf, *dkim, *dmarc;            /* what that ADMD recorded at its hop, NULL if nothing */
	char *dkim_domain, *spf_domain;      /* header.d= and smtp.mailfrom's domain it recorded */
	mc_verdict seal, ams;                /* pass, fail (none: not checked) */
	const char *seal_reason, *ams_reason; /* the DKIM reason names when not pass */
} mc_arc_set;

typedef struct mc_arc_result {
	mc_verdict verdict;      /* pass, fail, none (no ARC fields) */
	const char *reason;      /* fail: structure, cv_fail, ams_fails, seal_fails, ams_signs_seal */
	char *detail;            /* what failed, for people (English, as JSON gives it) */
	char *detail_text;       /* the same in the locale's language; NULL: as detail */
	int failed_instance;     /* the instance that failed, 0 when none */
	int oldest_pass;         /* RFC 8617 5.2: the oldest instance whose AMS still verifies
	                          * when an older one does not; 0 when all do */
	mc_arc_set *sets;        /* oldest first */
	size_t n_sets;
} mc_arc_result;

typedef struct mc_dkim_result {
	/* pass if a signature passes; none without signatures; else temperror
	 * if a key lookup failed, fail, or permerror */
	mc_verdict verdict;
	mc_dkim_sig *sigs;
	size_t n_sigs;
	char *from_domain;       /* the From domain, NULL when not exactly one */
	mc_arc_result arc;       /* the ARC chain (its findings are among findings) */
	mc_findings findings;
	mc_dns_log dns;
} mc_dkim_result;


/* Streaming verification: feed the headers once they are read, then the
 * body in chunks, then finish. */
typedef struct mc_dkim_verifier mc_dkim_verifier;

/* The key names (SEL._domainkey.DOMAIN) of the message's first
 * MC_DKIM_MAX_SIGNATURES signatures, for a caller that asks them together with
 * other queries; returns how many were stored in names[] (free each). */
size_t mc_dkim_key_names(const mc_message *msg, char *names[MC_DKIM_MAX_SIGNATURES]);

/* now: the time to judge t= and x= by (0: the current time). */
mc_status mc_dkim_verifier_new(mc_dkim_verifier **out, mc_resolver *r, time_t now);
/* When the message arrived at the receiver (seconds since the epoch, -1
 * unknown). Without it, mc_dkim_headers takes the date of the trust
 * boundary's Received header (see mailcheck/trace.h). */
void mc_dkim_arrival(mc_dkim_verifier *v, long long when);
/* The caller has asked the keys of mc_dkim_key_names in its own batch:
 * mc_dkim_headers need not ask them again before libopendkim does. */
void mc_dkim_keys_asked(mc_dkim_verifier *v);
mc_status mc_dkim_headers(mc_dkim_verifier *v, const mc_message *msg);
mc_status mc_dkim_body(mc_dkim_verifier *v, const char *chunk, size_t len);
mc_status mc_dkim_finish(mc_dkim_verifier *v, const mc_message *msg, mc_dkim_result *out);
void mc_dkim_verifier_free(mc_dkim_verifier *v);
void mc_dkim_result_clear(mc_dkim_result *res);
/* Also verify with libopendkim, as OpenDKIM-based receivers do, and say
 * where it decides otherwise (dkim.receivers_disagree). Before headers. */
void mc_dkim_compare(mc_dkim_verifier *v);


/* A published key: SEL._domainkey.DOMAIN */
typedef struct mc_dkim_key {
	char *domain, *selector, *name;
	char *record;            /* NULL when none */
	mc_verdict verdict;      /* pass: usable key; fail: unusable; none; temperror */
	char *key_type;          /* k= (default rsa) */
	int key_bits;
	const char *key_format;  /* RSA: "spki" (SubjectPublicKeyInfo) or "pkcs1"
	                          * (RSAPublicKey); NULL otherwise */
	bool testing;            /* t=y */
	bool strict_identity;    /* t=s */
	char *hashes;            /* h=, NULL when absent (any) */
	char *services;          /* s=, NULL when absent (*) */
	char *notes;             /* n= */
	mc_findings findings;
	mc_dns_log dns;
} mc_dkim_key;

mc_status mc_dkim_key_check(mc_resolver *r, const char *domain, const char *selector,
                            mc_dkim_key *out);
void mc_dkim_key_clear(mc_dkim_key *key);

#endif
