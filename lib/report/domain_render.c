/* domain: JSON and text for the whole mail setup of a domain. */
#include <string.h>
#include <time.h>

#include "mailcheck/domain.h"
#include "report/internal.h"

/* RFC 3339, UTC */
static json_t *utc_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
	return json_string(buf);
}

static json_t *rows_json(const mc_domain_result *res)
{
	json_t *o = json_object();

	for (int p = 0; p < MC_PART_COUNT; p++) {
		json_t *r = json_object();

		json_object_set_new(r, "status", json_string(mc_part_status_name(res->rows[p].status)));
		json_object_set_new(r, "reason", mc_json_str(res->rows[p].reason));
		json_object_set_new(o, mc_domain_part_name((mc_domain_part)p), r);
	}
	return o;
}

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, mc_json_str(v[i]));
	return a;
}

static json_t *mx_json(const mc_domain_result *res)
{
	json_t *o = mc_json_nested(mc_mx_json(&res->mx)), *rd = json_array();

	for (size_t i = 0; i < res->n_fcrdns; i++) {
		const mc_fcrdns *f = &res->fcrdns[i];
		json_t *e = json_object();

		json_object_set_new(e, "host", mc_json_str(f->host));
		json_object_set_new(e, "address", mc_json_str(f->address));
		json_object_set_new(e, "ptr", mc_json_str(f->ptr));
		json_object_set_new(e, "ptr_status", json_string(mc_dns_status_name(f->ptr_status)));
		json_object_set_new(e, "confirmed", json_boolean(f->confirmed));
		json_array_append_new(rd, e);
	}
	json_object_set_new(o, "reverse_dns", rd);
	return o;
}

static json_t *dkim_json(const mc_domain_result *res)
{
	json_t *o = json_object(), *keys = json_array();

	json_object_set_new(o, "selectors_tried", json_integer((json_int_t)res->selectors_tried));
	for (size_t i = 0; i < res->n_keys; i++)
		json_array_append_new(keys, mc_json_nested(mc_dkim_key_json(&res->keys[i])));
	json_object_set_new(o, "keys", keys);
	return o;
}

/* An HTTPS fetch: where, what came back, or why nothing usable did. */
static json_t *fetch_json(const mc_fetch *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "url", mc_json_str(f->url));
	json_object_set_new(o, "address", mc_json_str(f->address));
	json_object_set_new(o, "error", f->error == MC_FETCH_OK ? json_null()
	                               : json_string(mc_fetch_error_name(f->error)));
	json_object_set_new(o, "message", mc_json_str(f->message));
	json_object_set_new(o, "http_status", f->status ? json_integer(f->status) : json_null());
	json_object_set_new(o, "content_type", mc_json_str(f->content_type));
	json_object_set_new(o, "location", mc_json_str(f->location));
	json_object_set_new(o, "bytes", json_integer((json_int_t)f->len));
	json_object_set_new(o, "ms", json_real(f->ms));
	return o;
}

static json_t *sts_policy_json(const mc_mta_sts *m)
{
	json_t *o, *hosts;
	const mc_sts_policy *p = &m->policy;

	if (!m->fetched)
		return json_null();
	o = json_object();
	hosts = json_array();
	json_object_set_new(o, "fetch", fetch_json(&m->fetch));
	json_object_set_new(o, "valid", json_boolean(m->policy_valid));
	json_object_set_new(o, "error", mc_json_str(m->policy_error));
	json_object_set_new(o, "mode", m->policy_valid ? mc_json_str(p->mode) : json_null());
	json_object_set_new(o, "max_age", m->policy_valid ? json_integer(p->max_age) : json_null());
	json_object_set_new(o, "mx", strings(p->mx, m->policy_valid ? p->n_mx : 0));
	for (size_t i = 0; i < m->n_mx; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "host", mc_json_str(m->mx[i].host));
		json_object_set_new(e, "pattern", mc_json_str(m->mx[i].pattern));
		json_array_append_new(hosts, e);
	}
	json_object_set_new(o, "mx_hosts", hosts);
	return o;
}

