/*
 * DKIM verification with libopendkim (the only file that includes it, with
 * key.c for the key parser). See shared/LIBRARIES.md for the behaviours
 * relied on: PASSED flag + body hash MATCH is a pass; PASSED with a body
 * hash MISMATCH means the body changed; an untested body hash with error
 * 28 means a signed header changed; rsa-sha1 verifies and RFC 8301 is ours
 * to apply; TRYAGAIN from the key callback aborts the message, so the
 * callback records the DNS status per key and answers NOTFOUND.
 */
#include <opendkim/dkim.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "common/util.h"
#include "dkim/internal.h"
#include "mailcheck/trace.h"

struct key_seen {
	char *name;
	const mc_dns_answer *answer;
	bool pkcs1;              /* handed to libopendkim converted (see key_lookup) */
};

struct mc_dkim_verifier {
	mc_resolver *r;
	DKIM *dkim;
	time_t now;
	long long arrival;       /* when the receiver got it; -1 unknown */
	bool arrival_given;      /* set by mc_dkim_arrival */
	bool no_sigs, failed;
	bool keys_asked;         /* the caller asked the keys already (mc_dkim_keys_asked) */
	size_t log_start;
	struct key_seen keys[MC_DKIM_MAX_SIGNATURES];
	size_t n_keys;
	size_t skipped_sigs;
};

static DKIM_LIB *lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;

static struct key_seen *key_seen(mc_dkim_verifier *v, const char *name)
{
	for (size_t i = 0; i < v->n_keys; i++)
		if (strcasecmp(v->keys[i].name, name) == 0)
			return &v->keys[i];
	return NULL;
}

static void remember_key(mc_dkim_verifier *v, const char *name, const mc_dns_answer *a,
                         bool pkcs1)
{
	if (key_seen(v, name) || v->n_keys == MC_DKIM_MAX_SIGNATURES)
		return;
	v->keys[v->n_keys].name = mc_strdup(name);
	v->keys[v->n_keys].answer = a;
	v->keys[v->n_keys].pkcs1 = pkcs1;
	if (v->keys[v->n_keys].name)
		v->n_keys++;
}

/* The key record verifiers use: the first TXT record of the answer. */
static const mc_dns_rr *first_txt(const mc_dns_answer *a)
{
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_TXT)
			return &a->rrs[i];
	return NULL;
}

/* libopendkim asks for SEL._domainkey.DOMAIN: answer from lib/dns. */
static DKIM_CBSTAT key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	mc_dkim_verifier *v = dkim_get_user_context(dkim);
	const char *d = (const char *)dkim_sig_getdomain(sig);
	const char *s = (const char *)dkim_sig_getselector(sig);
	char *name = mc_asprintf("%s._domainkey.%s", s ? s : "", d ? d : "");
	const mc_dns_answer *a = name ? mc_dns_lookup(v->r, name, MC_RR_TXT) : NULL;
	const mc_dns_rr *txt = first_txt(a);
	/*
	 * RFC 6376 3.6.1's text names PKCS#1 RSAPublicKey for p=, which
	 * libopendkim cannot read (only SubjectPublicKeyInfo): hand it the same
	 * key converted, so that mailcheck judges the signature as RFC 6376 does
	 * and says which verifiers would fail it (dkim.key_pkcs1).
	 */
	char *spki = txt ? dkim_record_as_spki(txt->data, txt->data_len) : NULL;
	const char *rec = spki ? spki : txt ? txt->data : NULL;
	size_t len = spki ? strlen(spki) : txt ? txt->data_len : 0;
	DKIM_CBSTAT ret = DKIM_CBSTAT_NOTFOUND; /* the recorded status tells why */

	if (a)
		remember_key(v, name, a, spki != NULL);
	free(name);
	if (rec && len + 1 <= buflen) {
		memcpy(buf, rec, len);
		buf[len] = '\0';
		ret = DKIM_CBSTAT_CONTINUE;
	}
	free(spki);
	return ret;
}

/* The clock drift allowed for t= and x= (RFC 6376 3.5 lets verifiers allow
 * some; libopendkim's default is the same). */
#define DRIFT 300

