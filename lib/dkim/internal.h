/* Inside lib/dkim. */
#ifndef MC_DKIM_INTERNAL_H
#define MC_DKIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/tags.h"
#include "dkim/core.h"
#include "mailcheck/dkim.h"

/* Check a key record's text into k (k->name set by the caller). */
void dkim_key_record_check(mc_dkim_key *k, const char *rec, size_t len);

/* dkim.key_pkcs1 for the key at name (SEL._domainkey.DOMAIN): which
 * verifiers fail it, and how to republish it. */
void dkim_pkcs1_finding(mc_findings *f, const char *name);

/* The size in bits of an RSA key in SubjectPublicKeyInfo DER (rsaEncryption,
 * NULL parameters, strict DER), -1 when der is not exactly that. */
int dkim_spki_rsa_bits(const unsigned char *der, long len);

/* Base64 with whitespace already removed: the bytes in *out (malloc'd), or
 * -1 when invalid. */
long dkim_decode64(const char *in, unsigned char **out);
/* An RSA public key in DER: its size in bits (-1 when it is not one) and
 * whether it is a bare PKCS#1 RSAPublicKey instead of SubjectPublicKeyInfo. */
int dkim_rsa_bits(const unsigned char *der, long len, bool *pkcs1);

/* ---- one signature (DKIM-Signature, ARC-Message-Signature or ARC-Seal)
 * checked with the core ---- */
typedef struct dkim_pending {
	dkim_tags t;
	size_t header;           /* its index among the message's headers */
	dkim_bh *body;         /* shared with signatures hashing the body alike */
} dkim_pending;

typedef struct dkim_outcome {
	/* NULL when the key, the headers and the body all verify; else the
	 * first reason of: syntax, unsupported_algorithm, key_dns_error,
	 * key_not_found, key_type_mismatch, key_syntax, key_revoked,
	 * weak_key, body_hash_mismatch, signature_mismatch */
	const char *reason;
	char detail[200], detail_text[200]; /* detail_text: in the locale's language, or empty */
	bool key_ok, header_ok, body_ok;
	int key_bits;
	bool testing, strict, pkcs1;
	long long hashed, total;  /* canonical body bytes hashed / in all, -1 unknown */
	long long prefix;         /* body changed: the signed body is its first N bytes, -1 */
	unsigned char digest[DKIM_MAX_DIGEST];
	size_t digest_len;
} dkim_outcome;

/* Check p: its key (first TXT at SEL._domainkey.D through lib/dns), the
 * header hash over idx[0..n) (NULL: the fields its h= selects) and the body
 * hash. */
void dkim_check(mc_resolver *r, const mc_message *msg, const dkim_pending *p,
                const size_t *idx, size_t n, dkim_outcome *out);

/* The verifier's signature sets, for arc.c. */
typedef struct dkim_sigset {
	dkim_pending *items;
	size_t n, cap;
	size_t skipped;          /* past MC_DKIM_MAX_SIGNATURES */
} dkim_sigset;

/* ---- libopendkim's view (opendkim.c) ---- */
typedef struct dkim_od dkim_od;
typedef struct dkim_od_sig {
	char *domain, *selector, *body_hash; /* d=, s= and bh=: how it is paired with ours */
	char *algorithm;         /* a= */
	char *sig;               /* b= without its folding whitespace: the surest pairing */
	bool pass;
	char *error;             /* libopendkim's words, NULL on pass */
} dkim_od_sig;

mc_status dkim_od_new(dkim_od **out, mc_resolver *r);
void dkim_od_headers(dkim_od *o, const mc_message *msg);
void dkim_od_body(dkim_od *o, const char *p, size_t n);
size_t dkim_od_finish(dkim_od *o, dkim_od_sig **out);
/* A signature as we read it: its tags d=, s=, bh=, a= and b= (b64, its
 * folding whitespace removed), NULL where we could not read one. */
typedef struct dkim_od_key {
	const char *d, *s, *bh, *a, *b64;
	bool malformed;          /* its tag list is malformed: what we read of it is a guess */
} dkim_od_key;
/* Pair each of our m signatures (keys[i]) with libopendkim's verdict on
 * the same one, out[i] (NULL: it saw no such signature). Both list a
 * message's signatures in header order: when it has as many as we do and
 * each pair agrees wherever both read a tag, they pair by place -- copies
 * of one signature (a fuzzer's favourite) stay apart; a malformed one
 * (libopendkim keeps the last of duplicate tags, we the first) pairs with
 * whatever stands in its place. Else by content: the same d= and s=, and
 * every other tag both read the same; each once, the well-formed first. */
void dkim_od_pair(dkim_od_sig *od, size_t n, const dkim_od_key *keys, size_t m,
                  dkim_od_sig **out);
void dkim_od_sigs_free(dkim_od_sig *sigs, size_t n);
/* What the message holds that the two read differently. */
typedef struct dkim_od_facts {
	bool lone_cr;            /* the body holds a CR that ends no line */
	bool nul;                /* a signed header field holds a NUL byte */
	bool ff_vt;              /* a signed header field holds a form feed or vertical tab */
	bool header_cr;          /* a signed header field, or the signature, holds a lone CR */
} dkim_od_facts;
/* Why libopendkim decides otherwise than mailcheck on signature s: the
 * rule one of them applies, or "not one of the documented differences". */
const char *dkim_od_disagreement(const mc_dkim_sig *s, const dkim_od_sig *od,
                                 const dkim_od_facts *facts);
void dkim_od_free(dkim_od *o);
/* libopendkim's verdicts on the message's signatures (sigs: ours, as
 * read) given to each of ours, and a dkim.receivers_disagree finding where
 * it decides otherwise (lone_cr: the body holds a CR that ends no line). */
void dkim_od_findings(dkim_od *o, bool lone_cr, const dkim_sigset *sigs, const mc_message *msg,
                      mc_dkim_result *res);

/* ---- what is said of each signature (findings.c) ---- */
/* The verdict a reason gives (syntax, body_hash_mismatch, ...). */
mc_verdict dkim_reason_verdict(const char *name);
/* The findings of signature s, one of res's (those before it are said);
 * now: the clock x= is judged by; said_oversign: From over-signing said. */
void dkim_sig_findings(mc_dkim_result *res, const mc_dkim_sig *s, const mc_message *msg,
                       long long now, bool *said_oversign);

#endif