static json_t *bimi_logo_json(const mc_bimi *b)
{
	const mc_bimi_logo *l = &b->logo;
	json_t *o;

	if (!b->logo_tried)
		return json_null();
	o = json_object();
	json_object_set_new(o, "fetch", fetch_json(&l->fetch));
	json_object_set_new(o, "gzip", json_boolean(l->gzip));
	json_object_set_new(o, "error", mc_json_str(l->error));
	json_object_set_new(o, "problems", strings(l->problems, l->n_problems));
	json_object_set_new(o, "title", mc_json_str(l->title));
	json_object_set_new(o, "square", json_boolean(l->square));
	json_object_set_new(o, "tiny_ps", json_boolean(l->fetch.error == MC_FETCH_OK && !l->error &&
	                                               l->n_problems == 0));
	return o;
}

static json_t *bimi_vmc_json(const mc_bimi *b)
{
	const mc_bimi_vmc *v = &b->vmc;
	json_t *o;

	if (!b->vmc_tried)
		return json_null();
	o = json_object();
	json_object_set_new(o, "fetch", fetch_json(&v->fetch));
	json_object_set_new(o, "error", mc_json_str(v->error));
	json_object_set_new(o, "certificates", json_integer((json_int_t)v->n_certs));
	json_object_set_new(o, "subject", mc_json_str(v->subject));
	json_object_set_new(o, "names", strings(v->names, v->n_names));
	json_object_set_new(o, "not_before", v->not_before ? utc_time(v->not_before) : json_null());
	json_object_set_new(o, "not_after", v->not_after ? utc_time(v->not_after) : json_null());
	json_object_set_new(o, "valid_now", json_boolean(v->valid_now));
	json_object_set_new(o, "bimi_usage", json_boolean(v->eku_bimi));
	json_object_set_new(o, "name_matches", json_boolean(v->name_ok));
	json_object_set_new(o, "logo_embedded", json_boolean(v->logo_embedded));
	json_object_set_new(o, "logo_matches", json_boolean(v->logo_matches));
	json_object_set_new(o, "chain_checked", json_boolean(v->chain_checked));
	json_object_set_new(o, "chain_valid", json_boolean(v->chain_ok));
	json_object_set_new(o, "chain_error", mc_json_str(v->chain_error));
	return o;
}

static json_t *policies_json(const mc_domain_result *res, json_t *o)
{
	json_t *m = json_object(), *t = json_object(), *b = json_object();

	json_object_set_new(m, "record", mc_json_str(res->mta_sts.record));
	json_object_set_new(m, "records", json_integer((json_int_t)res->mta_sts.n_records));
	json_object_set_new(m, "id", mc_json_str(res->mta_sts.id));
	json_object_set_new(m, "policy_host_resolves", json_boolean(res->mta_sts.host_resolves));
	json_object_set_new(m, "policy", sts_policy_json(&res->mta_sts));
	json_object_set_new(o, "mta_sts", m);
	json_object_set_new(t, "record", mc_json_str(res->tlsrpt.record));
	json_object_set_new(t, "records", json_integer((json_int_t)res->tlsrpt.n_records));
	json_object_set_new(t, "rua", strings(res->tlsrpt.rua, res->tlsrpt.n_rua));
	json_object_set_new(o, "tlsrpt", t);
	json_object_set_new(b, "record", mc_json_str(res->bimi.record));
	json_object_set_new(b, "records", json_integer((json_int_t)res->bimi.n_records));
	json_object_set_new(b, "found_at", mc_json_str(res->bimi.found_at));
	json_object_set_new(b, "location", mc_json_str(res->bimi.location));
	json_object_set_new(b, "authority", mc_json_str(res->bimi.authority));
	json_object_set_new(b, "declined", json_boolean(res->bimi.declined));
	json_object_set_new(b, "logo", bimi_logo_json(&res->bimi));
	json_object_set_new(b, "certificate", bimi_vmc_json(&res->bimi));
	json_object_set_new(o, "bimi", b);
	return o;
}

