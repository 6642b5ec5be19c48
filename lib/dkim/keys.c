/*
 * The DKIM core's keys and signatures: key records (RFC 6376 3.6.1, RFC
 * 8463 4) decoded once per run into OpenSSL keys (a cache keyed by the
 * record, shared by threads), and the RSA / Ed25519 check of a signature
 * over a digest.
 *
 * RSA is verified with the key's RSA object (RSA_verify, deprecated in
 * OpenSSL 3.0): through EVP each verification would set up a context.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* EVP_PKEY_get0_RSA, RSA_verify: see above */
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/tags.h"
#include "common/util.h"
#include "dkim/core.h"
#include "dkim/internal.h"

/* ---- keys (RFC 6376 3.6.1, RFC 8463 4) ---- */

static void key_bad(dkim_key *k, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void key_bad(dkim_key *k, const char *reason, const char *fmt, ...)
{
	va_list ap;

	if (k->error)
		return;
	va_start(ap, fmt);
	dkim_reason_once(&k->error, k->problem, k->problem_text, sizeof(k->problem), reason, fmt,
	                 ap);
	va_end(ap);
}

static void key_material(dkim_key *k, const char *p)
{
	unsigned char *der = NULL;
	long len = dkim_decode64(p, &der);
	const unsigned char *q = der;
	EVP_PKEY *pk = NULL;

	if (len <= 0) {
		key_bad(k, "key_syntax", "p= is not base64");
	} else if (k->type == DKIM_KEY_ED25519) {
		/* RFC 8463 4.2: p= is the 32-byte public key itself */
		if (len != 32 || !(pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32)))
			key_bad(k, "key_syntax", "an ed25519 p= must be 32 bytes, not %ld", len);
		else
			k->bits = 256;
	} else if ((k->bits = dkim_rsa_bits(der, len, &k->pkcs1)) <= 0) {
		key_bad(k, "key_syntax", "p= is not an RSA public key");
	} else if (k->pkcs1) {
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, len);
	} else {
		pk = d2i_PUBKEY(NULL, &q, len);
	}
	if (!k->error && (!pk || EVP_PKEY_get_base_id(pk) != (k->type == DKIM_KEY_ED25519
	                                                      ? EVP_PKEY_ED25519 : EVP_PKEY_RSA)))
		key_bad(k, "key_syntax", "p= cannot be read as a public key");
	else if (!k->error && k->type == DKIM_KEY_RSA && k->bits < 1024) /* RFC 8301 3.2 */
		key_bad(k, "weak_key", "the RSA key has %d bits (RFC 8301: at least 1024)", k->bits);
	if (k->error) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	k->pkey = pk;
	free(der);
}

static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ":");

		if (l == n && strncasecmp(p, item, n) == 0)
			return true;
		p += l + (p[l] == ':');
	}
	return false;
}

static void key_decode(dkim_key *k, const char *rec, size_t len)
{
	mc_tags tags;
	size_t pos = 0;
	const char *why = mc_tags_parse(rec, len, &tags, &pos);
	char *v, *kt, *h, *p, *s, *t;

	k->sha1_ok = k->sha256_ok = true;
	k->type = DKIM_KEY_RSA;
	if (why) {
		key_bad(k, "key_syntax", "the key record is malformed at position %zu: %s", pos, why);
		if (k->problem_text[0])
			snprintf(k->problem_text, sizeof(k->problem_text),
			         _("the key record is malformed at position %zu: %s"), pos, _(why));
		return;
	}
	v = mc_tag_value(&tags, "v");
	if (v && (strcmp(v, "DKIM1") || strcmp(tags.t[0].name, "v")))
		key_bad(k, "key_syntax", "v= must be DKIM1 and the first tag");
	kt = mc_tag_value(&tags, "k");
	if (kt && strcasecmp(kt, "ed25519") == 0)
		k->type = DKIM_KEY_ED25519;
	else if (kt && strcasecmp(kt, "rsa"))
		k->type = DKIM_KEY_UNKNOWN;
	if ((h = mc_tag_value(&tags, "h"))) {
		k->sha1_ok = list_has(h, "sha1");
		k->sha256_ok = list_has(h, "sha256");
	}
	if ((s = mc_tag_value(&tags, "s")) && !list_has(s, "*") && !list_has(s, "email"))
		key_bad(k, "key_syntax", "s=%.40s: the key is not for email", s);
	if ((t = mc_tag_value(&tags, "t"))) {
		k->testing = list_has(t, "y");
		k->strict = list_has(t, "s");
	}
	p = mc_tag_value(&tags, "p");
	if (!p)
		key_bad(k, "key_syntax", "the key record has no p=");
	else if (!*p)
		key_bad(k, "key_revoked", "p= is empty: the key is revoked");
	else if (k->type == DKIM_KEY_UNKNOWN)
		key_bad(k, "key_type_mismatch", "k=%.20s is not a known key type", kt);
	else if (!k->error)
		key_material(k, p);
	free(v);
	free(kt);
	free(h);
	free(p);
	free(s);
	free(t);
}

