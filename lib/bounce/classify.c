/*
 * Why a recipient failed, in words. The enhanced status code says most
 * (RFC 3463 and the IANA registry), but providers reuse registered numbers
 * with their own meanings -- Gmail's 5.7.27 is "SPF did not pass" where IANA's
 * X.7.27 is "sender has null MX", and so for x.7.29 and x.7.30 -- so the code
 * is read together with who said it. The providers' replies are data: each
 * row names its provider, how its servers are recognised, the code, a
 * fragment of the reply that must be there (or ""), what it means and the
 * page it comes from (../shared/BOUNCES.md gathers them).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounce/internal.h"
#include "common/util.h"

/* How a provider's servers show themselves in Remote-MTA or the reply. */
static const struct provider {
	const char *name, *display, *marks[4];
} providers[] = {
	{"gmail", "Gmail", {"gsmtp", "google.com", "googlemail.com", NULL}},
	{"microsoft", "Microsoft", {"outlook.com", "protection.outlook", "hotmail.com", "office365"}},
	{"yahoo", "Yahoo", {"yahoodns.net", "yahoo.com", "aol.com", NULL}},
	{"icloud", "iCloud", {"icloud.com", "apple.com", "me.com", NULL}},
	{"mail.ru", "Mail.ru", {"mail.ru", NULL, NULL, NULL}},
	{"zoho", "Zoho", {"zoho", NULL, NULL, NULL}},
	{"qq", "QQ", {"qq.com", NULL, NULL, NULL}},
	{"comcast", "Comcast", {"comcast.net", NULL, NULL, NULL}},
	{"amazon_ses", "Amazon SES", {"amazonses.com", NULL, NULL, NULL}},
	/* Japanese carriers and ISPs, by their mail domains (the recipient's
	 * domain names them when their servers do not) */
	{"docomo", "docomo", {"docomo.ne.jp", NULL, NULL, NULL}},
	{"au", "au (KDDI)", {"ezweb.ne.jp", "@au.com", ".au.com", NULL}},
	{"softbank", "SoftBank", {"softbank.ne.jp", "softbank.jp", "vodafone.ne.jp", NULL}},
	{"yahoo_japan", "Yahoo! JAPAN", {"yahoo.co.jp", "ybb.ne.jp", NULL, NULL}},
	{"kddi", "KDDI (au one net)", {"dion.ne.jp", "kddi.com", NULL, NULL}},
	{"biglobe", "BIGLOBE", {"biglobe.ne.jp", NULL, NULL, NULL}},
	{"ocn", "OCN", {"ocn.ne.jp", "ocn.ad.jp", NULL, NULL}},
	{"nifty", "@nifty", {"nifty.com", NULL, NULL, NULL}},
	{"so-net", "So-net", {"so-net.ne.jp", NULL, NULL, NULL}},
};

/* The carriers whose subscribers filter mail themselves: the spoofing
 * filter (なりすまし規制 / なりすましメール拒否: mail whose SPF does not pass
 * is refused) and the sender lists (指定受信 / 受信リスト). Their refusals
 * often read as "user unknown" or carry no reason. */
static bool mobile_carrier(const char *name)
{
	return name && (!strcmp(name, "docomo") || !strcmp(name, "au") ||
	                !strcmp(name, "softbank"));
}

static const char *display(const char *name)
{
	for (size_t i = 0; name && i < sizeof(providers) / sizeof(providers[0]); i++)
		if (!strcmp(providers[i].name, name))
			return providers[i].display;
	return name;
}

