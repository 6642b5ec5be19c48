/*
 * The conclusions of a verification: the overall verdict, an RFC 8601
 * Authentication-Results header, and the explanation -- sentences a web
 * developer understands, most important first.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "verify/internal.h"


void verify_say(mc_verify_result *out, const char *fmt, ...)
{
	va_list ap;
	char *s, *text;

	va_start(ap, fmt);
	s = mc_vasprintf_both(fmt, ap, &text);
	va_end(ap);
	verify_say_made(out, s, text);
}

void verify_say_made(mc_verify_result *out, char *english, char *text)
{
	size_t cap = out->n_explanation, cap_text = out->n_explanation;

	if (english &&
	    mc_grow(&out->explanation, &cap, out->n_explanation + 1, sizeof(char *)) == 0 &&
	    mc_grow(&out->explanation_text, &cap_text, out->n_explanation + 1, sizeof(char *)) == 0) {
		out->explanation_text[out->n_explanation] = text;
		out->explanation[out->n_explanation++] = english;
	} else {
		free(english);
		free(text);
	}
}

/* Without a DMARC record: does SPF or DKIM pass aligned (relaxed) with From?
 * With no record to walk, the organizational domain is the registrable
 * domain of the public suffix list. */
static char *org_of(const char *domain)
{
	char *reg = domain ? mc_registrable_domain(domain) : NULL;

	return reg ? reg : mc_strdup(domain);
}

static bool aligned_pass(const mc_verify_result *out)
{
	char *from_org = org_of(out->from_domain);
	bool ok = false;

	for (size_t i = 0; from_org && i < out->dkim.n_sigs && !ok; i++) {
		char *org = out->dkim.sigs[i].verdict == MC_VERDICT_PASS
		          ? org_of(out->dkim.sigs[i].domain) : NULL;

		ok = org && mc_dmarc_aligned(out->from_domain, out->dkim.sigs[i].domain, false,
		                             from_org, org);
		free(org);
	}
	if (from_org && !ok && out->spf_ran && out->spf.verdict == MC_VERDICT_PASS) {
		char *org = org_of(out->spf.domain);

		ok = org && mc_dmarc_aligned(out->from_domain, out->spf.domain, false, from_org, org);
		free(org);
	}
	free(from_org);
	return ok;
}

static mc_verdict overall(const mc_verify_result *out)
{
	bool temp = (out->spf_ran && out->spf.verdict == MC_VERDICT_TEMPERROR) ||
	            out->dkim.verdict == MC_VERDICT_TEMPERROR;

	if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS)
		return out->dmarc.result;
	if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_TEMPERROR)
		return MC_VERDICT_TEMPERROR;
	if (aligned_pass(out))
		return MC_VERDICT_PASS;
	return temp ? MC_VERDICT_TEMPERROR : MC_VERDICT_FAIL;
}

