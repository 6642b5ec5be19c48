/* smtp: JSON object and text report of an mc_smtp_result (the TLS of the
 * servers that receive a domain's mail, graded). */
#include <string.h>

#include "mailcheck/domain.h"
#include "report/internal.h"

static json_t *grade_json(mc_tls_grade g)
{
	return json_string(mc_tls_grade_name(g));
}

static json_t *kx_json(const mc_tls_scan *s)
{
	json_t *kx = json_object(), *gr = json_array();

	for (size_t i = 0; i < s->n_groups; i++) {
		json_t *x = json_object();

		json_object_set_new(x, "name", json_string(s->groups[i].name));
		json_object_set_new(x, "grade", grade_json(s->groups[i].grade));
		json_array_append_new(gr, x);
	}
	json_object_set_new(kx, "groups", gr);
	json_object_set_new(kx, "dh_bits", s->dh_bits ? json_integer(s->dh_bits) : json_null());
	json_object_set_new(kx, "dh_grade", s->dh_bits ? grade_json(s->dh_grade) : json_null());
	json_object_set_new(kx, "static_rsa", json_boolean(s->static_rsa));
	json_object_set_new(kx, "hash", mc_json_str(s->kx_hash));
	json_object_set_new(kx, "hash_grade", s->kx_hash ? grade_json(s->kx_hash_grade) : json_null());
	return kx;
}

static json_t *cert_json(const mc_tls_scan *s)
{
	json_t *cert = json_object();

	json_object_set_new(cert, "key_type", mc_json_str(s->key_type));
	json_object_set_new(cert, "key_bits", s->key_type ? json_integer(s->key_bits) : json_null());
	json_object_set_new(cert, "key_curve", mc_json_str(s->key_curve));
	json_object_set_new(cert, "key_grade", s->key_type ? grade_json(s->key_grade) : json_null());
	json_object_set_new(cert, "signature", mc_json_str(s->signature));
	json_object_set_new(cert, "signature_grade", s->signature ? grade_json(s->signature_grade)
	                                                          : json_null());
	json_object_set_new(cert, "chain_valid", json_boolean(s->chain_ok));
	json_object_set_new(cert, "chain_error", mc_json_str(s->chain_error));
	json_object_set_new(cert, "name_matches", json_boolean(s->name_ok));
	json_object_set_new(cert, "days_left", s->key_type ? json_real(s->days_left) : json_null());
	return cert;
}

static json_t *dane_json(const mc_tls_scan *s)
{
	json_t *d = json_object(), *recs = json_array();

	for (size_t i = 0; i < s->n_tlsa; i++) {
		json_t *x = json_object();

		json_object_set_new(x, "record", mc_json_str(s->tlsa[i].record));
		json_object_set_new(x, "usable", json_boolean(s->tlsa[i].usable));
		json_object_set_new(x, "matches", s->tlsa[i].matches < 0 ? json_null()
		                    : json_integer(s->tlsa[i].matches));
		json_array_append_new(recs, x);
	}
	json_object_set_new(d, "records", recs);
	json_object_set_new(d, "authenticated", json_boolean(s->tlsa_authenticated));
	json_object_set_new(d, "rollover", json_string(mc_tls_rollover_name(s->rollover)));
	return d;
}

static json_t *caa_json(const mc_tls_scan *s)
{
	json_t *c = json_object(), *issue = json_array();

	for (size_t i = 0; i < s->n_caa_issue; i++)
		json_array_append_new(issue, mc_json_str(s->caa_issue[i]));
	json_object_set_new(c, "name", mc_json_str(s->caa_name));
	json_object_set_new(c, "issue", issue);
	json_object_set_new(c, "issuer", mc_json_str(s->issuer));
	json_object_set_new(c, "allowed", s->caa_allowed < 0 ? json_null()
	                                                     : json_boolean(s->caa_allowed));
	return c;
}

