/*
 * SMTP TLS reports (RFC 8460 4): JSON, read whole (at most
 * MC_FEEDBACK_MAX_JSON bytes) with jansson. Per policy (its domain and
 * type: sts, tlsa, no-policy-found) the sessions that succeeded and failed,
 * and per receiving MX host the failures by result type (4.3), each type
 * with what to change.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/util.h"
#include "mailcheck/msg.h"
#include "feedback/internal.h"

/* RFC 8460 4.3: the result types, and the fix for each. */
static const struct {
	const char *type, *fix;
} fixes[] = {
	{"starttls-not-supported", N_("the MX host does not offer STARTTLS: turn it on in the "
	 "mail server")},
	{"certificate-host-mismatch", N_("the MX host's certificate does not name it: get one that "
	 "lists the MX host name")},
	{"certificate-expired", N_("the MX host's certificate has expired: renew it, and automate "
	 "the renewal")},
	{"certificate-not-trusted", N_("the MX host's certificate does not chain to a public root "
	 "(self-signed, or the intermediate is not sent): serve the full chain of a public CA")},
	{"validation-failure", N_("the MX host's certificate could not be validated: check its "
	 "chain and names")},
	{"tlsa-invalid", N_("a TLSA record at _25._tcp of the MX host is malformed: fix it")},
	{"dnssec-invalid", N_("the TLSA records did not validate with DNSSEC: fix the zone's "
	 "signatures (and DS at the parent)")},
	{"dane-required", N_("DANE was required but no usable TLSA record was found")},
	{"sts-policy-fetch-error", N_("senders could not fetch the MTA-STS policy from "
	 "https://mta-sts.DOMAIN/.well-known/mta-sts.txt: check that host's address, TLS and "
	 "the file")},
	{"sts-policy-invalid", N_("the MTA-STS policy does not parse: fix its syntax (check it with "
	 "mailcheck domain)")},
	{"sts-webpki-invalid", N_("the certificate of mta-sts.DOMAIN is not valid for HTTPS: renew "
	 "it or make it name that host")},
};