/* RFC 8601 2.2 */
static char *auth_results(const mc_verify_result *out, const char *id)
{
	mc_buf b = {0};

	mc_buf_addf(&b, "Authentication-Results: %s;", id ? id : "localhost");
	if (out->spf_ran)
		mc_buf_addf(&b, " spf=%s smtp.%s=%s;", mc_verdict_name(out->spf.verdict), /* RFC 8601 2.7.2 */
		            out->mail_from && *out->mail_from ? "mailfrom" : "helo",
		            out->mail_from && *out->mail_from ? out->mail_from : out->helo);
	else if (out->envelope_unknown) /* RFC 8601 2.7.2: not checked, said why */
		mc_buf_addf(&b, " spf=none (envelope sender unknown: no Return-Path);");
	else
		mc_buf_addf(&b, " spf=none (no client address to evaluate);");
	for (size_t i = 0; i < out->dkim.n_sigs; i++) {
		const mc_dkim_sig *s = &out->dkim.sigs[i];

		mc_buf_addf(&b, " dkim=%s", mc_verdict_name(s->verdict));
		if (s->reason)
			mc_buf_addf(&b, " reason=\"%s\"", s->reason);
		mc_buf_addf(&b, " header.d=%s header.s=%s header.a=%s;", s->domain ? s->domain : "?",
		            s->selector ? s->selector : "?", s->algorithm ? s->algorithm : "?");
	}
	if (out->dkim.n_sigs == 0)
		mc_buf_addf(&b, " dkim=none;");
	if (out->dmarc_ran)
		mc_buf_addf(&b, " dmarc=%s header.from=%s%s%s;", mc_verdict_name(out->dmarc.result),
		            out->from_domain, out->dmarc.policy ? " policy.dmarc=" : "",
		            out->dmarc.policy ? mc_dmarc_policy_name(out->dmarc.policy) : "");
	else
		mc_buf_addf(&b, " dmarc=permerror (not exactly one From address);");
	/* RFC 8617 7.2: arc, with the oldest instance whose AMS still verifies */
	const mc_arc_result *arc = &out->dkim.arc;

	if (arc->verdict == MC_VERDICT_PASS)
		mc_buf_addf(&b, " arc=pass (i=%zu) header.oldest-pass=%d;", arc->n_sets,
		            arc->oldest_pass);
	else if (arc->verdict == MC_VERDICT_FAIL)
		mc_buf_addf(&b, " arc=fail reason=\"%s%s%.0d\";", arc->reason,
		            arc->failed_instance ? " at i=" : "", arc->failed_instance);
	else
		mc_buf_addf(&b, " arc=none;");
	/* RFC 8601 2.7.3 */
	if (out->ip && out->iprev.verdict != MC_VERDICT_NONE)
		mc_buf_addf(&b, " iprev=%s policy.iprev=%s%s%s%s;", mc_verdict_name(out->iprev.verdict),
		            out->ip, out->iprev.n_names ? " (" : "",
		            out->iprev.confirmed ? out->iprev.confirmed
		            : out->iprev.n_names ? out->iprev.names[0] : "",
		            out->iprev.n_names ? ")" : "");
	if (b.len && b.s[b.len - 1] == ';')
		b.s[--b.len] = '\0';
	return mc_buf_take(&b);
}

/* The SPF sentence for each result (RFC 7208 2.6), %1$s the domain, %2$s the
 * client, %3$s the term that decided. */
static void explain_spf(mc_verify_result *out)
{
	const mc_spf_result *spf = &out->spf;
	const char *d = spf->domain ? spf->domain : "?", *ip = spf->ip ? spf->ip : "?";
	const char *term = spf->mechanism ? spf->mechanism : NULL;

	switch (spf->verdict) {
	case MC_VERDICT_PASS:
		if (!out->dmarc_ran || out->dmarc_policy.verdict != MC_VERDICT_PASS ||
		    out->dmarc.spf_aligned)
			break;
		if (out->via.kind && !strcmp(out->via.kind, "list"))
			verify_say(out, "SPF passed for %s -- the mailing list's own domain, as lists send "
			    "with their own envelope sender -- but it is not aligned with the From domain "
			    "%s, so DMARC can only pass through an aligned DKIM signature.", d,
			    out->from_domain);
		else if (out->via.kind)
			verify_say(out, "SPF passed for %s -- the forwarder's domain, as forwarders send "
			    "with their own envelope sender -- but it is not aligned with the From domain "
			    "%s, so DMARC can only pass through an aligned DKIM signature.", d,
			    out->from_domain);
		else
			verify_say(out, "SPF passed for %s -- typically an email service's bounce domain -- "
			    "but it is not aligned with the From domain %s, so DMARC can only pass "
			    "through an aligned DKIM signature.", d, out->from_domain);
		break;
	case MC_VERDICT_FAIL:
		if (term)
			verify_say(out, "SPF failed for %s: its record does not authorize %s, and '%s' tells "
			    "receivers to reject mail from it.", d, ip, term);
		else
			verify_say(out, "SPF failed for %s: its record does not authorize %s.", d, ip);
		break;
	case MC_VERDICT_SOFTFAIL:
		verify_say(out, "SPF softfail for %s: its record does not authorize %s, but %s asks "
		    "receivers only to be suspicious of the mail, not to reject it.", d, ip,
		    term ? term : "it");
		break;
	case MC_VERDICT_NEUTRAL:
		if (term)
			verify_say(out, "SPF neutral for %s: its record neither authorizes nor refuses %s "
			    "('%s'), which receivers treat like having no SPF record.", d, ip, term);
		else
			verify_say(out, "SPF neutral for %s: no term of its record matched %s and it has no "
			    "'all', which receivers treat like having no SPF record.", d, ip);
		break;
	case MC_VERDICT_NONE:
		verify_say(out, "SPF none for %s: %s publishes no SPF record, so nothing says whether %s "
		    "may send its mail.", d, d, ip);
		break;
	case MC_VERDICT_PERMERROR:
		verify_say(out, "SPF permerror for %s: its SPF record cannot be evaluated (see the SPF "
		    "findings: a syntax error, too many DNS lookups, or several records), so "
		    "receivers treat it as broken -- many as a failure.", d);
		break;
	case MC_VERDICT_TEMPERROR:
		verify_say(out, "SPF temperror for %s: a DNS lookup failed, so %s could not be judged yet; "
		    "receivers defer such mail and try again later.", d, ip);
		break;
	default:
		break;
	}
}

