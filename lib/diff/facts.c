/*
 * The records and settings of a report, each as a label and a value, so
 * that two runs can be set side by side: the SPF record and its lookup
 * count, the DMARC record and policy, the MX set, DKIM keys and sizes,
 * MTA-STS, TLS-RPT, TLSA, DNSSEC, BIMI, the STARTTLS certificates and the
 * blocklist listings. The same sub-objects sit at the top of mx, spf,
 * dmarc, dkim and blocklist reports and inside a domain report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/internal.h"

const char *diff_str(const json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long int_of(const json_t *o, const char *key, long long otherwise)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_integer(v) ? (long long)json_integer_value(v) : otherwise;
}

void diff_fact_clear(struct diff_fact *f)
{
	free(f->label);
	free(f->value);
	free(f->label_text);
	free(f->value_text);
}

void diff_fact_made(struct diff_summary *s, char *label, char *label_text, char *value,
                    char *value_text)
{
	struct diff_fact f = {label, value, label_text, value_text};
	bool known = false;

	for (size_t i = 0; label && i < s->n_facts; i++)
		known |= strcmp(s->facts[i].label, label) == 0; /* the first of a label is kept */
	if (!label || !value || known || s->n_facts == DIFF_MAX_FACTS) {
		diff_fact_clear(&f);
		return;
	}
	if (s->n_facts % 32 == 0) {
		struct diff_fact *grown = realloc(s->facts, (s->n_facts + 32) * sizeof(*grown));

		if (!grown) {
			diff_fact_clear(&f);
			return;
		}
		s->facts = grown;
	}
	s->facts[s->n_facts++] = f;
}

/* The locale's words for a message, NULL under C (the English is the text). */
static char *said(const char *msgid)
{
	return mc_i18n_active() ? mc_strdup(_(msgid)) : NULL;
}

/* A fact whose label is a message and whose value is data (a record's
 * text), or NULL for none on this side. */
static void fact_data(struct diff_summary *s, const char *label, const char *value)
{
	if (value)
		diff_fact_made(s, mc_strdup(label), said(label), mc_strdup(value), NULL);
}

/* A fact whose value is a message too. */
static void fact_said(struct diff_summary *s, const char *label, const char *value)
{
	diff_fact_made(s, mc_strdup(label), said(label), mc_strdup(value), said(value));
}

