/*
 * What mailcheck says of each DKIM signature it checked (verify.c judges
 * them): the reasons a signature fails -- the verdict each gives, what it
 * means and what to do -- and the findings of one that passes but is weak.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dkim/internal.h"

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
	 N_("the body changed after %s signed it (a mailing-list footer, a disclaimer or "
	 "signature added by a gateway, or re-encoding of the body)"),
	 N_("sign after the last change (e.g. sign on the outgoing gateway, not before it), or "
	 "have the list or gateway re-sign; lists usually rewrite From instead (DMARC)")},
	{"signature_mismatch", "dkim.signature_mismatch", MC_VERDICT_FAIL,
	 N_("a header signed by %s changed after signing (a list tagging the Subject, a gateway "
	 "rewriting a signed header), or the signature does not match the key"),
	 N_("find what rewrites the signed headers between signer and receiver; if nothing "
	 "does, the published key does not belong to the private key that signed")},
	{"key_not_found", "dkim.key_not_found", MC_VERDICT_PERMERROR,
	 N_("no key is published for %s at selector '%s'"),
	 N_("publish the public key as TXT at <selector>._domainkey.<domain> (check the selector "
	 "the signer uses), or wait for DNS to propagate")},
	{"key_dns_error", "dkim.key_dns_error", MC_VERDICT_TEMPERROR,
	 N_("the key of %s (selector '%s') could not be looked up: the DNS lookup failed"),
	 N_("retry later; if it persists, check the nameservers of the signing domain")},
	{"key_revoked", "dkim.key_revoked", MC_VERDICT_FAIL,
	 N_("the key of %s at selector '%s' is revoked (empty p=)"),
	 N_("sign with a current selector; a revoked selector must no longer be used")},
	{"key_syntax", "dkim.key_syntax", MC_VERDICT_PERMERROR,
	 N_("the key record of %s at selector '%s' is malformed"),
	 N_("republish the key record: v=DKIM1; k=rsa; p=<base64 public key> (check with "
	 "mailcheck dkim DOMAIN --selector SEL)")},
	{"key_type_mismatch", "dkim.key_type_mismatch", MC_VERDICT_PERMERROR,
	 N_("the key of %s at selector '%s' does not fit the signature's algorithm (k= or h= "
	 "of the key)"),
	 N_("publish the key type and hash the signer uses (k=rsa or k=ed25519; h= must allow "
	 "sha256)")},
	{"expired", "dkim.expired", MC_VERDICT_FAIL,
	 N_("the signature of %s has expired (x= is in the past)"),
	 N_("give signatures a longer lifetime (x=), or none; check the signer's clock")},
	{"timestamp_in_future", "dkim.timestamp_in_future", MC_VERDICT_FAIL,
	 N_("the signature of %s was made in the future (t= is later than now)"),
	 N_("fix the signing server's clock")},
	{"weak_key", "dkim.weak_key", MC_VERDICT_FAIL,
	 N_("the RSA key of %s is shorter than 1024 bits, which RFC 8301 forbids verifiers to accept"),
	 N_("generate a 2048-bit key and publish it under a new selector")},
	{"rsa_sha1", "dkim.rsa_sha1", MC_VERDICT_FAIL,
	 N_("%s signed with rsa-sha1, which RFC 8301 forbids verifiers to accept"),
	 N_("sign with rsa-sha256 (or ed25519-sha256 beside it)")},
	{"unsupported_algorithm", "dkim.unsupported_algorithm", MC_VERDICT_PERMERROR,
	 N_("the signature of %s uses an algorithm that is not rsa-sha256 or ed25519-sha256"),
	 N_("sign with rsa-sha256")},
	{"from_not_signed", "dkim.from_not_signed", MC_VERDICT_FAIL,
	 N_("the signature of %s does not cover the From header, which RFC 6376 5.4 requires"),
	 N_("configure the signer to include From in h=")},
	{"identity_mismatch", "dkim.identity_mismatch", MC_VERDICT_FAIL,
	 N_("the i= identity of the signature is not %s or one of its subdomains"),
	 N_("make i= an address at the signing domain d=, or drop i=")},
	{"syntax", "dkim.syntax", MC_VERDICT_PERMERROR,
	 N_("the DKIM-Signature of %s is malformed"),
	 N_("fix the signer's configuration; every required tag (v, a, b, bh, d, h, s) must be "
	 "present and valid")},
};

static const struct reason *reason_of(const char *name)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].name, name) == 0)
			return &reasons[i];
	return &reasons[sizeof(reasons) / sizeof(reasons[0]) - 1];
}

mc_verdict dkim_reason_verdict(const char *name)
{
	return reason_of(name)->verdict;
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
	mc_finding *f = s->arrival >= 0 && s->arrival > s->expiry
		? mc_finding_add(&res->findings, "dkim.expired", MC_SEV_ERROR,
		                 "signature d=%s s=%s: the signature has expired: x= ended its validity "
		                 "at %s (now: %s), before the message even arrived", d, sel, x, n)
		: mc_finding_add(&res->findings, "dkim.expired", MC_SEV_ERROR,
		                 "signature d=%s s=%s: the signature has expired: x= ended its validity "
		                 "at %s (now: %s)", d, sel, x, n);

	mc_finding_hint(f, "give signatures a longer lifetime (x=), or none; check the signer's "
	                "clock; to check a message as of when it arrived, use --now");
}

/* Did an earlier signature of the result use the same key (d= and s=)? Its
 * key findings are said once. */