static json_t *rpki_json(const mc_rpki_result *k)
{
	json_t *o;

	if (!k || k->state == MC_RPKI_NOT_CHECKED)
		return json_null();
	o = json_object();
	json_object_set_new(o, "state", json_string(mc_rpki_state_name(k->state)));
	json_object_set_new(o, "asn", json_integer(k->asn));
	json_object_set_new(o, "prefix", mc_json_str(k->prefix));
	return o;
}

static json_t *scan_json(const mc_tls_scan *s, const mc_rpki_result *k)
{
	json_t *o = json_object(), *v = json_array(), *su = json_array();

	json_object_set_new(o, "host", mc_json_str(s->host));
	json_object_set_new(o, "address", mc_json_str(s->address));
	json_object_set_new(o, "service", json_string(s->service ? s->service : "smtp"));
	json_object_set_new(o, "port", json_integer(s->port));
	json_object_set_new(o, "implicit_tls", json_boolean(s->implicit));
	json_object_set_new(o, "stage", json_string(mc_smtp_stage_name(s->stage)));
	json_object_set_new(o, "error", mc_json_str(s->error));
	json_object_set_new(o, "grade", s->error ? json_null() : grade_json(s->grade));
	for (int i = 0; i < MC_TLS_VERSIONS; i++) {
		json_t *x = json_object();

		json_object_set_new(x, "version", json_string(s->versions[i].name));
		json_object_set_new(x, "accepted", s->versions[i].testable || s->versions[i].accepted
		                    ? json_boolean(s->versions[i].accepted) : json_null());
		json_object_set_new(x, "grade", grade_json(s->versions[i].grade));
		json_array_append_new(v, x);
	}
	json_object_set_new(o, "versions", v);
	for (size_t i = 0; i < s->n_suites; i++) {
		json_t *x = json_object();

		json_object_set_new(x, "name", json_string(s->suites[i].name));
		json_object_set_new(x, "iana", mc_json_str(s->suites[i].iana));
		json_object_set_new(x, "version", json_string(s->suites[i].version));
		json_object_set_new(x, "key_exchange", json_string(s->suites[i].kx));
		json_object_set_new(x, "grade", grade_json(s->suites[i].grade));
		json_array_append_new(su, x);
	}
	json_object_set_new(o, "cipher_suites", su);
	json_object_set_new(o, "server_order", s->server_order < 0 ? json_null()
	                                                            : json_boolean(s->server_order));
	json_object_set_new(o, "key_exchange", kx_json(s));
	json_object_set_new(o, "certificate", cert_json(s));
	json_object_set_new(o, "dane", dane_json(s));
	json_object_set_new(o, "caa", caa_json(s));
	json_object_set_new(o, "rpki", rpki_json(k));
	json_object_set_new(o, "secure_renegotiation", s->secure_renegotiation < 0 ? json_null()
	                    : json_boolean(s->secure_renegotiation));
	json_object_set_new(o, "extended_master_secret", s->extended_master_secret < 0 ? json_null()
	                    : json_boolean(s->extended_master_secret));
	json_object_set_new(o, "client_renegotiation", s->client_renegotiation < 0 ? json_null()
	                    : json_boolean(s->client_renegotiation));
	json_object_set_new(o, "early_data", s->early_data < 0 ? json_null()
	                    : json_boolean(s->early_data));
	json_object_set_new(o, "cut_short", json_boolean(s->cut_short));
	json_object_set_new(o, "handshakes", json_integer(s->handshakes));
	json_object_set_new(o, "time_ms", json_real(s->ms));
	return o;
}

json_t *mc_smtp_json(const void *result)
{
	const mc_smtp_result *res = result;
	json_t *o = mc_json_head("smtp"), *scans = json_array();

	json_object_set_new(o, "subject", mc_json_str(res->subject));
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "mx", json_boolean(res->mx));
	for (size_t i = 0; i < res->n_scans; i++)
		json_array_append_new(scans, scan_json(&res->scans[i], res->rpki ? &res->rpki[i] : NULL));
	json_object_set_new(o, "servers", scans);
	mc_json_tail(o, &res->findings);
	return o;
}

