/*
 * What a blocklist result means for the user: each listing with the list's
 * own words and what to do about it, lists that refused or could not be
 * asked, lists set aside, and what was not looked up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist/internal.h"
#include "common/util.h"

/* "192.0.2.1" or "192.0.2.1 (MX mx.example.com)" into who[0], and in the
 * locale's language into who[1] */
static void target_text(const mc_bl_target *t, char (*who)[600])
{
	if (t->via) {
		snprintf(who[0], sizeof(who[0]), "%s (%s)", t->name, t->via);
		snprintf(who[1], sizeof(who[1]), "%s (%s)", t->name, MC_OR(t->via_text, t->via));
	} else {
		snprintf(who[0], sizeof(who[0]), "%s", t->name);
		snprintf(who[1], sizeof(who[1]), "%s", t->name);
	}
}

/* The meanings of a hit's listing codes, joined: in English, or (local) in
 * the locale's language. */
static char *meanings(const mc_bl_hit *h, bool local)
{
	mc_buf b = {0};

	for (size_t i = 0; i < h->n_codes; i++) {
		const char *m = local && h->codes[i].meaning_text ? h->codes[i].meaning_text
		                : h->codes[i].meaning;

		mc_buf_addf(&b, "%s%s %s", i ? "; " : "", h->codes[i].address, m ? m : "");
	}
	return mc_buf_take(&b);
}

