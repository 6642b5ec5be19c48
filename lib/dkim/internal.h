/* Inside lib/dkim. */
#ifndef MC_DKIM_INTERNAL_H
#define MC_DKIM_INTERNAL_H

#include <stddef.h>

#include "common/tags.h"
#include "mailcheck/dkim.h"

/* Check a key record's text into k (k->name set by the caller). */
void dkim_key_record_check(mc_dkim_key *k, const char *rec, size_t len);

/* A key record whose p= is a PKCS#1 RSAPublicKey, rewritten with the same
 * key as SubjectPublicKeyInfo (the form libopendkim reads); NULL when p= is
 * not one (malloc'd). */
char *dkim_record_as_spki(const char *rec, size_t len);
/* dkim.key_pkcs1 for the key at name (SEL._domainkey.DOMAIN): which
 * verifiers fail it, and how to republish it. */
void dkim_pkcs1_finding(mc_findings *f, const char *name);

/* The size in bits of an RSA key in SubjectPublicKeyInfo DER (rsaEncryption,
 * NULL parameters, strict DER), -1 when der is not exactly that. */
int dkim_spki_rsa_bits(const unsigned char *der, long len);


#endif