static json_t *dane_json(const mc_domain_result *res)
{
	json_t *hosts = json_array();

	for (size_t i = 0; i < res->n_tlsa; i++) {
		const mc_tlsa_host *h = &res->tlsa[i];
		json_t *e = json_object();

		json_object_set_new(e, "host", mc_json_str(h->host));
		json_object_set_new(e, "name", mc_json_str(h->name));
		json_object_set_new(e, "status", json_string(mc_dns_status_name(h->status)));
		json_object_set_new(e, "records", strings(h->records, h->n_records));
		json_object_set_new(e, "authenticated", json_boolean(h->authenticated));
		json_array_append_new(hosts, e);
	}
	return hosts;
}

static json_t *smtp_json(const mc_domain_result *res)
{
	json_t *o = json_object(), *probes = json_array();

	json_object_set_new(o, "probed", json_boolean(res->smtp_probed));
	for (size_t i = 0; i < res->n_smtp; i++) {
		const mc_smtp_probe *p = &res->smtp[i];
		json_t *e = json_object(), *c = json_object(), *d = json_object();

		json_object_set_new(e, "host", mc_json_str(p->host));
		json_object_set_new(e, "address", mc_json_str(p->address));
		json_object_set_new(e, "stage", json_string(mc_smtp_stage_name(p->stage)));
		json_object_set_new(e, "error", mc_json_str(p->error));
		json_object_set_new(e, "banner", mc_json_str(p->banner));
		json_object_set_new(e, "banner_name", mc_json_str(p->banner_name));
		json_object_set_new(e, "ehlo_name", mc_json_str(p->ehlo_name));
		json_object_set_new(e, "starttls", json_boolean(p->starttls));
		json_object_set_new(e, "protocol", mc_json_str(p->protocol));
		json_object_set_new(e, "cipher", mc_json_str(p->cipher));
		if (p->stage == MC_SMTP_DONE) {
			json_object_set_new(c, "subject", mc_json_str(p->subject));
			json_object_set_new(c, "names", strings(p->names, p->n_names));
			json_object_set_new(c, "chain_valid", json_boolean(p->chain_ok));
			json_object_set_new(c, "chain_error", mc_json_str(p->chain_error));
			json_object_set_new(c, "name_matches", json_boolean(p->name_ok));
			json_object_set_new(c, "not_after", p->not_after ? utc_time(p->not_after)
			                                                 : json_null());
			json_object_set_new(c, "days_left", json_real(p->days_left));
			json_object_set_new(e, "certificate", c);
		} else {
			json_decref(c);
			json_object_set_new(e, "certificate", json_null());
		}
		if (p->dane_tried) {
			json_object_set_new(d, "matched", json_boolean(p->dane_ok));
			json_object_set_new(d, "record", mc_json_str(p->dane_match));
			json_object_set_new(d, "depth", p->dane_ok ? json_integer(p->dane_depth)
			                                           : json_null());
			json_object_set_new(d, "error", mc_json_str(p->dane_error));
			json_object_set_new(e, "dane", d);
		} else {
			json_decref(d);
			json_object_set_new(e, "dane", json_null());
		}
		json_object_set_new(e, "ms", json_real(p->ms));
		/* the TLS graded (mailcheck smtp has the details) */
		json_object_set_new(e, "grade", res->tls && res->tls[i].host && !res->tls[i].error
		                    ? json_string(mc_tls_grade_name(res->tls[i].grade)) : json_null());
		json_array_append_new(probes, e);
	}
	json_object_set_new(o, "probes", probes);
	return o;
}

