/*
 * Bulk-sender requirements: the rules as data, and their verdicts on one
 * verified message. The rules and their providers come from each
 * provider's page (see sources[]); "bulk" is the providers' own threshold
 * (about 5,000 messages a day to their users), which a single message
 * cannot show: the report gives every rule of the providers asked and says
 * to whom each applies.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "verify/internal.h"

#define G MC_REQ_GMAIL
#define Y MC_REQ_YAHOO
#define M MC_REQ_MICROSOFT

static const mc_req_rule rules[] = {
	/* Gmail "Requirements for all senders"; Yahoo "Requirements for all senders" */
	{"spf_or_dkim", N_("SPF or DKIM passes for the sending domain"), G | Y, "all"},
	{"fcrdns", N_("the sending server's address has a reverse DNS (PTR) name that resolves back "
	 "to it"), G | Y, "all"},
	{"tls", N_("the message reaches the provider over TLS"), G, "all"},
	{"rfc5322", N_("the message follows RFC 5322: one From, a Date and a Message-ID"), G | Y, "all"},
	{"spam_rate", N_("the spam rate the provider's users report stays below 0.3%"), G | Y, "all"},
	/* bulk senders: Gmail, Yahoo (5,000+ a day), Microsoft (5,000+ a day
	 * to Outlook.com, Hotmail, Live) */
	{"spf_and_dkim", N_("both SPF and DKIM pass"), G | Y | M, "bulk"},
	{"dmarc_record", N_("the From domain publishes a DMARC record (p=none is enough)"),
	 G | Y | M, "bulk"},
	{"dmarc_aligned", N_("DMARC passes: the From domain is aligned with the SPF or the DKIM "
	 "domain that passes"), G | Y | M, "bulk"},
	/* RFC 8058: List-Unsubscribe with an https URI, List-Unsubscribe-Post:
	 * List-Unsubscribe=One-Click, both covered by a passing DKIM signature */
	{"one_click_unsubscribe", N_("marketing mail offers one-click unsubscribe (RFC 8058), "
	 "DKIM-signed"), G | Y, "bulk_marketing"},
};

static const struct {
	unsigned bit;
	const char *name, *source;
} providers[] = {
	{G, "gmail", "Gmail: support.google.com/a/answer/81126 (Email sender guidelines, "
	 "February 2024; enforced with rejections since November 2025)"},
	{Y, "yahoo", "Yahoo: senders.yahooinc.com/best-practices (Sender requirements, "
	 "February 2024)"},
	{M, "microsoft", "Microsoft: techcommunity.microsoft.com, \"Strengthening Email "
	 "Ecosystem: Outlook's New Requirements for High-Volume Senders\" (April 2025; enforced "
	 "with 550 5.7.515 since 5 May 2025)"},
};

size_t mc_req_rules(const mc_req_rule **out)
{
	*out = rules;
	return sizeof(rules) / sizeof(rules[0]);
}

const char *mc_req_status_name(mc_req_status s)
{
	static const char *const names[] = {"pass", "fail", "not_applicable", "not_checkable"};

	return (unsigned)s < 4 ? names[s] : "?";
}

const char *mc_req_provider_name(unsigned p)
{
	for (size_t i = 0; i < 3; i++)
		if (providers[i].bit == p)
			return providers[i].name;
	return NULL;
}

const char *mc_req_provider_source(unsigned p)
{
	for (size_t i = 0; i < 3; i++)
		if (providers[i].bit == p)
			return providers[i].source;
	return NULL;
}

bool mc_req_parse_providers(const char *list, unsigned *out)
{
	const char *p = list;

	*out = 0;
	while (p && *p) {
		size_t n = strcspn(p, ","), i;

		if (n == 3 && !strncasecmp(p, "all", 3)) {
			*out |= MC_REQ_ALL;
		} else {
			for (i = 0; i < 3; i++)
				if (strlen(providers[i].name) == n && !strncasecmp(p, providers[i].name, n))
					break;
			if (i == 3)
				return false;
			*out |= providers[i].bit;
		}
		p += n + (p[n] == ',');
	}
	return *out != 0;
}

void mc_requirements_clear(mc_requirements *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].evidence);
		free(r->items[i].evidence_text);
	}
	memset(r, 0, sizeof(*r));
}

/* ---- on a message ---- */

