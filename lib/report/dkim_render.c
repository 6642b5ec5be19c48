/* dkim: JSON and text for message verification and for a key check. */
#include <string.h>

#include "mailcheck/dkim.h"
#include "report/internal.h"

static json_t *num_or_null(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *sig_json(const mc_dkim_sig *s)
{
	json_t *o = json_object(), *h = json_array();

	json_object_set_new(o, "domain", mc_json_str(s->domain));
	json_object_set_new(o, "selector", mc_json_str(s->selector));
	json_object_set_new(o, "algorithm", mc_json_str(s->algorithm));
	json_object_set_new(o, "canonicalization", mc_json_str(s->canonicalization));
	json_object_set_new(o, "identity", mc_json_str(s->identity));
	json_object_set_new(o, "key_bits", s->key_bits ? json_integer(s->key_bits) : json_null());
	for (size_t i = 0; i < s->n_signed_headers; i++)
		json_array_append_new(h, mc_json_str(s->signed_headers[i]));
	json_object_set_new(o, "signed_headers", h);
	json_object_set_new(o, "body_length", num_or_null(s->body_length));
	json_object_set_new(o, "body_hashed", num_or_null(s->body_hashed));
	json_object_set_new(o, "body_total", num_or_null(s->body_total));
	json_object_set_new(o, "timestamp", num_or_null(s->timestamp));
	json_object_set_new(o, "expiry", num_or_null(s->expiry));
	json_object_set_new(o, "body_hash", mc_json_str(s->body_hash));
	json_object_set_new(o, "body_hash_computed", mc_json_str(s->body_hash_computed));
	json_object_set_new(o, "testing", json_boolean(s->testing));
	json_object_set_new(o, "result", json_string(mc_verdict_name(s->verdict)));
	json_object_set_new(o, "reason", mc_json_str(s->reason));
	json_object_set_new(o, "headers_intact", json_boolean(s->headers_intact));
	json_object_set_new(o, "body_signed_prefix", num_or_null(s->body_signed_prefix));
	if (s->opendkim) {
		json_object_set_new(o, "opendkim", json_string(s->opendkim));
		json_object_set_new(o, "opendkim_error", mc_json_str(s->opendkim_error));
	}
	if (s->reason && strcmp(s->reason, "expired") == 0) {
		json_object_set_new(o, "arrival", num_or_null(s->arrival));
		json_object_set_new(o, "valid_at_arrival", json_boolean(s->valid_at_arrival));
	}
	return o;
}

static json_t *verdict_or_null(mc_verdict v)
{
	return v == MC_VERDICT_NONE ? json_null() : json_string(mc_verdict_name(v));
}

static json_t *arc_json(const mc_arc_result *a)
{
	json_t *o = json_object(), *sets = json_array();

	json_object_set_new(o, "result", json_string(mc_verdict_name(a->verdict)));
	json_object_set_new(o, "reason", mc_json_str(a->reason));
	json_object_set_new(o, "detail", mc_json_str(a->detail));
	json_object_set_new(o, "failed_instance",
	                    a->failed_instance ? json_integer(a->failed_instance) : json_null());
	json_object_set_new(o, "oldest_pass", json_integer(a->oldest_pass));
	for (size_t i = 0; i < a->n_sets; i++) {
		const mc_arc_set *s = &a->sets[i];
		json_t *j = json_object(), *rec = json_object();

		json_object_set_new(j, "instance", json_integer(s->instance));
		json_object_set_new(j, "seal_domain", mc_json_str(s->seal_domain));
		json_object_set_new(j, "seal_selector", mc_json_str(s->seal_selector));
		json_object_set_new(j, "ams_domain", mc_json_str(s->ams_domain));
		json_object_set_new(j, "ams_selector", mc_json_str(s->ams_selector));
		json_object_set_new(j, "cv", mc_json_str(s->cv));
		json_object_set_new(j, "authserv_id", mc_json_str(s->authserv_id));
		json_object_set_new(rec, "spf", mc_json_str(s->spf));
		json_object_set_new(rec, "spf_domain", mc_json_str(s->spf_domain));
		json_object_set_new(rec, "dkim", mc_json_str(s->dkim));
		json_object_set_new(rec, "dkim_domain", mc_json_str(s->dkim_domain));
		json_object_set_new(rec, "dmarc", mc_json_str(s->dmarc));
		json_object_set_new(j, "recorded", rec);
		json_object_set_new(j, "seal", verdict_or_null(s->seal));
		json_object_set_new(j, "seal_reason", mc_json_str(s->seal_reason));
		json_object_set_new(j, "ams", verdict_or_null(s->ams));
		json_object_set_new(j, "ams_reason", mc_json_str(s->ams_reason));
		json_array_append_new(sets, j);
	}
	json_object_set_new(o, "sets", sets);
	return o;
}

json_t *mc_dkim_json(const void *result)
{
	const mc_dkim_result *res = result;
	json_t *o = mc_json_head("dkim"), *sigs = json_array();

	json_object_set_new(o, "from_domain", mc_json_str(res->from_domain));
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	for (size_t i = 0; i < res->n_sigs; i++)
		json_array_append_new(sigs, sig_json(&res->sigs[i]));
	json_object_set_new(o, "signatures", sigs);
	json_object_set_new(o, "arc", arc_json(&res->arc));
	mc_json_tail(o, &res->findings);
	return o;
}

/* One signature: its tags, key, verdict, what it signs, libopendkim's view. */
static void sig_text(mc_text *t, const mc_dkim_sig *s)
{
	fprintf(t->fp, "  d=%s s=%s  %s %s", s->domain ? s->domain : "?",
	        s->selector ? s->selector : "?", s->algorithm ? s->algorithm : "?",
	        s->canonicalization ? s->canonicalization : "?");
	if (s->key_bits)
		fprintf(t->fp, " %d-bit", s->key_bits);
	fputs("  ", t->fp);
	mc_text_colored(t, s->verdict == MC_VERDICT_PASS ? MC_COLOR_GREEN : MC_COLOR_RED,
	                s->reason ? s->reason : "pass");
	fprintf(t->fp, "\n      %s", _("signed:"));
	for (size_t k = 0; k < s->n_signed_headers; k++)
		fprintf(t->fp, " %s", s->signed_headers[k]);
	if (s->body_length >= 0)
		fprintf(t->fp, _("; body: only the first %1$lld of %2$lld bytes (l=)"), s->body_length,
		        s->body_total);
	else if (s->body_hashed >= 0)
		fprintf(t->fp, _("; body: all of it (%lld bytes canonicalized)"), s->body_hashed);
	fputc('\n', t->fp);
	if (s->opendkim)
		fprintf(t->fp, "      libopendkim: %s%s%s\n", s->opendkim,
		        s->opendkim_error ? ": " : "", s->opendkim_error ? s->opendkim_error : "");
}

/* What a seal or message signature of an ARC set came to. */
static const char *arc_state(mc_verdict v, const char *reason)
{
	return v == MC_VERDICT_NONE ? _("not checked") : reason ? reason : "pass";
}

/* The ARC chain and each of its sets. */
static void arc_text(mc_text *t, const mc_arc_result *arc)
{
	fprintf(t->fp, "  %s ", _("ARC chain:"));
	mc_text_colored(t, arc->verdict == MC_VERDICT_PASS ? MC_COLOR_GREEN : MC_COLOR_RED,
	                mc_verdict_name(arc->verdict));
	fputc(' ', t->fp);
	fprintf(t->fp, mc_ntr("(%zu set)", "(%zu sets)", arc->n_sets), arc->n_sets);
	fputc('\n', t->fp);
	for (size_t i = 0; i < arc->n_sets; i++) {
		const mc_arc_set *a = &arc->sets[i];

		fputs("    ", t->fp);
		fprintf(t->fp, _("i=%d %s (seal d=%s: %s, message signature d=%s: %s) recorded "
		        "spf=%s dkim=%s dmarc=%s"), a->instance,
		        a->authserv_id ? a->authserv_id : "?", a->seal_domain ? a->seal_domain : "?",
		        arc_state(a->seal, a->seal_reason), a->ams_domain ? a->ams_domain : "?",
		        arc_state(a->ams, a->ams_reason), a->spf ? a->spf : "-", a->dkim ? a->dkim : "-",
		        a->dmarc ? a->dmarc : "-");
		fputc('\n', t->fp);
	}
}

void mc_dkim_text(mc_text *t, const void *result)
{
	const mc_dkim_result *res = result;
	size_t pass = 0;

	for (size_t i = 0; i < res->n_sigs; i++)
		pass += res->sigs[i].verdict == MC_VERDICT_PASS;
	if (res->n_sigs == 0)
		mc_text_verdict(t, res->verdict, _("the message has no DKIM signature"));
	else
		mc_text_verdict(t, res->verdict, mc_ntr("%1$zu of %2$zu DKIM signature verified",
		                                        "%1$zu of %2$zu DKIM signatures verified",
		                                        res->n_sigs), pass, res->n_sigs);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < res->n_sigs; i++)
		sig_text(t, &res->sigs[i]);
	if (res->arc.verdict != MC_VERDICT_NONE)
		arc_text(t, &res->arc);
	mc_text_tail(t, &res->findings, &res->dns);
}