/* A grade as a word in the locale's language. */
static const char *grade_word(mc_tls_grade g)
{
	/* TRANSLATORS: smtp: the grades of the NCSC-NL TLS guidelines */
	const char *words[] = {_("good"), _("sufficient"), _("phase out"), _("insufficient")};

	return (unsigned)g < 4 ? words[g] : "?";
}

static mc_color grade_color(mc_tls_grade g)
{
	return g == MC_TLS_GOOD ? MC_COLOR_GREEN : g == MC_TLS_SUFFICIENT ? MC_COLOR_NONE
	       : g == MC_TLS_PHASE_OUT ? MC_COLOR_YELLOW : MC_COLOR_RED;
}

/* "  LABEL  value  [grade]" */
static void graded(mc_text *t, const char *label, size_t width, const char *value,
                   mc_tls_grade g)
{
	size_t w = mc_text_width(label);

	fprintf(t->fp, "    %s%*s%s  ", label, (int)(w < width ? width - w : 1), "", value);
	mc_text_colored(t, grade_color(g), grade_word(g));
	fputc('\n', t->fp);
}

/* "    LABEL" padded by display width to the values' column. */
static void label(mc_text *t, const char *label, size_t width)
{
	size_t w = mc_text_width(label);

	fprintf(t->fp, "    %s%*s", label, (int)(w < width ? width - w : 1), "");
}

/* The TLSA records against the certificate; the CAA set and its issuer. */
static void dane_caa_text(mc_text *t, const mc_tls_scan *s, const char *dane, const char *caa,
                          size_t width)
{
	if (s->rollover != MC_TLS_ROLLOVER_NONE) {
		/* TRANSLATORS: smtp: the TLSA records against the certificate in use */
		const char *says[] = {"", _("a record for the next key or the CA: ready for a change"),
		                      _("only the key in use: the next change breaks DANE delivery"),
		                      _("no record matches the certificate presented")};

		label(t, dane, width);
		mc_text_colored(t, s->rollover == MC_TLS_ROLLOVER_READY ? MC_COLOR_GREEN
		                : s->rollover == MC_TLS_ROLLOVER_CURRENT_ONLY ? MC_COLOR_YELLOW
		                : MC_COLOR_RED, says[s->rollover]);
		fputc('\n', t->fp);
	}
	if (s->caa_name) {
		label(t, caa, width);
		/* TRANSLATORS: smtp: where the CAA records are, the certificate's issuer */
		fprintf(t->fp, s->caa_allowed > 0 ? _("at %1$s: allow %2$s") : s->caa_allowed == 0
		        ? _("at %1$s: do not allow %2$s") : _("at %1$s (issuer %2$s not known)"),
		        s->caa_name, MC_OR(s->issuer, "?"));
		fputc('\n', t->fp);
	}
}

/* The certificate's key and signature graded; its chain, name and expiry. */
static void certificate_text(mc_text *t, const mc_tls_scan *s, const char *const *labels,
                             const char *cert, size_t width)
{
	char value[256];

	if (s->key_curve)
		snprintf(value, sizeof(value), "%s %s", s->key_type, s->key_curve);
	else
		snprintf(value, sizeof(value), _("%s %d bits"), s->key_type, s->key_bits);
	graded(t, labels[0], width, value, s->key_grade);
	graded(t, labels[1], width, MC_OR(s->signature, "?"), s->signature_grade);
	label(t, cert, width);
	/* TRANSLATORS: smtp: the certificate's chain, name and expiry */
	fprintf(t->fp, s->chain_ok && s->name_ok ? _("trusted, names the host, %.0f days left")
	        : s->chain_ok ? _("trusted, does not name the host, %.0f days left")
	        : s->name_ok ? _("not trusted, names the host, %.0f days left")
	        : _("not trusted, does not name the host, %.0f days left"), s->days_left);
	fputc('\n', t->fp);
}