/* The DKIM sentence for each reason a signature failed. */
static const struct {
	const char *reason, *sentence; /* %s: the signing domain */
} dkim_sentences[] = {
	{"body_hash_mismatch", N_("The DKIM signature of %s broke because the body changed after "
	 "signing (a footer or disclaimer added on the way, or the body re-encoded).")},
	{"signature_mismatch", N_("The DKIM signature of %s broke because a signed header changed "
	 "after signing (a list tagging the Subject, a gateway rewriting a header), or the "
	 "published key is not the one it was signed with.")},
	{"key_not_found", N_("The DKIM signature of %s cannot be checked: no key is published at "
	 "its selector.")},
	{"key_dns_error", N_("The DKIM signature of %s could not be checked yet: the DNS lookup "
	 "of its key failed.")},
	{"key_revoked", N_("The DKIM signature of %s fails: its key has been revoked (empty p=).")},
	{"key_syntax", N_("The DKIM signature of %s cannot be checked: its key record is "
	 "malformed.")},
	{"key_type_mismatch", N_("The DKIM signature of %s cannot be checked: its key is of "
	 "another type or hash than the signature.")},
	{"timestamp_in_future", N_("The DKIM signature of %s fails: it claims to be made in the "
	 "future (the signer's clock is wrong).")},
	{"weak_key", N_("The DKIM signature of %s fails: its RSA key is shorter than 1024 bits, "
	 "which RFC 8301 forbids receivers to accept.")},
	{"rsa_sha1", N_("The DKIM signature of %s fails: it uses rsa-sha1, which RFC 8301 "
	 "forbids receivers to accept.")},
	{"unsupported_algorithm", N_("The DKIM signature of %s cannot be checked: its algorithm is "
	 "not one receivers know.")},
	{"from_not_signed", N_("The DKIM signature of %s fails: it does not cover the From header.")},
	{"identity_mismatch", N_("The DKIM signature of %s fails: its i= identity is outside its "
	 "domain.")},
	{"syntax", N_("The DKIM signature of %s is malformed and cannot be checked.")},
};

static void explain_dkim(mc_verify_result *out)
{
	for (size_t i = 0; i < out->dkim.n_sigs; i++) {
		const mc_dkim_sig *s = &out->dkim.sigs[i];
		const char *d = s->domain ? s->domain : "?";
		bool said = false;

		if (!s->reason)
			continue;
		if (strcmp(s->reason, "expired") == 0) {
			if (s->valid_at_arrival)
				verify_say(out, "The DKIM signature of %s verified when the message arrived, but "
				    "its validity (x=) has ended since: it passed at the receiver and fails "
				    "only now.", d);
			else
				verify_say(out, "The DKIM signature of %s has expired (its x= is in the past).", d);
			continue;
		}
		for (size_t k = 0; !said && k < sizeof(dkim_sentences) / sizeof(dkim_sentences[0]); k++) {
			if (strcmp(s->reason, dkim_sentences[k].reason) == 0) {
				verify_say(out, dkim_sentences[k].sentence, d); /* each marked N_ */
				said = true;
			}
		}
		if (!said)
			verify_say(out, "The DKIM signature of %s failed (%s).", d, s->reason);
	}
	if (out->dkim.n_sigs == 0)
		verify_say(out, "The message is not DKIM-signed, so DMARC can only pass through aligned SPF, "
		    "which breaks when the message is forwarded.");
}

