/*
 * The TLS of an SMTP server graded (include/mailcheck/net.h): handshakes
 * after STARTTLS, each in a session of its own, offering one protocol
 * version at a time, then shrinking sets of cipher suites (the server's
 * choice taken out each time, until it accepts none), the accepted suites
 * in reverse (does the server keep its own order?), one key exchange group
 * at a time, and the DHE suites alone (the size of its finite-field group).
 * OpenSSL offers everything it has at security level 0 -- TLS 1.0, 3DES,
 * static RSA -- so that what the server accepts is seen, not what a modern
 * client would allow.
 *
 * The grades are those of the NCSC-NL IT Security Guidelines for TLS
 * (v2.1, tables B1 to B5): TLS 1.3 good, 1.2 sufficient, 1.1 and 1.0 phase
 * out; ECDHE with AES-GCM or ChaCha20-Poly1305 good, ECDHE with AES-CBC and
 * DHE sufficient, 3DES and RSA key exchange phase out, the rest
 * insufficient; and so on (docs/findings.md, tls.*).
 */
#include <ctype.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/util.h"
#include "mailcheck/net.h"
#include "net/internal.h"

#define MAX_HANDSHAKES 400  /* per address, whatever the server answers */

const char *mc_tls_grade_name(mc_tls_grade g)
{
	static const char *const names[] = {"good", "sufficient", "phase_out", "insufficient"};

	return (unsigned)g < 4 ? names[g] : "?";
}

static const struct {
	const char *name;
	int version;
	mc_tls_grade grade;
} versions[MC_TLS_VERSIONS] = {
	{"TLSv1.3", TLS1_3_VERSION, MC_TLS_GOOD},      {"TLSv1.2", TLS1_2_VERSION, MC_TLS_SUFFICIENT},
	{"TLSv1.1", TLS1_1_VERSION, MC_TLS_PHASE_OUT}, {"TLSv1", TLS1_VERSION, MC_TLS_PHASE_OUT},
	{"SSLv3", SSL3_VERSION, MC_TLS_INSUFFICIENT},
};

/* TLS 1.3's suites (RFC 8446 B.4), OpenSSL's names. */
static const char *const suites13[] = {
	"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
	"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256",
};

/* The groups offered one at a time (B3: the ECDHE curves; RFC 7919's). */
static const struct {
	const char *name;
	mc_tls_grade grade;
	bool ffdhe;
} groups[] = {
	{"x25519", MC_TLS_GOOD, false}, {"x448", MC_TLS_GOOD, false},
	{"secp256r1", MC_TLS_GOOD, false}, {"secp384r1", MC_TLS_GOOD, false},
	/* not among the guidelines' good curves, and not weak */
	{"secp521r1", MC_TLS_SUFFICIENT, false},
	{"ffdhe2048", MC_TLS_PHASE_OUT, true}, {"ffdhe3072", MC_TLS_SUFFICIENT, true},
	{"ffdhe4096", MC_TLS_SUFFICIENT, true}, {"ffdhe6144", MC_TLS_SUFFICIENT, true},
	{"ffdhe8192", MC_TLS_SUFFICIENT, true},
};

/* What one handshake offers. */
struct offer {
	int version;          /* min = max */
	const char *ciphers;  /* TLS 1.2 and lower: an OpenSSL cipher list */
	const char *suites;   /* TLS 1.3 */
	const char *groups;   /* NULL: OpenSSL's */
	bool renegotiate;     /* then ask for a renegotiation (client-initiated) */
	bool early_data;      /* then read the session tickets: is 0-RTT offered? */
};

/* What it got. */
struct got {
	char cipher[64];
	const SSL_CIPHER *c;
	char group[32];
	int dh_bits;
	char kx_hash[32];
	int reneg, ems;
	int client_reneg;     /* asked only when the offer says so */
	int early_data;       /* the same */
};

struct scan {
	const char *host, *address;
	const mc_net_opts *o;
	mc_tls_scan *out;
	bool broken;          /* a handshake was cut short: stop */
	bool first_tls;       /* the certificate read once */
	char *refused_why;    /* why the last handshake was refused */
};

static void worst(mc_tls_grade *into, mc_tls_grade g)
{
	if (g > *into)
		*into = g;
}

