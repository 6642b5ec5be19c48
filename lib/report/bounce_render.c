/* bounce: JSON and text for a read bounce. */
#include <string.h>

#include "mailcheck/bounce.h"
#include "report/internal.h"

static json_t *check_json(const mc_bounce_result *res)
{
	const mc_verify_result *v = res->check;
	json_t *o, *sigs, *ex;

	if (!v)
		return json_null();
	o = json_object();
	sigs = json_array();
	ex = json_array();
	json_object_set_new(o, "client_ip", mc_json_str(v->ip));
	json_object_set_new(o, "helo", mc_json_str(v->helo));
	json_object_set_new(o, "mail_from", mc_json_str(v->mail_from));
	json_object_set_new(o, "headers_only", json_boolean(res->original &&
	                                                    !strcmp(res->original, "headers")));
	json_object_set_new(o, "from_domain", mc_json_str(v->from_domain));
	json_object_set_new(o, "result", json_string(mc_verdict_name(v->verdict)));
	if (v->spf_ran) {
		json_t *spf = json_object();

		json_object_set_new(spf, "result", json_string(mc_verdict_name(v->spf.verdict)));
		json_object_set_new(spf, "domain", mc_json_str(v->spf.domain));
		json_object_set_new(o, "spf", spf);
	} else {
		json_object_set_new(o, "spf", json_null());
	}
	for (size_t i = 0; i < v->dkim.n_sigs; i++) {
		const mc_dkim_sig *s = &v->dkim.sigs[i];
		json_t *j = json_object();

		json_object_set_new(j, "domain", mc_json_str(s->domain));
		json_object_set_new(j, "selector", mc_json_str(s->selector));
		json_object_set_new(j, "result", json_string(mc_verdict_name(s->verdict)));
		json_object_set_new(j, "reason", mc_json_str(s->reason));
		json_object_set_new(j, "headers_intact", json_boolean(s->headers_intact));
		json_array_append_new(sigs, j);
	}
	json_object_set_new(o, "dkim", sigs);
	json_object_set_new(o, "dmarc", v->dmarc_ran ? json_string(mc_verdict_name(v->dmarc.result))
	                                              : json_null());
	json_object_set_new(o, "authentication_results", mc_json_str(v->authentication_results));
	for (size_t i = 0; i < v->n_explanation; i++)
		json_array_append_new(ex, mc_json_str(v->explanation[i]));
	json_object_set_new(o, "explanation", ex);
	return o;
}

static json_t *domain_check_json(const mc_bounce_domain_check *d)
{
	json_t *o, *ex, *nc;

	if (!d)
		return json_null();
	o = json_object();
	ex = json_array();
	nc = json_array();
	json_object_set_new(o, "domain", mc_json_str(d->domain));
	json_object_set_new(o, "domain_from", mc_json_str(d->domain_from));
	json_object_set_new(o, "client_ip", mc_json_str(d->client_ip));
	if (d->spf_ran) {
		json_t *spf = json_object();

		json_object_set_new(spf, "result", json_string(mc_verdict_name(d->spf.verdict)));
		json_object_set_new(spf, "record", mc_json_str(d->spf.record));
		json_object_set_new(spf, "mechanism", mc_json_str(d->spf.mechanism));
		json_object_set_new(spf, "suggestion", mc_json_str(d->spf.suggestion));
		json_object_set_new(o, "spf", spf);
	} else {
		json_object_set_new(o, "spf", json_null());
	}
	if (d->iprev_ran) {
		json_t *ip = json_object();

		json_object_set_new(ip, "result", json_string(mc_verdict_name(d->iprev.verdict)));
		json_object_set_new(ip, "name", mc_json_str(d->iprev.confirmed ? d->iprev.confirmed
		                                            : d->iprev.n_names ? d->iprev.names[0]
		                                            : NULL));
		json_object_set_new(o, "iprev", ip);
	} else {
		json_object_set_new(o, "iprev", json_null());
	}
	json_t *dm = json_object();

	json_object_set_new(dm, "result", json_string(mc_verdict_name(d->dmarc.verdict)));
	json_object_set_new(dm, "record", mc_json_str(d->dmarc.record.text));
	json_object_set_new(dm, "policy", mc_json_str(mc_dmarc_policy_name(d->dmarc.policy)));
	json_object_set_new(o, "dmarc", dm);
	for (size_t i = 0; i < d->n_explanation; i++)
		json_array_append_new(ex, mc_json_str(d->explanation[i]));
	json_object_set_new(o, "explanation", ex);
	for (size_t i = 0; i < d->n_not_checked; i++)
		json_array_append_new(nc, mc_json_str(d->not_checked[i]));
	json_object_set_new(o, "not_checked", nc);
	return o;
}

