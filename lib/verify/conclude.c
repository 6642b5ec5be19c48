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
	size_t cap = out->n_explanation, cap_text = out->n_explanation;

	va_start(ap, fmt);
	s = mc_vasprintf_both(fmt, ap, &text);
	va_end(ap);
	if (s && mc_grow(&out->explanation, &cap, out->n_explanation + 1, sizeof(char *)) == 0 &&
	    mc_grow(&out->explanation_text, &cap_text, out->n_explanation + 1, sizeof(char *)) == 0) {
		out->explanation_text[out->n_explanation] = text;
		out->explanation[out->n_explanation++] = s;
	} else {
		free(s);
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

/* The list or forwarder: what it changed, and who can fix what. */
/* What a list did to the message, and the signature it broke: "; the
 * list added ..., appended ... -- which broke the DKIM signature of D". */
static void list_changes(mc_buf *b, const mc_intermediary *via, const char *from)
{
	const char *sep = "";

	mc_buf_addf(b, "; the list ");
	if (via->subject_changed) {
		mc_buf_addf(b, "added the tag %s to the Subject", via->subject_tag);
		sep = ", ";
	}
	if (via->footer_bytes >= 0) {
		mc_buf_addf(b, "%sappended a footer of %lld bytes to the body", sep, via->footer_bytes);
		sep = ", ";
	}
	if (via->body_rewritten) {
		mc_buf_addf(b, "%srewrote the body (re-encoded it or changed its text)", sep);
		sep = ", ";
	}
	if (via->added_signed)
		mc_buf_addf(b, "%sadded a %s field, which the author's signature covers", sep,
		            via->added_signed);
	mc_buf_addf(b, " -- which broke the DKIM signature of %s",
	            via->broken_domain ? via->broken_domain : from);
}

/* The first sentence: which list, or which forwarder, and what it did. */
static void say_intermediary(mc_verify_result *out, const char *from)
{
	const mc_intermediary *via = &out->via;
	mc_buf b = {0};
	char *s;

	if (!strcmp(via->kind, "list")) {
		mc_buf_addf(&b, "The message came through the mailing list %s%s%s%s%s",
		            via->list_id ? via->list_id : via->list_address ? via->list_address
		            : "(unnamed)", via->list_domain ? " at " : "",
		            via->list_domain ? via->list_domain : "", via->software ? ", run by " : "",
		            via->software ? via->software : "");
		if (via->subject_changed || via->footer_bytes >= 0 || via->body_rewritten ||
		    via->added_signed)
			list_changes(&b, via, from);
		mc_buf_addf(&b, ".");
	} else {
		mc_buf_addf(&b, "The message was forwarded by %s%s%s%s: receivers check SPF against "
		            "the forwarder's server, not the author's, so only an intact DKIM "
		            "signature carries the author's authentication through forwarding.",
		            via->forwarder ? via->forwarder : "a forwarder",
		            via->srs_domain ? " (SRS: the original envelope sender was at " : "",
		            via->srs_domain ? via->srs_domain : "", via->srs_domain ? ")" : "");
	}
	if ((s = mc_buf_take(&b)))
		verify_say(out, "%s", s);
	free(s);
}

static void explain_via(mc_verify_result *out)
{
	const mc_intermediary *via = &out->via;
	const char *from = out->from_domain ? out->from_domain : "the author's domain";
	bool dmarc_fails = out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS &&
	                   out->dmarc.result == MC_VERDICT_FAIL;
	bool modified;

	if (!via->kind)
		return;
	say_intermediary(out, from);
	if (via->from_rewritten)
		verify_say(out, "The list rewrote From to its own address%s%s%s: DMARC is evaluated for the "
		    "list's domain, not the author's -- the usual way lists keep DMARC passing.",
		    via->original_from ? " (the author is " : "",
		    via->original_from ? via->original_from : "", via->original_from ? ")" : "");
	if (via->arc_sealer && (dmarc_fails || out->verdict != MC_VERDICT_PASS))
		verify_say(out, "DMARC fails here, but the ARC chain verifies and %s (ARC instance %d) "
		    "recorded %s when the message reached it: a receiver that trusts %s's seal "
		    "(Gmail and Microsoft trust some lists and forwarders) may deliver the message "
		    "anyway.", via->arc_sealer, via->arc_sealer_instance, via->arc_sealer_saw,
		    via->arc_sealer);
	modified = via->subject_changed || via->footer_bytes >= 0 || via->body_rewritten ||
	           via->added_signed;
	if (!strcmp(via->kind, "list") && modified && !via->from_rewritten && dmarc_fails)
		verify_say(out, "Who can fix it: the list, by not modifying messages (no Subject tag, no "
		    "footer) so that the author's signature survives, or by rewriting From to its "
		    "own address and signing; the receiver, by trusting the list's ARC seal%s; "
		    "%s alone cannot -- but it learns here that this list breaks its mail, which "
		    "matters before it moves to p=reject.", via->arc_sealer ? "" : " (the list "
		    "would have to ARC-seal first)", from);
}

static void explain(mc_verify_result *out)
{
	const char *from = out->from_domain;

	if (out->trace.local_delivery && !out->spf_ran)
		verify_say(out, "Authentication was skipped because the message was delivered locally: it was "
		    "handed to the mail server on %s (e.g. by sendmail from a web application) and put "
		    "in a mailbox on the same server, so no receiving server ran SPF, DKIM or DMARC.",
		    out->trace.n_hops && out->trace.hops[out->trace.n_hops - 1].rcv.by
		    ? out->trace.hops[out->trace.n_hops - 1].rcv.by : "this host");
	bool hypothetical = out->trace.local_delivery && !out->spf_ran;

	if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS)
		verify_say(out, "%s %s for %s: %s%s%s.", hypothetical ? "Had it reached a receiver like this, "
		    "DMARC would have" : "DMARC", out->dmarc.result == MC_VERDICT_PASS ? "passed"
		    : out->dmarc.result == MC_VERDICT_FAIL ? "failed" : "could not be decided", from,
		    out->dmarc.why, out->dmarc.result == MC_VERDICT_FAIL ? "; the policy asks receivers to " : "",
		    out->dmarc.result == MC_VERDICT_FAIL
		    ? (out->dmarc.disposition == MC_DMARC_POLICY_REJECT ? "reject it"
		       : out->dmarc.disposition == MC_DMARC_POLICY_QUARANTINE ? "treat it as spam"
		       : "deliver it anyway (p=none)") : "");
	else if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_NONE)
		verify_say(out, "%s publishes no DMARC record, so receivers apply no policy to mail that fails.",
		    from);
	else if (!out->dmarc_ran)
		verify_say(out, "The message does not have exactly one From address, so DMARC cannot apply.");
	if (out->spf_ran)
		explain_spf(out);
	explain_dkim(out);
	explain_via(out);
	if (out->ip && (out->iprev.verdict == MC_VERDICT_FAIL ||
	                out->iprev.verdict == MC_VERDICT_PERMERROR))
		verify_say(out, "The sending server %s has %s: Gmail, Yahoo and Microsoft require "
		    "bulk senders' servers to have a PTR name that resolves back to their address.",
		    out->ip, out->iprev.n_names ? "a PTR name that does not resolve back to it"
		    : "no reverse DNS (PTR) name");
	if (out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS &&
	    out->dmarc_policy.policy == MC_DMARC_POLICY_NONE)
		verify_say(out, "The DMARC policy of %s is none: failures are reported, nothing is enforced.",
		    from);
	if (out->identities_from_trace && out->spf_ran)
		verify_say(out, "SPF was evaluated for %s (HELO %s) with envelope sender %s, taken from the "
		    "trust boundary of the Received chain%s.", out->ip, out->helo ? out->helo : "none",
		    out->mail_from && *out->mail_from ? out->mail_from : "<>",
		    out->trace.has_boundary ? "" : " and the Return-Path");
}