static const struct reply {
	const char *provider; /* NULL: any */
	const char *code;     /* the enhanced code, without its class (".7.26") */
	const char *fragment; /* in the reply, case-insensitive; "" any */
	const char *category;
	const char *meaning;
	const char *source;
} replies[] = {
	{"gmail", ".7.23", "", "reverse_dns", N_("the sending server's IP has no PTR name, or the "
	 "name does not resolve back to it"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.25", "", "reverse_dns", N_("the sending server's IP has no PTR name, or the "
	 "name does not resolve back to it"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.24", "", "spf", N_("the SPF record of the sending domain has suspicious entries"),
	 "support.google.com/a/answer/3726730"},
	{"gmail", ".7.26", "DMARC", "dmarc", N_("the message failed DMARC and the From domain's "
	 "policy is reject"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.26", "hard fail", "spf", N_("SPF failed and the sending domain's record ends "
	 "in -all"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.26", "", "authentication", N_("neither SPF nor DKIM passed: Gmail refuses "
	 "unauthenticated mail"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.27", "", "spf", N_("SPF did not pass (Gmail's bulk-sender rule; not IANA's "
	 "null-MX meaning of X.7.27)"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.28", "", "rate", N_("an unusual rate of mail from this IP, network or domain"),
	 "support.google.com/a/answer/3726730"},
	{"gmail", ".7.29", "", "tls", N_("the connection did not use TLS (Gmail's meaning; not "
	 "IANA's ARC failure)"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.30", "", "dkim", N_("DKIM did not pass (Gmail's bulk-sender rule; not IANA's "
	 "REQUIRETLS meaning)"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.32", "", "dmarc", N_("the From domain is not aligned with the domain SPF or "
	 "DKIM authenticated"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.40", "", "dmarc", N_("the From domain publishes no DMARC record (or one "
	 "without a policy)"), "support.google.com/a/answer/14229414"},
	{"gmail", ".7.1", "authentication", "authentication", N_("the message did not pass "
	 "authentication checks (SPF, DKIM)"), "support.google.com/a/answer/3726730"},
	{"gmail", ".7.1", "IPv6", "reverse_dns", N_("an IPv6 sender without PTR or authentication"),
	 "support.google.com/a/answer/3726730"},
	{"microsoft", ".7.515", "", "authentication", N_("a high-volume sender without SPF pass, "
	 "DKIM pass and a passing DMARC record (enforced since May 2025)"),
	 "support.microsoft.com: Fix NDR error 550 5.7.515"},
	{"microsoft", ".7.509", "", "dmarc", N_("the message failed DMARC and the From domain's "
	 "policy is reject"), "learn.microsoft.com: NDR 5.7.509"},
	{"microsoft", ".7.23", "", "spf", N_("SPF failed: the sending server is not in the "
	 "sending domain's SPF record"), "learn.microsoft.com: NDR 5.7.23"},
	{"microsoft", ".7.650", "", "reputation", N_("temporarily rate limited for the IP's "
	 "reputation"), "Outlook.com postmaster"},
	{"yahoo", ".7.9", "", "authentication", N_("SPF, DKIM or DMARC failed (usually DMARC)"),
	 "help.yahoo.com SLN7253"},
	{"yahoo", ".7.0", "TSS04", "reputation", N_("deferred for volume or complaints "
	 "(reputation)"), "senders.yahooinc.com"},
	{NULL, ".7.1", "DMARC", "dmarc", N_("the receiver refused the message under the From "
	 "domain's DMARC policy"), "BOUNCES.md: iCloud, Mail.ru, Zoho"},
	{NULL, ".2.0", "DMARC", "dmarc", N_("the receiver refused the message under the From "
	 "domain's DMARC policy"), "BOUNCES.md: Comcast"},
};

/* RFC 3463 3 and the IANA registry: the meaning of a code for any receiver. */
static const struct generic {
	const char *code, *category, *meaning;
} generic[] = {
	{".1.1", "mailbox_unknown", N_("the recipient's address does not exist")},
	{".1.2", "domain_unknown", N_("the recipient's domain does not exist or accepts no mail")},
	{".1.3", "address_syntax", N_("the recipient's address is malformed")},
	{".1.6", "mailbox_moved", N_("the mailbox has moved")},
	{".1.8", "sender_domain", N_("the sender's domain is invalid (no MX or address)")},
	{".1.10", "null_mx", N_("the recipient's domain accepts no mail (null MX)")},
	{".2.1", "mailbox_disabled", N_("the mailbox is disabled")},
	{".2.2", "mailbox_full", N_("the mailbox is full")},
	{".2.3", "too_large", N_("the message is larger than the mailbox accepts")},
	{".3.4", "too_large", N_("the message is larger than the system accepts")},
	{".4.1", "network", N_("the receiving server did not answer")},
	{".4.4", "network", N_("the recipient's domain could not be routed to")},
	{".4.7", "expired", N_("delivery took too long and was given up")},
	{".5.0", "protocol", N_("the receiving server refused a command")},
	{".7.1", "policy", N_("the receiving server refused the message by its policy (relay "
	 "denied, a blocklist, or authentication; the reply says which)")},
	{".7.20", "dkim", N_("no passing DKIM signature")},
	{".7.21", "dkim", N_("no acceptable DKIM signature")},
	{".7.22", "dkim", N_("no valid DKIM signature of the author's domain")},
	{".7.23", "spf", N_("SPF validation failed")},
	{".7.24", "spf", N_("SPF validation error")},
	{".7.25", "reverse_dns", N_("reverse DNS validation of the sending server failed")},
	{".7.26", "authentication", N_("several authentication checks failed")},
	{".7.27", "null_mx", N_("the sender's domain has a null MX (accepts no mail)")},
	{".7.28", "rate", N_("mail flood")},
	{".7.29", "arc", N_("ARC validation failed")},
	{".7.30", "tls", N_("REQUIRETLS is required")},
};

/* Replies without a code (Exchange 2003, Domino, IMail, KDDI, DragonFly
 * expiry notices): the words read as the code they stand for, whose meaning
 * the table above gives. No status is made up from them. */
static const struct {
	const char *words, *code;
} worded[] = {
	/* Japanese MTAs' words (Domino and Notes in Japanese, in the real
	 * bounces' set: "... ディレクトリには見つかりません", "ディレクトリのリストに
	 * ありません"), the more particular first */
	{"ホストが見つかりません", ".1.2"}, {"ドメインが見つかりません", ".1.2"},
	{"MXレコードが見つかりません", ".1.2"}, {"見つかりません", ".1.1"},
	{"リストにありません", ".1.1"}, {"存在しません", ".1.1"}, {"容量を超", ".2.2"},
	{"容量オーバー", ".2.2"}, {"容量が不足", ".2.2"},
	{"user unknown", ".1.1"}, {"unknown user", ".1.1"}, {"no such user", ".1.1"},
	{"user not found", ".1.1"}, {"address not found", ".1.1"},
	{"no such mailbox", ".1.1"}, {"no such recipient", ".1.1"}, {"unknown recipient", ".1.1"},
	{"not recognized", ".1.1"}, {"not listed in", ".1.1"}, {"does not exist", ".1.1"},
	{"doesn't exist", ".1.1"}, {"invalid recipient", ".1.1"}, {"invalid mailbox", ".1.1"},
	{"mailbox not found", ".1.1"}, {"recipient not found", ".1.1"}, {"no mx record", ".1.2"},
	{"account is locked", ".2.1"}, {"unable to connect", ".4.1"}, {"timed out", ".4.1"},
	{"queue too long", ".4.7"},
	{"invalid final delivery", ".1.1"}, {"not responding", ".4.1"},
	{"host unknown", ".1.2"}, {"host not found", ".1.2"}, {"domain not found", ".1.2"},
	{"unknown host", ".1.2"}, {"name service error", ".4.4"}, {"not reachable", ".4.1"},
	{"unreachable", ".4.1"}, {"network error", ".4.1"}, {"malformed", ".1.3"},
	{"doesn't have a", ".1.1"}, {"does not have a", ".1.1"}, {"size limit", ".3.4"},
	{"exceeds allowed size", ".2.2"},
	{"unrouteable", ".4.4"}, {"no route to host", ".4.1"}, {"connection refused", ".4.1"},
	{"connection timed out", ".4.1"},
	{"mailbox is full", ".2.2"}, {"mailbox full", ".2.2"}, {"quota", ".2.2"},
	{"storage", ".2.2"}, {"mailbox has exceeded", ".2.2"},
	{"account is disabled", ".2.1"}, {"suspended", ".2.1"}, {"disabled", ".2.1"},
	{"too large", ".3.4"}, {"size exceeds", ".3.4"}, {"too big", ".3.4"},
	{"expired", ".4.7"}, {"giving up", ".4.7"}, {"too long in queue", ".4.7"},
	{"retry time", ".4.7"}, {"retry timeout", ".4.7"}, {"could not deliver for", ".4.7"},
	{"could not be delivered for", ".4.7"},
};

static const char *worded_code(const char *diagnostic)
{
	for (size_t i = 0; diagnostic && i < sizeof(worded) / sizeof(worded[0]); i++)
		if (strcasestr(diagnostic, worded[i].words))
			return worded[i].code;
	return NULL;
}

const char *bounce_provider_in(const char *text)
{
	for (size_t i = 0; text && i < sizeof(providers) / sizeof(providers[0]); i++)
		for (size_t k = 0; k < 4 && providers[i].marks[k]; k++)
			if (strcasestr(text, providers[i].marks[k]))
				return providers[i].name;
	return NULL;
}

static const char *provider_of(const mc_bounce_rcpt *r)
{
	const char *p = bounce_provider_in(r->remote_mta);

	if (!p)
		p = bounce_provider_in(r->diagnostic);
	if (!p && r->recipient && (p = bounce_provider_in(strrchr(r->recipient, '@'))) &&
	    !mobile_carrier(p))
		p = NULL; /* a carrier's own domain names it; other domains are hosted anywhere */
	return p;
}

/* The RFC 3463 / IANA meaning of a code's detail (".1.1"), its category in
 * *category; NULL when the table has none. */
static const char *generic_meaning(const char *detail, const char **category)
{
	for (size_t i = 0; detail && i < sizeof(generic) / sizeof(generic[0]); i++)
		if (!strcmp(generic[i].code, detail)) {
			*category = generic[i].category;
			return generic[i].meaning;
		}
	return NULL;
}

void bounce_classify(mc_bounce_rcpt *r)
{
	const char *detail = r->status ? strchr(r->status, '.') : worded_code(r->diagnostic);
	const char *meaning = NULL, *source = NULL;

	r->provider = provider_of(r);
	if (bounce_blocklist_reply(r, r->provider ? display(r->provider) : r->remote_mta))
		return;
	for (size_t i = 0; detail && !meaning && i < sizeof(replies) / sizeof(replies[0]); i++) {
		const struct reply *p = &replies[i];

		if (strcmp(p->code, detail) || (p->provider && (!r->provider ||
		                                                strcmp(p->provider, r->provider))))
			continue;
		if (*p->fragment && (!r->diagnostic || !strcasestr(r->diagnostic, p->fragment)))
			continue;
		r->category = p->category;
		meaning = p->meaning;
		source = p->source;
	}
	if (!meaning)
		meaning = generic_meaning(detail, &r->category);
	/* a code that says nothing particular (5.0.0, 5.5.0, 4.4.1 ...) with a
	 * reply that does ("user unknown"): the reply's words */
	if (!meaning && r->status)
		meaning = generic_meaning(worded_code(r->diagnostic), &r->category);
	if (!r->category)
		r->category = !r->status ? "unknown" : r->status[0] == '4' ? "temporary" : "other";
	bounce_cause(r, r->provider ? display(r->provider) : r->remote_mta, meaning,
	             meaning ? _(meaning) : NULL, source);
}

void bounce_cause(mc_bounce_rcpt *r, const char *who, const char *meaning, const char *shown,
                  const char *source)
{
	/* refused or deferred, with the page the meaning comes from or without */
	static const char *const said[2][2] = {
		{N_("%s refused %s: %s"), N_("%s refused %s: %s (%s)")},
		{N_("%s deferred %s: %s"), N_("%s deferred %s: %s (%s)")},
	};
	static const char *const answered = N_("%s answered: %s");
	const char *to = r->recipient ? r->recipient : N_("the message");
	const char *by = who ? who : N_("the receiving server");
	const char *fmt = said[r->action && !strcmp(r->action, "delayed")][source != NULL];

	free(r->cause);
	free(r->cause_text);
	r->cause = r->cause_text = NULL;
	if (meaning) {
		r->cause = mc_asprintf(fmt, by, to, meaning, source);
		if (mc_i18n_active())
			r->cause_text = mc_asprintf(_(fmt), who ? who : _(by), r->recipient ? to : _(to),
			                            shown, source);
	} else if (r->diagnostic) {
		r->cause = mc_asprintf(answered, by, r->diagnostic);
		if (mc_i18n_active())
			r->cause_text = mc_asprintf(_(answered), who ? who : _(by), r->diagnostic);
	}
}

/* A refusal by a mobile carrier that reads as "user unknown", a policy or
 * nothing at all may be the subscriber's own filter: said once a bounce. */
static void carrier_filter(mc_bounce_result *out)
{
	static const char *const maybe[] = {"unknown", "mailbox_unknown", "policy", "other",
	                                    "authentication", "spf", "dmarc"};

	for (size_t i = 0; i < out->n_rcpts; i++) {
		const mc_bounce_rcpt *r = &out->rcpts[i];
		bool could = false;

		for (size_t k = 0; k < sizeof(maybe) / sizeof(maybe[0]) && r->category; k++)
			could |= !strcmp(r->category, maybe[k]);
		if (!could || !mobile_carrier(r->provider) ||
		    (r->action && strcmp(r->action, "failed")))
			continue;
		mc_finding_hint(mc_finding_add(&out->findings, "bounce.carrier_filter", MC_SEV_INFO,
			"%s is an address at %s, a mobile carrier whose subscribers filter their own "
			"mail: its spoofing filter refuses mail whose SPF does not pass, and a "
			"subscriber's list of allowed senders refuses every sender not on it -- such "
			"refusals often read as 'user unknown' or give no reason", r->recipient
			? r->recipient : "the recipient", display(r->provider)),
			"make sure the mail passes SPF for its envelope sender's domain (mailcheck spf "
			"DOMAIN IP) and DKIM for its From domain, and ask the recipient to allow the From "
			"domain in the carrier's receiving settings");
		return;
	}
}

/* System users a web server's mail goes out as when a web application calls
 * sendmail without -f: their bounces land in a local mailbox nobody reads. */
static const char *const system_users[] = {"www-data", "apache", "nginx", "httpd", "nobody",
                                           "root", "daemon", "www", "wwwrun", "php-fpm",
                                           "apache2", "lighttpd"};

void bounce_where(mc_bounce_result *out)
{
	const char *to = out->sender, *at = to ? strrchr(to, '@') : NULL;
	bool system = false;

	carrier_filter(out);
	if (!at)
		return;
	for (size_t i = 0; i < sizeof(system_users) / sizeof(system_users[0]); i++)
		system |= strlen(system_users[i]) == (size_t)(at - to) &&
		          !strncasecmp(to, system_users[i], (size_t)(at - to));
	if (system) {
		mc_finding *f = out->original_from
			? mc_finding_add(&out->findings, "bounce.to_system_user", MC_SEV_WARNING,
				"the bounce went to %s, a system user of the sending host: the original's "
				"envelope sender (Return-Path) was the web server's own user -- a web "
				"application that calls sendmail without -f -- so bounces like this one land "
				"in a local mailbox on that host instead of going to %s (From), where nobody "
				"reads them", to, out->original_from)
			: mc_finding_add(&out->findings, "bounce.to_system_user", MC_SEV_WARNING,
				"the bounce went to %s, a system user of the sending host: the original's "
				"envelope sender (Return-Path) was the web server's own user -- a web "
				"application that calls sendmail without -f -- so bounces like this one land "
				"in a local mailbox on that host, where nobody reads them", to);

		mc_finding_hint(f,
			"give the application an envelope sender at your domain: sendmail -f "
			"bounces@yourdomain (PHP: the fifth mail() parameter \"-fbounces@yourdomain\", or "
			"send through SMTP with a library that sets it), and read that mailbox");
		return;
	}
	if (out->original_from && strcasecmp(out->original_from, to))
		mc_finding_add(&out->findings, "bounce.sent_to_envelope", MC_SEV_INFO,
			"the bounce went to %s, the original's envelope sender (Return-Path), not to its "
			"From address %s: bounces always go to the envelope sender", to,
			out->original_from);
}