json_t *mc_domain_json(const void *result)
{
	const mc_domain_result *res = result;
	json_t *o = mc_json_head("domain"), *d = json_object(), *dn = json_object();

	json_object_set_new(o, "domain", mc_json_str(res->domain));
	mc_json_idn(o, "domain_unicode", res->domain);
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "parts", rows_json(res));
	json_object_set_new(o, "requirements", mc_requirements_json(&res->requirements));
	json_object_set_new(o, "mx", mx_json(res));
	json_object_set_new(o, "spf", res->exists ? mc_json_nested(mc_spf_lint_json(&res->spf))
	                                          : json_null());
	json_object_set_new(o, "dmarc", res->exists ? mc_json_nested(mc_dmarc_json(&res->dmarc))
	                                            : json_null());
	json_object_set_new(o, "dkim", dkim_json(res));
	policies_json(res, o);
	json_object_set_new(o, "smtp", smtp_json(res));
	json_object_set_new(d, "hosts", dane_json(res));
	json_object_set_new(o, "dane", d);
	json_object_set_new(dn, "checked", json_boolean(res->dnssec_checked));
	json_object_set_new(dn, "answers", json_integer((json_int_t)res->answers));
	json_object_set_new(dn, "authenticated", json_integer((json_int_t)res->authenticated));
	json_object_set_new(dn, "validated", json_boolean(res->validated));
	if (res->validated) {
		json_object_set_new(dn, "secure", json_integer((json_int_t)res->secure));
		json_object_set_new(dn, "insecure", json_integer((json_int_t)res->insecure));
		json_object_set_new(dn, "bogus", json_integer((json_int_t)res->bogus));
		json_object_set_new(dn, "indeterminate", json_integer((json_int_t)res->indeterminate));
		json_object_set_new(dn, "reason", mc_json_str(res->dnssec_reason));
		json_object_set_new(dn, "signatures_expire", res->sig_expires
		                    ? utc_time(res->sig_expires) : json_null());
		json_object_set_new(dn, "algorithm", res->algorithm
		                    ? json_string(mc_dnssec_algorithm_name(res->algorithm)) : json_null());
	}
	json_object_set_new(o, "dnssec", dn);
	json_object_set_new(o, "blocklists", res->blocklists_checked
	                    ? mc_json_nested(mc_blocklist_json(&res->blocklists)) : json_null());
	mc_json_tail(o, &res->findings);
	return o;
}

static mc_color status_color(mc_part_status s)
{
	switch (s) {
	case MC_PART_PASS: return MC_COLOR_GREEN;
	case MC_PART_ERROR: return MC_COLOR_RED;
	case MC_PART_WARNING:
	case MC_PART_TEMPERROR: return MC_COLOR_YELLOW;
	default: return MC_COLOR_DIM;
	}
}

#define MAX_LISTS (5 + MC_DOMAIN_MAX_SELECTORS)

/* Every findings list of a domain: its own, then the parts'. */
static size_t finding_lists(const mc_domain_result *res, const mc_findings **lists)
{
	size_t n = 0;

	lists[n++] = &res->findings;
	lists[n++] = &res->mx.findings;
	lists[n++] = &res->spf.findings;
	lists[n++] = &res->dmarc.findings;
	lists[n++] = &res->blocklists.findings;
	for (size_t i = 0; i < res->n_keys && n < MAX_LISTS; i++)
		lists[n++] = &res->keys[i].findings;
	return n;
}

/* Errors and warnings of a domain, and the code of its first error. */
static void finding_counts(const mc_domain_result *res, size_t *errors, size_t *warnings,
                           const char **first_error)
{
	const mc_findings *lists[MAX_LISTS];
	size_t n = finding_lists(res, lists);

	*errors = *warnings = 0;
	*first_error = NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < lists[i]->n; k++) {
			const mc_finding *f = &lists[i]->items[k];

			if (f->severity == MC_SEV_ERROR && !(*errors)++)
				*first_error = f->code;
			else if (f->severity == MC_SEV_WARNING)
				(*warnings)++;
		}
}

