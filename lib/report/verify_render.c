/* verify: JSON and text for the whole check of a message. */
#include <stdlib.h>
#include <string.h>

#include "mailcheck/verify.h"
#include "report/internal.h"

static json_t *dmarc_json(const mc_verify_result *res)
{
	const mc_dmarc_decision *d = &res->dmarc;
	json_t *o = json_object();

	if (!res->dmarc_ran) {
		json_object_set_new(o, "result", json_string("permerror"));
		json_object_set_new(o, "why", json_string("not exactly one From address"));
		return o;
	}
	json_object_set_new(o, "result", json_string(mc_verdict_name(d->result)));
	json_object_set_new(o, "policy", mc_json_str(mc_dmarc_policy_name(d->policy)));
	json_object_set_new(o, "disposition", mc_json_str(mc_dmarc_policy_name(d->disposition)));
	json_object_set_new(o, "spf_aligned", json_boolean(d->spf_aligned));
	json_object_set_new(o, "dkim_aligned", json_boolean(d->dkim_aligned));
	json_object_set_new(o, "aligned_dkim_domain", mc_json_str(d->aligned_dkim_domain));
	json_object_set_new(o, "org_domain", mc_json_str(res->dmarc_policy.org_domain));
	json_object_set_new(o, "record_domain", mc_json_str(res->dmarc_policy.record.domain));
	json_object_set_new(o, "record", mc_json_str(res->dmarc_policy.record.text));
	json_object_set_new(o, "why", mc_json_str(d->why));
	json_t *policy = mc_dmarc_json(&res->dmarc_policy);

	json_object_set(o, "findings", json_object_get(policy, "findings"));
	json_object_set(o, "rfc7489", json_object_get(policy, "rfc7489"));
	json_decref(policy);
	return o;
}

static json_t *iprev_json(const mc_verify_result *res)
{
	json_t *o, *names;

	if (!res->ip || res->iprev.verdict == MC_VERDICT_NONE)
		return json_null();
	o = json_object();
	names = json_array();
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->iprev.verdict)));
	json_object_set_new(o, "ip", mc_json_str(res->ip));
	for (size_t i = 0; i < res->iprev.n_names; i++)
		json_array_append_new(names, mc_json_str(res->iprev.names[i]));
	json_object_set_new(o, "names", names);
	json_object_set_new(o, "confirmed", mc_json_str(res->iprev.confirmed));
	return o;
}

static json_t *via_json(const mc_intermediary *v)
{
	json_t *o = json_object();

	json_object_set_new(o, "kind", mc_json_str(v->kind));
	json_object_set_new(o, "software", mc_json_str(v->software));
	json_object_set_new(o, "list_id", mc_json_str(v->list_id));
	json_object_set_new(o, "list_address", mc_json_str(v->list_address));
	json_object_set_new(o, "list_domain", mc_json_str(v->list_domain));
	json_object_set_new(o, "forwarder", mc_json_str(v->forwarder));
	json_object_set_new(o, "srs_domain", mc_json_str(v->srs_domain));
	json_object_set_new(o, "from_rewritten", json_boolean(v->from_rewritten));
	json_object_set_new(o, "original_from", mc_json_str(v->original_from));
	json_object_set_new(o, "subject_tag", mc_json_str(v->subject_tag));
	json_object_set_new(o, "subject_changed", json_boolean(v->subject_changed));
	json_object_set_new(o, "footer_bytes",
	                    v->footer_bytes >= 0 ? json_integer(v->footer_bytes) : json_null());
	json_object_set_new(o, "body_rewritten", json_boolean(v->body_rewritten));
	json_object_set_new(o, "signed_field_added", mc_json_str(v->added_signed));
	json_object_set_new(o, "broken_domain", mc_json_str(v->broken_domain));
	json_object_set_new(o, "arc_sealer", mc_json_str(v->arc_sealer));
	json_object_set_new(o, "arc_sealer_instance",
	                    v->arc_sealer ? json_integer(v->arc_sealer_instance) : json_null());
	json_object_set_new(o, "arc_sealer_recorded", mc_json_str(v->arc_sealer_saw));
	return o;
}

/* --links: the link domains read (null when the links were not read). */
static json_t *links_json(const mc_verify_result *res)
{
	const mc_links *l = &res->links;
	json_t *o, *ds;

	if (!res->links_read)
		return json_null();
	o = json_object();
	ds = json_array();
	for (size_t i = 0; i < l->n_domains; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "domain", mc_json_str(l->domains[i].domain));
		json_object_set_new(d, "host", mc_json_str(l->domains[i].host));
		json_object_set_new(d, "links", json_integer((json_int_t)l->domains[i].links));
		json_array_append_new(ds, d);
	}
	json_object_set_new(o, "domains", ds);
	json_object_set_new(o, "links", json_integer((json_int_t)l->links));
	json_object_set_new(o, "domains_left_out", json_integer((json_int_t)l->left_out));
	json_object_set_new(o, "address_links", json_integer((json_int_t)l->address_links));
	json_object_set_new(o, "parts", json_integer((json_int_t)l->parts));
	json_object_set_new(o, "truncated", json_boolean(l->truncated));
	json_object_set_new(o, "unreadable", mc_json_str(l->unreadable));
	return o;
}