static void lib_init(void)
{
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;
	/*
	 * libopendkim judges t= and x= with time(), not DKIM_OPTS_FIXEDTIME, and
	 * skips the whole verification of a signature it thinks expired or from
	 * the future. A drift of 2^30 s (34 years) turns both checks off for any
	 * t= and x= from 2004 on (DKIM is from 2007): judge() applies them
	 * against mailcheck's own clock (--now), and the signature is still
	 * verified, so that "valid when it arrived" can be told. (Its future
	 * check computes t - drift unsigned: a larger drift would wrap.)
	 */
	uint64_t drift = (uint64_t)1 << 30;

	lib = dkim_init(NULL, NULL);
	if (!lib)
		return;
	dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof(flags));
	dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_CLOCKDRIFT, &drift, sizeof(drift));
	dkim_set_key_lookup(lib, key_lookup);
}

mc_status mc_dkim_verifier_new(mc_dkim_verifier **out, mc_resolver *r, time_t now)
{
	mc_dkim_verifier *v;

	pthread_once(&lib_once, lib_init);
	if (!lib)
		return mc_error_set(MC_ENOMEM, "cannot initialise libopendkim");
	v = calloc(1, sizeof(*v));
	if (!v)
		return mc_error_set(MC_ENOMEM, "out of memory");
	v->r = r;
	v->now = now ? now : time(NULL);
	v->arrival = -1;
	v->log_start = mc_dns_log_size(r);
	*out = v;
	return MC_OK;
}

void mc_dkim_verifier_free(mc_dkim_verifier *v)
{
	if (!v)
		return;
	if (v->dkim)
		dkim_free(v->dkim);
	for (size_t i = 0; i < v->n_keys; i++)
		free(v->keys[i].name);
	free(v);
}

size_t mc_dkim_key_names(const mc_message *msg, char *names[MC_DKIM_MAX_SIGNATURES])
{
	size_t n = 0, i = 0;
	const mc_header *h;

	while (n < MC_DKIM_MAX_SIGNATURES && (h = mc_message_find(msg, "DKIM-Signature", &i))) {
		mc_tags tags;
		size_t pos;
		char *d, *s;

		if (mc_tags_parse(h->value, h->value_len, &tags, &pos))
			continue;
		d = mc_tag_value(&tags, "d");
		s = mc_tag_value(&tags, "s");
		if (d && s && (names[n] = mc_asprintf("%s._domainkey.%s", s, d)))
			n++;
		free(d);
		free(s);
	}
	return n;
}

/* Ask for every key at once before libopendkim asks one by one. */
static void prefetch_keys(mc_dkim_verifier *v, const mc_message *msg)
{
	mc_dns_query q[MC_DKIM_MAX_SIGNATURES];
	char *names[MC_DKIM_MAX_SIGNATURES];
	size_t n = mc_dkim_key_names(msg, names);

	for (size_t k = 0; k < n; k++)
		q[k] = (mc_dns_query){.name = names[k], .type = MC_RR_TXT};
	if (n)
		mc_dns_resolve(v->r, q, n);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
}

void mc_dkim_arrival(mc_dkim_verifier *v, long long when)
{
	v->arrival = when;
	v->arrival_given = true;
}

/* When the receiver at the trust boundary got the message (its Received
 * date), for a caller that has not said. */
static long long arrival_of(const mc_message *msg)
{
	mc_trace t;
	long long when = -1;

	if (mc_trace_build(msg, NULL, &t) != MC_OK)
		return -1;
	if (t.has_boundary && t.boundary.hop >= 1 && t.boundary.hop <= t.n_hops)
		when = t.hops[t.boundary.hop - 1].rcv.time;
	mc_trace_clear(&t);
	return when;
}

void mc_dkim_keys_asked(mc_dkim_verifier *v)
{
	v->keys_asked = true;
}

