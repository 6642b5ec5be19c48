/* verify's explanation: one right sentence for every SPF result and every
 * DKIM reason (table-driven: a result value without its own wording, or a
 * sentence that says something false for it, fails). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/util.h"
#include "verify/internal.h"

static void result_for_spf(mc_verify_result *res, mc_verdict v, const char *term)
{
	memset(res, 0, sizeof(*res));
	res->from_domain = mc_strdup("example.com");
	res->spf_ran = true;
	res->spf.domain = mc_strdup("example.com");
	res->spf.ip = mc_strdup("192.0.2.1");
	res->spf.mechanism = mc_strdup(term);
	res->spf.verdict = v;
}

/* The explanation sentences that start with prefix. */
static size_t sentences(const mc_verify_result *res, const char *prefix, const char **first)
{
	size_t n = 0;

	*first = NULL;
	for (size_t i = 0; i < res->n_explanation; i++) {
		if (strncmp(res->explanation[i], prefix, strlen(prefix)) == 0) {
			if (!n)
				*first = res->explanation[i];
			n++;
		}
	}
	return n;
}

static void test_spf_sentences(void)
{
	static const struct {
		mc_verdict v;
		const char *term;
		const char *must;      /* the sentence must say this */
		const char *must_not;  /* and must not say this */
	} cases[] = {
		{MC_VERDICT_FAIL, "-all", "does not authorize 192.0.2.1", "publishes no"},
		{MC_VERDICT_FAIL, NULL, "does not authorize 192.0.2.1", "publishes no"},
		{MC_VERDICT_SOFTFAIL, "~all", "only to be suspicious", "reject mail from it"},
		{MC_VERDICT_NEUTRAL, "?all", "neither authorizes nor refuses", "not authorized"},
		{MC_VERDICT_NEUTRAL, NULL, "no term of its record matched", "not authorized"},
		{MC_VERDICT_NONE, NULL, "publishes no SPF record", "authorized by its record"},
		{MC_VERDICT_PERMERROR, NULL, "cannot be evaluated", "not authorized"},
		{MC_VERDICT_TEMPERROR, NULL, "DNS lookup failed", "not authorized"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mc_verify_result res;
		const char *s;

		result_for_spf(&res, cases[i].v, cases[i].term);
		verify_conclude(&res, "mx.example.com");
		CHECK(sentences(&res, "SPF", &s) == 1);
		if (s) {
			if (!strstr(s, cases[i].must) || strstr(s, cases[i].must_not))
				fprintf(stderr, "SPF %s: %s\n", mc_verdict_name(cases[i].v), s);
			CHECK(strstr(s, cases[i].must) != NULL);
			CHECK(strstr(s, cases[i].must_not) == NULL);
			CHECK(strstr(s, "example.com") != NULL);
			if (cases[i].term)
				CHECK(strstr(s, cases[i].term) != NULL);
		}
		mc_verify_result_clear(&res);
	}
	/* a pass aligned with From needs no SPF sentence */
	mc_verify_result res;
	const char *s;

	result_for_spf(&res, MC_VERDICT_PASS, "ip4:192.0.2.0/24");
	verify_conclude(&res, "mx.example.com");
	CHECK(sentences(&res, "SPF", &s) == 0);
	mc_verify_result_clear(&res);
}

static void test_dkim_sentences(void)
{
	static const char *const reasons[] = {
		"body_hash_mismatch", "signature_mismatch", "key_not_found", "key_dns_error",
		"key_revoked", "key_syntax", "key_type_mismatch", "expired", "timestamp_in_future",
		"weak_key", "rsa_sha1", "unsupported_algorithm", "from_not_signed",
		"identity_mismatch", "syntax",
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		for (int at_arrival = 0; at_arrival < 2; at_arrival++) {
			mc_verify_result res;
			const char *s;

			memset(&res, 0, sizeof(res));
			res.from_domain = mc_strdup("example.com");
			res.dkim.sigs = calloc(1, sizeof(mc_dkim_sig));
			res.dkim.n_sigs = 1;
			res.dkim.sigs[0].domain = mc_strdup("example.com");
			res.dkim.sigs[0].reason = reasons[i];
			res.dkim.sigs[0].verdict = MC_VERDICT_FAIL;
			res.dkim.sigs[0].valid_at_arrival = at_arrival;
			verify_conclude(&res, "mx.example.com");
			CHECK(sentences(&res, "The DKIM signature of example.com", &s) == 1);
			/* its own wording, not the reason code pasted in */
			bool pasted = s && strcmp(reasons[i], "expired") && (strstr(s, reasons[i]) ||
			                                                      strstr(s, "failed ("));
			if (!s || pasted)
				fprintf(stderr, "DKIM %s: %s\n", reasons[i], s ? s : "(none)");
			CHECK(s && !pasted);
			if (strcmp(reasons[i], "expired") == 0 && s)
				CHECK((strstr(s, "when the message arrived") != NULL) == at_arrival);
			mc_verify_result_clear(&res);
		}
	}
}

int main(void)
{
	static const struct test tests[] = {
		{"SPF sentence per result", test_spf_sentences},
		{"DKIM sentence per reason", test_dkim_sentences},
	};

	return RUN(tests);
}