/* The DMARC sentence: what DMARC decided (or would have, for mail
 * delivered locally), why, and what the policy asks. %1$s the From
 * domain, %2$s why (lib/dmarc). */
static const char *dmarc_sentence(const mc_verify_result *out, bool hypothetical)
{
	static const char *const real[] = {
		N_("DMARC passed for %s: %s."),
		N_("DMARC failed for %s: %s; the policy asks receivers to reject it."),
		N_("DMARC failed for %s: %s; the policy asks receivers to treat it as spam."),
		N_("DMARC failed for %s: %s; the policy asks receivers to deliver it anyway (p=none)."),
		N_("DMARC could not be decided for %s: %s."),
	};
	static const char *const would[] = {
		N_("Had it reached a receiver like this, DMARC would have passed for %s: %s."),
		N_("Had it reached a receiver like this, DMARC would have failed for %s: %s; the "
		   "policy asks receivers to reject it."),
		N_("Had it reached a receiver like this, DMARC would have failed for %s: %s; the "
		   "policy asks receivers to treat it as spam."),
		N_("Had it reached a receiver like this, DMARC would have failed for %s: %s; the "
		   "policy asks receivers to deliver it anyway (p=none)."),
		N_("Had it reached a receiver like this, DMARC would have could not be decided for "
		   "%s: %s."),
	};
	size_t k = out->dmarc.result == MC_VERDICT_PASS ? 0
	         : out->dmarc.result != MC_VERDICT_FAIL ? 4
	         : out->dmarc.disposition == MC_DMARC_POLICY_REJECT ? 1
	         : out->dmarc.disposition == MC_DMARC_POLICY_QUARANTINE ? 2 : 3;

	return hypothetical ? would[k] : real[k];
}

static void say_dmarc(mc_verify_result *out, const char *from, bool hypothetical)
{
	const char *fmt = dmarc_sentence(out, hypothetical);

	verify_say_made(out, mc_asprintf(fmt, from, out->dmarc.why),
	                mc_i18n_active() ? mc_asprintf(_(fmt), from, out->dmarc.why_text
	                                               ? out->dmarc.why_text : out->dmarc.why)
	                                 : NULL);
}

static void explain(mc_verify_result *out)
{
	const char *from = out->from_domain;

	const char *by = out->trace.n_hops ? out->trace.hops[out->trace.n_hops - 1].rcv.by : NULL;

	if (out->trace.local_delivery && !out->spf_ran && by)
		verify_say(out, "Authentication was skipped because the message was delivered locally: "
		    "it was handed to the mail server on %s (e.g. by sendmail from a web application) "
		    "and put in a mailbox on the same server, so no receiving server ran SPF, DKIM or "
		    "DMARC.", by);
	else if (out->trace.local_delivery && !out->spf_ran)
		verify_say(out, "Authentication was skipped because the message was delivered locally: "
		    "it was handed to the mail server on this host (e.g. by sendmail from a web "
		    "application) and put in a mailbox on the same server, so no receiving server ran "
		    "SPF, DKIM or DMARC.");
	bool hypothetical = out->trace.local_delivery && !out->spf_ran;

	if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS)
		say_dmarc(out, from, hypothetical);
	else if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_NONE)
		verify_say(out, "%s publishes no DMARC record, so receivers apply no policy to mail that fails.",
		    from);
	else if (!out->dmarc_ran)
		verify_say(out, "The message does not have exactly one From address, so DMARC cannot apply.");
	if (out->spf_ran)
		explain_spf(out);
	explain_dkim(out);
	verify_explain_via(out);
	if (out->ip && (out->iprev.verdict == MC_VERDICT_FAIL ||
	                out->iprev.verdict == MC_VERDICT_PERMERROR))
		verify_say(out, out->iprev.n_names
		    ? N_("The sending server %s has a PTR name that does not resolve back to it: Gmail, "
		         "Yahoo and Microsoft require bulk senders' servers to have a PTR name that "
		         "resolves back to their address.")
		    : N_("The sending server %s has no reverse DNS (PTR) name: Gmail, Yahoo and "
		         "Microsoft require bulk senders' servers to have a PTR name that resolves back "
		         "to their address."), out->ip);
	if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS &&
	    out->dmarc_policy.policy == MC_DMARC_POLICY_NONE)
		verify_say(out, "The DMARC policy of %s is none: failures are reported, nothing is enforced.",
		    from);
	if (out->identities_from_trace && out->spf_ran)
		verify_say(out, out->trace.has_boundary
		    ? N_("SPF was evaluated for %s (HELO %s) with envelope sender %s, taken from the "
		         "trust boundary of the Received chain.")
		    : N_("SPF was evaluated for %s (HELO %s) with envelope sender %s, taken from the "
		         "trust boundary of the Received chain and the Return-Path."), out->ip,
		    out->helo ? out->helo : "none",
		    out->mail_from && *out->mail_from ? out->mail_from : "<>");
}

