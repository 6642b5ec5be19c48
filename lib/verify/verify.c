/*
 * Verify one message as a receiver would: the message is read once; at the
 * end of its headers the trace gives the identities (client address, HELO
 * and envelope sender at the trust boundary, unless given), and the SPF
 * record, the DMARC tree walk and the DKIM keys are asked in one batch; the
 * body streams to the DKIM hashers. Then SPF, DKIM
 * and DMARC are decided with the library APIs of each, and the result is
 * written as an Authentication-Results header and explained.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dmarc/internal.h"
#include "mailcheck/verify.h"
#include "verify/internal.h"

struct mc_verifier {
	mc_resolver *r;
	mc_verify_request req;
	mc_dkim_verifier *dkim;
	size_t log_start;
	bool headers_done;
	char *ip, *helo, *mail_from, *from_domain, *spf_domain;
	bool from_trace;
	bool envelope_unknown;  /* no envelope sender known: SPF not evaluated */
	mc_trace trace;
	mc_buf body;            /* --links: the body, up to MC_LINKS_MAX_BODY */
};

mc_status mc_verifier_new(mc_verifier **out, mc_resolver *r, const mc_verify_request *req)
{
	mc_verifier *v = calloc(1, sizeof(*v));
	mc_status st;

	if (!v)
		return mc_error_set(MC_ENOMEM, "out of memory");
	v->r = r;
	v->req = *req;
	v->log_start = mc_dns_log_size(r);
	if ((st = mc_dkim_verifier_new(&v->dkim, r, req->now)) != MC_OK) {
		free(v);
		return st;
	}
	if (req->compare)
		mc_dkim_compare(v->dkim);
	*out = v;
	return MC_OK;
}

void mc_verifier_free(mc_verifier *v)
{
	if (!v)
		return;
	mc_dkim_verifier_free(v->dkim);
	free(v->ip);
	free(v->helo);
	free(v->mail_from);
	free(v->from_domain);
	free(v->spf_domain);
	mc_trace_clear(&v->trace);
	mc_buf_free(&v->body);
	free(v);
}

/* The client, HELO and envelope sender: given, or from the trace. */
static void identities(mc_verifier *v)
{
	const mc_trace *t = &v->trace;

	v->ip = mc_strdup(v->req.ip ? v->req.ip : t->has_boundary ? t->boundary.ip : NULL);
	v->helo = mc_strdup(v->req.helo ? v->req.helo : t->has_boundary ? t->boundary.helo : NULL);
	/* the envelope sender: given, the Return-Path the delivering MTA wrote,
	 * else the envelope-from clause of the boundary's Received (Exim,
	 * Sendmail); without any, it is unknown -- a copy saved before final
	 * delivery -- and not the null sender <> */
	const char *env = v->req.mail_from ? v->req.mail_from : t->return_path;

	if (!env && t->has_boundary && t->boundary.hop >= 1 && t->boundary.hop <= t->n_hops)
		env = t->hops[t->boundary.hop - 1].rcv.envelope_from;
	v->mail_from = mc_strdup(env);
	v->envelope_unknown = !env && v->ip;
	v->from_trace = (!v->req.ip && v->ip) || (!v->req.helo && v->helo) ||
	                (!v->req.mail_from && v->mail_from);
	/* RFC 7208 2.3: the MAIL FROM domain, or HELO for the null sender; a
	 * UTF-8 domain (RFC 6531) as its A-labels (RFC 8616 4) */
	const char *d = v->mail_from && *v->mail_from && strchr(v->mail_from, '@')
	                ? strrchr(v->mail_from, '@') + 1 : v->envelope_unknown ? NULL : v->helo;
	char *ascii = NULL;

	if (d)
		v->spf_domain = mc_dns_name_fold(mc_domain_to_ascii(d, &ascii) == MC_OK ? ascii : d);
	free(ascii);
}

/* Ask the SPF record, every name of the DMARC walk and every DKIM key at
 * once: the checks that follow find them in the cache. */