/* An evidence sentence: English returned (it->evidence), the locale's
 * language kept in it->evidence_text. */
static char *ev(mc_requirement *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *ev(mc_requirement *it, const char *fmt, ...)
{
	va_list ap;
	char *english;

	free(it->evidence_text);
	va_start(ap, fmt);
	english = mc_vasprintf_both(fmt, ap, &it->evidence_text);
	va_end(ap);
	return english;
}

static mc_req_status set(mc_requirement *it, mc_req_status st, char *evidence)
{
	it->status = st;
	it->evidence = evidence;
	return st;
}

/* The first passing DKIM signature, or NULL. */
static const mc_dkim_sig *passing_sig(const mc_verify_result *res)
{
	for (size_t i = 0; i < res->dkim.n_sigs; i++)
		if (res->dkim.sigs[i].verdict == MC_VERDICT_PASS)
			return &res->dkim.sigs[i];
	return NULL;
}

static char *auth_words(const mc_verify_result *res)
{
	const mc_dkim_sig *s = passing_sig(res);
	const char *spf = res->spf_ran ? mc_verdict_name(res->spf.verdict) : "not evaluated";

	if (s)
		return mc_asprintf("SPF %s%s%s; DKIM pass for %s (s=%s)", spf,
		                   res->spf_ran && res->spf.domain ? " for " : "",
		                   res->spf_ran && res->spf.domain ? res->spf.domain : "", s->domain,
		                   s->selector ? s->selector : "?");
	return mc_asprintf("SPF %s%s%s; %s", spf, res->spf_ran && res->spf.domain ? " for " : "",
	                   res->spf_ran && res->spf.domain ? res->spf.domain : "",
	                   res->dkim.n_sigs ? "no DKIM signature passes" : "not DKIM-signed");
}

/* The last hop into the receiver: the Received header written at the
 * trust boundary. TLS when it records TLS details or a protocol of RFC
 * 3848 with S (ESMTPS, ESMTPSA, UTF8SMTPS, ...). */
static mc_req_status judge_tls(const mc_verify_result *res, mc_requirement *it)
{
	const mc_received *r;
	const char *w;
	size_t n;

	if (!res->trace.has_boundary || !res->trace.boundary.hop ||
	    res->trace.boundary.hop > res->trace.n_hops)
		return set(it, MC_REQ_NOT_CHECKABLE, ev(it,
			"no Received header of the receiver: how the message reached it is not recorded"));
	r = &res->trace.hops[res->trace.boundary.hop - 1].rcv;
	w = r->with;
	n = w ? strlen(w) : 0;
	if (r->tls || (n > 1 && (w[n - 1] == 'S' || w[n - 1] == 's')) ||
	    (n > 2 && !strcasecmp(w + n - 2, "SA")))
		return set(it, MC_REQ_PASS, r->tls
		           ? ev(it, "the hop from %s into %s: with %s, %s", r->ip ? r->ip : "?",
		                r->by ? r->by : "?", w ? w : "?", r->tls)
		           : ev(it, "the hop from %s into %s: with %s", r->ip ? r->ip : "?",
		                r->by ? r->by : "?", w ? w : "?"));
	if (!w)
		return set(it, MC_REQ_NOT_CHECKABLE, ev(it,
			"the Received header of %s records no protocol (\"with ESMTPS\") or TLS details",
			r->by ? r->by : "the receiver"));
	return set(it, MC_REQ_FAIL, ev(it, "the hop from %s into %s was \"with %s\": no TLS "
	                                        "-- turn on STARTTLS in the sending server",
	                                        r->ip ? r->ip : "?", r->by ? r->by : "?", w));
}

static mc_req_status judge_rfc5322(const mc_message *msg, mc_requirement *it)
{
	size_t from = mc_message_count(msg, "From"), date = mc_message_count(msg, "Date");
	size_t mid = mc_message_count(msg, "Message-ID");
	mc_buf b = {0};

	if (from != 1)
		mc_buf_addf(&b, "%s%zu From fields", b.len ? "; " : "", from);
	if (date != 1)
		mc_buf_addf(&b, "%s%zu Date fields", b.len ? "; " : "", date);
	if (mid != 1)
		mc_buf_addf(&b, "%s%zu Message-ID fields", b.len ? "; " : "", mid);
	if (b.len) {
		mc_buf_addf(&b, " (RFC 5322 3.6: exactly one From and one Date; Gmail also asks for "
		            "one Message-ID)");
		return set(it, MC_REQ_FAIL, mc_buf_take(&b));
	}
	return set(it, MC_REQ_PASS, ev(it, "one From, one Date, one Message-ID"));
}

static const char *header(const mc_message *msg, const char *name)
{
	size_t i = 0;
	const mc_header *h = mc_message_find(msg, name, &i);

	return h ? h->value : NULL;
}

static bool signs(const mc_dkim_sig *s, const char *name)
{
	for (size_t i = 0; i < s->n_signed_headers; i++)
		if (!strcasecmp(s->signed_headers[i], name))
			return true;
	return false;
}

/* RFC 8058 3.1 and 4: an https URI among List-Unsubscribe's <...>,
 * List-Unsubscribe-Post exactly "List-Unsubscribe=One-Click", and a valid
 * DKIM signature whose h= covers both. */
static mc_req_status judge_one_click(const mc_verify_result *res, const mc_message *msg,
                                     mc_requirement *it)
{
	const char *lu = header(msg, "List-Unsubscribe"), *post = header(msg, "List-Unsubscribe-Post");
	const char *https = lu ? strcasestr(lu, "<https://") : NULL;
	const mc_dkim_sig *covering = NULL;

	if (!lu && !post)
		return set(it, MC_REQ_NOT_CHECKABLE, ev(it,
			"no List-Unsubscribe: required of marketing and subscribed mail, not of "
			"transactional mail (receipts, password resets), which a message does not say"));
	if (!https)
		return set(it, MC_REQ_FAIL, lu
		           ? ev(it, "List-Unsubscribe has no https URI (%s): add <https://...> that "
		                "unsubscribes on a POST", lu)
		           : ev(it, "List-Unsubscribe is missing: add <https://...> that unsubscribes "
		                "on a POST"));
	while (post && isspace((unsigned char)*post))
		post++;
	if (!post || strncmp(post, "List-Unsubscribe=One-Click", 26) != 0 ||
	    (post[26] && !isspace((unsigned char)post[26])))
		return set(it, MC_REQ_FAIL, post
		           ? ev(it, "List-Unsubscribe-Post is \"%s\": it must be "
		                "\"List-Unsubscribe=One-Click\"", post)
		           : ev(it, "List-Unsubscribe-Post is missing: it must be "
		                "\"List-Unsubscribe=One-Click\""));
	for (size_t i = 0; i < res->dkim.n_sigs && !covering; i++)
		if (res->dkim.sigs[i].verdict == MC_VERDICT_PASS &&
		    signs(&res->dkim.sigs[i], "list-unsubscribe") &&
		    signs(&res->dkim.sigs[i], "list-unsubscribe-post"))
			covering = &res->dkim.sigs[i];
	if (!covering)
		return set(it, MC_REQ_FAIL, ev(it,
			"List-Unsubscribe and List-Unsubscribe-Post are present, but no passing DKIM "
			"signature covers both (add them to h=)"));
	return set(it, MC_REQ_PASS, ev(it, "https URI and One-Click, signed by %s (s=%s)",
	                                        covering->domain, covering->selector ?
	                                        covering->selector : "?"));
}

/* Forward-confirmed reverse DNS of the sending server (iprev). */
static void judge_fcrdns(const mc_verify_result *res, mc_requirement *it)
{
	const mc_iprev *p = &res->iprev;

	if (!res->ip || p->verdict == MC_VERDICT_NONE)
		set(it, MC_REQ_NOT_CHECKABLE, ev(it, "the sending server's address is not known "
		                                        "(no Received header; give --ip)"));
	else if (p->verdict == MC_VERDICT_PASS)
		set(it, MC_REQ_PASS, ev(it, "%s -> %s -> %s", res->ip, p->confirmed, res->ip));
	else if (p->verdict == MC_VERDICT_TEMPERROR)
		set(it, MC_REQ_NOT_CHECKABLE, ev(it, "the reverse DNS of %s could not be "
		                                          "looked up (DNS failure)", res->ip));
	else
		set(it, MC_REQ_FAIL, p->n_names
		    ? ev(it, "%s has the PTR name %s, which does not resolve back to it",
		                  res->ip, p->names[0])
		    : ev(it, "%s has no PTR name: ask the owner of the address (the hosting "
		                  "provider) to set one that resolves back to it", res->ip));
}

/* A DMARC record published for the From domain. */
static void judge_dmarc_record(const mc_verify_result *res, mc_requirement *it)
{
	const mc_dmarc_result *d = &res->dmarc_policy;

	if (!res->dmarc_ran)
		set(it, MC_REQ_FAIL, ev(it, "no single From domain to look up"));
	else if (d->verdict == MC_VERDICT_PASS)
		set(it, MC_REQ_PASS, ev(it, "_dmarc.%s: p=%s",
		                                 d->record.domain ? d->record.domain : d->domain,
		                                 mc_dmarc_policy_name(d->policy)));
	else if (d->verdict == MC_VERDICT_TEMPERROR)
		set(it, MC_REQ_NOT_CHECKABLE, ev(it, "the DMARC record of %s could not be "
		                                          "looked up (DNS failure)", d->domain));
	else
		set(it, MC_REQ_FAIL, d->verdict == MC_VERDICT_NONE
		    ? ev(it, "%s has no DMARC record: publish \"v=DMARC1; p=none; "
		                  "rua=mailto:...\" at _dmarc.%s", d->domain, d->domain)
		    : ev(it, "the DMARC record of %s is not valid (%s)", d->domain,
		                  d->record.text ? d->record.text : "?"));
}

/* DMARC passes: an aligned SPF or DKIM pass. */
static void judge_dmarc_aligned(const mc_verify_result *res, mc_requirement *it)
{
	if (!res->dmarc_ran)
		set(it, MC_REQ_FAIL, ev(it, "no single From domain: DMARC cannot pass"));
	else if (res->dmarc.result == MC_VERDICT_PASS)
		set(it, MC_REQ_PASS, ev(it, "DMARC pass for %s", res->from_domain));
	else if (res->dmarc.result == MC_VERDICT_TEMPERROR)
		set(it, MC_REQ_NOT_CHECKABLE, ev(it, "DNS failure"));
	else
		set(it, MC_REQ_FAIL, ev(it, "DMARC %s for %s: %s", mc_verdict_name(
		                     res->dmarc.result), res->from_domain ? res->from_domain : "?",
		                     res->cause ? res->cause : "no aligned SPF or DKIM pass"));
}

static void judge(const mc_verify_result *res, const mc_message *msg, mc_requirement *it)
{
	const char *id = it->rule->id;
	bool spf = res->spf_ran && res->spf.verdict == MC_VERDICT_PASS;
	bool dkim = passing_sig(res) != NULL;

	if (!strcmp(id, "spf_or_dkim"))
		set(it, spf || dkim ? MC_REQ_PASS : MC_REQ_FAIL, auth_words(res));
	else if (!strcmp(id, "spf_and_dkim"))
		set(it, spf && dkim ? MC_REQ_PASS : MC_REQ_FAIL, auth_words(res));
	else if (!strcmp(id, "fcrdns"))
		judge_fcrdns(res, it);
	else if (!strcmp(id, "tls"))
		judge_tls(res, it);
	else if (!strcmp(id, "rfc5322"))
		judge_rfc5322(msg, it);
	else if (!strcmp(id, "spam_rate"))
		set(it, MC_REQ_NOT_CHECKABLE, ev(it, "a rate over all mail sent, known to the "
		                                        "provider only: see Google Postmaster Tools "
		                                        "and Yahoo Sender Hub"));
	else if (!strcmp(id, "dmarc_record"))
		judge_dmarc_record(res, it);
	else if (!strcmp(id, "dmarc_aligned"))
		judge_dmarc_aligned(res, it);
	else if (!strcmp(id, "one_click_unsubscribe"))
		judge_one_click(res, msg, it);
}

void verify_requirements(const mc_message *msg, unsigned providers, mc_verify_result *out)
{
	mc_requirements *q = &out->requirements;

	q->providers = providers;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && q->n < MC_REQ_MAX; i++) {
		mc_requirement *it;

		if (!(rules[i].providers & providers))
			continue;
		it = &q->items[q->n++];
		it->rule = &rules[i];
		judge(out, msg, it);
		q->failed += it->status == MC_REQ_FAIL;
	}
}