json_t *mc_verify_json(const void *result)
{
	const mc_verify_result *res = result;
	json_t *o = mc_json_head("verify"), *ex = json_array(), *tr = json_object();

	json_object_set_new(o, "from_domain", mc_json_str(res->from_domain));
	mc_json_idn(o, "from_domain_unicode", res->from_domain);
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "cause", mc_json_str(res->cause));
	json_object_set_new(o, "ip", mc_json_str(res->ip));
	json_object_set_new(o, "helo", mc_json_str(res->helo));
	json_object_set_new(o, "mail_from", mc_json_str(res->mail_from));
	json_object_set_new(o, "identities_from_trace", json_boolean(res->identities_from_trace));
	json_object_set_new(o, "envelope_unknown", json_boolean(res->envelope_unknown));
	json_object_set_new(o, "spf", res->spf_ran ? mc_json_nested(mc_spf_json(&res->spf)) : json_null());
	json_object_set_new(o, "dkim", mc_json_nested(mc_dkim_json(&res->dkim)));
	json_object_set_new(o, "dmarc", dmarc_json(res));
	json_object_set_new(o, "iprev", iprev_json(res));
	json_object_set_new(o, "intermediary", via_json(&res->via));
	json_object_set_new(tr, "local_delivery", json_boolean(res->trace.local_delivery));
	json_object_set_new(tr, "hops", json_integer((json_int_t)res->trace.n_hops));
	if (res->trace.has_boundary) {
		json_t *b = json_object();

		json_object_set_new(b, "ip", mc_json_str(res->trace.boundary.ip));
		json_object_set_new(b, "helo", mc_json_str(res->trace.boundary.helo));
		json_object_set_new(b, "by", mc_json_str(res->trace.boundary.by));
		json_object_set_new(tr, "boundary", b);
	} else {
		json_object_set_new(tr, "boundary", json_null());
	}
	json_object_set_new(o, "trace", tr);
	json_object_set_new(o, "authentication_results", mc_json_str(res->authentication_results));
	for (size_t i = 0; i < res->n_explanation; i++)
		json_array_append_new(ex, mc_json_str(res->explanation[i]));
	json_object_set_new(o, "explanation", ex);
	if (res->requirements.providers)
		json_object_set_new(o, "requirements", mc_requirements_json(&res->requirements));
	json_object_set_new(o, "blocklists", res->blocklists_checked
	                    ? mc_json_nested(mc_blocklist_json(&res->blocklists)) : json_null());
	json_object_set_new(o, "links", links_json(res));
	mc_json_tail(o, &res->findings);
	return o;
}

void mc_verify_text(mc_text *t, const void *result)
{
	const mc_verify_result *res = result;
	char name[MC_NAME_BUF];
	const char *from = res->from_domain ? mc_text_name(res->from_domain, name, sizeof(name))
	                                    : _("(no single From)");
	char reqs[160] = "";

	if (res->requirements.failed) {
		reqs[0] = ';', reqs[1] = ' ';
		snprintf(reqs + 2, sizeof(reqs) - 2,
		         mc_ntr("%zu bulk-sender requirement not met",
		                "%zu bulk-sender requirements not met", res->requirements.failed),
		         res->requirements.failed);
	}
	if (res->verdict == MC_VERDICT_PASS)
		mc_text_verdict(t, res->verdict, _("mail from %1$s is authenticated%2$s"), from, reqs);
	else if (res->verdict == MC_VERDICT_TEMPERROR)
		mc_text_verdict(t, res->verdict, _("mail from %1$s could not be checked (DNS "
		                                   "failure)%2$s"), from, reqs);
	else
		mc_text_verdict(t, res->verdict, _("mail from %1$s is not authenticated%2$s"), from,
		                reqs);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < res->n_explanation; i++)
		fprintf(t->fp, "  - %s\n", mc_verify_sentence(res, i));
	fprintf(t->fp, "\n  %s\n", res->authentication_results);
	if (res->requirements.providers)
		mc_requirements_text(t, &res->requirements);
	/* the message's own findings, then what SPF, DKIM and DMARC found that
	 * needs changing (their notes are in the JSON) */
	const mc_findings *lists[] = {&res->findings, &res->spf.findings, &res->dkim.findings,
	                              &res->dmarc_policy.findings, &res->blocklists.findings};
	const mc_severity min[] = {MC_SEV_INFO, MC_SEV_WARNING, MC_SEV_WARNING, MC_SEV_WARNING,
	                           MC_SEV_WARNING};

	mc_text_findings(t, lists, min, 5);
	if (t->opts->verbose)
		mc_text_tail(t, &(mc_findings){0}, &res->dns);
}

/* ---- --html ---- */

