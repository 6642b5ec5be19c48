/* The DER walk that reads RSA key sizes (lib/dkim/key.c) against OpenSSL's
 * decoder: the same size for real keys of many sizes, and never a size for
 * bytes OpenSSL rejects -- checked on thousands of mutated keys. */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dkim/internal.h"

static int openssl_bits(const unsigned char *der, long len)
{
	const unsigned char *p = der;
	EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, len);
	int bits = -1;

	if (pk && p == der + len && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA)
		bits = EVP_PKEY_get_bits(pk);
	EVP_PKEY_free(pk);
	return bits;
}

static unsigned char *spki(EVP_PKEY *pk, int *len)
{
	unsigned char *der = NULL;

	*len = i2d_PUBKEY(pk, &der);
	return der;
}

static void test_sizes(void)
{
	static const int sizes[] = {512, 767, 768, 1023, 1024, 1025, 2048, 3072, 4096};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EVP_PKEY *pk = EVP_RSA_gen((unsigned)sizes[i]);
		int len;
		unsigned char *der = pk ? spki(pk, &len) : NULL;

		CHECK(der != NULL);
		if (der) {
			CHECK(dkim_spki_rsa_bits(der, len) == sizes[i]);
			CHECK(dkim_spki_rsa_bits(der, len) == openssl_bits(der, len));
			/* a trailing byte, a byte short */
			unsigned char *more = malloc((size_t)len + 1);

			memcpy(more, der, (size_t)len);
			more[len] = 0;
			CHECK(dkim_spki_rsa_bits(more, len + 1) == -1);
			CHECK(dkim_spki_rsa_bits(der, len - 1) == -1);
			free(more);
		}
		OPENSSL_free(der);
		EVP_PKEY_free(pk);
	}
	/* not RSA: an ed25519 SubjectPublicKeyInfo */
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	int len;
	unsigned char *der = ed ? spki(ed, &len) : NULL;

	CHECK(der && dkim_spki_rsa_bits(der, len) == -1);
	OPENSSL_free(der);
	EVP_PKEY_free(ed);
}

/* Random changes to a real key: whenever the walk gives a size, OpenSSL
 * must read the same bytes as an RSA key of that size. */
static void test_mutations(void)
{
	EVP_PKEY *pk = EVP_RSA_gen(1024);
	int len, accepted = 0;
	unsigned char *der = pk ? spki(pk, &len) : NULL, buf[512];

	CHECK(der != NULL && len < (int)sizeof(buf));
	srand(1);
	for (int round = 0; der && round < 20000; round++) {
		int n = len;

		memcpy(buf, der, (size_t)len);
		for (int k = 0, flips = 1 + rand() % 3; k < flips; k++) {
			int at = rand() % 40 < 30 ? rand() % 40 : rand() % len; /* mostly the header */

			buf[at] = (unsigned char)(rand() % 5 ? rand() : buf[at] ^ 0x80);
		}
		if (rand() % 10 == 0)
			n = 1 + rand() % len;
		int mine = dkim_spki_rsa_bits(buf, n);

		if (mine > 0) {
			accepted++;
			if (mine != openssl_bits(buf, n))
				fprintf(stderr, "round %d: walk %d bits, OpenSSL %d\n", round, mine,
				        openssl_bits(buf, n));
			CHECK(mine == openssl_bits(buf, n));
		}
	}
	CHECK(accepted > 0); /* changes in the modulus keep it a key */
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
}

int main(void)
{
	static const struct test tests[] = {
		{"dkim: RSA key sizes read from DER as OpenSSL reads them", test_sizes},
		{"dkim: no size for bytes OpenSSL rejects (20,000 mutations)", test_mutations},
	};
	return RUN(tests);
}