mc_status mc_dkim_headers(mc_dkim_verifier *v, const mc_message *msg)
{
	DKIM_STAT st;
	size_t sigs = 0;
	uint64_t fixed = (uint64_t)v->now;

	if (!v->keys_asked)
		prefetch_keys(v, msg);
	if (!v->arrival_given)
		v->arrival = arrival_of(msg);
	pthread_mutex_lock(&lib_lock); /* FIXEDTIME is a library-wide option */
	dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &fixed, sizeof(fixed));
	v->dkim = dkim_verify(lib, (const unsigned char *)"mailcheck", NULL, &st);
	pthread_mutex_unlock(&lib_lock);
	if (!v->dkim)
		return mc_error_set(MC_ENOMEM, "libopendkim cannot start a verification");
	dkim_set_user_context(v->dkim, v);
	for (size_t i = 0; i < msg->n_headers; i++) {
		const mc_header *h = &msg->headers[i];

		if (strcasecmp(h->name, "DKIM-Signature") == 0 && ++sigs > MC_DKIM_MAX_SIGNATURES) {
			v->skipped_sigs++;
			continue;
		}
		dkim_header(v->dkim, (u_char *)h->raw, h->raw_len);
	}
	st = dkim_eoh(v->dkim);
	v->no_sigs = st == DKIM_STAT_NOSIG || sigs == 0;
	return MC_OK;
}

mc_status mc_dkim_body(mc_dkim_verifier *v, const char *chunk, size_t len)
{
	if (v->dkim && !v->no_sigs)
		dkim_body(v->dkim, (u_char *)chunk, len);
	return MC_OK;
}

/* Every reason: the verdict it gives, what it means, what to do. %1$s is
 * the signing domain, %2$s the selector. */
static const struct reason {
	const char *name;
	const char *code; /* the finding */
	mc_verdict verdict;
	const char *meaning;
	const char *hint;
} reasons[] = {
	{"body_hash_mismatch", "dkim.body_hash_mismatch", MC_VERDICT_FAIL,
	 "the body changed after %s signed it (a mailing-list footer, a disclaimer or "
	 "signature added by a gateway, or re-encoding of the body)",
	 "sign after the last change (e.g. sign on the outgoing gateway, not before it), or "
	 "have the list or gateway re-sign; lists usually rewrite From instead (DMARC)"},
	{"signature_mismatch", "dkim.signature_mismatch", MC_VERDICT_FAIL,
	 "a header signed by %s changed after signing (a list tagging the Subject, a gateway "
	 "rewriting a signed header), or the signature does not match the key",
	 "find what rewrites the signed headers between signer and receiver; if nothing "
	 "does, the published key does not belong to the private key that signed"},
	{"key_not_found", "dkim.key_not_found", MC_VERDICT_PERMERROR,
	 "no key is published for %s at selector '%s'",
	 "publish the public key as TXT at <selector>._domainkey.<domain> (check the selector "
	 "the signer uses), or wait for DNS to propagate"},
	{"key_dns_error", "dkim.key_dns_error", MC_VERDICT_TEMPERROR,
	 "the key of %s (selector '%s') could not be looked up: the DNS lookup failed",
	 "retry later; if it persists, check the nameservers of the signing domain"},
	{"key_revoked", "dkim.key_revoked", MC_VERDICT_FAIL,
	 "the key of %s at selector '%s' is revoked (empty p=)",
	 "sign with a current selector; a revoked selector must no longer be used"},
	{"key_syntax", "dkim.key_syntax", MC_VERDICT_PERMERROR,
	 "the key record of %s at selector '%s' is malformed",
	 "republish the key record: v=DKIM1; k=rsa; p=<base64 public key> (check with "
	 "mailcheck dkim DOMAIN --selector SEL)"},
	{"key_type_mismatch", "dkim.key_type_mismatch", MC_VERDICT_PERMERROR,
	 "the key of %s at selector '%s' does not fit the signature's algorithm (k= or h= "
	 "of the key)",
	 "publish the key type and hash the signer uses (k=rsa or k=ed25519; h= must allow "
	 "sha256)"},
	{"expired", "dkim.expired", MC_VERDICT_FAIL,
	 "the signature of %s has expired (x= is in the past)",
	 "give signatures a longer lifetime (x=), or none; check the signer's clock"},
	{"timestamp_in_future", "dkim.timestamp_in_future", MC_VERDICT_FAIL,
	 "the signature of %s was made in the future (t= is later than now)",
	 "fix the signing server's clock"},
	{"weak_key", "dkim.weak_key", MC_VERDICT_FAIL,
	 "the RSA key of %s is shorter than 1024 bits, which RFC 8301 forbids verifiers to accept",
	 "generate a 2048-bit key and publish it under a new selector"},
	{"rsa_sha1", "dkim.rsa_sha1", MC_VERDICT_FAIL,
	 "%s signed with rsa-sha1, which RFC 8301 forbids verifiers to accept",
	 "sign with rsa-sha256 (or ed25519-sha256 beside it)"},
	{"unsupported_algorithm", "dkim.unsupported_algorithm", MC_VERDICT_PERMERROR,
	 "the signature of %s uses an algorithm that is not rsa-sha256 or ed25519-sha256",
	 "sign with rsa-sha256"},
	{"from_not_signed", "dkim.from_not_signed", MC_VERDICT_FAIL,
	 "the signature of %s does not cover the From header, which RFC 6376 5.4 requires",
	 "configure the signer to include From in h="},
	{"identity_mismatch", "dkim.identity_mismatch", MC_VERDICT_FAIL,
	 "the i= identity of the signature is not %s or one of its subdomains",
	 "make i= an address at the signing domain d=, or drop i="},
	{"syntax", "dkim.syntax", MC_VERDICT_PERMERROR,
	 "the DKIM-Signature of %s is malformed",
	 "fix the signer's configuration; every required tag (v, a, b, bh, d, h, s) must be "
	 "present and valid"},
};