static const char *fix_of(const char *type)
{
	for (size_t i = 0; i < sizeof(fixes) / sizeof(fixes[0]); i++)
		if (!strcmp(fixes[i].type, type))
			return fixes[i].fix;
	return NULL;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint64_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

/* "TYPE: fix" with DOMAIN put in; the fix in the locale's language when
 * translated is true (the unknown type's sentence likewise). */
static char *fix_line(const char *domain, const char *type, bool translated)
{
	const char *fix = fix_of(type);
	static const char *const unknown = N_("see the report's failure-reason-code");
	char *text = mc_asprintf("%s: %s", type, !fix ? (translated ? _(unknown) : unknown)
	                                          : translated ? _(fix) : fix);
	char *d = text ? strstr(text, "DOMAIN") : NULL;

	if (d) { /* DOMAIN in the sentence is the policy's */
		char *t = mc_asprintf("%.*s%s%s", (int)(d - text), text, domain, d + 6);

		if (t) {
			free(text);
			text = t;
		}
	}
	return text;
}

char *mc_feedback_tls_fix_text(const mc_fb_tls_policy *p, size_t k)
{
	const char *colon = k < p->n_fixes ? strchr(p->fixes[k], ':') : NULL;
	char type[64];

	if (!colon || !mc_i18n_active() || (size_t)(colon - p->fixes[k]) >= sizeof(type))
		return NULL;
	snprintf(type, sizeof(type), "%.*s", (int)(colon - p->fixes[k]), p->fixes[k]);
	return fix_line(p->domain, type, true);
}

static void add_fix(mc_fb_tls_policy *p, const char *type)
{
	char *text;

	for (size_t i = 0; i < p->n_fixes; i++)
		if (!strncmp(p->fixes[i], type, strlen(type)) && p->fixes[i][strlen(type)] == ':')
			return;
	if (p->n_fixes >= MC_FEEDBACK_MAX_KEPT || !(text = fix_line(p->domain, type, false)))
		return;
	char **f = realloc(p->fixes, (p->n_fixes + 1) * sizeof(*f));

	if (!f) {
		free(text);
		return;
	}
	p->fixes = f;
	p->fixes[p->n_fixes++] = text;
}

static void add_failure(mc_feedback_result *res, mc_fb_tls_policy *p, json_t *d)
{
	const char *type = str(d, "result-type"), *host = str(d, "receiving-mx-hostname");
	uint64_t n = num(d, "failed-session-count");
	mc_fb_tls_mx *mx = NULL;

	if (!type)
		type = "(no result-type)";
	if (!host)
		host = "";
	for (size_t i = 0; i < p->n_mx && !mx; i++)
		if (!strcmp(p->mx[i].host, host))
			mx = &p->mx[i];
	if (!mx && p->n_mx < MC_FEEDBACK_MAX_KEPT && (p->mx[p->n_mx].host = mc_strdup(host)))
		mx = &p->mx[p->n_mx++];
	if (mx) {
		mx->failures += n;
		fb_count(res, &mx->results, type, NULL, n); /* by result type */
	}
	add_fix(p, type);
}

/* The whole input, at most MC_FEEDBACK_MAX_JSON bytes; NULL (with why)
 * when it is larger or cannot be read. */
static char *read_whole(fb_in *in, size_t *len, char *why, size_t why_size)
{
	char *buf = NULL;
	size_t size = 0;
	long got;

	*len = 0;
	for (;;) {
		if (*len == size) {
			size_t ns = size ? size * 2 : 65536;
			char *b;

			if (size >= MC_FEEDBACK_MAX_JSON) {
				snprintf(why, why_size, "a TLS report larger than %zu MiB",
				         MC_FEEDBACK_MAX_JSON >> 20);
				free(buf);
				return NULL;
			}
			if (!(b = realloc(buf, ns))) {
				snprintf(why, why_size, "out of memory");
				free(buf);
				return NULL;
			}
			buf = b;
			size = ns;
		}
		if ((got = fb_read(in, buf + *len, size - *len)) <= 0)
			break;
		*len += (size_t)got;
	}
	if (got < 0) {
		snprintf(why, why_size, "%s", in->err);
		free(buf);
		return NULL;
	}
	return buf;
}

/* One entry of "policies": its counts, mode and failure details. */
static void add_policy(mc_feedback *f, json_t *pe)
{
	json_t *pol = json_object_get(pe, "policy"), *sum = json_object_get(pe, "summary");
	json_t *det = json_object_get(pe, "failure-details"), *ps;
	const char *domain = str(pol, "policy-domain"), *type = str(pol, "policy-type");
	mc_fb_tls_policy *p;

	if (!domain || !type || !(p = fb_tls_policy(f, domain, type)))
		return;
	p->reports++;
	p->successes += num(sum, "total-successful-session-count");
	p->failures += num(sum, "total-failure-session-count");
	ps = json_object_get(pol, "policy-string");
	for (size_t k = 0; !p->mode && k < json_array_size(ps); k++) {
		const char *line = json_string_value(json_array_get(ps, k));

		if (line && !strncmp(line, "mode:", 5))
			p->mode = mc_strdup(line + 5 + strspn(line + 5, " \t"));
	}
	for (size_t k = 0; k < json_array_size(det) && k < 10000; k++)
		add_failure(fb_result(f), p, json_array_get(det, k));
}

/* A date-time of the report (RFC 8460 section 4.4: RFC 3339), 0 when none. */
static int64_t when(const char *s)
{
	long long t = s ? mc_time_parse(s) : -1;

	return t > 0 ? (int64_t)t : 0;
}

/* The sink is given the report (once: not when it has it already). */
static mc_status sink_tls(mc_feedback *f, json_t *root, const char *buf, size_t len,
                          const char *what)
{
	const mc_feedback_sink *k = fb_sink(f);
	json_t *range = json_object_get(root, "date-range");
	const char *org = str(root, "organization-name"), *id = str(root, "report-id");
	const char *contact = str(root, "contact-info");
	bool known = false;
	mc_fb_tls_report t = {
		.org = org ? org : "", .report_id = id ? id : "", .contact = contact ? contact : "",
		.begin = when(str(range, "start-datetime")), .end = when(str(range, "end-datetime")),
		.json = buf, .json_len = len};

	if (!k)
		return MC_OK;
	return fb_sink_result(f, k->tls_report(k->arg, &t, what, &known));
}

bool fb_read_tls(mc_feedback *f, fb_in *in, const char *what, char *why, size_t why_size)
{
	mc_feedback_result *res = fb_result(f);
	size_t len;
	char *buf = read_whole(in, &len, why, why_size);
	json_error_t err;
	json_t *root, *pols;
	const char *org, *id;

	if (!buf)
		return false;
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		free(buf);
		snprintf(why, why_size, "invalid JSON at line %d: %s", err.line, err.text);
		return false;
	}
	pols = json_object_get(root, "policies");
	if (!json_is_object(root) || !json_is_array(pols)) {
		free(buf);
		snprintf(why, why_size, "not an SMTP TLS report (RFC 8460): no \"policies\" array");
		json_decref(root);
		return false;
	}
	/* the same report read twice (the JSON and the gzip it came in) */
	org = str(root, "organization-name");
	id = str(root, "report-id");
	if (id && fb_seen_report(f, org ? org : "", id)) {
		res->duplicates++;
		free(buf);
		json_decref(root);
		return true;
	}
	sink_tls(f, root, buf, len, what);
	free(buf);
	res->tls_reports++;
	for (size_t i = 0; i < json_array_size(pols); i++)
		add_policy(f, json_array_get(pols, i));
	json_decref(root);
	return true;
}