/* The fixes of the SPF findings go to whoever can act on them: when SPF was
 * checked for a domain outside the From domain's organization (an email
 * service's bounce domain, a forwarder's), its record is the service's to
 * change, not the user's -- say so. */
static void address_spf_fixes(mc_verify_result *out)
{
	const char *d = out->spf_ran ? out->spf.domain : NULL;

	if (!d || !out->from_domain || out->dmarc.spf_aligned)
		return;
	char *org_from = mc_registrable_domain(out->from_domain), *org_spf = mc_registrable_domain(d);
	bool other = !org_from || !org_spf || strcmp(org_from, org_spf) != 0;

	for (size_t i = 0; other && i < out->spf.findings.n; i++) {
		mc_finding *f = &out->spf.findings.items[i];
		const char *fmt = N_("for the owner of %s (not %s: it is the envelope sender's "
		                     "domain, e.g. the sending service's bounce domain) -- %s");
		char *h = f->hint ? mc_asprintf(fmt, d, out->from_domain, f->hint) : NULL;
		char *t = h && mc_i18n_active() ? mc_asprintf(_(fmt), d, out->from_domain,
		                                              f->hint_text ? f->hint_text : f->hint)
		                                : NULL;

		if (h) {
			free(f->hint);
			free(f->hint_text);
			f->hint = h;
			f->hint_text = t;
		}
	}
	free(org_from);
	free(org_spf);
}