json_t *mc_bounce_json(const void *result)
{
	const mc_bounce_result *res = result;
	json_t *o = mc_json_head("bounce"), *rcpts = json_array();

	json_object_set_new(o, "kind", mc_json_str(res->kind));
	json_object_set_new(o, "reporting_mta", mc_json_str(res->reporting_mta));
	json_object_set_new(o, "received_from_mta", mc_json_str(res->received_from_mta));
	json_object_set_new(o, "sent_to", mc_json_str(res->sender));
	json_object_set_new(o, "original_from", mc_json_str(res->original_from));
	json_object_set_new(o, "original", mc_json_str(res->original));
	for (size_t i = 0; i < res->n_rcpts; i++) {
		const mc_bounce_rcpt *r = &res->rcpts[i];
		json_t *j = json_object();

		json_object_set_new(j, "recipient", mc_json_str(r->recipient));
		json_object_set_new(j, "original_recipient", mc_json_str(r->original_recipient));
		json_object_set_new(j, "action", mc_json_str(r->action));
		json_object_set_new(j, "status", mc_json_str(r->status));
		json_object_set_new(j, "remote_mta", mc_json_str(r->remote_mta));
		json_object_set_new(j, "diagnostic", mc_json_str(r->diagnostic));
		json_object_set_new(j, "will_retry_until", mc_json_str(r->will_retry_until));
		json_object_set_new(j, "provider", mc_json_str(r->provider));
		json_object_set_new(j, "category", mc_json_str(r->category));
		json_object_set_new(j, "cause", mc_json_str(r->cause));
		json_object_set_new(j, "blocklist", mc_json_str(r->blocklist));
		json_object_set_new(j, "listed_ip", mc_json_str(r->listed_ip));
		json_array_append_new(rcpts, j);
	}
	json_object_set_new(o, "recipients", rcpts);
	json_object_set_new(o, "original_check", check_json(res));
	json_object_set_new(o, "domain_check", domain_check_json(res->domain_check));
	json_object_set_new(o, "blocklists", res->blocklists_checked
	                    ? mc_json_nested(mc_blocklist_json(&res->blocklists)) : json_null());
	mc_json_tail(o, &res->findings);
	return o;
}

/* The verdict line: no bounce, failed, delayed, or no failure. */
static void bounce_verdict(mc_text *t, const mc_bounce_result *res)
{
	size_t failed = 0, delayed = 0;

	for (size_t i = 0; i < res->n_rcpts; i++) {
		const char *a = res->rcpts[i].action;

		delayed += a && !strcmp(a, "delayed");
		failed += !a || !strcmp(a, "failed");
	}
	if (res->kind && !strcmp(res->kind, "auto_reply"))
		mc_text_verdict(t, MC_VERDICT_NONE, "%s", _("an automatic reply (vacation or out of "
		                "office, RFC 3834), not a bounce"));
	else if (res->kind && !strcmp(res->kind, "feedback_report"))
		mc_text_verdict(t, MC_VERDICT_NONE, "%s", _("a feedback (abuse) report (ARF), not a "
		                "bounce"));
	else if (res->kind && !strcmp(res->kind, "challenge"))
		mc_text_verdict(t, MC_VERDICT_NONE, "%s", _("a challenge-response request: the "
		                "receiver holds the message until the sender confirms; not a bounce"));
	else if (failed && delayed)
		mc_text_verdict(t, MC_VERDICT_FAIL, mc_ntr("%zu recipient failed, some delayed",
		                "%zu recipients failed, some delayed", failed), failed);
	else if (failed)
		mc_text_verdict(t, MC_VERDICT_FAIL, mc_ntr("%zu recipient failed",
		                "%zu recipients failed", failed), failed);
	else if (delayed)
		mc_text_verdict(t, MC_VERDICT_TEMPERROR, mc_ntr("%zu recipient delayed, not failed yet",
		                "%zu recipients delayed, not failed yet", delayed), delayed);
	else
		mc_text_verdict(t, MC_VERDICT_PASS, "%s", _("no recipient failed"));
}