/* The certificate: its key and signature, graded (B5 and B4). */
static void certificate(mc_tls_scan *s, SSL *ssl)
{
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	EVP_PKEY *key = leaf ? X509_get0_pubkey(leaf) : NULL;
	int sig = leaf ? X509_get_signature_nid(leaf) : NID_undef, md = NID_undef, pk = NID_undef;
	char curve[64] = "";
	size_t len = 0;

	if (!key)
		return;
	X509_NAME *issuer = X509_get_issuer_name(leaf);
	int at = issuer ? X509_NAME_get_index_by_NID(issuer, NID_organizationName, -1) : -1;
	ASN1_STRING *org = at >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, at)) : NULL;

	if (org)
		s->issuer = mc_strndup((const char *)ASN1_STRING_get0_data(org),
		                       (size_t)ASN1_STRING_length(org));
	s->key_bits = EVP_PKEY_get_bits(key);
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		s->key_type = mc_strdup("RSA");
		s->key_grade = s->key_bits >= 3072 ? MC_TLS_GOOD : s->key_bits >= 2048
		             ? MC_TLS_SUFFICIENT : MC_TLS_INSUFFICIENT;
		break;
	case EVP_PKEY_EC:
		s->key_type = mc_strdup("EC");
		if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), &len))
			s->key_curve = mc_strdup(curve);
		s->key_grade = !strcmp(curve, "prime256v1") || !strcmp(curve, "secp384r1")
		             ? MC_TLS_GOOD : !strcmp(curve, "secp521r1") ? MC_TLS_SUFFICIENT
		             : MC_TLS_INSUFFICIENT;
		break;
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		s->key_type = mc_strdup(EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? "ED25519"
		                                                                      : "ED448");
		s->key_grade = MC_TLS_GOOD;
		break;
	default:
		s->key_type = mc_strdup(OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
		s->key_grade = MC_TLS_INSUFFICIENT;
	}
	s->signature = mc_strdup(OBJ_nid2ln(sig));
	OBJ_find_sigid_algs(sig, &md, &pk);
	s->signature_grade = md == NID_sha256 || md == NID_sha384 || md == NID_sha512 ||
	                     sig == NID_ED25519 || sig == NID_ED448 || md == NID_undef
	                     ? (sig == NID_undef ? MC_TLS_INSUFFICIENT : MC_TLS_GOOD)
	                     : MC_TLS_INSUFFICIENT;
}

const char *mc_tls_rollover_name(mc_tls_rollover r)
{
	static const char *const names[] = {"none", "ready", "current_only", "mismatch"};

	return (unsigned)r < 4 ? names[r] : "?";
}

/* What a TLSA record's selector and matching type make of a certificate
 * (RFC 6698 2.1.2, 2.1.3): the certificate or its SubjectPublicKeyInfo,
 * whole or its SHA-256 or SHA-512; its length, 0 when it cannot. */
static size_t tlsa_data(X509 *cert, unsigned selector, unsigned mtype, unsigned char *out,
                        size_t size)
{
	unsigned char *der = NULL;
	int len = selector == 0 ? i2d_X509(cert, &der)
	        : selector == 1 ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der) : -1;
	unsigned int n = 0;
	size_t got = 0;

	if (len <= 0)
		return 0;
	if (mtype == 0 && (size_t)len <= size) {
		memcpy(out, der, (size_t)len);
		got = (size_t)len;
	} else if ((mtype == 1 || mtype == 2) &&
	           EVP_Digest(der, (size_t)len, out, &n, mtype == 1 ? EVP_sha256() : EVP_sha512(),
	                      NULL)) {
		got = n;
	}
	OPENSSL_free(der);
	return got;
}

/* Each TLSA record against the certificates presented: DANE-EE (3) the
 * server's own, DANE-TA (2) one of its chain (RFC 7672 3.1); PKIX usages
 * (0, 1) are not used by SMTP senders. */
