/* dmarc: JSON and text for a domain's DMARC record and policy. */
#include <string.h>

#include "mailcheck/dmarc.h"
#include "report/internal.h"

static json_t *policy_json(mc_dmarc_policy p)
{
	return mc_json_str(mc_dmarc_policy_name(p));
}

static json_t *uris(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, mc_json_str(v[i]));
	return a;
}

json_t *mc_dmarc_json(const void *result)
{
	const mc_dmarc_result *res = result;
	const mc_dmarc_record *rec = &res->record;
	const mc_dmarc_view7489 *v = &res->rfc7489;
	json_t *o = mc_json_head("dmarc"), *old = json_object();
	bool have = rec->domain != NULL;

	json_object_set_new(o, "domain", mc_json_str(res->domain));
	mc_json_idn(o, "domain_unicode", res->domain);
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "org_domain", mc_json_str(res->org_domain));
	json_object_set_new(o, "record_domain", mc_json_str(rec->domain));
	json_object_set_new(o, "record", mc_json_str(rec->text));
	json_object_set_new(o, "policy", have ? policy_json(res->policy) : json_null());
	json_object_set_new(o, "subdomain_policy", have ? policy_json(res->subdomain_policy) : json_null());
	json_object_set_new(o, "nonexistent_policy", have ? policy_json(res->nonexistent_policy) : json_null());
	json_object_set_new(o, "domain_exists", json_boolean(res->domain_exists));
	json_object_set_new(o, "psd", have ? json_stringn(&rec->psd, 1) : json_null());
	json_object_set_new(o, "testing", json_boolean(rec->testing));
	json_object_set_new(o, "adkim", have ? json_string(rec->strict_dkim ? "s" : "r") : json_null());
	json_object_set_new(o, "aspf", have ? json_string(rec->strict_spf ? "s" : "r") : json_null());
	json_object_set_new(o, "fo", mc_json_str(rec->fo));
	json_object_set_new(o, "rua", uris(rec->rua, rec->n_rua));
	json_object_set_new(o, "ruf", uris(rec->ruf, rec->n_ruf));
	json_object_set_new(old, "org_domain", mc_json_str(v->org_domain));
	json_object_set_new(old, "record_domain", mc_json_str(v->record_domain));
	json_object_set_new(old, "policy", v->record_domain ? policy_json(v->policy) : json_null());
	json_object_set_new(old, "pct", v->record_domain ? json_integer(v->pct) : json_null());
	json_object_set_new(old, "agrees", json_boolean(v->agrees));
	if (v->opendmarc_ran) {
		json_t *od = json_object();

		json_object_set_new(od, "policy", policy_json(v->opendmarc_policy));
		json_object_set_new(od, "pct", json_integer(v->opendmarc_pct));
		json_object_set_new(od, "agrees", json_boolean(v->opendmarc_agrees));
		json_object_set_new(old, "opendmarc", od);
	} else {
		json_object_set_new(old, "opendmarc", json_null());
	}
	json_object_set_new(o, "rfc7489", res->verdict == MC_VERDICT_TEMPERROR ? json_null() : old);
	if (res->verdict == MC_VERDICT_TEMPERROR)
		json_decref(old);
	mc_json_tail(o, &res->findings);
	return o;
}

/* The headline of a published policy, what it asks of receivers. */
static const char *policy_headline(mc_dmarc_policy p)
{
	switch (p) {
	case MC_DMARC_POLICY_REJECT:
		return _("%s has DMARC policy reject: for mail that fails DMARC, receivers are asked "
		         "to reject it");
	case MC_DMARC_POLICY_QUARANTINE:
		return _("%s has DMARC policy quarantine: for mail that fails DMARC, receivers are "
		         "asked to treat it as spam");
	default:
		return _("%s has DMARC policy none: for mail that fails DMARC, receivers are asked "
		         "to deliver it as usual (monitoring only)");
	}
}

void mc_dmarc_text(mc_text *t, const void *result)
{
	const mc_dmarc_result *res = result;
	const mc_dmarc_record *rec = &res->record;
	char name[MC_NAME_BUF];
	const char *d = mc_text_name(res->domain, name, sizeof(name));

	switch (res->verdict) {
	case MC_VERDICT_PASS:
		mc_text_verdict(t, res->verdict, policy_headline(res->policy), d);
		break;
	case MC_VERDICT_NONE:
		mc_text_verdict(t, res->verdict, _("%s has no DMARC record"), d);
		break;
	case MC_VERDICT_TEMPERROR:
		mc_text_verdict(t, res->verdict, _("the DMARC record of %s could not be looked up"), d);
		break;
	default:
		mc_text_verdict(t, res->verdict, _("the DMARC record of %s is invalid"), d);
		break;
	}
	if (t->opts->quiet)
		return;
	/* TRANSLATORS: the labels of dmarc's lines, each followed by its value */
	const char *const labels[] = {_("record:"), _("org. domain:"), _("subdomains:"),
	                              _("alignment:"), _("reports to:"), "RFC 7489:"};
	size_t w = mc_text_label_width(labels, sizeof(labels) / sizeof(labels[0]), 15);

	if (rec->domain) {
		mc_buf rua = {0};

		mc_text_field(t, labels[0], w, "_dmarc.%s  \"%s\"", rec->domain, rec->text);
		mc_text_field(t, labels[1], w, "%s", res->org_domain);
		mc_text_field(t, labels[2], w, _("%1$s; non-existent subdomains: %2$s"),
		              mc_dmarc_policy_name(res->subdomain_policy),
		              mc_dmarc_policy_name(res->nonexistent_policy));
		mc_text_field(t, labels[3], w, "DKIM %s, SPF %s", rec->strict_dkim ? "strict" : "relaxed",
		              rec->strict_spf ? "strict" : "relaxed");
		for (size_t i = 0; i < rec->n_rua; i++)
			mc_buf_addf(&rua, "%s%s", i ? " " : "", rec->rua[i]);
		mc_text_field(t, labels[4], w, "%s", rec->n_rua && rua.s ? rua.s : _("nobody"));
		mc_buf_free(&rua);
	}
	if (res->verdict != MC_VERDICT_TEMPERROR)
		mc_text_field(t, labels[5], w, "%s", res->rfc7489.agrees ? _("same decision")
		              : _("decides otherwise (see below)"));
	mc_text_tail(t, &res->findings, &res->dns);
}
