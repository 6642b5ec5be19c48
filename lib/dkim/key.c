/*
 * A published DKIM key: SEL._domainkey.DOMAIN (RFC 6376 3.6.1), its tags
 * validated, the key itself parsed (RSA with OpenSSL, ed25519 32 bytes per
 * RFC 8463), and RFC 8301's rules (RSA of at least 1024 bits, sha256).
 */
#include <ctype.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dkim/internal.h"

static mc_finding *problem(mc_dkim_key *k, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static mc_finding *problem(mc_dkim_key *k, const char *code, const char *fmt, ...)
{
	va_list ap;
	mc_finding *f;

	va_start(ap, fmt);
	f = mc_finding_addv(&k->findings, code, MC_SEV_ERROR, fmt, ap);
	va_end(ap);
	return f;
}

/* RFC 6376 2.4 base64string (its FWS removed): the base64 alphabet, then
 * at most two '=' at the very end -- nothing after the padding. */
static bool base64string(const char *in, size_t n)
{
	size_t pad = 0;

	while (pad < n && pad < 2 && in[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++)
		if (!isalnum((unsigned char)in[i]) && in[i] != '+' && in[i] != '/')
			return false;
	return n % 4 == 0;
}

long dkim_decode64(const char *in, unsigned char **out)
{
	size_t n = strlen(in);
	unsigned char *buf = malloc(n / 4 * 3 + 3);
	int len;

	*out = NULL;
	if (!buf || !base64string(in, n)) {
		free(buf);
		return -1;
	}
	len = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
	if (len < 0) {
		free(buf);
		return -1;
	}
	while (n > 0 && in[n - 1] == '=') { /* EVP_DecodeBlock counts the padding */
		len--;
		n--;
	}
	*out = buf;
	return len;
}

/* One DER element of the given universal tag at *p (before end): its
 * contents; *p moves past it. Definite lengths only (DER). */
static bool der_next(const unsigned char **p, const unsigned char *end, int tag,
                     bool constructed, const unsigned char **body, long *len)
{
	const unsigned char *q = *p;
	long l;
	int t, c, r;

	if (*p >= end)
		return false;
	r = ASN1_get_object(&q, &l, &t, &c, end - *p);
	if ((r & 0x80) || r == 0x21 || t != tag || c != V_ASN1_UNIVERSAL ||
	    !!(r & V_ASN1_CONSTRUCTED) != constructed || l > end - q)
		return false;
	*body = q;
	*len = l;
	*p = q + l;
	return true;
}

/* A positive INTEGER in its minimal form: its significant bytes. */
static bool der_positive(const unsigned char *v, long len, const unsigned char **sig, long *n)
{
	if (len < 1 || (v[0] & 0x80) || (len > 1 && v[0] == 0 && !(v[1] & 0x80)))
		return false;
	if (v[0] == 0 && len > 1) {
		v++;
		len--;
	}
	*sig = v;
	*n = len;
	return len > 1 || v[0] != 0;
}

int dkim_spki_rsa_bits(const unsigned char *der, long len)
{
	/* RFC 3279 2.3.1: rsaEncryption, parameters NULL */
	static const unsigned char rsa_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
	const unsigned char *p = der, *end = der + len, *spki, *alg, *a, *oid, *nul, *bs, *k, *rk,
	                    *r, *m, *e, *sig;
	long sl, al, ol, nl, bl, rl, ml, el, n;

	/* RFC 5280 4.1: SubjectPublicKeyInfo ::= SEQUENCE { algorithm
	 * AlgorithmIdentifier, subjectPublicKey BIT STRING }; RFC 8017 A.1.1:
	 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
	if (!der_next(&p, end, V_ASN1_SEQUENCE, true, &spki, &sl) || p != end)
		return -1;
	p = spki;
	end = spki + sl;
	if (!der_next(&p, end, V_ASN1_SEQUENCE, true, &alg, &al))
		return -1;
	a = alg;
	if (!der_next(&a, alg + al, V_ASN1_OBJECT, false, &oid, &ol) || ol != sizeof(rsa_oid) ||
	    memcmp(oid, rsa_oid, sizeof(rsa_oid)) != 0 ||
	    !der_next(&a, alg + al, V_ASN1_NULL, false, &nul, &nl) || nl != 0 || a != alg + al)
		return -1;
	if (!der_next(&p, end, V_ASN1_BIT_STRING, false, &bs, &bl) || p != end || bl < 1 || bs[0])
		return -1;
	k = bs + 1;
	if (!der_next(&k, bs + bl, V_ASN1_SEQUENCE, true, &rk, &rl) || k != bs + bl)
		return -1;
	r = rk;
	if (!der_next(&r, rk + rl, V_ASN1_INTEGER, false, &m, &ml) ||
	    !der_next(&r, rk + rl, V_ASN1_INTEGER, false, &e, &el) || r != rk + rl ||
	    !der_positive(e, el, &sig, &n) || !der_positive(m, ml, &sig, &n) || n > 2048)
		return -1;
	int bits = (int)(n - 1) * 8;

	for (unsigned c = sig[0]; c; c >>= 1)
		bits++;
	return bits;
}

/* An RSA public key in DER: its size in bits (-1 when it is not one) and
 * whether it is a bare PKCS#1 RSAPublicKey instead of SubjectPublicKeyInfo.
 * The usual form, an RSA SubjectPublicKeyInfo, is read by walking its DER
 * (OpenSSL 3.0's key decoder costs ~0.3 ms a key, most of a domain check);
 * anything else goes to OpenSSL. */
int dkim_rsa_bits(const unsigned char *der, long len, bool *pkcs1)
{
	const unsigned char *p = der;
	EVP_PKEY *pk;
	int bits = dkim_spki_rsa_bits(der, len);

	*pkcs1 = false;
	if (bits > 0)
		return bits;
	pk = d2i_PUBKEY(NULL, &p, len);
	bits = -1;
	if (pk && p != der + len) { /* trailing bytes: not a key */
		EVP_PKEY_free(pk);
		return -1;
	}
	if (!pk) {
		p = der;
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
		*pkcs1 = pk && p == der + len;
		if (!*pkcs1) {
			EVP_PKEY_free(pk);
			return -1;
		}
	}
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA)
		bits = EVP_PKEY_get_bits(pk);
	EVP_PKEY_free(pk);
	return bits;
}

void dkim_pkcs1_finding(mc_findings *f, const char *name)
{
	mc_finding_hint(mc_finding_add(f, "dkim.key_pkcs1", MC_SEV_WARNING,
		"the RSA key at %s is published as a PKCS#1 RSAPublicKey, not as the "
		"SubjectPublicKeyInfo nearly every key uses: RFC 6376 3.6.1's text allows it, and "
		"mailcheck and dkimpy verify with it, but libopendkim (OpenDKIM) and mailauth "
		"cannot read it, so receivers running them see a broken key and DKIM fails there",
		name),
		"republish the same key as SubjectPublicKeyInfo at %s: echo '<p= value>' | "
		"base64 -d | openssl rsa -RSAPublicKey_in -inform DER -pubout -outform DER | "
		"base64 -w0 (no new selector needed: the key does not change)", name);
}

static void check_key_material(mc_dkim_key *k, const char *p)
{
	unsigned char *der;
	long len = dkim_decode64(p, &der);

	if (len < 0) {
		mc_finding_hint(problem(k, "dkim.key_syntax", "p= of %s is not valid base64", k->name),
			"publish the public key base64-encoded, without spaces inside");
	} else if (strcasecmp(k->key_type, "ed25519") == 0) {
		if (len != 32)
			mc_finding_hint(problem(k, "dkim.key_syntax", "p= of %s holds %ld bytes; an "
				"ed25519 key is 32 bytes (RFC 8463 4.2)", k->name, len),
				"publish the raw 32-byte public key, base64-encoded (not the DER form)");
		else
			k->key_bits = 256;
	} else {
		bool pkcs1;

		k->key_bits = dkim_rsa_bits(der, len, &pkcs1);
		k->key_format = k->key_bits < 0 ? NULL : pkcs1 ? "pkcs1" : "spki";
		if (pkcs1)
			dkim_pkcs1_finding(&k->findings, k->name);
		if (k->key_bits < 0) {
			k->key_bits = 0;
			mc_finding_hint(problem(k, "dkim.key_syntax", "p= of %s is not an RSA public "
				"key", k->name), "publish the SubjectPublicKeyInfo of the RSA key "
				"(openssl rsa -pubout, without the PEM lines)");
		} else if (k->key_bits < 1024) {
			mc_finding_hint(problem(k, "dkim.weak_key", "the RSA key of %s has %d bits; "
				"RFC 8301 verifiers reject keys under 1024 bits", k->name, k->key_bits),
				"generate a 2048-bit key and publish it under a new selector");
		} else if (k->key_bits < 2048) {
			mc_finding_hint(mc_finding_add(&k->findings, "dkim.key_1024", MC_SEV_WARNING,
				"the RSA key of %s has %d bits: accepted, but weak by today's standards",
				k->name, k->key_bits),
				"rotate to a 2048-bit key (under a new selector)");
		}
	}
	free(der);
}

static void check_flags(mc_dkim_key *k, const mc_tags *tags)
{
	char *t = mc_tag_value(tags, "t");

	k->testing = t && strchr(t, 'y');
	k->strict_identity = t && strchr(t, 's');
	if (k->testing)
		mc_finding_hint(mc_finding_add(&k->findings, "dkim.testing_key", MC_SEV_WARNING,
			"the key of %s says t=y (testing): receivers may treat its signatures as "
			"absent", k->name), "remove t=y once signing works");
	k->hashes = mc_tag_value(tags, "h");
	if (k->hashes && !strstr(k->hashes, "sha256"))
		mc_finding_hint(problem(k, "dkim.key_type_mismatch", "the key of %s allows only "
			"h=%s; RFC 8301 verifiers need sha256", k->name, k->hashes),
			"remove h= or set h=sha256");
	k->services = mc_tag_value(tags, "s");
	if (k->services && !strstr(k->services, "email") && !strchr(k->services, '*'))
		mc_finding_hint(problem(k, "dkim.key_syntax", "the key of %s is for s=%s, not "
			"e-mail", k->name, k->services), "remove s= or set s=email");
	k->notes = mc_tag_value(tags, "n");
	free(t);
}

void dkim_key_record_check(mc_dkim_key *k, const char *rec, size_t len)
{
	mc_tags tags;
	size_t pos = 0;
	const char *why = mc_tags_parse(rec, len, &tags, &pos);
	char *v, *p;

	if (why) {
		mc_finding_hint(mc_finding_both(&k->findings, "dkim.key_syntax", MC_SEV_ERROR,
			"the key record of %s is malformed at position %zu: %s", (k->name, pos, why),
			(k->name, pos, _(why))), "publish: v=DKIM1; k=rsa; p=<key>");
		return;
	}
	v = mc_tag_value(&tags, "v");
	if (v && (strcmp(v, "DKIM1") != 0 || strcmp(tags.t[0].name, "v") != 0))
		mc_finding_hint(problem(k, "dkim.key_syntax", "v= of %s must be DKIM1 and the "
			"first tag (RFC 6376 3.6.1)", k->name), "start the record with v=DKIM1;");
	free(v);
	k->key_type = mc_tag_value(&tags, "k");
	if (!k->key_type)
		k->key_type = mc_strdup("rsa");
	if (strcasecmp(k->key_type, "rsa") && strcasecmp(k->key_type, "ed25519"))
		mc_finding_hint(problem(k, "dkim.key_type_mismatch", "k=%s of %s is not a key type "
			"verifiers know (rsa, ed25519)", k->key_type, k->name), "use k=rsa");
	p = mc_tag_value(&tags, "p");
	if (!p)
		mc_finding_hint(problem(k, "dkim.key_syntax", "the key record of %s has no p= tag",
			k->name), "add p=<base64 public key>");
	else if (!*p)
		mc_finding_hint(problem(k, "dkim.key_revoked", "the key of %s is revoked (empty "
			"p=): signatures with this selector fail", k->name),
			"sign with another selector; keep the revoked record only while old mail "
			"is in transit");
	else
		check_key_material(k, p);
	free(p);
	check_flags(k, &tags);
}

mc_status mc_dkim_key_check(mc_resolver *r, const char *domain, const char *selector,
                            mc_dkim_key *out)
{
	size_t log_start = mc_dns_log_size(r), found = 0;
	const mc_dns_answer *a;
	const mc_dns_rr *txt = NULL;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = mc_domain_normalize(domain, &out->domain)) != MC_OK)
		return st;
	out->selector = mc_dns_name_fold(selector);
	out->name = mc_asprintf("%s._domainkey.%s", out->selector, out->domain);
	if (!out->selector || !out->name)
		return mc_error_set(MC_ENOMEM, "out of memory");
	/* RFC 6376 3.1: selector = sub-domain *( "." sub-domain ) */
	if (!*out->selector || mc_dns_name_problem(out->name) ||
	    strspn(out->selector, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(out->selector))
		return mc_error_set(MC_EINVAL, "invalid selector '%s': letters, digits, '-', '_' "
		                    "and '.' only", selector);
	if (!(a = mc_dns_lookup(r, out->name, MC_RR_TXT)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_TXT && found++ == 0)
			txt = &a->rrs[i];
	if (mc_dns_status_is_temporary(a->status)) {
		out->verdict = MC_VERDICT_TEMPERROR;
		mc_finding_hint(mc_finding_both(&out->findings, "dkim.key_dns_error", MC_SEV_ERROR,
			"the DNS lookup %s TXT failed: %s", (out->name, mc_dns_why(a)),
			(out->name, mc_dns_why_text(a))),
			"retry later; if it persists, check the nameservers of %s", out->domain);
	} else if (!txt) {
		out->verdict = MC_VERDICT_NONE;
		mc_finding_hint(problem(out, "dkim.key_not_found", "no key is published at %s (%s)",
			out->name, mc_dns_status_name(a->status)),
			"publish the public key as a TXT record at %s; check the selector your "
			"signer uses (s= in its DKIM-Signature)", out->name);
	} else {
		out->record = mc_strndup(txt->data, txt->data_len);
		if (found > 1)
			mc_finding_hint(mc_finding_add(&out->findings, "dkim.key_multiple",
				MC_SEV_WARNING, "%s has %zu TXT records; verifiers may pick any of "
				"them (this report checks the first)", out->name, found),
				"publish exactly one key record per selector");
		dkim_key_record_check(out, txt->data, txt->data_len);
		out->verdict = mc_findings_any(&out->findings, MC_SEV_ERROR) ? MC_VERDICT_FAIL
		                                                             : MC_VERDICT_PASS;
		if (out->verdict == MC_VERDICT_PASS)
			mc_finding_add(&out->findings, "dkim.key_ok", MC_SEV_INFO,
				"%s publishes a usable %s key of %d bits", out->name, out->key_type,
				out->key_bits);
	}
	if ((st = mc_dns_log_copy(r, log_start, &out->dns)) == MC_OK)
		mc_findings_dns(&out->findings, &out->dns);
	return st;
}

void mc_dkim_key_clear(mc_dkim_key *k)
{
	free(k->domain);
	free(k->selector);
	free(k->name);
	free(k->record);
	free(k->key_type);
	free(k->hashes);
	free(k->services);
	free(k->notes);
	mc_findings_clear(&k->findings);
	mc_dns_log_clear(&k->dns);
	memset(k, 0, sizeof(*k));
}
