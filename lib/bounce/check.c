/*
 * The returned original, checked as the receiver that refused it would
 * have: the client is the server that talked to the receiver (the
 * reporting MTA, or its Received-From-MTA when the receiver wrote the
 * bounce), its address from DNS, its name as HELO, the bounce's recipient as
 * envelope sender; then lib/verify's SPF, DKIM and DMARC. When only the
 * headers came back, a signature whose headers verify but whose body cannot
 * be hashed is said to be unverifiable here, not broken. When nothing came
 * back, the DNS checks of the sender's domain.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "bounce/internal.h"
#include "common/util.h"

bool mc_bounce_auth_failure(const mc_bounce_result *res)
{
	static const char *const auth[] = {"authentication", "dmarc", "spf", "dkim",
	                                   "reverse_dns", "tls", "arc"};

	for (size_t i = 0; i < res->n_rcpts; i++)
		for (size_t k = 0; k < sizeof(auth) / sizeof(auth[0]); k++)
			if (res->rcpts[i].category && !strcmp(res->rcpts[i].category, auth[k]))
				return true;
	return false;
}

/* The first address of host, NULL when it has none. */
static char *host_address(mc_resolver *r, const char *host)
{
	const uint16_t types[] = {MC_RR_A, MC_RR_AAAA};

	for (size_t t = 0; host && t < 2; t++) {
		const mc_dns_answer *a = mc_dns_lookup(r, host, types[t]);

		for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++)
			if (a->rrs[i].type == types[t])
				return mc_strdup(a->rrs[i].data);
	}
	return NULL;
}

static bool same_org(const char *a, const char *b)
{
	char *x = a ? mc_registrable_domain(a) : NULL, *y = b ? mc_registrable_domain(b) : NULL;
	bool same = x && y && !strcasecmp(x, y);

	free(x);
	free(y);
	return same;
}

/* The server that talked to the refusing receiver: the reporting MTA
 * (the sender's server that got the refusal and wrote the bounce), unless
 * the reporting MTA is the receiver's own -- a provider's server, or in
 * the registered domain of a Remote-MTA -- which wrote the bounce after
 * the sender's server handed the message over: then Received-From-MTA
 * (RFC 3464 2.2.4). */
static const char *client_host(const mc_bounce_result *res)
{
	bool receivers = res->reporting_mta && bounce_provider_in(res->reporting_mta);

	for (size_t i = 0; !receivers && i < res->n_rcpts; i++)
		receivers = same_org(res->reporting_mta, res->rcpts[i].remote_mta);
	if (receivers)
		return res->received_from_mta;
	return res->reporting_mta;
}

/* A sentence of what DNS says, in English (JSON) and in the locale's
 * language: fmt is the English message (translated through the catalogue). */