static void prefetch(mc_verifier *v, const mc_message *msg)
{
	char names[MC_DMARC_MAX_WALK][256], q_names[MC_DMARC_MAX_WALK][264], rev[80];
	char *keys[MC_DKIM_MAX_SIGNATURES];
	mc_dns_query q[MC_DMARC_MAX_WALK + 3 + MC_DKIM_MAX_SIGNATURES];
	size_t n = 0, walk = 0, n_keys = mc_dkim_key_names(msg, keys);

	if (v->ip && v->spf_domain && !mc_dns_name_problem(v->spf_domain))
		q[n++] = (mc_dns_query){.name = v->spf_domain, .type = MC_RR_TXT};
	if (v->from_domain && !mc_dns_name_problem(v->from_domain)) {
		walk = dmarc_walk_names(v->from_domain, names);
		for (size_t i = 0; i < walk; i++) {
			snprintf(q_names[i], sizeof(q_names[i]), "_dmarc.%.255s", names[i]);
			q[n++] = (mc_dns_query){.name = q_names[i], .type = MC_RR_TXT};
		}
		q[n++] = (mc_dns_query){.name = v->from_domain, .type = MC_RR_A};
	}
	for (size_t k = 0; k < n_keys; k++)
		q[n++] = (mc_dns_query){.name = keys[k], .type = MC_RR_TXT};
	if (v->ip && mc_ip_reverse_name(v->ip, rev, sizeof(rev))) /* iprev */
		q[n++] = (mc_dns_query){.name = rev, .type = MC_RR_PTR};
	if (n)
		mc_dns_resolve(v->r, q, n);
	mc_dkim_keys_asked(v->dkim);
	for (size_t k = 0; k < n_keys; k++)
		free(keys[k]);
}

mc_status mc_verify_headers(void *arg, const mc_message *msg)
{
	mc_verifier *v = arg;
	const char *why;
	mc_status st;

	if ((st = mc_trace_build(msg, v->req.trusted, &v->trace)) != MC_OK)
		return st;
	identities(v);
	v->from_domain = mc_message_from_domain(msg, &why);
	prefetch(v, msg);
	v->headers_done = true;
	/* the receiver at the trust boundary (with --trust) got it then */
	mc_dkim_arrival(v->dkim, v->trace.has_boundary && v->trace.boundary.hop >= 1 &&
	                         v->trace.boundary.hop <= v->trace.n_hops
	                         ? v->trace.hops[v->trace.boundary.hop - 1].rcv.time : -1);
	return mc_dkim_headers(v->dkim, msg);
}