static bool key_said(const mc_dkim_result *res, const mc_dkim_sig *s)
{
	for (const mc_dkim_sig *e = res->sigs; e < s; e++)
		if (e->key_bits > 0 && e->domain && s->domain && e->selector && s->selector &&
		    strcasecmp(e->domain, s->domain) == 0 && strcmp(e->selector, s->selector) == 0)
			return true;
	return false;
}

/* What a body hash mismatch says beyond the reason: the hashes, and
 * whether lines were only appended (a footer). */
static char *body_detail(const mc_dkim_sig *s, bool translated)
{
	const char *(*tr)(const char *) = translated ? mc_tr : NULL;

	if (!s->body_hash || !s->body_hash_computed)
		return NULL;
	if (s->body_signed_prefix >= 0) {
		const char *f = N_(": bh= is the hash of the first %lld canonical bytes of the body "
		                   "received, so the body as signed is intact and %lld bytes were "
		                   "appended after it -- a footer added on the way");

		return mc_asprintf(tr ? tr(f) : f, s->body_signed_prefix,
		                   s->body_hashed - s->body_signed_prefix);
	}
	const char *f = N_(": it signed bh=%s, the %lld canonical bytes received hash to %s");

	return mc_asprintf(tr ? tr(f) : f, s->body_hash, s->body_hashed, s->body_hash_computed);
}
/* A signature that does not verify: its reason, in words, with a fix. */
static void failed_finding(mc_dkim_result *res, const mc_dkim_sig *s, const char *d,
                           const char *sel)
{
	const struct reason *r = reason_of(s->reason);
	bool body = strcmp(s->reason, "body_hash_mismatch") == 0;
	bool syntax = strcmp(s->reason, "syntax") == 0 && s->detail;
	/* the English, for the JSON; the same in the locale's language */
	char *what = mc_asprintf(r->meaning, d, sel);
	char *more = body ? body_detail(s, false) : syntax ? mc_asprintf(": %s", s->detail) : NULL;
	char *text = NULL;

	if (mc_i18n_active()) {
		char *what_t = mc_asprintf(_(r->meaning), d, sel);
		char *more_t = body ? body_detail(s, true)
		               : syntax ? mc_asprintf(": %s", MC_OR(s->detail_text, s->detail)) : NULL;

		text = mc_asprintf(_("signature d=%1$s s=%2$s: %3$s%4$s"), d, sel,
		                   what_t ? what_t : r->name, more_t ? more_t : more ? more : "");
		free(what_t);
		free(more_t);
	}
	mc_finding *f = mc_finding_add_made(&res->findings, r->code, MC_SEV_ERROR,
	                                    mc_asprintf("signature d=%s s=%s: %s%s", d, sel,
	                                                what ? what : r->name, more ? more : ""),
	                                    text);

	if (f) {
		f->hint = mc_strdup(r->hint);
		f->hint_text = mc_i18n_active() && strcmp(_(r->hint), r->hint) ? mc_strdup(_(r->hint))
		                                                               : NULL;
	}
	free(more);
	free(what);
}
/* A signature that verifies, and what still weakens it: a short key, l=,
 * a testing key. */
static void passed_findings(mc_dkim_result *res, const mc_dkim_sig *s, const char *d,
                            const char *sel, bool first_of_key)
{
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
}

void dkim_sig_findings(mc_dkim_result *res, const mc_dkim_sig *s, const mc_message *msg,
                       long long now, bool *said_oversign)
{
	const char *d = s->domain ? s->domain : "?", *sel = s->selector ? s->selector : "?";
	bool first_of_key = !key_said(res, s);
	size_t from_signed = 0;

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
		failed_finding(res, s, d, sel);
		return;
	}
	passed_findings(res, s, d, sel, first_of_key);
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