json_t *mc_dkim_key_json(const void *result)
{
	const mc_dkim_key *k = result;
	json_t *o = mc_json_head("dkim");

	json_object_set_new(o, "domain", mc_json_str(k->domain));
	mc_json_idn(o, "domain_unicode", k->domain);
	json_object_set_new(o, "selector", mc_json_str(k->selector));
	json_object_set_new(o, "name", mc_json_str(k->name));
	json_object_set_new(o, "record", mc_json_str(k->record));
	json_object_set_new(o, "result", json_string(mc_verdict_name(k->verdict)));
	json_object_set_new(o, "key_type", mc_json_str(k->key_type));
	json_object_set_new(o, "key_bits", k->key_bits ? json_integer(k->key_bits) : json_null());
	json_object_set_new(o, "key_format", mc_json_str(k->key_format));
	json_object_set_new(o, "testing", json_boolean(k->testing));
	json_object_set_new(o, "strict_identity", json_boolean(k->strict_identity));
	json_object_set_new(o, "hashes", mc_json_str(k->hashes));
	json_object_set_new(o, "services", mc_json_str(k->services));
	json_object_set_new(o, "notes", mc_json_str(k->notes));
	mc_json_tail(o, &k->findings);
	return o;
}

void mc_dkim_key_text(mc_text *t, const void *result)
{
	const mc_dkim_key *k = result;

	switch (k->verdict) {
	case MC_VERDICT_PASS:
		mc_text_verdict(t, k->verdict, _("%s publishes a usable %s key (%d bits)"), k->name,
		                k->key_type, k->key_bits);
		break;
	case MC_VERDICT_NONE:
		mc_text_verdict(t, k->verdict, _("no DKIM key at %s"), k->name);
		break;
	case MC_VERDICT_TEMPERROR:
		mc_text_verdict(t, k->verdict, _("the key at %s could not be looked up"), k->name);
		break;
	default:
		mc_text_verdict(t, k->verdict, _("the key at %s cannot verify signatures"), k->name);
		break;
	}
	if (t->opts->quiet)
		return;
	if (k->record)
		mc_text_field(t, _("record:"), 8, "%s", k->record);
	mc_text_tail(t, &k->findings, &k->dns);
}