/* The returned original, checked as the receiver would. */
static void original_text(mc_text *t, const mc_bounce_result *res)
{
	const mc_verify_result *v = res->check;
	bool headers = res->original && !strcmp(res->original, "headers");
	const char *ip = v->ip ? v->ip : "?";

	fputs("\n  ", t->fp);
	if (headers && v->helo)
		fprintf(t->fp, _("The returned original (headers only), checked as the receiver would "
		        "(client %s, %s):"), ip, v->helo);
	else if (headers)
		fprintf(t->fp, _("The returned original (headers only), checked as the receiver would "
		        "(client %s):"), ip);
	else if (v->helo)
		fprintf(t->fp, _("The returned original, checked as the receiver would (client %s, "
		        "%s):"), ip, v->helo);
	else
		fprintf(t->fp, _("The returned original, checked as the receiver would (client %s):"),
		        ip);
	fputc('\n', t->fp);
	for (size_t i = 0; i < v->n_explanation; i++)
		fprintf(t->fp, "  - %s\n", mc_verify_sentence(v, i));
	for (size_t i = 0; headers && i < v->dkim.n_sigs; i++)
		if (v->dkim.sigs[i].headers_intact) {
			fputs("  - ", t->fp);
			fprintf(t->fp, _("(the body did not come back: the signature of %s verifies over "
			        "its headers; its body hash cannot be checked here)"),
			        v->dkim.sigs[i].domain ? v->dkim.sigs[i].domain : "?");
			fputc('\n', t->fp);
		}
	fprintf(t->fp, "\n  %s\n", v->authentication_results);
}

/* What DNS says of the sender's domain when nothing came back. */
static void domain_check_text(mc_text *t, const mc_bounce_domain_check *d)
{
	fputs("\n  ", t->fp);
	if (!strcmp(d->domain_from, "reply"))
		fprintf(t->fp, _("The original did not come back; what DNS says of %s (named in the "
		        "reply):"), d->domain);
	else
		fprintf(t->fp, _("The original did not come back; what DNS says of %s (where the "
		        "bounce went):"), d->domain);
	fputc('\n', t->fp);
	for (size_t i = 0; i < d->n_explanation; i++)
		fprintf(t->fp, "  - %s\n", d->explanation_text[i] ? d->explanation_text[i]
		                                                  : d->explanation[i]);
	fprintf(t->fp, "  %s\n", _("Not checked without the message:"));
	for (size_t i = 0; i < d->n_not_checked; i++)
		fprintf(t->fp, "  - %s\n", _(d->not_checked[i]));
}

/* A DSN's Action word (RFC 3464 2.3.3) as people read it. */
static const char *action_word(const char *action)
{
	static const char *const words[][2] = {
		{"failed", N_("failed")}, {"delayed", N_("delayed")}, {"delivered", N_("delivered")},
		{"relayed", N_("relayed")}, {"expanded", N_("expanded")},
	};

	for (size_t i = 0; action && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(action, words[i][0]))
			return _(words[i][1]);
	return action ? action : "?";
}

/* One recipient: address, action, status and server; the reply; the cause. */
static void rcpt_text(mc_text *t, const mc_bounce_rcpt *r)
{
	fprintf(t->fp, "  %s  %s %s", r->recipient ? r->recipient : _("(recipient not named)"),
	        action_word(r->action), r->status ? r->status : _("(no status code)"));
	if (r->remote_mta) {
		fputc(' ', t->fp);
		/* TRANSLATORS: after the status, the server that answered */
		fprintf(t->fp, _("at %s"), r->remote_mta);
	}
	fputc('\n', t->fp);
	if (r->diagnostic)
		fprintf(t->fp, "      %s %s\n", _("reply:"), r->diagnostic);
	if (r->cause)
		fprintf(t->fp, "      %s\n", r->cause_text ? r->cause_text : r->cause);
}

void mc_bounce_text(mc_text *t, const void *result)
{
	const mc_bounce_result *res = result;

	bounce_verdict(t, res);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < res->n_rcpts; i++)
		rcpt_text(t, &res->rcpts[i]);
	if (res->check)
		original_text(t, res);
	if (res->domain_check)
		domain_check_text(t, res->domain_check);
	if (res->blocklists_checked) {
		const mc_findings *lists[] = {&res->findings, &res->blocklists.findings};
		const mc_severity min[] = {MC_SEV_INFO, MC_SEV_WARNING};

		mc_text_findings(t, lists, min, 2);
		mc_text_tail(t, &(mc_findings){0}, &res->dns);
	} else {
		mc_text_tail(t, &res->findings, &res->dns);
	}
}
