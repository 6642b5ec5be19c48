/*
 * What a mailing list or forwarder did to a message, in sentences (the
 * explanation) and findings: which list or forwarder, what it changed and
 * whose signature that broke, From rewritten, an ARC seal that may rescue
 * the message, and who can fix what. Each sentence is one message of the
 * catalogue: a list's name and what it changed are made in English (for
 * JSON) and in the locale's language side by side, then put into the
 * sentence each language has.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "verify/internal.h"

/* The list's name: its List-Id (or address), the domain it is at, the
 * software that runs it; NULL when it names itself nowhere. */
static void list_name(const mc_intermediary *via, char **en, char **tr)
{
	const char *name = via->list_id ? via->list_id : via->list_address;

	*en = *tr = NULL;
	if (!name)
		return;
	if (via->list_domain && via->software)
		/* TRANSLATORS: a mailing list: its name, the domain it is at, its software */
		*en = mc_asprintf_both(tr, N_("%s at %s, run by %s"), name, via->list_domain, via->software);
	else if (via->list_domain)
		/* TRANSLATORS: a mailing list: its name and the domain it is at */
		*en = mc_asprintf_both(tr, N_("%s at %s"), name, via->list_domain);
	else if (via->software)
		/* TRANSLATORS: a mailing list: its name and its software */
		*en = mc_asprintf_both(tr, N_("%s, run by %s"), name, via->software);
	else
		*en = mc_strdup(name);
}

/* What the intermediary changed, as a list of phrases ("added the tag [x]
 * to the Subject, appended a footer of 42 bytes to the body"). */
static void changes(const mc_intermediary *via, char **en, char **tr)
{
	/* TRANSLATORS: between the items of a list of changes */
	const char *sep = _(", ");
	mc_buf e = {0}, t = {0};
	char *pe, *pt;

	for (int i = 0; i < 4; i++) {
		pe = pt = NULL;
		if (i == 0 && via->subject_changed)
			pe = mc_asprintf_both(&pt, N_("added the tag %s to the Subject"), via->subject_tag);
		else if (i == 1 && via->footer_bytes >= 0)
			pe = mc_asprintf_both(&pt, N_("appended a footer of %lld bytes to the body"),
			     via->footer_bytes);
		else if (i == 2 && via->body_rewritten) {
			static const char *const rewrote =
				N_("rewrote the body (re-encoded it or changed its text)");

			pe = mc_strdup(rewrote);
			pt = mc_i18n_active() ? mc_strdup(_(rewrote)) : NULL;
		}
		else if (i == 3 && via->added_signed)
			pe = mc_asprintf_both(&pt, N_("added a %s field, which the author's signature covers"),
			     via->added_signed);
		if (pe) {
			mc_buf_addf(&e, "%s%s", e.len ? ", " : "", pe);
			mc_buf_addf(&t, "%s%s", t.len ? sep : "", pt ? pt : pe);
		}
		free(pe);
		free(pt);
	}
	*en = mc_buf_take(&e);
	*tr = mc_buf_take(&t);
}

static bool modified(const mc_intermediary *via)
{
	return via->subject_changed || via->footer_bytes >= 0 || via->body_rewritten ||
	       via->added_signed;
}

/* A sentence whose one %s is a phrase made in both languages. */
static void say_with(mc_verify_result *out, const char *fmt, const char *en, const char *tr,
                     const char *more)
{
	verify_say_made(out, mc_asprintf(fmt, en, more),
	                mc_i18n_active() ? mc_asprintf(_(fmt), tr ? tr : en, more) : NULL);
}

/* The first sentences: which list, and what it changed; or which forwarder. */
static void say_intermediary(mc_verify_result *out, const char *from)
{
	const mc_intermediary *via = &out->via;
	char *en, *tr;

	if (!strcmp(via->kind, "list")) {
		list_name(via, &en, &tr);
		if (en)
			say_with(out, N_("The message came through the mailing list %s."), en, tr, NULL);
		else
			verify_say(out, "The message came through a mailing list that does not name "
			           "itself.");
		free(en);
		free(tr);
		if (modified(via)) {
			const char *broken = via->broken_domain ? via->broken_domain : from;

			changes(via, &en, &tr);
			say_with(out, N_("The list %s, which broke the DKIM signature of %s."), en, tr,
			         broken);
			free(en);
			free(tr);
		}
	} else if (via->forwarder && via->srs_domain) {
		verify_say(out, "The message was forwarded by %s (SRS: the original envelope sender "
		           "was at %s): receivers check SPF against the forwarder's server, not the "
		           "author's, so only an intact DKIM signature carries the author's "
		           "authentication through forwarding.", via->forwarder, via->srs_domain);
	} else if (via->forwarder) {
		verify_say(out, "The message was forwarded by %s: receivers check SPF against the "
		           "forwarder's server, not the author's, so only an intact DKIM signature "
		           "carries the author's authentication through forwarding.", via->forwarder);
	} else {
		verify_say(out, "The message was forwarded: receivers check SPF against the "
		           "forwarder's server, not the author's, so only an intact DKIM signature "
		           "carries the author's authentication through forwarding.");
	}
}