static void match_tlsa(mc_tls_scan *s, SSL *ssl)
{
	X509 *leaf = SSL_get0_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);

	for (size_t i = 0; i < s->n_tlsa && leaf; i++) {
		mc_tls_tlsa *t = &s->tlsa[i];
		unsigned u, sel, m, want_len = 0;
		unsigned char want[4096], got[4096];
		int used = 0, depth, top = chain ? sk_X509_num(chain) : 1;
		const char *hex;

		t->matches = -1;
		if (sscanf(t->record, "%u %u %u %n", &u, &sel, &m, &used) != 3)
			continue;
		for (hex = t->record + used; *hex && want_len < sizeof(want); hex++)
			if (isxdigit((unsigned char)hex[0]) && isxdigit((unsigned char)hex[1]))
				sscanf(hex++, "%2hhx", &want[want_len++]);
		t->usable = (u == 2 || u == 3) && sel <= 1 && m <= 2 && want_len > 0;
		for (depth = u == 3 ? 0 : 1; t->usable && t->matches < 0 && depth < (u == 3 ? 1 : top);
		     depth++) {
			X509 *c = depth == 0 ? leaf : sk_X509_value(chain, depth);
			size_t n = c ? tlsa_data(c, sel, m, got, sizeof(got)) : 0;

			if (n == want_len && memcmp(got, want, n) == 0)
				t->matches = depth;
		}
	}
}

/* RFC 7671 8.1 and 8.4: a set that holds a record for the issuing CA, or a
 * DANE-EE record the current certificate does not match (the next key),
 * survives a certificate change; one with only the key in use does not. */
static void judge_rollover(mc_tls_scan *s)
{
	size_t usable = 0, matched = 0, ta = 0, next = 0;

	for (size_t i = 0; i < s->n_tlsa; i++) {
		const mc_tls_tlsa *t = &s->tlsa[i];

		if (!t->usable)
			continue;
		usable++;
		matched += t->matches >= 0;
		ta += t->matches > 0;
		next += t->matches < 0 && t->record[0] == '3';
	}
	s->rollover = !usable ? MC_TLS_ROLLOVER_NONE : !matched ? MC_TLS_ROLLOVER_MISMATCH
	            : ta || next ? MC_TLS_ROLLOVER_READY : MC_TLS_ROLLOVER_CURRENT_ONLY;
}

static void fill(struct scan *sc, SSL *ssl, struct got *g)
{
	EVP_PKEY *tmp = NULL;
	int nid = NID_undef;

	g->c = SSL_get_current_cipher(ssl);
	snprintf(g->cipher, sizeof(g->cipher), "%s", g->c ? SSL_CIPHER_get_name(g->c) : "");
	nid = SSL_get_negotiated_group(ssl);
	if (nid != NID_undef && nid != 0)
		snprintf(g->group, sizeof(g->group), "%s", MC_OR(SSL_group_to_name(ssl, nid), ""));
	if (SSL_get_peer_tmp_key(ssl, &tmp) > 0) {
		if (EVP_PKEY_get_base_id(tmp) == EVP_PKEY_DH)
			g->dh_bits = EVP_PKEY_get_bits(tmp);
		EVP_PKEY_free(tmp);
	}
	if (SSL_get_peer_signature_nid(ssl, &nid) > 0 && nid != NID_undef)
		snprintf(g->kx_hash, sizeof(g->kx_hash), "%s", OBJ_nid2sn(nid));
	g->reneg = SSL_version(ssl) < TLS1_3_VERSION ? (int)SSL_get_secure_renegotiation_support(ssl)
	                                               : -1;
	g->ems = SSL_version(ssl) < TLS1_3_VERSION ? SSL_get_extms_support(ssl) : -1;
	if (!sc->first_tls) {
		mc_smtp_probe p = {0};

		mc_smtp_judge_certificate(ssl, sc->host, sc->o, &p);
		sc->out->chain_ok = p.chain_ok;
		sc->out->chain_error = p.chain_error; /* taken */
		p.chain_error = NULL;
		sc->out->name_ok = p.name_ok;
		sc->out->not_after = p.not_after;
		sc->out->days_left = p.days_left;
		mc_smtp_probe_clear(&p);
		certificate(sc->out, ssl);
		match_tlsa(sc->out, ssl);
		judge_rollover(sc->out);
		sc->first_tls = true;
	}
}

static SSL_CTX *context(const struct offer *f)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0); /* offer what the server may accept */
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	if (!SSL_CTX_set_min_proto_version(ctx, f->version) ||
	    !SSL_CTX_set_max_proto_version(ctx, f->version) ||
	    (f->version == TLS1_3_VERSION
	     ? !SSL_CTX_set_ciphersuites(ctx, f->suites ? f->suites : "")
	     : !SSL_CTX_set_cipher_list(ctx, f->ciphers ? f->ciphers : "ALL:COMPLEMENTOFALL")) ||
	    (f->groups && !SSL_CTX_set1_groups_list(ctx, f->groups))) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * One session and handshake: 1 accepted (g filled), 0 not (the server said
 * no, or closed at once), -1 no session (connect, greeting, STARTTLS: the
 * first error kept) or a handshake cut short after the server answered,
 * or one that ran out of time (sc->broken).
 */