static const struct reason *reason_of(const char *name)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].name, name) == 0)
			return &reasons[i];
	return &reasons[sizeof(reasons) / sizeof(reasons[0]) - 1];
}

/* libopendkim's error code -> our reason (NULL: decided elsewhere). */
static const char *reason_of_error(int err)
{
	switch (err) {
	case DKIM_SIGERROR_NOKEY: return "key_not_found";
	case DKIM_SIGERROR_KEYREVOKED: return "key_revoked";
	case DKIM_SIGERROR_DNSSYNTAX:
	case DKIM_SIGERROR_KEYDECODE:
	case DKIM_SIGERROR_KEYVERSION:
	case DKIM_SIGERROR_KEYTYPEMISSING:
	case DKIM_SIGERROR_KEYTYPEUNKNOWN:
	case DKIM_SIGERROR_NOTEMAILKEY:
	case DKIM_SIGERROR_MULTIREPLY: return "key_syntax";
	case DKIM_SIGERROR_KEYHASHMISMATCH:
	case DKIM_SIGERROR_KEYUNKNOWNHASH: return "key_type_mismatch";
	case DKIM_SIGERROR_EXPIRED: /* t= or x= before 2004 with our drift */
	case DKIM_SIGERROR_FUTURE: return "clock";
	case DKIM_SIGERROR_KEYTOOSMALL: return "weak_key";
	case DKIM_SIGERROR_DOMAIN:
	case DKIM_SIGERROR_SUBDOMAIN: return "identity_mismatch";
	case DKIM_SIGERROR_INVALID_A: return "unsupported_algorithm";
	case DKIM_SIGERROR_OK:
	case DKIM_SIGERROR_BADSIG:
	case DKIM_SIGERROR_KEYFAIL:
	case DKIM_SIGERROR_UNKNOWN: return NULL;
	default: return "syntax";
	}
}

static char *tag(DKIM_SIGINFO *sig, bool key, const char *name)
{
	const char *v = (const char *)dkim_sig_gettagvalue(sig, key, (u_char *)name);

	return v ? mc_strdup(v) : NULL;
}

static long long number_tag(DKIM_SIGINFO *sig, const char *name)
{
	const char *v = (const char *)dkim_sig_gettagvalue(sig, false, (u_char *)name);
	char *end;
	long long n;

	if (!v || !*v)
		return -1;
	n = strtoll(v, &end, 10);
	return *end ? -1 : n;
}

