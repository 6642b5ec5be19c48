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
	/* TRANSLATORS: a source of the requirements: keep the page's address
	 * and its English title as they are (the title quoted), say the dates */
	{G, "gmail", N_("Gmail: support.google.com/a/answer/81126 (Email sender guidelines, "
	 "February 2024; enforced with rejections since November 2025)")},
	{Y, "yahoo", N_("Yahoo: senders.yahooinc.com/best-practices (Sender requirements, "
	 "February 2024)")},
	{M, "microsoft", N_("Microsoft: techcommunity.microsoft.com, \"Strengthening Email "
	 "Ecosystem: Outlook's New Requirements for High-Volume Senders\" (April 2025; enforced "
	 "with 550 5.7.515 since 5 May 2025)")},
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

const char *mc_req_provider_source_text(unsigned p)
{
	const char *source = mc_req_provider_source(p);

	return source ? _(source) : NULL;
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

char *mc_req_evidence(mc_requirement *it, const char *fmt, ...)
{
	va_list ap;
	char *english;

	free(it->evidence_text);
	va_start(ap, fmt);
	english = mc_vasprintf_both(fmt, ap, &it->evidence_text);
	va_end(ap);
	return english;
}

char *mc_req_evidence_pair(mc_requirement *it, char *a, char *a_text, char *b, char *b_text)
{
	char *english;

	free(it->evidence_text);
	/* TRANSLATORS: requirements: two findings side by side (what SPF
	 * showed, what DKIM showed) */
	english = mc_both(&it->evidence_text, N_("%1$s; %2$s"), (MC_OR(a, "?"), MC_OR(b, "?")),
	                  (MC_OR(a_text, MC_OR(a, "?")), MC_OR(b_text, MC_OR(b, "?"))));
	free(a);
	free(a_text);
	free(b);
	free(b_text);
	return english;
}

#define ev mc_req_evidence

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

/* What SPF and DKIM showed, in both languages (it->evidence_text). */
static char *auth_words(const mc_verify_result *res, mc_requirement *it)
{
	const mc_dkim_sig *s = passing_sig(res);
	const char *verdict = mc_verdict_name(res->spf.verdict);
	char *spf, *spf_text, *dkim, *dkim_text;

	if (!res->spf_ran)
		spf = mc_asprintf_both(&spf_text, "SPF not evaluated");
	else if (res->spf.domain)
		/* TRANSLATORS: requirements: the SPF result (pass, fail, ...) and the domain checked */
		spf = mc_asprintf_both(&spf_text, "SPF %1$s for %2$s", verdict, res->spf.domain);
	else
		spf = mc_asprintf_both(&spf_text, "SPF %s", verdict);
	if (s)
		dkim = mc_asprintf_both(&dkim_text, "DKIM pass for %1$s (s=%2$s)", s->domain,
		                        MC_OR(s->selector, "?"));
	else if (res->dkim.n_sigs)
		dkim = mc_asprintf_both(&dkim_text, "no DKIM signature passes");
	else
		dkim = mc_asprintf_both(&dkim_text, "not DKIM-signed");
	return mc_req_evidence_pair(it, spf, spf_text, dkim, dkim_text);
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

/* One count of a field that should be there once, added to both lists. */
static void field_count(mc_buf *b, mc_buf *bt, size_t n, const char *field)
{
	char *text, *english;

	if (n == 1)
		return;
	/* TRANSLATORS: requirements: how many header fields of a name a
	 * message has (0, or 2 and more) */
	english = mc_asprintf_both(&text, "%1$zu %2$s fields", n, field);
	mc_buf_addf(b, "%s%s", b->len ? "; " : "", MC_OR(english, "?"));
	if (bt->len) { /* the two side by side, as mc_req_evidence_pair says them */
		char *both = mc_asprintf(_("%1$s; %2$s"), bt->s, MC_OR(text, MC_OR(english, "?")));

		bt->len = 0;
		mc_buf_addf(bt, "%s", MC_OR(both, "?"));
		free(both);
	} else {
		mc_buf_addf(bt, "%s", MC_OR(text, MC_OR(english, "?")));
	}
	free(english);
	free(text);
}

static mc_req_status judge_rfc5322(const mc_message *msg, mc_requirement *it)
{
	mc_buf b = {0}, bt = {0};
	char *evidence;

	field_count(&b, &bt, mc_message_count(msg, "From"), "From");
	field_count(&b, &bt, mc_message_count(msg, "Date"), "Date");
	field_count(&b, &bt, mc_message_count(msg, "Message-ID"), "Message-ID");
	if (!b.len)
		return set(it, MC_REQ_PASS, ev(it, "one From, one Date, one Message-ID"));
	free(it->evidence_text);
	evidence = mc_both(&it->evidence_text, "%s (RFC 5322 3.6: exactly one From and one Date; "
	                   "Gmail also asks for one Message-ID)", (b.s), (bt.s));
	mc_buf_free(&b);
	mc_buf_free(&bt);
	return set(it, MC_REQ_FAIL, evidence);
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
		set(it, spf || dkim ? MC_REQ_PASS : MC_REQ_FAIL, auth_words(res, it));
	else if (!strcmp(id, "spf_and_dkim"))
		set(it, spf && dkim ? MC_REQ_PASS : MC_REQ_FAIL, auth_words(res, it));
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