const char *const mc_domain_csv_header[] = {
	"domain", "result", "mx", "spf", "dmarc", "dkim", "mta_sts", "tlsrpt", "bimi", "smtp",
	"dane", "dnssec", "blocklists", "bulk_senders", "errors", "warnings", "first_error", NULL,
};

void mc_domain_csv(mc_buf *b, const void *result)
{
	const mc_domain_result *res = result;
	size_t errors, warnings;
	const char *first;

	finding_counts(res, &errors, &warnings, &first);
	mc_csv_cell(b, res->domain, false);
	mc_csv_cell(b, mc_verdict_name(res->verdict), false);
	for (int p = 0; p < MC_PART_COUNT; p++)
		mc_csv_cell(b, mc_part_status_name(res->rows[p].status), false);
	mc_csv_number(b, (long long)errors, false);
	mc_csv_number(b, (long long)warnings, false);
	mc_csv_cell(b, first, true);
}

const char *mc_domain_metrics_subject(const void *result)
{
	return ((const mc_domain_result *)result)->domain;
}

/* 0 pass, 1 warning or not published, 2 error, 3 not checked. */
static double part_gauge(mc_part_status s)
{
	switch (s) {
	case MC_PART_PASS: return 0;
	case MC_PART_WARNING: case MC_PART_NOT_PUBLISHED: return 1;
	case MC_PART_ERROR: return 2;
	case MC_PART_TEMPERROR: case MC_PART_NOT_CHECKED: return 3;
	}
	return 3;
}

void mc_domain_metrics(mc_metrics *m, const void *result)
{
	const mc_domain_result *res = result;
	const char *d = res->domain, *first;
	size_t errors, warnings;

	mc_metric(m, "mailcheck_result", mc_verdict_gauge(res->verdict), "command", "domain",
	          "domain", d, NULL);
	for (int p = 0; p < MC_PART_COUNT; p++)
		mc_metric(m, "mailcheck_part_status", part_gauge(res->rows[p].status), "domain", d,
		          "part", mc_domain_part_name((mc_domain_part)p), NULL);
	finding_counts(res, &errors, &warnings, &first);
	mc_metric(m, "mailcheck_findings", (double)errors, "domain", d, "severity", "error", NULL);
	mc_metric(m, "mailcheck_findings", (double)warnings, "domain", d, "severity", "warning", NULL);
	for (size_t i = 0; i < res->n_smtp; i++)
		if (res->smtp[i].not_after)
			mc_metric(m, "mailcheck_certificate_days_left", res->smtp[i].days_left, "domain", d,
			          "host", res->smtp[i].host, "address", res->smtp[i].address, NULL);
	if (res->blocklists_checked)
		mc_blocklist_metrics_listed(m, &res->blocklists, "domain", d);
}

/* A part's state as a table cell: "not published", in the locale's words. */
static const char *status_word(mc_part_status s)
{
	static const char *const words[] = {
		[MC_PART_PASS] = N_("pass"), [MC_PART_WARNING] = N_("warning"),
		[MC_PART_ERROR] = N_("error"), [MC_PART_NOT_PUBLISHED] = N_("not published"),
		/* TRANSLATORS: a part of the domain whose DNS lookup failed */
		[MC_PART_TEMPERROR] = N_("temperror"), [MC_PART_NOT_CHECKED] = N_("not checked"),
	};
	return (unsigned)s < sizeof(words) / sizeof(words[0]) ? _(words[s]) : "?";
}

/* The table of parts: label, state and reason, each column lined up by
 * display width (a Japanese character takes two columns). */
