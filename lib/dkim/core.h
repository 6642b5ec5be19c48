/*
 * mailcheck's DKIM core (RFC 6376), shared by DKIM-Signature and by ARC's
 * ARC-Message-Signature and ARC-Seal (RFC 8617): signature tags, header and
 * body canonicalization, the body hash while the body streams, key records
 * decoded once per run (a cache keyed by the record), and RSA / Ed25519
 * verification through OpenSSL's EVP API.
 */
#ifndef MC_DKIM_CORE_H
#define MC_DKIM_CORE_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

#include "mailcheck/msg.h"

enum dkim_kind { DKIM_KIND_SIGNATURE, DKIM_KIND_AMS, DKIM_KIND_SEAL };
enum dkim_canon { DKIM_SIMPLE, DKIM_RELAXED };
enum dkim_hash { DKIM_SHA1, DKIM_SHA256 };
enum dkim_keytype { DKIM_KEY_UNKNOWN, DKIM_KEY_RSA, DKIM_KEY_ED25519 };

#define DKIM_MAX_DIGEST 32

/* A reason set once: while *reason is NULL, set it to r, words[size] to
 * the sentence and text[size] to the same in the locale's language (empty
 * when it is the English); later calls keep the first (the first problem
 * found is the one said). Serves the tags' problems (core.c) and the
 * outcome of a signature check (verify.c). */
void dkim_reason_once(const char **reason, char *words, char *text, size_t size, const char *r,
                      const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* One signature header's tags. */
typedef struct dkim_tags {
	enum dkim_kind kind;
	/* NULL when usable; else the reason ("syntax", "unsupported_algorithm")
	 * and `problem` says what is wrong, for people */
	const char *error;
	char problem[160], problem_text[160];
	char *a, *c, *d, *s, *i, *bh64, *cv;
	enum dkim_keytype key_type;   /* from a= */
	enum dkim_hash hash;
	enum dkim_canon hcanon, bcanon;
	char **h;                    /* h=, lower case */
	size_t n_h;
	long long l, t, x;           /* -1 when absent */
	int instance;                /* ARC i=, 0 for DKIM */
	unsigned char bh[DKIM_MAX_DIGEST];
	size_t bh_len;
	unsigned char *b;
	size_t b_len;
} dkim_tags;

/* Parse a signature header field (its unfolded value). Always fills what it
 * can; out->error says whether the signature can be verified. */
void dkim_tags_parse(const mc_header *h, enum dkim_kind kind, dkim_tags *out);
void dkim_tags_free(dkim_tags *t);

/* The body hash of one (canonicalization, hash, l=) combination, fed the
 * body as it streams. Keeps the hash state at the last line ends, so that
 * a body that was signed and then had lines appended (a list footer) can be
 * recognised. */
typedef struct dkim_bh dkim_bh;

dkim_bh *dkim_bh_new(enum dkim_canon canon, enum dkim_hash hash, long long limit);
bool dkim_bh_is(const dkim_bh *b, enum dkim_canon canon, enum dkim_hash hash,
                  long long limit);
void dkim_bh_update(dkim_bh *b, const char *p, size_t n);
/* Finish (once): the digest, canonical bytes hashed and in all. */
const unsigned char *dkim_bh_final(dkim_bh *b, size_t *len, long long *hashed,
                                     long long *total);
/* After final: the canonical length of a prefix of the body (ending at a
 * line end) whose hash is `want`, -1 when none of the kept ones is. */
long long dkim_bh_prefix(dkim_bh *b, const unsigned char *want, size_t len);
void dkim_bh_free(dkim_bh *b);

/* The header hash of a signature: the fields idx[0..n) in that order,
 * canonicalized, then the signature field `sig` with its b= value removed
 * and no final CRLF (RFC 6376 3.7). */
size_t dkim_header_digest(const mc_message *msg, const size_t *idx, size_t n,
                          const mc_header *sig, enum dkim_canon canon, enum dkim_hash hash,
                          unsigned char out[DKIM_MAX_DIGEST]);
/* The fields h= selects, bottom-up, each instance used once (RFC 6376
 * 5.4.2); names that match no (more) field select nothing. Returns how many
 * went into idx (at most cap). */
size_t dkim_select_headers(const mc_message *msg, char *const *names, size_t n_names,
                           size_t *idx, size_t cap);

/* A key record (RFC 6376 3.6.1) decoded: cached for the run by its text. */
typedef struct dkim_key {
	const char *error;           /* NULL, or key_syntax, key_revoked, ... (reason names) */
	char problem[160], problem_text[160];
	enum dkim_keytype type;
	bool testing, strict, pkcs1;
	bool sha1_ok, sha256_ok;     /* h= of the key */
	int bits;
	void *pkey;                  /* EVP_PKEY */
	bool cached;
} dkim_key;

/* The decoded key of a record; release it with dkim_key_release. Thread-safe. */
dkim_key *dkim_key_get(const char *record, size_t len);
void dkim_key_release(dkim_key *k);
/* Forget every cached key (tests, and the end of a run under LeakSanitizer). */
void dkim_key_cache_clear(void);

/* Does sig verify digest with the key? */
bool dkim_signature_ok(const dkim_key *k, enum dkim_hash hash, const unsigned char *digest,
                       size_t dlen, const unsigned char *sig, size_t slen);

#endif