static int try_once(struct scan *sc, const struct offer *f, struct got *g)
{
	mc_tls_scan *s = sc->out;
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	mc_smtp_stage stage;
	char *why = NULL;
	int fd, r = -1;

	memset(g, 0, sizeof(*g));
	if (sc->broken || s->handshakes >= MAX_HANDSHAKES)
		return -1;
	if (!(ctx = context(f)))
		return 0; /* nothing this OpenSSL can offer */
	s->handshakes++;
	if ((fd = mc_smtp_tls_session(sc->address, s->port, s->implicit, sc->o, &stage, &why)) < 0) {
		if (sc->first_tls && !s->cut_why) { /* graded in part: a later session refused
		                                      * (a limit of connections, say) */
			s->cut_short = true;
			s->cut_why = why;
		} else if (!sc->first_tls && !s->error) {
			s->error = why;
			s->stage = stage;
		} else {
			free(why);
		}
		why = NULL;
		sc->broken = true;
	} else if (!(ssl = SSL_new(ctx))) {
		r = 0;
	} else {
		SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
		SSL_set_tlsext_host_name(ssl, sc->host);
		if (mc_smtp_tls_handshake(fd, ssl, sc->o, &why) == 0) {
			fill(sc, ssl, g);
			g->client_reneg = f->renegotiate ? mc_smtp_tls_renegotiate(fd, ssl, sc->o) : -1;
			g->early_data = f->early_data ? mc_smtp_tls_early_data(fd, ssl, s->implicit, sc->o)
			                              : -1;
			SSL_write(ssl, "QUIT\r\n", 6);
			r = 1;
		} else if (SSL_get_pending_cipher(ssl) || strstr(why, "within")) {
			/* the server chose, then broke off (or never answered) */
			s->cut_short = sc->broken = true;
			s->cut_why = why;
			why = NULL;
		} else {
			r = 0;
			free(sc->refused_why);
			sc->refused_why = why;
			why = NULL;
		}
	}
	free(why);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	return r;
}

/* ---- cipher suites ---- */

/* B2: a suite by its key exchange, authentication, cipher and MAC. */
static mc_tls_grade suite_grade(const SSL_CIPHER *c)
{
	int kx = SSL_CIPHER_get_kx_nid(c), auth = SSL_CIPHER_get_auth_nid(c);
	int enc = SSL_CIPHER_get_cipher_nid(c);
	bool aead = enc == NID_aes_256_gcm || enc == NID_aes_128_gcm || enc == NID_chacha20_poly1305;
	bool cbc = enc == NID_aes_256_cbc || enc == NID_aes_128_cbc;

	if (kx == NID_kx_any) /* TLS 1.3 */
		return aead ? MC_TLS_GOOD : enc == NID_aes_128_ccm ? MC_TLS_SUFFICIENT
		                                                   : MC_TLS_PHASE_OUT;
	if (auth == NID_auth_null || (auth != NID_auth_rsa && auth != NID_auth_ecdsa))
		return MC_TLS_INSUFFICIENT; /* anonymous, PSK, SRP */
	if (kx == NID_kx_ecdhe)
		return aead ? MC_TLS_GOOD : cbc ? MC_TLS_SUFFICIENT
		       : enc == NID_des_ede3_cbc ? MC_TLS_PHASE_OUT : MC_TLS_INSUFFICIENT;
	if (kx == NID_kx_dhe)
		return aead || cbc ? MC_TLS_SUFFICIENT
		       : enc == NID_des_ede3_cbc ? MC_TLS_PHASE_OUT : MC_TLS_INSUFFICIENT;
	if (kx == NID_kx_rsa)
		return aead || cbc || enc == NID_des_ede3_cbc ? MC_TLS_PHASE_OUT : MC_TLS_INSUFFICIENT;
	return MC_TLS_INSUFFICIENT;
}