static void scan_text(mc_text *t, const mc_tls_scan *s, const mc_rpki_result *k)
{
	/* TRANSLATORS: smtp: the labels of a server's rows */
	const char *labels[] = {_("versions"), _("cipher suites"), _("server order"),
	                        _("key exchange"), _("DH group"), _("certificate key"),
	                        _("signature"), _("DANE (TLSA)"), _("CAA"), _("RPKI"),
	                        _("certificate")};
	size_t width = mc_text_label_width(labels, sizeof(labels) / sizeof(labels[0]), 16);
	char value[256];

	fputc('\n', t->fp);
	if (s->service && strcmp(s->service, "smtp"))
		fprintf(t->fp, "  %s (%s, %s %u)  ", s->host, s->address, s->service, s->port);
	else
		fprintf(t->fp, "  %s (%s)  ", s->host, s->address);
	if (s->error) {
		mc_text_colored(t, MC_COLOR_RED, MC_OR(s->error_text, s->error));
		fputc('\n', t->fp);
		return;
	}
	mc_text_colored(t, grade_color(s->grade), grade_word(s->grade));
	fputc('\n', t->fp);
	for (int i = 0; i < MC_TLS_VERSIONS; i++)
		if (s->versions[i].accepted)
			graded(t, i == 0 || !s->versions[i - 1].accepted ? labels[0] : "", width,
			       s->versions[i].name, s->versions[i].grade);
	for (size_t i = 0; i < s->n_suites; i++) {
		snprintf(value, sizeof(value), "%s %s", s->suites[i].version, s->suites[i].name);
		graded(t, i == 0 ? labels[1] : "", width, value, s->suites[i].grade);
	}
	if (s->server_order >= 0) {
		label(t, labels[2], width);
		fprintf(t->fp, "%s\n", s->server_order ? _("the server chooses") : _("the client chooses"));
	}
	for (size_t i = 0; i < s->n_groups; i++)
		graded(t, i == 0 ? labels[3] : "", width, s->groups[i].name, s->groups[i].grade);
	if (s->dh_bits) {
		snprintf(value, sizeof(value), _("%d bits"), s->dh_bits);
		graded(t, labels[4], width, value, s->dh_grade);
	}
	dane_caa_text(t, s, labels[7], labels[8], width);
	if (k && k->state != MC_RPKI_NOT_CHECKED) {
		/* TRANSLATORS: smtp: RFC 6811's states of a route, its prefix and origin AS */
		const char *says[] = {"", _("valid: %1$s from AS%2$u"), _("invalid: %1$s from AS%2$u"),
		                      _("not found (no ROA): %1$s from AS%2$u")};

		label(t, labels[9], width);
		fprintf(t->fp, says[k->state], k->prefix, k->asn);
		fputc('\n', t->fp);
	}
	if (s->key_type)
		certificate_text(t, s, labels + 5, labels[10], width);
}

void mc_smtp_text(mc_text *t, const void *result)
{
	const mc_smtp_result *res = result;
	size_t weak = 0, graded = 0;

	for (size_t i = 0; i < res->n_scans; i++) {
		graded += !res->scans[i].error;
		weak += !res->scans[i].error && (res->scans[i].grade > MC_TLS_SUFFICIENT ||
		                                 res->scans[i].cut_short);
	}
	if (!res->n_scans)
		mc_text_verdict(t, res->verdict, _("%s: no server to scan"), res->subject);
	else
		/* TRANSLATORS: smtp: the domain, the addresses graded, all its servers'
		 * addresses, those graded below sufficient */
		mc_text_verdict(t, res->verdict, mc_ntr("%1$s: %2$zu of %3$zu server address "
		                "graded, %4$zu below sufficient", "%1$s: %2$zu of %3$zu server "
		                "addresses graded, %4$zu below sufficient", res->n_scans),
		                res->subject, graded, res->n_scans, weak);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < res->n_scans; i++)
		scan_text(t, &res->scans[i], res->rpki ? &res->rpki[i] : NULL);
	mc_text_tail(t, &res->findings, &res->dns);
}