/* The hops as a timeline: each hop's delay as a bar, with its hosts. */
static void hops_html(mc_buf *b, const mc_trace *tr)
{
	const char **labels;
	size_t *values, n = tr->n_hops;
	/* TRANSLATORS: --html: the series of the chart of the hops' delays */
	const char *const series[] = {_("seconds since the previous hop")};
	static const char *const classes[] = {"delay"};
	char **made;

	if (n == 0)
		return;
	labels = calloc(n, sizeof(*labels));
	values = calloc(n, sizeof(*values));
	made = calloc(n, sizeof(*made));
	if (labels && values && made) {
		for (size_t i = 0; i < n; i++) {
			const mc_hop *h = &tr->hops[i];

			made[i] = mc_asprintf("%zu %s", h->index, h->rcv.by ? h->rcv.by : "?");
			labels[i] = made[i] ? made[i] : "?";
			values[i] = h->delay == MC_HOP_NO_DELAY || h->delay < 0 ? 0 : (size_t)h->delay;
		}
		mc_html_bars(b, _("Delay at each hop (seconds), oldest first"), labels, n, series,
		             classes, 1, values);
		/* TRANSLATORS: --html: the headings of the table of hops */
		mc_html_table_head(b, (const char *const[]){_("Hop"), _("From"), _("By"),
		                   _("Delay")}, 4);
		for (size_t i = 0; i < n; i++) {
			const mc_hop *h = &tr->hops[i];

			mc_buf_addf(b, "<tr><td>%zu</td><td>", h->index);
			mc_html_text(b, h->rcv.from);
			if (h->rcv.ip) {
				mc_buf_lit(b, " [");
				mc_html_text(b, h->rcv.ip);
				mc_buf_lit(b, "]");
			}
			mc_buf_lit(b, "</td><td>");
			mc_html_text(b, h->rcv.by);
			mc_buf_lit(b, "</td><td>");
			if (h->delay == MC_HOP_NO_DELAY)
				/* TRANSLATORS: --html: a hop whose delay cannot be told */
				mc_html_text(b, _("unknown"));
			else
				/* TRANSLATORS: --html: a hop's delay in seconds */
				mc_buf_addf(b, _("%lld s"), h->delay);
			mc_buf_lit(b, "</td></tr>");
		}
		mc_buf_lit(b, "</table>");
	}
	for (size_t i = 0; made && i < n; i++)
		free(made[i]);
	free(made);
	free(labels);
	free(values);
}

void mc_verify_html(mc_buf *b, const void *result)
{
	const mc_verify_result *res = result;
	const mc_findings *lists[] = {&res->findings, &res->trace.findings, &res->dkim.findings,
	                              &res->dmarc_policy.findings, &res->blocklists.findings};

	mc_buf status = {0};
	char *from = mc_html_escaped(MC_OR(res->from_domain, _("(no single From domain)")));

	mc_html_status(&status, mc_verdict_name(res->verdict));
	mc_buf_lit(b, "<section class=\"verify\"><h2>");
	/* TRANSLATORS: --html: a message's verdict (a word in its colour) and
	 * its From domain */
	mc_buf_addf(b, _("%1$s mail from %2$s"), MC_OR(status.s, ""), MC_OR(from, ""));
	mc_buf_free(&status);
	free(from);
	mc_buf_lit(b, "</h2><ul>");
	for (size_t i = 0; i < res->n_explanation; i++)
		mc_html_elem(b, "li", NULL, mc_verify_sentence(res, i));
	mc_buf_lit(b, "</ul><p><code>");
	mc_html_text(b, res->authentication_results);
	mc_buf_lit(b, "</code></p>");
	/* TRANSLATORS: --html: the heading of the DKIM signatures, and its table's */
	mc_html_elem(b, "h3", NULL, _("Signatures"));
	mc_html_table_head(b, (const char *const[]){_("Domain"), _("Selector"), _("Result"),
	                   _("Why")}, 4);
	for (size_t i = 0; i < res->dkim.n_sigs; i++) {
		const mc_dkim_sig *s = &res->dkim.sigs[i];

		mc_buf_lit(b, "<tr><td>");
		mc_html_text(b, s->domain);
		mc_buf_lit(b, "</td><td>");
		mc_html_text(b, s->selector);
		mc_buf_lit(b, "</td><td>");
		mc_html_status(b, mc_verdict_name(s->verdict));
		mc_buf_lit(b, "</td><td>");
		mc_html_text(b, MC_OR(s->detail_text, s->detail));
		if (s->reason) {
			mc_buf_lit(b, " <code>");
			mc_html_text(b, s->reason);
			mc_buf_lit(b, "</code>");
		}
		mc_buf_lit(b, "</td></tr>");
	}
	mc_buf_lit(b, "</table>");
	/* TRANSLATORS: --html: the heading of the Received hops */
	mc_html_elem(b, "h3", NULL, _("Hops"));
	hops_html(b, &res->trace);
	mc_html_elem(b, "h3", NULL, _("What to change"));
	mc_html_findings(b, lists, sizeof(lists) / sizeof(lists[0]), MC_SEV_WARNING);
	mc_buf_lit(b, "</section>\n");
}