static void add_suite(mc_tls_scan *s, const SSL_CIPHER *c, const char *version)
{
	if (!c || s->n_suites == MC_TLS_MAX_SUITES)
		return;
	int kx = SSL_CIPHER_get_kx_nid(c);

	s->suites[s->n_suites++] = (mc_tls_suite){
		.name = SSL_CIPHER_get_name(c), .iana = SSL_CIPHER_standard_name(c),
		.version = version, .grade = suite_grade(c),
		.kx = kx == NID_kx_ecdhe ? "ECDHE" : kx == NID_kx_dhe ? "DHE" : kx == NID_kx_rsa ? "RSA"
		    : kx == NID_kx_any ? "any" : "other"};
	if (SSL_CIPHER_get_kx_nid(c) == NID_kx_rsa)
		s->static_rsa = true;
}

/* The names OpenSSL can offer under one version (below 1.3), into names. */
static size_t offerable(int version, const char **names, size_t max)
{
	struct offer f = {.version = version};
	SSL_CTX *ctx = context(&f);
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;
	STACK_OF(SSL_CIPHER) *all = ssl ? SSL_get1_supported_ciphers(ssl) : NULL;
	size_t n = 0;

	for (int i = 0; all && i < sk_SSL_CIPHER_num(all) && n < max; i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);

		/* those the version allows (the SSL's own range); 1.3's are apart */
		if (SSL_CIPHER_get_kx_nid(c) != NID_kx_any)
			names[n++] = SSL_CIPHER_get_name(c);
	}
	sk_SSL_CIPHER_free(all);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return n;
}

static char *joined(const char *const *names, size_t n)
{
	mc_buf b = {0};

	for (size_t i = 0; i < n; i++)
		mc_buf_addf(&b, "%s%s", i ? ":" : "", names[i]);
	return mc_buf_take(&b);
}

/* Offer the names, take out the one chosen, again, until none is accepted:
 * the accepted suites in the order the server chose them. */
static void enumerate(struct scan *sc, int vi, const char **names, size_t n)
{
	bool tls13 = versions[vi].version == TLS1_3_VERSION;

	while (n > 0) {
		char *list = joined(names, n);
		struct offer f = {.version = versions[vi].version, .ciphers = tls13 ? NULL : list,
		                  .suites = tls13 ? list : NULL};
		struct got g;
		int r = try_once(sc, &f, &g);
		size_t k;

		free(list);
		if (r != 1 || !g.c)
			return;
		add_suite(sc->out, g.c, versions[vi].name);
		for (k = 0; k < n && strcmp(names[k], g.cipher); k++)
			;
		if (k == n)
			return; /* a suite not offered: do not loop */
		names[k] = names[--n];
	}
}

/* Does the server keep its own order? The suites of a version offered in
 * the reverse of the order it chose them: the same first choice says yes. */
static void server_order(struct scan *sc, int vi)
{
	mc_tls_scan *s = sc->out;
	const char *names[MC_TLS_MAX_SUITES];
	size_t n = 0;
	bool tls13 = versions[vi].version == TLS1_3_VERSION;
	char *list;
	struct got g;

	for (size_t i = s->n_suites; i-- > 0;)
		if (s->suites[i].version == versions[vi].name)
			names[n++] = s->suites[i].name;
	if (n < 2)
		return;
	list = joined(names, n);
	if (try_once(sc, &(struct offer){.version = versions[vi].version,
	                                 .ciphers = tls13 ? NULL : list,
	                                 .suites = tls13 ? list : NULL}, &g) == 1)
		s->server_order = strcmp(g.cipher, names[n - 1]) == 0;
	free(list);
}

/* ---- key exchange ---- */

static void key_exchange(struct scan *sc, bool tls13, bool ecdhe12)
{
	mc_tls_scan *s = sc->out;

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct got g;

		if (!tls13 && (!ecdhe12 || groups[i].ffdhe))
			continue; /* named DH groups are TLS 1.3's (RFC 7919 in 1.2: rarely) */
		if (try_once(sc, &(struct offer){.version = tls13 ? TLS1_3_VERSION : TLS1_2_VERSION,
		                                 .suites = tls13 ? "TLS_AES_256_GCM_SHA384:"
		                                 "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
		                                 "TLS_AES_128_CCM_SHA256" : NULL,
		                                 .ciphers = tls13 ? NULL : "kECDHE",
		                                 .groups = groups[i].name}, &g) == 1 &&
		    s->n_groups < MC_TLS_MAX_GROUPS)
			s->groups[s->n_groups++] = (mc_tls_group){groups[i].name, groups[i].grade};
	}
}