void verify_explain_via(mc_verify_result *out)
{
	const mc_intermediary *via = &out->via;
	const char *from = out->from_domain;
	bool dmarc_fails = out->dmarc_ran && out->dmarc_policy.verdict == MC_VERDICT_PASS &&
	                   out->dmarc.result == MC_VERDICT_FAIL;

	if (!via->kind)
		return;
	say_intermediary(out, from ? from : "?");
	if (via->from_rewritten && via->original_from)
		verify_say(out, "The list rewrote From to its own address (the author is %s): DMARC is "
		           "evaluated for the list's domain, not the author's -- the usual way lists "
		           "keep DMARC passing.", via->original_from);
	else if (via->from_rewritten)
		verify_say(out, "The list rewrote From to its own address: DMARC is evaluated for the "
		           "list's domain, not the author's -- the usual way lists keep DMARC passing.");
	if (via->arc_sealer && (dmarc_fails || out->verdict != MC_VERDICT_PASS))
		verify_say(out, "DMARC fails here, but the ARC chain verifies and %s (ARC instance %d) "
		    "recorded %s when the message reached it: a receiver that trusts %s's seal "
		    "(Gmail and Microsoft trust some lists and forwarders) may deliver the message "
		    "anyway.", via->arc_sealer, via->arc_sealer_instance, via->arc_sealer_saw,
		    via->arc_sealer);
	if (strcmp(via->kind, "list") || !modified(via) || via->from_rewritten || !dmarc_fails ||
	    !from)
		return;
	if (via->arc_sealer)
		verify_say(out, "Who can fix it: the list, by not modifying messages (no Subject tag, "
		    "no footer) so that the author's signature survives, or by rewriting From to its "
		    "own address and signing; the receiver, by trusting the list's ARC seal; %s alone "
		    "cannot -- but it learns here that this list breaks its mail, which matters "
		    "before it moves to p=reject.", from);
	else
		verify_say(out, "Who can fix it: the list, by not modifying messages (no Subject tag, "
		    "no footer) so that the author's signature survives, or by rewriting From to its "
		    "own address and signing; the receiver, by trusting the list's ARC seal (the "
		    "list would have to ARC-seal first); %s alone cannot -- but it learns here that "
		    "this list breaks its mail, which matters before it moves to p=reject.", from);
}

/* The finding that the list or forwarder modified the message. */
static void modified_finding(mc_verify_result *out)
{
	const mc_intermediary *via = &out->via;
	bool list = !strcmp(via->kind, "list");
	mc_finding *f;
	char *en, *tr;

	changes(via, &en, &tr);
	if (via->broken_domain)
		f = mc_finding_add_made(&out->findings, "verify.list_modified", MC_SEV_WARNING,
			mc_asprintf(list ? "the list changed the message after %s signed it: %s"
			            : "the forwarder changed the message after %s signed it: %s",
			            via->broken_domain, en),
			mc_i18n_active() ? mc_asprintf(list
			    ? _("the list changed the message after %s signed it: %s")
			    : _("the forwarder changed the message after %s signed it: %s"),
			    via->broken_domain, tr ? tr : en) : NULL);
	else
		f = mc_finding_add_made(&out->findings, "verify.list_modified", MC_SEV_WARNING,
			mc_asprintf(list ? "the list changed the message after the author signed it: %s"
			            : "the forwarder changed the message after the author signed it: %s",
			            en),
			mc_i18n_active() ? mc_asprintf(list
			    ? _("the list changed the message after the author signed it: %s")
			    : _("the forwarder changed the message after the author signed it: %s"),
			    tr ? tr : en) : NULL);
	if (list)
		mc_finding_hint(f, "the list should stop modifying messages, or rewrite From to its "
		                "own address and sign (and ARC-seal) what it sends");
	else
		mc_finding_hint(f, "the forwarder should stop modifying messages, or rewrite From to "
		                "its own address and sign (and ARC-seal) what it sends");
	free(en);
	free(tr);
}

void verify_via_findings(mc_verify_result *out)
{
	const mc_intermediary *via = &out->via;
	char *en, *tr;

	if (via->kind && !strcmp(via->kind, "list")) {
		static const char *const came = N_("the message came through the mailing list %s");

		list_name(via, &en, &tr);
		if (en)
			mc_finding_add_made(&out->findings, "verify.via_list", MC_SEV_INFO,
			                    mc_asprintf(came, en),
			                    mc_i18n_active() ? mc_asprintf(_(came), tr ? tr : en) : NULL);
		else
			mc_finding_add(&out->findings, "verify.via_list", MC_SEV_INFO,
			               "the message came through a mailing list that does not name itself");
		free(en);
		free(tr);
	}
	if (via->kind && !strcmp(via->kind, "forwarder")) {
		if (via->srs_domain)
			mc_finding_add(&out->findings, "verify.forwarded", MC_SEV_INFO,
			               "the message was forwarded by %s; SRS encodes the original envelope "
			               "domain %s", via->forwarder ? via->forwarder : "?", via->srs_domain);
		else
			mc_finding_add(&out->findings, "verify.forwarded", MC_SEV_INFO,
			               "the message was forwarded by %s",
			               via->forwarder ? via->forwarder : "?");
	}
	if (via->kind && modified(via))
		modified_finding(out);
	if (via->from_rewritten && via->original_from)
		mc_finding_add(&out->findings, "verify.from_rewritten", MC_SEV_INFO,
			"From is the list's own address; the author is %s: DMARC applies to the list's "
			"domain", via->original_from);
	else if (via->from_rewritten)
		mc_finding_add(&out->findings, "verify.from_rewritten", MC_SEV_INFO,
			"From is the list's own address: DMARC applies to the list's domain");
	if (via->arc_sealer && out->verdict != MC_VERDICT_PASS)
		mc_finding_hint(mc_finding_add(&out->findings, "verify.arc_rescue", MC_SEV_INFO,
			"DMARC fails here, but the ARC chain verifies and %s (i=%d) recorded %s at its "
			"hop: receivers that trust %s's ARC seal may deliver the message anyway",
			via->arc_sealer, via->arc_sealer_instance, via->arc_sealer_saw, via->arc_sealer),
			"receivers decide whom to trust; as the sender, keep DKIM intact through the "
			"intermediary where you can");
}