static void via_findings(mc_verify_result *out)
{
	const mc_intermediary *via = &out->via;
	bool modified = via->subject_changed || via->footer_bytes >= 0 || via->body_rewritten ||
	                via->added_signed;

	if (via->kind && !strcmp(via->kind, "list"))
		mc_finding_add(&out->findings, "verify.via_list", MC_SEV_INFO,
			"the message came through the mailing list %s%s%s%s%s%s",
			via->list_id ? via->list_id : via->list_address ? via->list_address : "(unnamed)",
			via->list_domain ? " at " : "", via->list_domain ? via->list_domain : "",
			via->software ? " (" : "", via->software ? via->software : "",
			via->software ? ")" : "");
	if (via->kind && !strcmp(via->kind, "forwarder"))
		mc_finding_add(&out->findings, "verify.forwarded", MC_SEV_INFO,
			"the message was forwarded by %s%s%s", via->forwarder ? via->forwarder : "?",
			via->srs_domain ? "; SRS encodes the original envelope domain " : "",
			via->srs_domain ? via->srs_domain : "");
	if (via->kind && modified) {
		mc_buf b = {0};

		if (via->subject_changed)
			mc_buf_addf(&b, ", the Subject tag %s", via->subject_tag);
		if (via->footer_bytes >= 0)
			mc_buf_addf(&b, ", a footer of %lld bytes", via->footer_bytes);
		if (via->body_rewritten)
			mc_buf_addf(&b, ", a rewritten body");
		if (via->added_signed)
			mc_buf_addf(&b, ", an added %s field the signature covers", via->added_signed);
		char *what = mc_buf_take(&b);

		mc_finding_hint(mc_finding_add(&out->findings, "verify.list_modified", MC_SEV_WARNING,
			"the %s changed the message after %s signed it: %s", via->kind,
			via->broken_domain ? via->broken_domain : "the author",
			what && *what ? what + 2 : "?"),
			"the %s should stop modifying messages, or rewrite From to its own address "
			"and sign (and ARC-seal) what it sends", via->kind);
		free(what);
	}
	if (via->from_rewritten)
		mc_finding_add(&out->findings, "verify.from_rewritten", MC_SEV_INFO,
			"From is the list's own address%s%s: DMARC applies to the list's domain",
			via->original_from ? "; the author is " : "",
			via->original_from ? via->original_from : "");
	if (via->arc_sealer && out->verdict != MC_VERDICT_PASS)
		mc_finding_hint(mc_finding_add(&out->findings, "verify.arc_rescue", MC_SEV_INFO,
			"DMARC fails here, but the ARC chain verifies and %s (i=%d) recorded %s at its "
			"hop: receivers that trust %s's ARC seal may deliver the message anyway",
			via->arc_sealer, via->arc_sealer_instance, via->arc_sealer_saw, via->arc_sealer),
			"receivers decide whom to trust; as the sender, keep DKIM intact through the "
			"intermediary where you can");
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
		char *h = f->hint ? mc_asprintf("for the owner of %s (not %s: it is the envelope "
		                                "sender's domain, e.g. the sending service's bounce "
		                                "domain) -- %s", d, out->from_domain, f->hint) : NULL;

		if (h) {
			free(f->hint);
			f->hint = h;
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
	via_findings(out);
	if (out->ip && (out->iprev.verdict == MC_VERDICT_FAIL ||
	                out->iprev.verdict == MC_VERDICT_PERMERROR))
		mc_finding_hint(mc_finding_add(&out->findings, "verify.iprev_fail", MC_SEV_WARNING,
			"iprev %s: %s%s%s%s", mc_verdict_name(out->iprev.verdict), out->ip,
			out->iprev.n_names ? " has the PTR name " : " has no PTR name",
			out->iprev.n_names ? out->iprev.names[0] : "",
			out->iprev.n_names ? ", which does not resolve back to it" : ""),
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
		{"body_hash_mismatch", "the body changed after signing"},
		{"signature_mismatch", "a signed header changed (or the key does not match)"},
		{"key_not_found", "no key published at its selector"},
		{"key_dns_error", "its key could not be looked up"},
		{"key_revoked", "its key is revoked"},
		{"key_syntax", "its key record is malformed"},
		{"key_type_mismatch", "its key does not fit the algorithm"},
		{"expired", "the signature expired"},
		{"timestamp_in_future", "signed in the future (clock)"},
		{"weak_key", "RSA key under 1024 bits"},
		{"rsa_sha1", "rsa-sha1"},
		{"unsupported_algorithm", "unknown algorithm"},
		{"from_not_signed", "From not signed"},
		{"identity_mismatch", "i= outside d="},
		{"syntax", "malformed signature"},
	};

	for (size_t i = 0; r && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i][0], r))
			return words[i][1];
	return r ? r : "?";
}