/* The DHE suites alone: the size of the server's own DH group (B3). */
static void dhe_size(struct scan *sc, int vi)
{
	mc_tls_scan *s = sc->out;
	const char *names[MC_TLS_MAX_SUITES];
	size_t n = 0;
	char *list;
	struct got g;

	for (size_t i = 0; i < s->n_suites; i++)
		if (s->suites[i].version == versions[vi].name && !strcmp(s->suites[i].kx, "DHE"))
			names[n++] = s->suites[i].name;
	if (!n)
		return;
	list = joined(names, n);
	if (try_once(sc, &(struct offer){.version = versions[vi].version, .ciphers = list}, &g) == 1 &&
	    g.dh_bits > 0) {
		s->dh_bits = g.dh_bits;
		s->dh_grade = g.dh_bits >= 3072 ? MC_TLS_SUFFICIENT : g.dh_bits >= 2048
		            ? MC_TLS_PHASE_OUT : MC_TLS_INSUFFICIENT;
	}
	free(list);
}

/* ---- the scan ---- */

/* Each version alone; what a handshake under 1.2 shows of renegotiation,
 * the extended master secret and the key exchange's hash. */
static void probe_versions(struct scan *sc)
{
	mc_tls_scan *s = sc->out;

	for (int v = 0; v < MC_TLS_VERSIONS && !sc->broken; v++) {
		struct offer f = {.version = versions[v].version,
		                  .suites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
		                            "TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:"
		                            "TLS_AES_128_CCM_8_SHA256",
		                  /* B8: client-initiated renegotiation, under the best below 1.3 */
		                  .renegotiate = versions[v].version < TLS1_3_VERSION &&
		                                 s->client_renegotiation < 0,
		                  /* B7: 0-RTT, under TLS 1.3 */
		                  .early_data = versions[v].version == TLS1_3_VERSION};
		SSL_CTX *can = context(&f);
		struct got g;

		s->versions[v] = (mc_tls_version){.name = versions[v].name, .testable = can != NULL,
		                                  .grade = versions[v].grade};
		SSL_CTX_free(can);
		if (!can || try_once(sc, &f, &g) != 1)
			continue;
		s->versions[v].accepted = true;
		if (g.kx_hash[0] && !s->kx_hash)
			s->kx_hash = mc_strdup(g.kx_hash);
		if (g.reneg >= 0 && s->secure_renegotiation < 0)
			s->secure_renegotiation = g.reneg;
		if (g.ems >= 0 && s->extended_master_secret < 0)
			s->extended_master_secret = g.ems;
		if (g.client_reneg >= 0 && s->client_renegotiation < 0)
			s->client_renegotiation = g.client_reneg;
		if (g.early_data >= 0)
			s->early_data = g.early_data;
	}
	if (s->kx_hash) /* B3-5 (RFC 9155: no SHA-1 or MD5 in TLS 1.2 signatures) */
		s->kx_hash_grade = !strcasecmp(s->kx_hash, "SHA256") || !strcasecmp(s->kx_hash, "SHA384")
		                   || !strcasecmp(s->kx_hash, "SHA512") ? MC_TLS_GOOD
		                   : !strcasecmp(s->kx_hash, "SHA1") ? MC_TLS_PHASE_OUT
		                   : MC_TLS_INSUFFICIENT;
}

static void suites_and_order(struct scan *sc)
{
	mc_tls_scan *s = sc->out;
	int order_of = -1;

	for (int v = 0; v < MC_TLS_VERSIONS - 1 && !sc->broken; v++) {
		const char *names[256];
		size_t n;

		if (!s->versions[v].accepted)
			continue;
		if (versions[v].version == TLS1_3_VERSION) {
			n = sizeof(suites13) / sizeof(suites13[0]);
			memcpy(names, suites13, sizeof(suites13));
		} else {
			n = offerable(versions[v].version, names, 256);
		}
		enumerate(sc, v, names, n);
		if (order_of < 0 || versions[v].version != TLS1_3_VERSION)
			order_of = order_of < 0 || versions[order_of].version == TLS1_3_VERSION ? v : order_of;
	}
	if (order_of >= 0 && !sc->broken)
		server_order(sc, order_of);
	for (int v = 0; v < MC_TLS_VERSIONS - 1 && !sc->broken; v++)
		if (s->versions[v].accepted && versions[v].version < TLS1_3_VERSION) {
			dhe_size(sc, v);
			break; /* the highest below 1.3 */
		}
}

