/*
 * mc_spf_check: set up one evaluation (client address, sender, HELO),
 * run check_host() on the domain, and turn the outcome into the result:
 * the deciding term and the path to it, the explanation, a Received-SPF
 * header (RFC 7208 9.1), findings that say why, and what to change.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "spf/eval.h"

/* %{p} (RFC 7208 7.3): a validated name of the client, preferring <d> itself,
 * then a name under <d>, then any; "unknown" when none. */
static const char *validated_name(void *arg, const char *domain)
{
	struct spf_eval *ev = arg;
	const char *names[MC_SPF_MAX_MX_PTR], *pick = NULL;
	bool void_over;
	size_t n = spf_validated_names(ev, names, false, &void_over);

	for (size_t i = 0; i < n && !pick; i++)
		if (strcasecmp(names[i], domain) == 0)
			pick = names[i];
	for (size_t i = 0; i < n && !pick; i++) /* no exact match: a name under it */
		if (mc_dns_name_within(names[i], domain))
			pick = names[i];
	if (!pick && n)
		pick = names[0];
	free(ev->validated);
	ev->validated = mc_strdup(pick ? pick : "unknown");
	return ev->validated ? ev->validated : "unknown";
}

spf_macro_env spf_env(struct spf_eval *ev, const char *domain)
{
	return (spf_macro_env){
		.sender = ev->sender, .local = ev->local, .sender_domain = ev->sender_domain,
		.domain = domain, .ip = ev->ip, .family = ev->family, .helo = ev->helo,
		.receiver = ev->receiver, .now = ev->now,
		.validated_name = validated_name, .arg = ev,
	};
}

/* The client address; IPv4-mapped IPv6 is IPv4 (RFC 7208 5). */
static mc_status parse_client(struct spf_eval *ev, const char *ip)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (ip && inet_pton(AF_INET, ip, ev->ip) == 1) {
		ev->family = AF_INET;
		return MC_OK;
	}
	if (ip && inet_pton(AF_INET6, ip, ev->ip) == 1) {
		ev->family = AF_INET6;
		if (memcmp(ev->ip, mapped, 12) == 0) {
			memmove(ev->ip, ev->ip + 12, 4);
			ev->family = AF_INET;
		}
		return MC_OK;
	}
	return mc_error_set(MC_EINVAL, "invalid IP address '%s': expected IPv4 or IPv6",
	                    ip ? ip : "");
}

/* The comment of Received-SPF (RFC 7208 9.1), in the usual wording. */
static char *comment(const mc_spf_result *res, const char *sender)
{
	const char *ip = res->ip, *d = res->domain;

	switch (res->verdict) {
	case MC_VERDICT_PASS:
		return mc_asprintf("domain of %s designates %s as permitted sender", sender, ip);
	case MC_VERDICT_FAIL:
		return mc_asprintf("domain of %s does not designate %s as permitted sender", sender, ip);
	case MC_VERDICT_SOFTFAIL:
		return mc_asprintf("transitioning domain of %s does not designate %s as permitted "
		                   "sender", sender, ip);
	case MC_VERDICT_NEUTRAL:
		return mc_asprintf("%s is neither permitted nor denied by domain of %s", ip, sender);
	case MC_VERDICT_NONE:
		return mc_asprintf("domain of %s does not designate permitted sender hosts", sender);
	case MC_VERDICT_TEMPERROR:
		return mc_asprintf("error in processing during lookup of %s", d);
	default:
		return mc_asprintf("the SPF record of %s is in error", d);
	}
}

/* RFC 7208 9.1 */
static char *received_spf(const struct spf_eval *ev, const mc_spf_result *res, bool helo_id)
{
	char *cmt = comment(res, ev->sender);
	char *h = mc_asprintf("Received-SPF: %s (mailcheck: %s) client-ip=%s; "
		"envelope-from=\"%s\"; helo=%s; receiver=%s; identity=%s%s%s%s",
		mc_verdict_name(res->verdict), cmt ? cmt : "", res->ip, ev->sender,
		ev->helo ? ev->helo : "unknown", ev->receiver ? ev->receiver : "unknown",
		helo_id ? "helo" : "mailfrom", res->mechanism ? "; mechanism=\"" : "",
		res->mechanism ? res->mechanism : "", res->mechanism ? "\"" : "");

	free(cmt);
	return h;
}