/* The cache: the record text -> its decoded key, for the whole run. A run
 * over many messages meets the same few keys again and again, and decoding
 * one costs more than verifying with it (OpenSSL 3's decoders). Bounded:
 * past CACHE_MAX keys, new ones are decoded for the one use. */
#define CACHE_SLOTS 1024
#define CACHE_MAX 4096

struct cached_key {
	struct cached_key *next;
	uint64_t hash;
	char *record;
	size_t len;
	dkim_key key;
};

static struct cached_key *cache[CACHE_SLOTS];
static size_t cache_n;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t fnv(const char *s, size_t n)
{
	return mc_fnv1a(s, n, MC_FNV_INIT);
}

dkim_key *dkim_key_get(const char *record, size_t len)
{
	uint64_t h = fnv(record, len);
	struct cached_key *c;

	pthread_mutex_lock(&cache_lock);
	for (c = cache[h % CACHE_SLOTS]; c; c = c->next)
		if (c->hash == h && c->len == len && memcmp(c->record, record, len) == 0)
			break;
	pthread_mutex_unlock(&cache_lock);
	if (c)
		return &c->key;
	if (!(c = calloc(1, sizeof(*c))) || !(c->record = mc_strndup(record, len))) {
		free(c);
		return NULL;
	}
	c->hash = h;
	c->len = len;
	key_decode(&c->key, record, len);
	pthread_mutex_lock(&cache_lock);
	struct cached_key *other;

	for (other = cache[h % CACHE_SLOTS]; other; other = other->next)
		if (other->hash == h && other->len == len && memcmp(other->record, record, len) == 0)
			break;
	if (!other && cache_n < CACHE_MAX) {
		c->key.cached = true;
		c->next = cache[h % CACHE_SLOTS];
		cache[h % CACHE_SLOTS] = c;
		cache_n++;
	}
	pthread_mutex_unlock(&cache_lock);
	if (other) { /* another thread decoded it meanwhile */
		EVP_PKEY_free(c->key.pkey);
		free(c->record);
		free(c);
		return &other->key;
	}
	return &c->key;
}

void dkim_key_release(dkim_key *k)
{
	struct cached_key *c;

	if (!k || k->cached)
		return;
	c = (struct cached_key *)((char *)k - offsetof(struct cached_key, key));
	EVP_PKEY_free(k->pkey);
	free(c->record);
	free(c);
}

void dkim_key_cache_clear(void)
{
	pthread_mutex_lock(&cache_lock);
	for (size_t s = 0; s < CACHE_SLOTS; s++)
		while (cache[s]) {
			struct cached_key *c = cache[s];

			cache[s] = c->next;
			EVP_PKEY_free(c->key.pkey);
			free(c->record);
			free(c);
		}
	cache_n = 0;
	pthread_mutex_unlock(&cache_lock);
}

/* ---- verification ---- */

static const EVP_MD *md_sha1, *md_sha256;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch(void)
{
	/* fetched once: an implicit fetch per verification takes the
	 * provider store's lock each time */
	md_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

bool dkim_signature_ok(const dkim_key *k, enum dkim_hash hash, const unsigned char *digest,
                       size_t dlen, const unsigned char *sig, size_t slen)
{
	bool ok = false;

	if (!k || !k->pkey || !sig || !slen)
		return false;
	if (k->type == DKIM_KEY_ED25519) {
		/* RFC 8463 3: PureEdDSA over the SHA-256 of the header data */
		EVP_MD_CTX *m = EVP_MD_CTX_new();

		ok = m && EVP_DigestVerifyInit(m, NULL, NULL, NULL, k->pkey) == 1 &&
		     EVP_DigestVerify(m, sig, slen, digest, dlen) == 1;
		EVP_MD_CTX_free(m);
		return ok;
	}
	/* RSA: PKCS#1 v1.5 over the digest with the key's RSA object itself.
	 * Through EVP each verification would set up a context (a provider
	 * fetch under a lock, parameter passing) costing a third of the RSA
	 * operation; the RSA object keeps its Montgomery context between calls
	 * and is safe to share between threads once set up. */
	const RSA *rsa = EVP_PKEY_get0_RSA(k->pkey);

	if (rsa && slen <= 1024)
		return RSA_verify(hash == DKIM_SHA1 ? NID_sha1 : NID_sha256, digest, (unsigned)dlen,
		                  sig, (unsigned)slen, (RSA *)rsa) == 1;
	pthread_once(&md_once, md_fetch);
	const EVP_MD *md = hash == DKIM_SHA1 ? md_sha1 : md_sha256;
	EVP_PKEY_CTX *c = md ? EVP_PKEY_CTX_new(k->pkey, NULL) : NULL;

	ok = c && EVP_PKEY_verify_init(c) == 1 &&
	     EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
	     EVP_PKEY_CTX_set_signature_md(c, md) == 1 &&
	     EVP_PKEY_verify(c, sig, slen, digest, dlen) == 1;
	EVP_PKEY_CTX_free(c);
	return ok;
}