static bool has_ecdhe12(const mc_tls_scan *s)
{
	for (size_t i = 0; i < s->n_suites; i++)
		if (!strcmp(s->suites[i].kx, "ECDHE") && !strcmp(s->suites[i].version, "TLSv1.2"))
			return true;
	return false;
}

/* The worst grade of all that was seen. */
static void overall(mc_tls_scan *s)
{
	s->grade = MC_TLS_GOOD;
	for (int v = 0; v < MC_TLS_VERSIONS; v++)
		if (s->versions[v].accepted)
			worst(&s->grade, s->versions[v].grade);
	for (size_t i = 0; i < s->n_suites; i++)
		worst(&s->grade, s->suites[i].grade);
	for (size_t i = 0; i < s->n_groups; i++)
		worst(&s->grade, s->groups[i].grade);
	if (s->dh_bits)
		worst(&s->grade, s->dh_grade);
	if (s->kx_hash)
		worst(&s->grade, s->kx_hash_grade);
	if (s->key_type) {
		worst(&s->grade, s->key_grade);
		worst(&s->grade, s->signature_grade);
	}
	if (s->secure_renegotiation == 0)
		worst(&s->grade, MC_TLS_INSUFFICIENT);
}

mc_status mc_tls_scan_run(const mc_tls_target *t, const mc_net_opts *o, mc_tls_scan *out)
{
	const char *host = t->host, *address = t->address;
	struct scan sc = {.host = host, .address = address, .o = o, .out = out};
	const char *refused = mc_net_refused_address(address);
	double t0 = mc_now_ms();

	memset(out, 0, sizeof(*out));
	out->host = mc_strdup(host);
	out->address = mc_strdup(address);
	out->port = t->port ? t->port : o && o->smtp_port ? o->smtp_port : 25;
	out->implicit = t->implicit;
	out->service = t->service ? t->service : "smtp";
	out->server_order = out->secure_renegotiation = out->extended_master_secret = -1;
	out->client_renegotiation = out->caa_allowed = out->early_data = -1;
	out->tlsa_authenticated = t->authenticated;
	for (size_t i = 0; i < t->n_tlsa && out->n_tlsa < MC_TLS_MAX_TLSA; i++)
		out->tlsa[out->n_tlsa++] = (mc_tls_tlsa){.record = mc_strdup(t->tlsa[i]), .matches = -1};
	if (!out->host || !out->address)
		return MC_ENOMEM;
	for (int v = 0; v < MC_TLS_VERSIONS; v++)
		out->versions[v] = (mc_tls_version){.name = versions[v].name, .grade = versions[v].grade};
	if (refused && !(o && o->allow_private)) {
		out->stage = MC_SMTP_REFUSED;
		/* TRANSLATORS: smtp: an address and what it is (loopback, private, ...) */
		out->error = mc_both(&out->error_text, N_("%1$s is %2$s: not probed (--allow-private "
		                     "probes it)"), (address, refused), (address, _(refused)));
		return MC_OK;
	}
	probe_versions(&sc);
	if (!out->error && !out->cut_short && !out->versions[0].accepted &&
	    !out->versions[1].accepted && !out->versions[2].accepted && !out->versions[3].accepted) {
		out->stage = MC_SMTP_TLS;
		out->error = mc_asprintf_both(&out->error_text, "STARTTLS is offered, but no TLS "
		                              "handshake succeeded (TLS 1.0 to 1.3 tried): %s",
		                              MC_OR(sc.refused_why, "?"));
	}
	if (!out->error) {
		suites_and_order(&sc);
		key_exchange(&sc, out->versions[0].accepted, has_ecdhe12(out));
	}
	free(sc.refused_why);
	overall(out);
	out->ms = mc_now_ms() - t0;
	return MC_OK;
}

void mc_tls_scan_clear(mc_tls_scan *s)
{
	free(s->host);
	free(s->address);
	free(s->error);
	free(s->error_text);
	free(s->kx_hash);
	free(s->key_type);
	free(s->key_curve);
	free(s->signature);
	free(s->cut_why);
	for (size_t i = 0; i < s->n_tlsa; i++)
		free(s->tlsa[i].record);
	free(s->issuer);
	free(s->chain_error);
	free(s->caa_name);
	for (size_t i = 0; i < s->n_caa_issue; i++)
		free(s->caa_issue[i]);
	memset(s, 0, sizeof(*s));
}