static void signed_headers(mc_dkim_sig *s, const char *h)
{
	size_t cap = 0;

	for (const char *p = h; p && *p;) {
		size_t n = strcspn(p, ":");
		char *name = mc_strndup(p, n), *w = name;

		for (char *c = name; c && *c; c++) /* lower case, no whitespace */
			if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
				*w++ = (char)tolower((unsigned char)*c);
		if (w)
			*w = '\0';
		if (name && *name && mc_grow(&s->signed_headers, &cap, s->n_signed_headers + 1,
		                             sizeof(char *)) == 0)
			s->signed_headers[s->n_signed_headers++] = name;
		else
			free(name);
		p += n + (p[n] == ':');
	}
}

static bool signs(const mc_dkim_sig *s, const char *header)
{
	for (size_t i = 0; i < s->n_signed_headers; i++)
		if (strcmp(s->signed_headers[i], header) == 0)
			return true;
	return false;
}

/* Does the key record's k= (default rsa) differ from the signature's a=? */
static bool key_type_differs(const mc_dns_answer *key, const char *alg)
{
	const mc_dns_rr *txt = first_txt(key); /* the record libopendkim was given */
	mc_tags tags;
	size_t pos;
	char *k;
	bool differs = false;

	if (!alg || !txt || mc_tags_parse(txt->data, txt->data_len, &tags, &pos))
		return false;
	k = mc_tag_value(&tags, "k");
	if (strncasecmp(alg, "rsa-", 4) == 0)
		differs = k && strcasecmp(k, "rsa") != 0;
	else if (strncasecmp(alg, "ed25519-", 8) == 0)
		differs = !k || strcasecmp(k, "ed25519") != 0;
	free(k);
	return differs;
}

/* The reason of a signature, from the key's DNS status, libopendkim's
 * verdict, and the rules of RFC 6376 5.4 and RFC 8301. */