/* The term of the domain's record (or of a record reached by redirect=,
 * which replaces it) that matched. */
static void deciding_term(mc_spf_result *res)
{
	for (size_t i = 0; i < res->n_path; i++) {
		if (strncasecmp(res->path[i].term, "redirect=", 9) != 0) {
			res->mechanism = mc_strdup(res->path[i].term);
			return;
		}
	}
	res->default_result = true;
}

static void outcome_findings(mc_spf_result *res)
{
	const char *d = res->domain, *ip = res->ip, *m = res->mechanism;
	const mc_spf_step *inner = res->n_path ? &res->path[res->n_path - 1] : NULL;

	bool through = inner && strcmp(inner->term, m);
	mc_finding *f;

	switch (res->verdict) {
	case MC_VERDICT_PASS:
		if (through)
			mc_finding_add(&res->findings, "spf.pass", MC_SEV_INFO,
				"%s is authorized to send mail for %s: '%s' matched through '%s'", ip, d,
				m, inner->term);
		else
			mc_finding_add(&res->findings, "spf.pass", MC_SEV_INFO,
				"%s is authorized to send mail for %s: '%s' matched", ip, d, m);
		break;
	case MC_VERDICT_FAIL:
		f = mc_finding_add(&res->findings, "spf.fail", MC_SEV_ERROR,
			"%s is not authorized to send mail for %s: no earlier term of its SPF record "
			"covers it, so '%s' applied and receivers may reject the mail", ip, d, m);
		mc_finding_hint(f, "if %s really sends mail for %s, add '%s' to the SPF record of "
		                "%s, before '%s'", ip, d, res->suggestion, d, m);
		break;
	case MC_VERDICT_SOFTFAIL:
		f = mc_finding_add(&res->findings, "spf.softfail", MC_SEV_WARNING,
			"%s is not authorized to send mail for %s: no earlier term of its SPF record "
			"covers it, so '%s' applied (softfail: most receivers accept but mark it)",
			ip, d, m);
		mc_finding_hint(f, "if %s really sends mail for %s, add '%s' to the SPF record of "
		                "%s, before '%s'", ip, d, res->suggestion, d, m);
		break;
	case MC_VERDICT_NEUTRAL:
		if (res->default_result)
			f = mc_finding_add(&res->findings, "spf.neutral", MC_SEV_WARNING,
				"no term of the SPF record of %s matched %s and the record has no 'all': "
				"the default result is neutral, which authorizes nothing", d, ip);
		else
			f = mc_finding_add(&res->findings, "spf.neutral", MC_SEV_WARNING,
				"the SPF record of %s says neither yes nor no for %s ('%s' matched)", d, ip,
				m);
		mc_finding_hint(f, "if %s sends mail for %s, add '%s'; end the record with '-all' "
		                "or '~all'", ip, d, res->suggestion);
		break;
	case MC_VERDICT_NONE:
		if (!mc_findings_any(&res->findings, MC_SEV_ERROR))
			spf_add_none(&res->findings, d, res->suggestion);
		break;
	default:
		break;
	}
}

void spf_add_none(mc_findings *f, const char *domain, const char *term)
{
	mc_finding_hint(mc_finding_add(f, "spf.none", MC_SEV_ERROR,
		"%s publishes no SPF record: receivers cannot tell which servers may send its "
		"mail, and DMARC can pass only through DKIM", domain),
		"publish one TXT record at %s, e.g. \"v=spf1 %s -all\", listing every server "
		"that sends its mail", domain, term);
}

static void split_sender(struct spf_eval *ev, mc_spf_result *res, char **local_out,
                         char **domain_out)
{
	const char *s = res->sender, *at = strrchr(s, '@');

	/* RFC 7208 4.3: no local part means "postmaster" */
	*local_out = at && at > s ? mc_strndup(s, (size_t)(at - s)) : mc_strdup("postmaster");
	/* RFC 8616 4: a UTF-8 domain is evaluated as its A-labels */
	if (mc_domain_to_ascii(at ? at + 1 : s, domain_out) != MC_OK)
		*domain_out = mc_strdup(at ? at + 1 : s);
	ev->local = *local_out;
	ev->sender_domain = *domain_out;
}