static void findings(mc_verify_result *out)
{
	const mc_findings *t = &out->trace.findings;

	address_spf_fixes(out);

	for (size_t i = 0; i < t->n; i++)
		mc_finding_copy(&out->findings, &t->items[i]); /* the trace's, in both languages */
	verify_via_findings(out);
	if (out->ip && (out->iprev.verdict == MC_VERDICT_FAIL ||
	                out->iprev.verdict == MC_VERDICT_PERMERROR))
		mc_finding_hint(out->iprev.n_names
			? mc_finding_add(&out->findings, "verify.iprev_fail", MC_SEV_WARNING,
			                 "iprev %s: %s has the PTR name %s, which does not resolve back to it",
			                 mc_verdict_name(out->iprev.verdict), out->ip, out->iprev.names[0])
			: mc_finding_add(&out->findings, "verify.iprev_fail", MC_SEV_WARNING,
			                 "iprev %s: %s has no PTR name", mc_verdict_name(out->iprev.verdict),
			                 out->ip),
			"have whoever runs the network of %s set its PTR record to the server's name, "
			"and give that name an A/AAAA record with %s", out->ip, out->ip);
	if (!out->spf_ran && out->envelope_unknown)
		mc_finding_hint(mc_finding_add(&out->findings, "verify.envelope_unknown", MC_SEV_INFO,
			"SPF was not evaluated: the message has no Return-Path field, so its envelope "
			"sender (MAIL FROM) is unknown -- a copy saved before final delivery (at a "
			"list's server, a sent folder, a forwarder), or an MTA that does not record it; "
			"it is not the null sender <>, and the HELO name %s is not the identity to "
			"check", out->helo ? out->helo : "(none)"),
			"give the envelope sender with --mail-from (the Return-Path of the copy that was "
			"delivered) to see what the receiver decided");
	else if (!out->spf_ran)
		mc_finding_hint(mc_finding_add(&out->findings, "verify.no_client", MC_SEV_WARNING,
			"SPF was not evaluated: the Received chain shows no client that handed the "
			"message over from outside"),
			"give the sending server's address with --ip (and --helo, --mail-from) to see "
			"what a receiver would decide");
	if (out->spf_ran && out->spf.verdict == MC_VERDICT_PASS && out->dmarc_ran &&
	    out->dmarc_policy.verdict == MC_VERDICT_PASS && !out->dmarc.spf_aligned)
		mc_finding_hint(mc_finding_add(&out->findings, "verify.spf_not_aligned", MC_SEV_WARNING,
			"SPF passed for %s, which is not aligned with the From domain %s: DMARC relies "
			"on DKIM", out->spf.domain, out->from_domain),
			"have the sending service sign with DKIM for %s (a custom DKIM domain), or use "
			"a bounce domain under %s (a custom Return-Path)", out->from_domain,
			out->from_domain);
}

/* The DKIM signature of the From domain's organization that failed, if any. */
static const mc_dkim_sig *own_failed(const mc_verify_result *out)
{
	char *from_org = org_of(out->from_domain);
	const mc_dkim_sig *found = NULL;

	for (size_t i = 0; from_org && i < out->dkim.n_sigs && !found; i++) {
		const mc_dkim_sig *s = &out->dkim.sigs[i];
		char *org = s->reason ? org_of(s->domain) : NULL;

		if (org && !strcmp(org, from_org))
			found = s;
		free(org);
	}
	free(from_org);
	return found;
}

/* A passing signature of another domain (an ESP's own), if any. */
static const mc_dkim_sig *other_passed(const mc_verify_result *out)
{
	for (size_t i = 0; i < out->dkim.n_sigs; i++)
		if (!out->dkim.sigs[i].reason)
			return &out->dkim.sigs[i];
	return NULL;
}

/* A DKIM reason in a few words. */
static const char *reason_words(const char *r)
{
	static const char *const words[][2] = {
		{"body_hash_mismatch", N_("the body changed after signing")},
		{"signature_mismatch", N_("a signed header changed (or the key does not match)")},
		{"key_not_found", N_("no key published at its selector")},
		{"key_dns_error", N_("its key could not be looked up")},
		{"key_revoked", N_("its key is revoked")},
		{"key_syntax", N_("its key record is malformed")},
		{"key_type_mismatch", N_("its key does not fit the algorithm")},
		{"expired", N_("the signature expired")},
		{"timestamp_in_future", N_("signed in the future (clock)")},
		{"weak_key", N_("RSA key under 1024 bits")},
		{"rsa_sha1", "rsa-sha1"},
		{"unsupported_algorithm", N_("unknown algorithm")},
		{"from_not_signed", N_("From not signed")},
		{"identity_mismatch", N_("i= outside d=")},
		{"syntax", N_("malformed signature")},
	};

	for (size_t i = 0; r && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i][0], r))
			return words[i][1];
	return r ? r : "?";
}

/* A mailing list or forwarder changed the message: "footer added by the
 * mailing list lists.example.org". */
static char *changed_by(const mc_intermediary *via, char **text)
{
	static const char *const said[3][2] = {
		{N_("footer added by the mailing list %s"), N_("footer added by the forwarder %s")},
		{N_("body rewritten by the mailing list %s"), N_("body rewritten by the forwarder %s")},
		{N_("signed header changed by the mailing list %s"),
		 N_("signed header changed by the forwarder %s")},
	};
	bool list = !strcmp(via->kind, "list");
	const char *who = list ? (via->list_domain ? via->list_domain : via->list_id ? via->list_id
	                          : "?")
	                       : (via->forwarder ? via->forwarder : "?");

	return mc_asprintf_both(text, said[via->footer_bytes >= 0 ? 0 : via->body_rewritten ? 1 : 2]
	                        [!list], who);
}