/* A fact whose value is made from a message; the label is taken. */
static void factf(struct diff_summary *s, char *label, char *label_text, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void factf(struct diff_summary *s, char *label, char *label_text, const char *fmt, ...)
{
	char *value, *value_text;
	va_list ap;

	va_start(ap, fmt);
	value = mc_vasprintf_both(fmt, ap, &value_text);
	va_end(ap);
	diff_fact_made(s, label, label_text, value, value_text);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The strings of an array (or of member key of its objects), sorted and
 * joined by ", "; NULL when there are none. */
static char *joined(const json_t *arr, const char *key)
{
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0, k = 0;
	const char **v;
	mc_buf b = {0};

	if (n == 0 || n > 10000 || !(v = calloc(n, sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		const char *s = key ? diff_str(e, key) : json_string_value(e);

		if (s)
			v[k++] = s;
	}
	qsort(v, k, sizeof(*v), cmp_str);
	for (size_t i = 0; i < k; i++) {
		if (i)
			mc_buf_add(&b, ", ", 2);
		mc_buf_add(&b, v[i], strlen(v[i]));
	}
	free(v);
	return k ? mc_buf_take(&b) : (mc_buf_free(&b), NULL);
}

static void fact_joined(struct diff_summary *s, const char *label, const json_t *arr,
                        const char *key)
{
	char *v = joined(arr, key);

	fact_data(s, label, v);
	free(v);
}

static void spf_facts(const json_t *o, struct diff_summary *s)
{
	if (!json_is_object(o))
		return;
	if (diff_str(o, "record"))
		fact_data(s, N_("SPF record"), diff_str(o, "record"));
	else
		fact_said(s, N_("SPF record"), N_("(none)"));
	if (int_of(o, "dns_lookups", -1) >= 0)
		factf(s, mc_strdup("SPF DNS lookups"), said(N_("SPF DNS lookups")), N_("%lld of 10"),
		      int_of(o, "dns_lookups", 0));
}

static void dmarc_facts(const json_t *o, struct diff_summary *s)
{
	if (!json_is_object(o))
		return;
	if (diff_str(o, "record"))
		fact_data(s, N_("DMARC record"), diff_str(o, "record"));
	else
		fact_said(s, N_("DMARC record"), N_("(none)"));
	if (diff_str(o, "policy")) {
		char *v = mc_asprintf("p=%s sp=%s np=%s", diff_str(o, "policy"),
		                      MC_OR(diff_str(o, "subdomain_policy"), "-"),
		                      MC_OR(diff_str(o, "nonexistent_policy"), "-"));

		fact_data(s, N_("DMARC policy"), v);
		free(v);
	}
	fact_joined(s, N_("DMARC rua"), json_object_get(o, "rua"), NULL);
}

static void mx_facts(const json_t *o, struct diff_summary *s)
{
	json_t *hosts = json_object_get(o, "hosts"), *h;
	mc_buf b = {0};
	size_t i;

	if (!json_is_object(o))
		return;
	if (json_is_true(json_object_get(o, "null_mx"))) {
		fact_said(s, "MX", N_("null MX (0 .): accepts no mail"));
		return;
	}
	json_array_foreach(hosts, i, h) {
		char *label, *label_text, *v = joined(json_object_get(h, "addresses"), NULL);

		mc_buf_addf(&b, "%s%lld %s", i ? ", " : "", int_of(h, "preference", 0),
		            MC_OR(diff_str(h, "host"), "?"));
		label = mc_asprintf_both(&label_text, N_("MX %s addresses"), MC_OR(diff_str(h, "host"), "?"));
		diff_fact_made(s, label, label_text, v, NULL);
	}
	if (json_is_true(json_object_get(o, "implicit")))
		factf(s, mc_strdup("MX"), NULL, N_("%s (implicit MX: the domain's own address)"),
		      b.len ? b.s : "");
	else if (b.len)
		fact_data(s, "MX", b.s);
	mc_buf_free(&b);
}

/* A DKIM key (a dkim --selector report, or one of domain's keys). */
static void dkim_key_fact(const json_t *k, struct diff_summary *s)
{
	const char *type = MC_OR(diff_str(k, "key_type"), "?");
	char *label, *label_text;

	if (!diff_str(k, "record") || !diff_str(k, "selector"))
		return; /* no key on this side */
	label = mc_asprintf_both(&label_text, N_("DKIM key %s"), diff_str(k, "selector"));
	if (int_of(k, "key_bits", -1) > 0 && json_is_true(json_object_get(k, "testing")))
		factf(s, label, label_text, N_("%s %lld bits, testing"), type, int_of(k, "key_bits", 0));
	else if (int_of(k, "key_bits", -1) > 0)
		factf(s, label, label_text, N_("%s %lld bits"), type, int_of(k, "key_bits", 0));
	else
		factf(s, label, label_text, N_("%s (no usable key)"), MC_OR(diff_str(k, "result"), "?"));
}

static void transport_facts(const json_t *o, struct diff_summary *s)
{
	json_t *sts = json_object_get(o, "mta_sts"), *p = json_object_get(sts, "policy");
	json_t *dane = json_object_get(json_object_get(o, "dane"), "hosts"), *h;
	size_t i;

	fact_data(s, N_("MTA-STS record"), diff_str(sts, "record"));
	if (json_is_object(p) && json_is_true(json_object_get(p, "valid"))) {
		char *mx = joined(json_object_get(p, "mx"), NULL);
		char *v = mc_asprintf("mode=%s max_age=%lld mx=%s", MC_OR(diff_str(p, "mode"), "-"),
		                      int_of(p, "max_age", 0), MC_OR(mx, "-"));

		fact_data(s, N_("MTA-STS policy"), v);
		free(v);
		free(mx);
	}
	fact_joined(s, N_("TLS-RPT rua"), json_object_get(json_object_get(o, "tlsrpt"), "rua"), NULL);
	fact_data(s, N_("BIMI record"), diff_str(json_object_get(o, "bimi"), "record"));
	json_array_foreach(dane, i, h) {
		char *label = mc_asprintf("TLSA %s", MC_OR(diff_str(h, "name"), "?"));
		char *v = joined(json_object_get(h, "records"), NULL);

		diff_fact_made(s, label, NULL, v, NULL);
	}
}

static void dnssec_fact(const json_t *d, struct diff_summary *s)
{
	if (!json_is_true(json_object_get(d, "checked")))
		return;
	if (int_of(d, "bogus", 0) > 0)
		fact_said(s, "DNSSEC", N_("bogus: answers fail validation"));
	else if (json_is_true(json_object_get(d, "validated")) && int_of(d, "secure", 0) > 0 &&
	         int_of(d, "insecure", 0) == 0)
		fact_said(s, "DNSSEC", N_("signed and validated"));
	else if (int_of(d, "authenticated", 0) > 0 && int_of(d, "authenticated", 0) == int_of(d, "answers", -1))
		fact_said(s, "DNSSEC", N_("signed (authenticated by the resolver)"));
	else
		fact_said(s, "DNSSEC", N_("not signed throughout"));
}

static void smtp_facts(const json_t *smtp, struct diff_summary *s)
{
	json_t *probes = json_object_get(smtp, "probes"), *p;
	size_t i;

	json_array_foreach(probes, i, p) {
		json_t *cert = json_object_get(p, "certificate");
		const char *host = MC_OR(diff_str(p, "host"), "?"), *addr = MC_OR(diff_str(p, "address"), "?");
		char *label = mc_asprintf("STARTTLS %s (%s)", host, addr), *label_text;

		if (json_is_true(json_object_get(p, "starttls")) && diff_str(p, "protocol"))
			diff_fact_made(s, label, NULL, mc_asprintf("%s %s", diff_str(p, "protocol"),
			                                           MC_OR(diff_str(p, "cipher"), "")), NULL);
		else
			factf(s, label, NULL, N_("none (stopped at %s)"), MC_OR(diff_str(p, "stage"), "?"));
		if (!json_is_object(cert) || !diff_str(cert, "not_after"))
			continue;
		label = mc_both(&label_text, N_("certificate %1$s (%2$s)"), (host, addr), (host, addr));
		if (json_is_true(json_object_get(cert, "chain_valid")))
			factf(s, label, label_text, N_("expires %s"), diff_str(cert, "not_after"));
		else
			factf(s, label, label_text, N_("expires %s, chain not valid"), diff_str(cert, "not_after"));
	}
}

/* Each listing: "listed on LIST: TARGET", its codes. */
static void blocklist_facts(const json_t *b, struct diff_summary *s)
{
	json_t *results = json_object_get(b, "results"), *r;
	size_t i;

	json_array_foreach(results, i, r) {
		const char *list = MC_OR(diff_str(r, "list"), "?"), *target = MC_OR(diff_str(r, "target"), "?");
		char *label, *label_text;
		mc_buf codes = {0};
		json_t *c;
		size_t j;

		if (!diff_str(r, "state") || strcmp(diff_str(r, "state"), "listed") != 0)
			continue;
		label = mc_both(&label_text, N_("listed on %1$s: %2$s"), (list, target), (list, target));
		json_array_foreach(json_object_get(r, "codes"), j, c)
			mc_buf_addf(&codes, "%s%s", j ? ", " : "", MC_OR(diff_str(c, "code"), "?"));
		if (codes.len)
			diff_fact_made(s, label, label_text, mc_buf_take(&codes), NULL);
		else
			diff_fact_made(s, label, label_text, mc_strdup("listed"), said(N_("listed")));
		mc_buf_free(&codes);
	}
}

void diff_facts(const json_t *o, struct diff_summary *s)
{
	const char *c = s->command;
	json_t *k;
	size_t i;

	if (strcmp(c, "spf") == 0)
		spf_facts(o, s);
	else if (strcmp(c, "dmarc") == 0)
		dmarc_facts(o, s);
	else if (strcmp(c, "mx") == 0)
		mx_facts(o, s);
	else if (strcmp(c, "dkim") == 0)
		dkim_key_fact(o, s);
	else if (strcmp(c, "blocklist") == 0)
		blocklist_facts(o, s);
	if (strcmp(c, "domain") != 0)
		return;
	mx_facts(json_object_get(o, "mx"), s);
	spf_facts(json_object_get(o, "spf"), s);
	dmarc_facts(json_object_get(o, "dmarc"), s);
	json_array_foreach(json_object_get(json_object_get(o, "dkim"), "keys"), i, k)
		dkim_key_fact(k, s);
	transport_facts(o, s);
	dnssec_fact(json_object_get(o, "dnssec"), s);
	smtp_facts(json_object_get(o, "smtp"), s);
	blocklist_facts(json_object_get(o, "blocklists"), s);
}