static void parts_table(mc_text *t, const mc_domain_result *res)
{
	size_t wl = 8, ws = 14;

	for (int p = 0; p < MC_PART_COUNT; p++) {
		size_t w = mc_text_width(status_word(res->rows[p].status));

		ws = w > ws ? w : ws;
		w = mc_text_width(mc_domain_part_label((mc_domain_part)p));
		wl = w > wl ? w : wl;
	}
	for (int p = 0; p < MC_PART_COUNT; p++) {
		const mc_domain_row *r = &res->rows[p];
		const char *label = mc_domain_part_label((mc_domain_part)p), *word = status_word(r->status);

		fputs("  ", t->fp);
		mc_text_cell(t->fp, label, (int)wl, false);
		fputc(' ', t->fp);
		mc_text_colored(t, status_color(r->status), word);
		fprintf(t->fp, "%*s %s\n", (int)(ws - mc_text_width(word)), "",
		        r->reason_text ? r->reason_text : r->reason ? r->reason : "");
	}
}

void mc_domain_text(mc_text *t, const void *result)
{
	const mc_domain_result *res = result;
	size_t errors = 0, warnings = 0;
	char name[MC_NAME_BUF];
	const char *d = mc_text_name(res->domain, name, sizeof(name));

	for (int p = 0; p < MC_PART_COUNT; p++) {
		errors += res->rows[p].status == MC_PART_ERROR;
		warnings += res->rows[p].status == MC_PART_WARNING;
	}
	if (res->verdict == MC_VERDICT_PASS && warnings)
		mc_text_verdict(t, res->verdict, _("the mail setup of %s has no error (see the "
		                "warnings)"), d);
	else if (res->verdict == MC_VERDICT_PASS)
		mc_text_verdict(t, res->verdict, _("the mail setup of %s has no error"), d);
	else if (res->verdict == MC_VERDICT_TEMPERROR)
		mc_text_verdict(t, res->verdict, _("the mail setup of %s could not be fully checked "
		                "(DNS failure)"), d);
	else
		mc_text_verdict(t, res->verdict, mc_ntr("the mail setup of %s has errors in %zu part",
		                "the mail setup of %s has errors in %zu parts", errors ? errors : 1),
		                d, errors ? errors : 1);
	if (t->opts->quiet)
		return;
	parts_table(t, res);
	if (res->requirements_asked)
		mc_requirements_text(t, &res->requirements);
	/* what needs changing, errors first: this check's own findings and the
	 * parts' (their notes are in the JSON, and in each command's output) */
	const mc_findings *lists[MAX_LISTS];
	mc_severity min[MAX_LISTS];
	size_t n = finding_lists(res, lists);

	for (size_t i = 0; i < n; i++)
		min[i] = MC_SEV_WARNING;
	mc_text_findings(t, lists, min, n);
	if (t->opts->verbose)
		mc_text_tail(t, &(mc_findings){0}, &res->dns);
}

/* ---- --html ---- */

void mc_domain_html(mc_buf *b, const void *result)
{
	const mc_domain_result *res = result;
	const mc_findings *lists[MAX_LISTS];
	size_t n = finding_lists(res, lists);
	char name[MC_NAME_BUF];

	mc_buf_lit(b, "<section class=\"domain\"><h2>");
	mc_html_text(b, mc_text_name(res->domain, name, sizeof(name)));
	mc_buf_lit(b, " ");
	mc_html_status(b, mc_verdict_name(res->verdict));
	mc_buf_lit(b, "</h2>");
	/* TRANSLATORS: the headings of a domain's table of parts (--html) */
	mc_html_table_head(b, (const char *const[]){_("Part"), _("Status"), _("Why")}, 3);
	for (int p = 0; p < MC_PART_COUNT; p++) {
		mc_buf_lit(b, "<tr><td>");
		mc_html_text(b, mc_domain_part_label((mc_domain_part)p));
		mc_buf_lit(b, "</td><td>");
		mc_html_status(b, mc_part_status_name(res->rows[p].status));
		mc_buf_lit(b, "</td><td>");
		mc_html_text(b, MC_OR(res->rows[p].reason_text, res->rows[p].reason));
		mc_buf_lit(b, "</td></tr>");
	}
	mc_buf_lit(b, "</table>");
	/* TRANSLATORS: the heading of the findings with their fixes (--html) */
	mc_html_elem(b, "h3", NULL, _("What to change"));
	mc_html_findings(b, lists, n, MC_SEV_WARNING);
	mc_buf_lit(b, "</section>\n");
}