mc_status mc_verify_body(void *arg, const char *chunk, size_t len)
{
	mc_verifier *v = arg;

	if (v->req.links && v->req.blocklists && v->body.len < MC_LINKS_MAX_BODY &&
	    mc_buf_add(&v->body, chunk, len < MC_LINKS_MAX_BODY - v->body.len
	                                    ? len : MC_LINKS_MAX_BODY - v->body.len) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	return mc_dkim_body(v->dkim, chunk, len);
}

static mc_status run_spf(mc_verifier *v, mc_verify_result *out)
{
	mc_spf_request req = {.domain = v->spf_domain, .ip = v->ip, .sender = v->mail_from,
	                      .helo = v->helo, .receiver = v->req.authserv_id, .now = v->req.now};
	mc_status st;

	if (!v->ip || !v->spf_domain)
		return MC_OK;
	st = mc_spf_check(v->r, &req, &out->spf);
	if (st == MC_EINVAL && !v->req.ip) { /* an address in the trace that is not one: no SPF */
		mc_spf_result_clear(&out->spf);
		return MC_OK;
	}
	out->spf_ran = st == MC_OK;
	return st;
}

static mc_status run_dmarc(mc_verifier *v, mc_verify_result *out)
{
	const char **domains = calloc(out->dkim.n_sigs + 1, sizeof(char *));
	mc_verdict *verdicts = calloc(out->dkim.n_sigs + 1, sizeof(mc_verdict));
	mc_status st = MC_OK;

	if (!domains || !verdicts) {
		st = mc_error_set(MC_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < out->dkim.n_sigs; i++) {
		domains[i] = out->dkim.sigs[i].domain;
		verdicts[i] = out->dkim.sigs[i].verdict;
	}
	mc_dmarc_auth auth = {.spf_domain = out->spf_ran ? v->spf_domain : NULL,
	                      .spf = out->spf_ran ? out->spf.verdict : MC_VERDICT_NONE,
	                      .dkim_domains = domains, .dkim = verdicts, .n_dkim = out->dkim.n_sigs};

	if ((st = mc_dmarc_check(v->r, v->from_domain, &out->dmarc_policy)) == MC_OK)
		st = mc_dmarc_evaluate(v->r, &out->dmarc_policy, &auth, &out->dmarc);
	out->dmarc_ran = st == MC_OK;
out:
	free(domains);
	free(verdicts);
	return st;
}

mc_status mc_verify_finish(mc_verifier *v, const mc_message *msg, mc_verify_result *out)
{
	mc_status st;

	memset(out, 0, sizeof(*out));
	if (!v->headers_done && (st = mc_verify_headers(v, msg)) != MC_OK)
		return st;
	if ((st = mc_dkim_finish(v->dkim, msg, &out->dkim)) != MC_OK ||
	    (st = run_spf(v, out)) != MC_OK)
		return st;
	out->from_domain = mc_strdup(v->from_domain);
	if (v->from_domain && (st = run_dmarc(v, out)) != MC_OK)
		return st;
	if (v->ip && (st = mc_iprev_check(v->r, v->ip, &out->iprev)) != MC_OK)
		return st;
	out->ip = mc_strdup(v->ip);
	out->helo = mc_strdup(v->helo);
	out->mail_from = mc_strdup(v->mail_from);
	out->identities_from_trace = v->from_trace;
	out->envelope_unknown = v->envelope_unknown;
	out->trace = v->trace;
	memset(&v->trace, 0, sizeof(v->trace));
	verify_intermediary(msg, out);
	verify_conclude(out, v->req.authserv_id);
	if (v->req.requirements)
		verify_requirements(msg, v->req.requirements, out);
	if (v->req.links && v->req.blocklists && mc_bl_set_usable(v->req.blocklists)) {
		if ((st = v->req.links(msg, v->body.s, v->body.len, &out->links)) != MC_OK)
			return st;
		out->links_read = true;
	}
	if ((st = verify_blocklists(v->r, v->req.blocklists, out)) != MC_OK)
		return st;
	if ((st = mc_dns_log_copy(v->r, v->log_start, &out->dns)) != MC_OK)
		return st;
	mc_dns_log_unique(&out->dns); /* prefetched, then asked again by each check */
	return MC_OK;
}

void mc_verify_result_clear(mc_verify_result *res)
{
	mc_bl_result_clear(&res->blocklists);
	mc_links_clear(&res->links);
	mc_requirements_clear(&res->requirements);
	free(res->from_domain);
	free(res->ip);
	free(res->helo);
	free(res->mail_from);
	mc_spf_result_clear(&res->spf);
	mc_dkim_result_clear(&res->dkim);
	mc_dmarc_result_clear(&res->dmarc_policy);
	mc_dmarc_decision_clear(&res->dmarc);
	mc_trace_clear(&res->trace);
	mc_iprev_clear(&res->iprev);
	verify_intermediary_clear(&res->via);
	free(res->authentication_results);
	free(res->cause);
	free(res->cause_text);
	for (size_t i = 0; i < res->n_explanation; i++)
		free(res->explanation[i]);
	for (size_t i = 0; res->explanation_text && i < res->n_explanation; i++)
		free(res->explanation_text[i]);
	free(res->explanation);
	free(res->explanation_text);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