/* Without a DKIM signature: what SPF came to. */
static char *unsigned_cause(const mc_verify_result *out, const char *spf, char **text)
{
	const char *d = out->spf.domain;

	if (out->spf_ran && out->spf.verdict == MC_VERDICT_PASS)
		return mc_asprintf_both(text, "not DKIM-signed; SPF passes only for %s (not aligned)",
		                        d);
	if (out->spf_ran && d &&
	    (out->spf.verdict == MC_VERDICT_FAIL || out->spf.verdict == MC_VERDICT_SOFTFAIL))
		return mc_asprintf_both(text, "not DKIM-signed; the server is not in the SPF record "
		                        "of %s (%s)", d, spf);
	if (out->spf_ran && d && out->spf.verdict == MC_VERDICT_NONE)
		return mc_asprintf_both(text, "not DKIM-signed; %s has no SPF record", d);
	if (!spf)
		return mc_asprintf_both(text, "not DKIM-signed; SPF not evaluated");
	if (d)
		return mc_asprintf_both(text, "not DKIM-signed; SPF %s for %s", spf, d);
	return mc_asprintf_both(text, "not DKIM-signed; SPF %s", spf);
}

/* Why the message did not pass, in a few words (*text: in the locale's
 * language, NULL when the same). */
static char *cause(const mc_verify_result *out, char **text)
{
	const mc_intermediary *via = &out->via;
	const mc_dkim_sig *own = own_failed(out), *esp = other_passed(out);
	const char *spf = out->spf_ran ? mc_verdict_name(out->spf.verdict) : NULL;
	bool spf_unaligned = out->spf_ran && out->spf.verdict == MC_VERDICT_PASS;

	*text = NULL;
	if (out->verdict == MC_VERDICT_PASS)
		return NULL;
	if (out->verdict == MC_VERDICT_TEMPERROR)
		return mc_asprintf_both(text, "a DNS lookup failed (temperror)");
	if (!out->dmarc_ran)
		return mc_asprintf_both(text, "not exactly one From address");
	if (out->trace.local_delivery && !out->spf_ran) {
		const char *by = out->trace.n_hops ? out->trace.hops[out->trace.n_hops - 1].rcv.by
		                 : NULL;

		return mc_both(text, N_("delivered locally on %s, never checked by a receiver"),
		               (by ? by : "the host"), (by ? by : _("the host")));
	}
	if (via->kind && (via->subject_changed || via->footer_bytes >= 0 || via->body_rewritten ||
	                  via->added_signed))
		return changed_by(via, text);
	if (own) {
		const char *why = reason_words(own->reason);

		return mc_both(text, N_("DKIM signature of %s fails: %s"),
		               (own->domain ? own->domain : "?", why),
		               (own->domain ? own->domain : "?", _(why)));
	}
	if (esp && spf_unaligned)
		return mc_asprintf_both(text, "DKIM passes only for %s (not aligned), SPF only for %s "
		                        "(not aligned)", esp->domain ? esp->domain : "?",
		                        out->spf.domain);
	if (esp)
		return mc_asprintf_both(text, "DKIM passes only for %s (not aligned)",
		                        esp->domain ? esp->domain : "?");
	if (out->dkim.n_sigs == 0)
		return unsigned_cause(out, spf, text);
	const char *why = reason_words(out->dkim.sigs[0].reason);

	if (!spf)
		return mc_both(text, N_("DKIM fails (%s); SPF not evaluated"), (why), (_(why)));
	return mc_both(text, N_("DKIM fails (%s); SPF %s"), (why, spf), (_(why), spf));
}

void verify_conclude(mc_verify_result *out, const char *authserv_id)
{
	out->verdict = overall(out);
	out->cause = cause(out, &out->cause_text);
	out->authentication_results = auth_results(out, authserv_id);
	explain(out);
	findings(out);
}