static mc_status init(struct spf_eval *ev, mc_spf_result *res, const mc_spf_request *req)
{
	bool helo_id = !req->sender || !*req->sender;

	res->ip = mc_strdup(req->ip);
	res->helo = req->helo ? mc_strdup(req->helo) : NULL;
	/* RFC 7208 2.3: with an empty MAIL FROM, the HELO identity is checked as
	 * postmaster@helo */
	res->sender = helo_id ? mc_asprintf("postmaster@%s", req->helo ? req->helo : req->domain)
	                      : mc_strdup(req->sender);
	char *ascii = NULL;

	/* RFC 8616 4: an international domain is asked as its A-labels; a name
	 * that is no valid IDN is left to check_host() (RFC 7208 4.3: none) */
	res->domain = mc_dns_name_fold(mc_domain_to_ascii(req->domain, &ascii) == MC_OK ? ascii
	                                                                        : req->domain);
	free(ascii);
	if (!res->ip || !res->sender || !res->domain || (req->helo && !res->helo))
		return mc_error_set(MC_ENOMEM, "out of memory");
	ev->sender = res->sender;
	ev->helo = req->helo;
	ev->receiver = req->receiver;
	ev->now = req->now ? (long long)req->now : (long long)time(NULL);
	return MC_OK;
}

mc_status mc_spf_check(mc_resolver *r, const mc_spf_request *req, mc_spf_result *out)
{
	struct spf_eval ev = {.r = r, .res = out};
	size_t log_start = mc_dns_log_size(r);
	char *local = NULL, *sdomain = NULL;
	struct spf_outcome o;
	mc_status st;

	memset(out, 0, sizeof(*out));
	if (!req->domain || !*req->domain)
		return mc_error_set(MC_EINVAL, "no domain to check");
	if ((st = parse_client(&ev, req->ip)) != MC_OK || (st = init(&ev, out, req)) != MC_OK)
		return st;
	/* the address as evaluated: canonical text, IPv4-mapped shown as IPv4 */
	char canon[INET6_ADDRSTRLEN];

	free(out->ip);
	out->ip = mc_strdup(inet_ntop(ev.family, ev.ip, canon, sizeof(canon)));
	if (!out->ip)
		return mc_error_set(MC_ENOMEM, "out of memory");
	split_sender(&ev, out, &local, &sdomain);
	o = spf_check_host(&ev, out->domain, 0, true);
	out->verdict = o.verdict;
	out->explanation = o.explanation;
	out->path = ev.path;
	out->n_path = ev.n_path;
	if (o.verdict != MC_VERDICT_NONE && o.verdict != MC_VERDICT_PERMERROR &&
	    o.verdict != MC_VERDICT_TEMPERROR)
		deciding_term(out);
	if (o.verdict == MC_VERDICT_FAIL || o.verdict == MC_VERDICT_SOFTFAIL ||
	    o.verdict == MC_VERDICT_NEUTRAL || o.verdict == MC_VERDICT_NONE)
		spf_suggest(&ev, out);
	outcome_findings(out);
	out->received_spf = received_spf(&ev, out, !req->sender || !*req->sender);
	free(ev.validated);
	free(local);
	free(sdomain);
	if (mc_dns_log_copy(r, log_start, &out->dns) != MC_OK)
		return MC_ENOMEM;
	mc_findings_dns(&out->findings, &out->dns);
	return MC_OK;
}

void mc_spf_result_clear(mc_spf_result *res)
{
	for (size_t i = 0; i < res->n_path; i++) {
		free(res->path[i].domain);
		free(res->path[i].term);
	}
	free(res->path);
	free(res->domain);
	free(res->ip);
	free(res->sender);
	free(res->helo);
	free(res->record);
	free(res->mechanism);
	free(res->explanation);
	free(res->received_spf);
	free(res->suggestion);
	free(res->libspf2_result);
	free(res->libspf2_detail);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