void mc_domain_html_row(mc_buf *b, const void *result)
{
	const mc_domain_result *res = result;
	char name[MC_NAME_BUF];

	mc_buf_lit(b, "<tr><td>");
	mc_html_text(b, mc_text_name(res->domain, name, sizeof(name)));
	mc_buf_lit(b, "</td><td>");
	mc_html_status(b, mc_verdict_name(res->verdict));
	for (int p = 0; p < MC_PART_COUNT; p++) {
		mc_buf_lit(b, "</td><td>");
		mc_html_status(b, mc_part_status_name(res->rows[p].status));
	}
	mc_buf_lit(b, "</td></tr>\n");
}

/* A batch: the table of every domain, then the parts' states as bars. */
void mc_domain_html_overview(mc_buf *b, const char *rows, const size_t *counts, size_t results,
                             const char *const *codes, const size_t *n, size_t n_codes)
{
	/* TRANSLATORS: --html: the series of a chart of findings by domains */
	const char *const finding_series[] = {_("domains")};
	static const char *const finding_classes[] = {"warning"};
	const char *const series[] = {_("pass"), _("warning"), _("error"), _("not published"),
	                              _("not checked")};
	static const char *const classes[] = {"pass", "warning", "error", "not_published",
	                                      "not_checked"};
	const char *labels[MC_PART_COUNT];
	size_t values[MC_PART_COUNT * 5];
	char *title;

	mc_buf_lit(b, "<section class=\"overview\"><h2>");
	title = mc_asprintf(mc_ntr("%zu domain", "%zu domains", results), results);
	mc_html_text(b, title);
	free(title);
	mc_buf_lit(b, "</h2><table><tr>");
	/* TRANSLATORS: the first headings of a batch's table (--html) */
	mc_html_elem(b, "th", NULL, _("Domain"));
	mc_html_elem(b, "th", NULL, _("Result"));
	for (int p = 0; p < MC_PART_COUNT; p++) {
		labels[p] = mc_domain_part_label((mc_domain_part)p);
		mc_html_elem(b, "th", NULL, labels[p]);
		/* temperror (DNS trouble) shown with not checked: neither is judged */
		values[p * 5 + 0] = counts[p * 6 + MC_PART_PASS];
		values[p * 5 + 1] = counts[p * 6 + MC_PART_WARNING];
		values[p * 5 + 2] = counts[p * 6 + MC_PART_ERROR];
		values[p * 5 + 3] = counts[p * 6 + MC_PART_NOT_PUBLISHED];
		values[p * 5 + 4] = counts[p * 6 + MC_PART_TEMPERROR] + counts[p * 6 + MC_PART_NOT_CHECKED];
	}
	mc_buf_lit(b, "</tr>\n");
	if (rows)
		mc_buf_add(b, rows, strlen(rows));
	mc_buf_lit(b, "</table>");
	title = mc_asprintf(mc_ntr("The parts of %zu domain by state",
	                           "The parts of %zu domains by state", results), results);
	mc_html_bars(b, MC_OR(title, ""), labels, MC_PART_COUNT, series, classes, 5, values);
	free(title);
	if (n_codes) /* the findings, by how many domains have them (most first) */
		mc_html_bars(b, _("Findings (warnings and errors), by how many domains have them"),
		             codes, n_codes < 30 ? n_codes : 30, finding_series, finding_classes, 1, n);
	mc_buf_lit(b, "</section>\n");
}
