/*
 * What a mailing list or forwarder did to a message, in sentences (the
 * explanation) and findings: which list or forwarder, what it changed and
 * whose signature that broke, From rewritten, an ARC seal that may rescue
 * the message, and who can fix what. Its sentences are still put together
 * from pieces, so they are not yet in the catalogue (po/POTFILES).
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "verify/internal.h"

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

void verify_explain_via(mc_verify_result *out)
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

void verify_via_findings(mc_verify_result *out)
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