static void explain(mc_bounce_domain_check *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void explain(mc_bounce_domain_check *d, const char *fmt, ...)
{
	va_list ap;
	char *text, *english;

	va_start(ap, fmt);
	english = mc_vasprintf_both(fmt, ap, &text);
	va_end(ap);
	if (english && d->n_explanation < MC_BOUNCE_MAX_NOTES) {
		d->explanation_text[d->n_explanation] = text;
		d->explanation[d->n_explanation++] = english;
	} else {
		free(english);
		free(text);
	}
}

/* The sender's domain as the receiver's reply names it ("Unauthenticated
 * email from example.com is not accepted", "sending domain example.net
 * does not meet ..."), malloc'd; NULL when no reply does. */
static char *domain_in_reply(const mc_bounce_result *res)
{
	static const char *const before[] = {"email from ", "sending domain ", "mail from domain ",
	                                     "messages from "};

	for (size_t i = 0; i < res->n_rcpts; i++)
		for (size_t k = 0; res->rcpts[i].diagnostic && k < sizeof(before) / sizeof(*before); k++) {
			const char *p = strcasestr(res->rcpts[i].diagnostic, before[k]);
			size_t n = 0, dots = 0;

			if (!p)
				continue;
			p += strlen(before[k]);
			while (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '.')
				dots += p[n++] == '.';
			while (n && p[n - 1] == '.') {
				n--;
				dots--;
			}
			if (dots && n < 254)
				return mc_strndup(p, n);
		}
	return NULL;
}

/* Nothing of the original came back: what DNS says of the sender's domain
 * and the server that sent it. */
/* What SPF's verdict on the sending server says of the refusal. */
static void explain_spf(mc_bounce_domain_check *d, const char *host)
{
	const char *v = mc_verdict_name(d->spf.verdict);

	switch (d->spf.verdict) {
	case MC_VERDICT_PASS:
		explain(d, "SPF passes for %s from %s (%s): the sending server is authorized, so SPF "
		        "alone does not explain the refusal", d->domain, d->client_ip, host);
		break;
	case MC_VERDICT_FAIL:
	case MC_VERDICT_SOFTFAIL:
	case MC_VERDICT_NEUTRAL:
		if (d->spf.suggestion)
			explain(d, "SPF %s for %s: its record does not authorize %s (%s), the server that "
			        "sent to the receiver -- add %s to it", v, d->domain, d->client_ip, host,
			        d->spf.suggestion);
		else
			explain(d, "SPF %s for %s: its record does not authorize %s (%s), the server that "
			        "sent to the receiver", v, d->domain, d->client_ip, host);
		break;
	case MC_VERDICT_NONE:
		if (d->spf.suggestion)
			explain(d, "%s publishes no SPF record: nothing authorizes %s (%s) -- publish "
			        "one, e.g. \"v=spf1 %s -all\"", d->domain, d->client_ip, host,
			        d->spf.suggestion);
		else
			explain(d, "%s publishes no SPF record: nothing authorizes %s (%s) -- publish "
			        "one, e.g. \"v=spf1 ip%c:%s -all\"", d->domain, d->client_ip, host,
			        strchr(d->client_ip, ':') ? '6' : '4', d->client_ip);
		break;
	default:
		if (d->spf.record)
			explain(d, "SPF for %s gives %s: %s", d->domain, v, d->spf.record);
		else
			explain(d, "SPF for %s gives %s", d->domain, v);
	}
}

/* The sending server's SPF for the domain and its reverse DNS. */
static mc_status check_server(mc_resolver *r, mc_bounce_domain_check *d, const char *host,
                              const char *sender, time_t now)
{
	const char *at = sender ? strrchr(sender, '@') : NULL;
	mc_spf_request q = {.domain = d->domain, .ip = d->client_ip, .helo = host, .now = now,
	                    .sender = at && !strcasecmp(at + 1, d->domain) ? sender : NULL};
	mc_status st;

	if ((st = mc_spf_check(r, &q, &d->spf)) != MC_OK)
		return st;
	d->spf_ran = true;
	if ((st = mc_iprev_check(r, d->client_ip, &d->iprev)) != MC_OK)
		return st;
	d->iprev_ran = true;
	explain_spf(d, host);
	if (d->iprev.verdict == MC_VERDICT_PASS)
		explain(d, "%s has reverse DNS %s, which resolves back to it", d->client_ip,
		        d->iprev.confirmed);
	else if (d->iprev.verdict == MC_VERDICT_FAIL)
		explain(d, "%s has a PTR name that does not resolve back to it: Gmail, Yahoo and "
		        "Microsoft refuse bulk mail from servers without forward-confirmed reverse DNS "
		        "-- ask the owner of %s for a PTR name that resolves back to it", d->client_ip,
		        d->client_ip);
	else if (d->iprev.verdict == MC_VERDICT_PERMERROR)
		explain(d, "%s has no reverse DNS (PTR) name: Gmail, Yahoo and Microsoft refuse bulk "
		        "mail from servers without forward-confirmed reverse DNS -- ask the owner of %s "
		        "for a PTR name that resolves back to it", d->client_ip, d->client_ip);
	return MC_OK;
}

/* The domain's DMARC policy, and what it does to mail that fails. */
static mc_status check_policy(mc_resolver *r, mc_bounce_domain_check *d)
{
	mc_status st = mc_dmarc_check(r, d->domain, &d->dmarc);
	const char *policy;

	if (st != MC_OK)
		return st;
	policy = mc_dmarc_policy_name(d->dmarc.policy);
	if (d->dmarc.verdict == MC_VERDICT_NONE)
		explain(d, "%s publishes no DMARC record: Gmail, Yahoo and Microsoft require one of "
		        "bulk senders -- publish \"v=DMARC1; p=none; rua=mailto:...\" at _dmarc.%s at "
		        "least", d->domain, d->domain);
	else if (d->dmarc.verdict == MC_VERDICT_PASS && policy) {
		const char *at = d->dmarc.record.domain ? d->dmarc.record.domain : d->domain;

		if (d->dmarc.policy == MC_DMARC_POLICY_REJECT)
			explain(d, "%s's DMARC policy is p=%s (record at _dmarc.%s): mail that passes "
			        "neither SPF nor DKIM aligned with From is refused", d->domain, policy, at);
		else if (d->dmarc.policy == MC_DMARC_POLICY_QUARANTINE)
			explain(d, "%s's DMARC policy is p=%s (record at _dmarc.%s): mail that passes "
			        "neither SPF nor DKIM aligned with From goes to spam", d->domain, policy, at);
		else
			explain(d, "%s's DMARC policy is p=%s (record at _dmarc.%s): mail that passes "
			        "neither SPF nor DKIM aligned with From is only reported", d->domain,
			        policy, at);
	} else
		explain(d, "%s's DMARC record gives %s", d->domain, mc_verdict_name(d->dmarc.verdict));
	return MC_OK;
}

static mc_status check_domain(mc_resolver *r, mc_bounce_result *res, time_t now)
{
	mc_bounce_domain_check *d;
	const char *at = res->sender ? strrchr(res->sender, '@') : NULL;
	const char *host = client_host(res);
	char *named = domain_in_reply(res);
	mc_status st;

	if (!named && !(at && at[1]))
		return MC_OK; /* no domain to check */
	if (!(d = res->domain_check = calloc(1, sizeof(*d)))) {
		free(named);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	d->domain = named ? named : mc_strdup(at + 1);
	d->domain_from = named ? "reply" : "envelope";
	d->client_ip = host_address(r, host);
	if (d->client_ip && (st = check_server(r, d, host, res->sender, now)) != MC_OK)
		return st;
	if (!d->client_ip)
		d->not_checked[d->n_not_checked++] = N_(
			"SPF: the address of the server that sent to the receiver is not known "
			"(no Reporting-MTA, or its name has no address in DNS)");
	if ((st = check_policy(r, d)) != MC_OK)
		return st;
	d->not_checked[d->n_not_checked++] = N_(
		"DKIM: the selector and the signature are in the message, which did not come back "
		"-- run `mailcheck verify` on a copy of it, or `mailcheck dkim DOMAIN --selector SEL`");
	d->not_checked[d->n_not_checked++] =
		N_("DMARC alignment: it needs the From domain and the DKIM d= of the message");
	return MC_OK;
}

char *bounce_client_ip(mc_resolver *r, const mc_bounce_result *res)
{
	return host_address(r, client_host(res));
}

static mc_status check(mc_resolver *r, mc_bounce_result *res, time_t now,
                       const char *authserv_id)
{
	mc_verify_request req = {.authserv_id = authserv_id, .now = now};
	mc_verifier *v = NULL;
	mc_msg_reader *rd = NULL;
	mc_message msg = {0};
	const char *host = client_host(res);
	mc_status st;

	if (res->check || res->domain_check)
		return MC_OK;
	if (!res->original_data)
		return check_domain(r, res, now);
	res->check_ip = host_address(r, host);
	req.ip = res->check_ip;
	req.helo = res->check_ip ? host : NULL;
	req.mail_from = res->sender; /* the bounce went back to the envelope sender */
	if (!(res->check = calloc(1, sizeof(*res->check))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	if ((st = mc_verifier_new(&v, r, &req)) == MC_OK &&
	    (st = mc_msg_reader_new(&rd, NULL, mc_verify_headers, mc_verify_body, v)) == MC_OK &&
	    (st = mc_msg_push(rd, res->original_data, res->original_len)) == MC_OK &&
	    (st = mc_msg_finish(rd, &msg)) == MC_OK)
		st = mc_verify_finish(v, &msg, res->check);
	mc_message_clear(&msg);
	mc_msg_reader_free(rd);
	mc_verifier_free(v);
	if (st != MC_OK) { /* the original cannot be read: no check, not an error */
		mc_verify_result_clear(res->check);
		free(res->check);
		res->check = NULL;
		mc_finding_add(&res->findings, "bounce.original_unreadable", MC_SEV_WARNING,
		               "the returned original cannot be read as a message: %s",
		               mc_error_last());
		return st == MC_ENOMEM ? st : MC_OK;
	}
	if (res->original && !strcmp(res->original, "headers") && res->check->dkim.n_sigs)
		mc_finding_add(&res->findings, "bounce.headers_only", MC_SEV_INFO,
		               "only the headers of the original came back: a DKIM signature whose "
		               "signed headers verify cannot have its body hash checked here");
	if (!res->check_ip)
		mc_finding_add(&res->findings, "bounce.no_client", MC_SEV_INFO,
		               "the server that talked to the receiver (%s) has no address in DNS: "
		               "SPF was not evaluated", host ? host : "not named in the bounce");
	return MC_OK;
}

mc_status mc_bounce_check(mc_resolver *r, mc_bounce_result *res, time_t now,
                          const char *authserv_id)
{
	size_t since = mc_dns_log_size(r);
	mc_status st = check(r, res, now, authserv_id);

	if (st == MC_OK)
		st = mc_dns_log_append(r, since, &res->dns);
	return st;
}

void bounce_domain_check_clear(mc_bounce_domain_check *d)
{
	if (!d)
		return;
	free(d->domain);
	free(d->client_ip);
	mc_spf_result_clear(&d->spf);
	mc_iprev_clear(&d->iprev);
	mc_dmarc_result_clear(&d->dmarc);
	for (size_t i = 0; i < d->n_explanation; i++)
		free(d->explanation[i]), free(d->explanation_text[i]);
	free(d);
}