static bool has_code(const mc_bl_hit *h, const char *prefix)
{
	for (size_t i = 0; i < h->n_codes; i++)
		if (h->codes[i].meaning && strncmp(h->codes[i].meaning, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* What to do about a listing: the cause the code names, then removal. */
static void listing_hint(mc_finding *f, const mc_bl_list *l, const mc_bl_hit *h)
{
	if (!f)
		return;
	if (has_code(h, "PBL"))
		mc_finding_hint(f, "if this is a mail server that sends directly, ask for the "
		                "address's removal from the PBL at %s (or ask its provider to); if it "
		                "is an end-user or dynamic address, send through your provider's mail "
		                "server (submission, port 587) instead of directly", l->removal);
	else if (has_code(h, "XBL"))
		mc_finding_hint(f, "a machine behind this address is infected, hijacked or an open "
		                "proxy: find it and clean it (or close the proxy), then ask for "
		                "removal at %s", l->removal);
	else if (l->kind == MC_BL_KIND_DOMAIN)
		mc_finding_hint(f, "if the domain is not yours but one your mail links to (a link "
		                "shortener, a tracker, an image host), stop linking to it; if it is "
		                "yours, find out how it came to be in spam (a compromised site or "
		                "account, a redirector abused, a sender using it), stop it, then ask "
		                "for removal at %s (or the list's operator)",
		                l->removal ? l->removal : l->zone);
	else if (l->removal)
		mc_finding_hint(f, "find what sent the spam from this address (a compromised account "
		                "or password, a web form or script that sends mail, an infected "
		                "machine), stop it, then ask for removal at %s", l->removal);
	else
		mc_finding_hint(f, "find what sent the spam from this address (a compromised account "
		                "or password, a web form or script that sends mail, an infected "
		                "machine), stop it, then ask the operator of %s for removal", l->zone);
}

static void listed(mc_bl_result *res, const mc_bl_hit *h)
{
	const mc_bl_list *l = &res->set->lists[h->list];
	char who[2][600];
	char *why = meanings(h, false), *why_t = meanings(h, true);
	const char *w = why ? why : "", *w_t = why_t ? why_t : w;
	mc_finding *f;

	target_text(&res->targets[h->target], who);
	/* [blocks or scores][a domain or an address][the list's TXT or none]: the
	 * arguments are who, the list, the codes' meanings, and its TXT */
	static const char *const says[2][2][2] = {
		{{N_("%s is listed on %s (%s): receivers that use this list refuse its mail"),
		  N_("%s is listed on %s (%s) -- the list says \"%s\": receivers that use this list "
		     "refuse its mail")},
		 {N_("%s is listed on %s (%s): receivers that use this list refuse mail from it or "
		     "with links to it"),
		  N_("%s is listed on %s (%s) -- the list says \"%s\": receivers that use this list "
		     "refuse mail from it or with links to it")}},
		{{N_("%s is listed on %s (%s): spam filters that use it count this against its "
		     "mail, which then goes to spam more often"),
		  N_("%s is listed on %s (%s) -- the list says \"%s\": spam filters that use it "
		     "count this against its mail, which then goes to spam more often")},
		 {N_("%s is listed on %s (%s): spam filters that use it count this against mail "
		     "from it or with links to it, which then goes to spam more often"),
		  N_("%s is listed on %s (%s) -- the list says \"%s\": spam filters that use it "
		     "count this against mail from it or with links to it, which then goes to spam "
		     "more often")}},
	};
	bool domain = l->kind == MC_BL_KIND_DOMAIN;

	switch (l->role) {
	case MC_BL_BLOCKS:
	case MC_BL_SCORES:
		f = mc_finding_both(&res->findings, l->role == MC_BL_BLOCKS ? "blocklist.listed"
		                    : "blocklist.listed_scoring", l->role == MC_BL_BLOCKS
		                    ? MC_SEV_ERROR : MC_SEV_WARNING,
		                    says[l->role == MC_BL_SCORES][domain][h->txt != NULL],
		                    (who[0], l->name, w, h->txt ? h->txt : ""),
		                    (who[1], l->name, w_t, h->txt ? h->txt : ""));
		listing_hint(f, l, h);
		break;
	case MC_BL_ALLOWS:
		mc_finding_both(&res->findings, "blocklist.allowlisted", MC_SEV_INFO,
		                "%s is on %s, an allowlist (%s): receivers that use it trust its mail "
		                "more", (who[0], l->name, w), (who[1], l->name, w_t));
		break;
	}
	free(why);
	free(why_t);
}

/* A list that could not answer for a target: refused, failed, or nonsense. */
static void unanswered(mc_bl_result *res, const mc_bl_hit *h)
{
	const mc_bl_list *l = &res->set->lists[h->list];
	char who[2][600];
	const char *why = h->why ? h->why : "", *why_t = MC_OR(h->why_text, why);
	mc_finding *f;

	target_text(&res->targets[h->target], who);
	if (h->state == MC_BL_REFUSED) {
		f = mc_finding_both(&res->findings, "blocklist.refused", MC_SEV_WARNING,
		                    "%s refused the query for %s (%s): this is no listing, and whether "
		                    "it is listed is not known", (l->name, who[0], why),
		                    (l->name, who[1], why_t));
		if (strstr(l->zone, "spamhaus"))
			mc_finding_hint(f, "ask through a resolver of your own (not a public one such "
			                "as 8.8.8.8 or 1.1.1.1, nor a large shared one), or with a free "
			                "Spamhaus DQS key (--dqs-key)");
		else
			mc_finding_hint(f, "ask through a resolver of your own (not a public one such "
			                "as 8.8.8.8 or 1.1.1.1, nor a large shared one)");
	} else if (h->state == MC_BL_BAD_ANSWER) {
		mc_finding_both(&res->findings, "blocklist.bad_answer", MC_SEV_WARNING,
		                "%s answered for %s with %s: its zone may be parked or taken over, and "
		                "whether it is listed is not known", (l->name, who[0], why),
		                (l->name, who[1], why_t));
	} else {
		mc_finding_both(&res->findings, "blocklist.dns_error", MC_SEV_WARNING,
		                "%s could not be asked about %s (%s): whether it is listed is not known",
		                (l->name, who[0], why), (l->name, who[1], why_t));
	}
}

/* A list set aside by its test entries: said once per result. */
static void set_aside(mc_bl_result *res, const mc_bl_list *l)
{
	static const char *const codes[] = {
		[MC_BL_HEALTH_LISTS_ALL] = "blocklist.lists_everything",
		[MC_BL_HEALTH_LISTS_NOTHING] = "blocklist.lists_nothing",
		[MC_BL_HEALTH_REFUSED] = "blocklist.refused",
		[MC_BL_HEALTH_DNS_ERROR] = "blocklist.dns_error",
	};
	static const char *const named = N_("%s (%s) was not used: %s"),
	                        *custom = N_("%s was not used: %s");
	const char *why = l->health_reason ? l->health_reason : "",
	           *why_text = l->health_reason_text ? l->health_reason_text : why;
	char *en = l->custom ? mc_asprintf(custom, l->name, why)
	                     : mc_asprintf(named, l->name, l->zone, why);
	char *tr = !mc_i18n_active() ? NULL : l->custom ? mc_asprintf(_(custom), l->name, why_text)
	                                                : mc_asprintf(_(named), l->name, l->zone,
	                                                              why_text);
	mc_finding *f = mc_finding_add_made(&res->findings, codes[l->health], MC_SEV_WARNING, en,
	                                    tr);

	if (l->health == MC_BL_HEALTH_REFUSED && strstr(l->zone, "spamhaus"))
		mc_finding_hint(f, "ask through a resolver of your own (not a public one such as "
		                "8.8.8.8 or 1.1.1.1), or with a free Spamhaus DQS key (--dqs-key)");
	else if (l->health == MC_BL_HEALTH_REFUSED)
		mc_finding_hint(f, "ask through a resolver of your own (not a public one such as "
		                "8.8.8.8 or 1.1.1.1)");
	else if (l->health != MC_BL_HEALTH_DNS_ERROR)
		mc_finding_hint(f, "leave %s out (--only names the lists to ask)", l->zone);
}

void bl_findings(mc_bl_result *res)
{
	bool said[MC_BL_MAX_LISTS] = {false};
	bool any_ip = false;

	for (size_t i = 0; i < res->n_hits; i++)
		if (res->hits[i].state == MC_BL_LISTED)
			listed(res, &res->hits[i]);
	for (size_t i = 0; i < res->n_hits; i++) {
		const mc_bl_hit *h = &res->hits[i];
		const mc_bl_list *l = &res->set->lists[h->list];

		if (h->state == MC_BL_REFUSED || h->state == MC_BL_BAD_ANSWER ||
		    h->state == MC_BL_DNS_ERROR)
			unanswered(res, h);
		else if (h->state == MC_BL_NOT_ASKED && !said[h->list] &&
		         l->health != MC_BL_HEALTH_WORKING && l->health != MC_BL_HEALTH_UNTESTED) {
			said[h->list] = true;
			set_aside(res, l);
		}
	}
	for (size_t i = 0; i < res->n_targets; i++)
		any_ip |= res->targets[i].ip;
	if (!res->ip && !any_ip && !res->named)
		mc_finding_add(&res->findings, "blocklist.no_addresses", MC_SEV_INFO,
		               "no address that receives or sends mail for %s was found (no MX "
		               "address, no address named in its SPF record): only the domain "
		               "lists were asked", res->input);
	for (size_t i = 0; i < res->n_left_out; i++) {
		static const char *const not_looked_up = N_("not looked up: %s");
		const char *t = res->left_out_text && res->left_out_text[i] ? res->left_out_text[i]
		              : res->left_out[i];

		mc_finding_add_made(&res->findings, "blocklist.left_out", MC_SEV_INFO,
		                    mc_asprintf(not_looked_up, res->left_out[i]),
		                    mc_i18n_active() ? mc_asprintf(_(not_looked_up), t) : NULL);
	}
}