/* The cause in a few words, for grouping many messages (verify's batch
 * summary); the explanation says it in full. */
static char *cause(const mc_verify_result *out)
{
	const mc_intermediary *via = &out->via;
	const mc_dkim_sig *own = own_failed(out), *esp = other_passed(out);
	const char *spf = out->spf_ran ? mc_verdict_name(out->spf.verdict) : NULL;
	bool spf_unaligned = out->spf_ran && out->spf.verdict == MC_VERDICT_PASS;

	if (out->verdict == MC_VERDICT_PASS)
		return NULL;
	if (out->verdict == MC_VERDICT_TEMPERROR)
		return mc_strdup("a DNS lookup failed (temperror)");
	if (!out->dmarc_ran)
		return mc_strdup("not exactly one From address");
	if (out->trace.local_delivery && !out->spf_ran)
		return mc_asprintf("delivered locally on %s, never checked by a receiver",
		                   out->trace.n_hops && out->trace.hops[out->trace.n_hops - 1].rcv.by
		                   ? out->trace.hops[out->trace.n_hops - 1].rcv.by : "the host");
	if (via->kind && (via->subject_changed || via->footer_bytes >= 0 || via->body_rewritten ||
	                  via->added_signed))
		return mc_asprintf("%s by the %s %s",
		                   via->footer_bytes >= 0 ? "footer added" : via->body_rewritten
		                   ? "body rewritten" : "signed header changed",
		                   !strcmp(via->kind, "list") ? "mailing list" : "forwarder",
		                   !strcmp(via->kind, "list")
		                   ? (via->list_domain ? via->list_domain : via->list_id ? via->list_id : "?")
		                   : (via->forwarder ? via->forwarder : "?"));
	if (own)
		return mc_asprintf("DKIM signature of %s fails: %s", own->domain ? own->domain : "?",
		                   reason_words(own->reason));
	if (esp)
		return mc_asprintf("DKIM passes only for %s (not aligned)%s%s%s",
		                   esp->domain ? esp->domain : "?", spf_unaligned ? ", SPF only for " : "",
		                   spf_unaligned ? out->spf.domain : "", spf_unaligned
		                   ? " (not aligned)" : "");
	if (out->dkim.n_sigs == 0 && spf_unaligned)
		return mc_asprintf("not DKIM-signed; SPF passes only for %s (not aligned)",
		                   out->spf.domain);
	if (out->dkim.n_sigs == 0 && out->spf_ran && out->spf.domain &&
	    (out->spf.verdict == MC_VERDICT_FAIL || out->spf.verdict == MC_VERDICT_SOFTFAIL))
		return mc_asprintf("not DKIM-signed; the server is not in the SPF record of %s (%s)",
		                   out->spf.domain, spf);
	if (out->dkim.n_sigs == 0 && out->spf_ran && out->spf.domain &&
	    out->spf.verdict == MC_VERDICT_NONE)
		return mc_asprintf("not DKIM-signed; %s has no SPF record", out->spf.domain);
	if (out->dkim.n_sigs == 0)
		return mc_asprintf("not DKIM-signed; SPF %s%s%s", spf ? spf : "not evaluated",
		                   spf && out->spf.domain ? " for " : "",
		                   spf && out->spf.domain ? out->spf.domain : "");
	return mc_asprintf("DKIM fails (%s); SPF %s", reason_words(out->dkim.sigs[0].reason),
	                   spf ? spf : "not evaluated");
}

void verify_conclude(mc_verify_result *out, const char *authserv_id)
{
	out->verdict = overall(out);
	out->cause = cause(out);
	out->authentication_results = auth_results(out, authserv_id);
	explain(out);
	findings(out);
}