static const char *judge(mc_dkim_verifier *v, DKIM_SIGINFO *sig, mc_dkim_sig *s,
                         const struct key_seen *seen)
{
	unsigned int flags = dkim_sig_getflags(sig);
	int err = dkim_sig_geterror(sig), bh = dkim_sig_getbh(sig);
	const mc_dns_answer *key = seen ? seen->answer : NULL;
	const char *r = reason_of_error(err);

	if (s->algorithm && strcasecmp(s->algorithm, "rsa-sha1") == 0 && (!r || strcmp(r, "syntax")))
		return "rsa_sha1"; /* RFC 8301 3.1 */
	if (s->n_signed_headers && !signs(s, "from"))
		return "from_not_signed"; /* RFC 6376 5.4 */
	if (r && strcmp(r, "syntax") == 0)
		return r;
	if (key && mc_dns_status_is_temporary(key->status))
		return "key_dns_error";
	if (key && (key->status == MC_DNS_NXDOMAIN || key->status == MC_DNS_NODATA))
		return "key_not_found";
	if (key && key_type_differs(key, s->algorithm))
		return "key_type_mismatch";
	/* RFC 6376 3.5: t= later than now (5 minutes of clock drift allowed) */
	if (s->timestamp >= 0 && s->timestamp > (long long)v->now + DRIFT)
		return "timestamp_in_future";
	bool verifies = (flags & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MATCH;

	/* RFC 6376 3.5: x= in the past, judged by mailcheck's clock (--now) */
	if (s->expiry >= 0 && (long long)v->now > s->expiry + DRIFT) {
		s->arrival = v->arrival;
		s->valid_at_arrival = verifies && v->arrival >= 0 && v->arrival <= s->expiry + DRIFT &&
		                      (s->timestamp < 0 || s->timestamp <= v->arrival + DRIFT);
		return "expired";
	}
	if (r && strcmp(r, "clock") == 0)
		return "syntax"; /* libopendkim would not verify a t= or x= before 2004 */
	if (r)
		return r;
	if (verifies)
		return NULL;
	if ((flags & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MISMATCH)
		return "body_hash_mismatch";
	if (err == DKIM_SIGERROR_KEYFAIL)
		return "key_not_found";
	return "signature_mismatch";
}

/* The body hash libopendkim computed over the body as received, base64 as
 * in bh= (RFC 6376 3.7), so that a mismatch can be shown side by side. */
static char *computed_body_hash(DKIM_SIGINFO *sig)
{
	void *hh, *bh;
	size_t hhlen, bhlen;
	char *out;

	if (dkim_sig_gethashes(sig, &hh, &hhlen, &bh, &bhlen) != DKIM_STAT_OK || !bh ||
	    bhlen == 0 || bhlen > 64)
		return NULL;
	if (!(out = malloc(4 * ((bhlen + 2) / 3) + 1)))
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, bh, (int)bhlen);
	return out;
}

static void describe(mc_dkim_verifier *v, DKIM_SIGINFO *sig, mc_dkim_sig *s)
{
	unsigned int bits = 0;
	ssize_t msglen = -1, canonlen = -1, signlen = -1;
	char *h = tag(sig, false, "h"), *c = tag(sig, false, "c"), *keyt = tag(sig, true, "t");

	s->domain = mc_strdup((const char *)dkim_sig_getdomain(sig));
	s->selector = mc_strdup((const char *)dkim_sig_getselector(sig));
	s->algorithm = tag(sig, false, "a");
	s->canonicalization = mc_strdup(c ? (strchr(c, '/') ? c : strcmp(c, "relaxed") == 0
	                                     ? "relaxed/simple" : c) : "simple/simple");
	s->identity = tag(sig, false, "i");
	s->body_hash = tag(sig, false, "bh");
	s->body_length = number_tag(sig, "l");
	s->expiry = number_tag(sig, "x");
	s->testing = keyt && strchr(keyt, 'y');
	signed_headers(s, h);
	/* libopendkim says 0 bits for ed25519 keys, which are 256 bits */
	if (dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK && bits)
		s->key_bits = (int)bits;
	else if (s->algorithm && strcasecmp(s->algorithm, "ed25519-sha256") == 0 &&
	         (dkim_sig_getflags(sig) & DKIM_SIGFLAG_PROCESSED))
		s->key_bits = 256;
	if (dkim_sig_getcanonlen(v->dkim, sig, &msglen, &canonlen, &signlen) == DKIM_STAT_OK) {
		s->body_total = msglen;
		s->body_hashed = canonlen;
		/* only then: libopendkim asserts when a signature has no canonicalization */
		s->body_hash_computed = computed_body_hash(sig);
	} else {
		s->body_total = s->body_hashed = -1;
	}
	s->timestamp = number_tag(sig, "t");
	s->arrival = -1;
	char *kname = mc_asprintf("%s._domainkey.%s", s->selector ? s->selector : "",
	                          s->domain ? s->domain : "");
	const struct key_seen *ks = kname ? key_seen(v, kname) : NULL;

	s->key_pkcs1 = ks && ks->pkcs1;
	free(kname);
	s->reason = judge(v, sig, s, ks);
	s->verdict = s->reason ? reason_of(s->reason)->verdict : MC_VERDICT_PASS;
	free(h);
	free(c);
	free(keyt);
}

/* Expired: when, by which clock, and whether it was still good when the
 * receiver checked it (RFC 6376 3.5 x=). */
static void expired_finding(mc_dkim_result *res, const mc_dkim_sig *s, long long now)
{
	const char *d = s->domain ? s->domain : "?", *sel = s->selector ? s->selector : "?";
	char x[40], n[40], a[40];

	mc_time_text(s->expiry, x, sizeof(x));
	mc_time_text(now, n, sizeof(n));
	if (s->valid_at_arrival) {
		mc_time_text(s->arrival, a, sizeof(a));
		mc_finding_hint(mc_finding_add(&res->findings, "dkim.expired", MC_SEV_ERROR,
			"signature d=%s s=%s: it verifies and had not expired when the message "
			"arrived (%s, the receiving server's Received date), so it passed there; "
			"it fails now only because x= ended its validity at %s (now: %s)",
			d, sel, a, x, n),
			"to see what the receiver decided, check as of the arrival: --now %lld; "
			"signatures meant to be checked later (archives, forwarding) need a longer "
			"x= or none", s->arrival);
		return;
	}
	mc_finding_hint(mc_finding_add(&res->findings, "dkim.expired", MC_SEV_ERROR,
		"signature d=%s s=%s: the signature has expired: x= ended its validity at %s "
		"(now: %s)%s", d, sel, x, n,
		s->arrival >= 0 && s->arrival > s->expiry ? ", before the message even arrived"
		: ""),
		"give signatures a longer lifetime (x=), or none; check the signer's clock; to "
		"check a message as of when it arrived, use --now");
}

/* Did an earlier signature of the result use the same key (d= and s=)? Its
 * key findings are said once. */
static bool key_said(const mc_dkim_result *res, const mc_dkim_sig *s)
{
	for (const mc_dkim_sig *e = res->sigs; e < s; e++)
		if (e->domain && s->domain && e->selector && s->selector &&
		    strcasecmp(e->domain, s->domain) == 0 && strcmp(e->selector, s->selector) == 0)
			return true;
	return false;
}

static void sig_findings(mc_dkim_result *res, const mc_dkim_sig *s, const mc_message *msg,
                         long long now, bool *said_oversign)
{
	const char *d = s->domain ? s->domain : "?", *sel = s->selector ? s->selector : "?";
	bool first_of_key = !key_said(res, s);

	if (s->key_pkcs1 && first_of_key) {
		char *name = mc_asprintf("%s._domainkey.%s", sel, d);

		dkim_pkcs1_finding(&res->findings, name ? name : d);
		free(name);
	}

	if (s->reason && strcmp(s->reason, "expired") == 0) {
		expired_finding(res, s, now);
		return;
	}
	if (s->reason) {
		const struct reason *r = reason_of(s->reason);
		char *what = mc_asprintf(r->meaning, d, sel);
		char *hashes = strcmp(s->reason, "body_hash_mismatch") == 0 && s->body_hash &&
		               s->body_hash_computed
		             ? mc_asprintf(": it signed bh=%s, the %lld canonical bytes received "
		                           "hash to %s", s->body_hash, s->body_hashed,
		                           s->body_hash_computed)
		             : NULL;

		mc_finding_hint(mc_finding_add(&res->findings, r->code, MC_SEV_ERROR,
			"signature d=%s s=%s: %s%s", d, sel, what ? what : r->name,
			hashes ? hashes : ""), "%s", r->hint);
		free(hashes);
		free(what);
		return;
	}
	mc_finding_add(&res->findings, "dkim.pass", MC_SEV_INFO,
		"signature d=%s s=%s (%s, %d-bit key) verifies: the %zu signed header fields and "
		"%lld bytes of body are as %s signed them", d, sel,
		s->algorithm ? s->algorithm : "?", s->key_bits, s->n_signed_headers,
		s->body_hashed, d);
	if (first_of_key && s->key_bits > 0 && s->key_bits < 2048 && s->algorithm &&
	    strncasecmp(s->algorithm, "rsa-", 4) == 0)
		mc_finding_hint(mc_finding_add(&res->findings, "dkim.key_1024", MC_SEV_WARNING,
			"signature d=%s s=%s uses a %d-bit RSA key: accepted, but weak by today's "
			"standards", d, sel, s->key_bits),
			"rotate to a 2048-bit key under a new selector");
	if (s->body_length >= 0)
		mc_finding_hint(mc_finding_add(&res->findings, "dkim.body_length_limit",
			MC_SEV_WARNING, "signature d=%s s=%s covers only the first %lld bytes of the "
			"body (l=): anyone can append content and keep it valid", d, sel,
			s->body_length), "sign without l=");
	if (s->body_length >= 0 && s->body_total > s->body_length)
		mc_finding_add(&res->findings, "dkim.unsigned_content", MC_SEV_WARNING,
			"the body is %lld bytes but signature d=%s covers %lld (l=): the rest was "
			"added after signing, or at least is not vouched for by %s",
			s->body_total, d, s->body_length, d);
	if (s->testing && first_of_key)
		mc_finding_add(&res->findings, "dkim.testing_key", MC_SEV_INFO,
			"the key of d=%s s=%s says t=y (testing): receivers may treat the signature "
			"as absent", d, sel);
	size_t from_signed = 0;

	for (size_t i = 0; i < s->n_signed_headers; i++)
		from_signed += strcmp(s->signed_headers[i], "from") == 0;
	if (!*said_oversign && from_signed <= mc_message_count(msg, "From")) {
		*said_oversign = true;
		mc_finding_hint(mc_finding_add(&res->findings, "dkim.from_not_oversigned",
			MC_SEV_INFO, "signature d=%s does not over-sign From: a second From header "
			"added on the way would not break it", d),
			"list From in h= once more than it appears (over-signing) so that no From "
			"can be added");
	}
}

static mc_verdict overall(const mc_dkim_result *res)
{
	bool temp = false, fail = false;

	if (res->n_sigs == 0)
		return MC_VERDICT_NONE;
	for (size_t i = 0; i < res->n_sigs; i++) {
		if (res->sigs[i].verdict == MC_VERDICT_PASS)
			return MC_VERDICT_PASS;
		temp |= res->sigs[i].verdict == MC_VERDICT_TEMPERROR;
		fail |= res->sigs[i].verdict == MC_VERDICT_FAIL;
	}
	return temp ? MC_VERDICT_TEMPERROR : fail ? MC_VERDICT_FAIL : MC_VERDICT_PERMERROR;
}

/* The From domain, with a finding when there is not exactly one. */
static char *from_domain(const mc_message *msg, mc_findings *f)
{
	const char *why = NULL;
	char *d = mc_message_from_domain(msg, &why);

	if (!d && why)
		mc_finding_hint(mc_finding_add(f, "msg.from_not_single", MC_SEV_WARNING,
			"the message has %s: DMARC needs exactly one From address, and receivers "
			"may reject the message or skip DMARC", why),
			"send with exactly one From address");
	return d;
}

mc_status mc_dkim_finish(mc_dkim_verifier *v, const mc_message *msg, mc_dkim_result *out)
{
	DKIM_SIGINFO **sigs = NULL;
	int nsigs = 0;
	bool testkey = false, said_oversign = false;

	memset(out, 0, sizeof(*out));
	out->from_domain = from_domain(msg, &out->findings);
	if (v->dkim && !v->no_sigs) {
		dkim_eom(v->dkim, &testkey);
		if (dkim_getsiglist(v->dkim, &sigs, &nsigs) != DKIM_STAT_OK)
			nsigs = 0;
	}
	if (nsigs > 0 && !(out->sigs = calloc((size_t)nsigs, sizeof(*out->sigs))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (int i = 0; i < nsigs; i++) {
		describe(v, sigs[i], &out->sigs[out->n_sigs]);
		sig_findings(out, &out->sigs[out->n_sigs++], msg, (long long)v->now, &said_oversign);
	}
	out->verdict = overall(out);
	if (out->n_sigs == 0)
		mc_finding_hint(mc_finding_add(&out->findings, "dkim.none", MC_SEV_WARNING,
			"the message carries no DKIM signature: DMARC can then pass only through "
			"aligned SPF, which breaks on forwarding"),
			"sign outgoing mail with DKIM for the From domain (your mail server or "
			"provider can do it; publish the key at <selector>._domainkey.<domain>)");
	if (v->skipped_sigs)
		mc_finding_add(&out->findings, "dkim.too_many_signatures", MC_SEV_WARNING,
			"the message has %zu DKIM-Signature headers; only the first %d were checked",
			v->skipped_sigs + MC_DKIM_MAX_SIGNATURES, MC_DKIM_MAX_SIGNATURES);
	if (mc_dns_log_copy(v->r, v->log_start, &out->dns) != MC_OK)
		return MC_ENOMEM;
	mc_findings_dns(&out->findings, &out->dns);
	return MC_OK;
}

void mc_dkim_result_clear(mc_dkim_result *res)
{
	for (size_t i = 0; i < res->n_sigs; i++) {
		mc_dkim_sig *s = &res->sigs[i];

		free(s->domain);
		free(s->selector);
		free(s->algorithm);
		free(s->canonicalization);
		free(s->identity);
		free(s->body_hash);
		free(s->body_hash_computed);
		free(s->detail);
		for (size_t k = 0; k < s->n_signed_headers; k++)
			free(s->signed_headers[k]);
		free(s->signed_headers);
	}
	free(res->sigs);
	free(res->from_domain);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
