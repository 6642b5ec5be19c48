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

void diff_fact(struct diff_summary *s, const char *label, const char *value)
{
	if (!value || s->n_facts == DIFF_MAX_FACTS)
		return;
	for (size_t i = 0; i < s->n_facts; i++)
		if (strcmp(s->facts[i].label, label) == 0)
			return; /* the first of a label is the one kept */
	if (s->n_facts % 32 == 0) {
		struct diff_fact *f = realloc(s->facts, (s->n_facts + 32) * sizeof(*f));

		if (!f)
			return;
		s->facts = f;
	}
	s->facts[s->n_facts].label = mc_strdup(label);
	s->facts[s->n_facts].value = mc_strdup(value);
	if (s->facts[s->n_facts].label && s->facts[s->n_facts].value)
		s->n_facts++;
}

static void factf(struct diff_summary *s, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void factf(struct diff_summary *s, const char *label, const char *fmt, ...)
{
	char value[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	diff_fact(s, label, value);
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

	diff_fact(s, label, v);
	free(v);
}

static void spf_facts(const json_t *o, struct diff_summary *s)
{
	if (!json_is_object(o))
		return;
	diff_fact(s, "SPF record", diff_str(o, "record") ? diff_str(o, "record") : "(none)");
	if (int_of(o, "dns_lookups", -1) >= 0)
		factf(s, "SPF DNS lookups", "%lld of 10", int_of(o, "dns_lookups", 0));
}

static void dmarc_facts(const json_t *o, struct diff_summary *s)
{
	if (!json_is_object(o))
		return;
	diff_fact(s, "DMARC record", diff_str(o, "record") ? diff_str(o, "record") : "(none)");
	if (diff_str(o, "policy"))
		factf(s, "DMARC policy", "p=%s sp=%s np=%s", diff_str(o, "policy"),
		      diff_str(o, "subdomain_policy") ? diff_str(o, "subdomain_policy") : "-",
		      diff_str(o, "nonexistent_policy") ? diff_str(o, "nonexistent_policy") : "-");
	fact_joined(s, "DMARC rua", json_object_get(o, "rua"), NULL);
}

static void mx_facts(const json_t *o, struct diff_summary *s)
{
	json_t *hosts = json_object_get(o, "hosts"), *h;
	mc_buf b = {0};
	size_t i;

	if (!json_is_object(o))
		return;
	if (json_is_true(json_object_get(o, "null_mx"))) {
		diff_fact(s, "MX", "null MX (0 .): accepts no mail");
		return;
	}
	json_array_foreach(hosts, i, h) {
		char label[600];

		mc_buf_addf(&b, "%s%lld %s", i ? ", " : "", int_of(h, "preference", 0),
		            diff_str(h, "host") ? diff_str(h, "host") : "?");
		snprintf(label, sizeof(label), "MX %s addresses", diff_str(h, "host") ? diff_str(h, "host") : "?");
		fact_joined(s, label, json_object_get(h, "addresses"), NULL);
	}
	if (json_is_true(json_object_get(o, "implicit")))
		mc_buf_addf(&b, " (implicit MX: the domain's own address)");
	if (b.len)
		diff_fact(s, "MX", b.s);
	mc_buf_free(&b);
}

/* A DKIM key (a dkim --selector report, or one of domain's keys). */
static void dkim_key_fact(const json_t *k, struct diff_summary *s)
{
	char label[600];

	if (!diff_str(k, "record") || !diff_str(k, "selector"))
		return; /* no key on this side */
	snprintf(label, sizeof(label), "DKIM key %s", diff_str(k, "selector"));
	if (int_of(k, "key_bits", -1) > 0)
		factf(s, label, "%s %lld bits%s", diff_str(k, "key_type") ? diff_str(k, "key_type") : "?",
		      int_of(k, "key_bits", 0), json_is_true(json_object_get(k, "testing")) ? ", testing" : "");
	else
		factf(s, label, "%s (no usable key)", diff_str(k, "result") ? diff_str(k, "result") : "?");
}

static void transport_facts(const json_t *o, struct diff_summary *s)
{
	json_t *sts = json_object_get(o, "mta_sts"), *p = json_object_get(sts, "policy");
	json_t *dane = json_object_get(json_object_get(o, "dane"), "hosts"), *h;
	size_t i;

	diff_fact(s, "MTA-STS record", diff_str(sts, "record"));
	if (json_is_object(p) && json_is_true(json_object_get(p, "valid"))) {
		char *mx = joined(json_object_get(p, "mx"), NULL);

		factf(s, "MTA-STS policy", "mode=%s max_age=%lld mx=%s",
		      diff_str(p, "mode") ? diff_str(p, "mode") : "-", int_of(p, "max_age", 0),
		      mx ? mx : "-");
		free(mx);
	}
	fact_joined(s, "TLS-RPT rua", json_object_get(json_object_get(o, "tlsrpt"), "rua"), NULL);
	diff_fact(s, "BIMI record", diff_str(json_object_get(o, "bimi"), "record"));
	json_array_foreach(dane, i, h) {
		char label[600];

		snprintf(label, sizeof(label), "TLSA %s", diff_str(h, "name") ? diff_str(h, "name") : "?");
		fact_joined(s, label, json_object_get(h, "records"), NULL);
	}
}

static void dnssec_fact(const json_t *d, struct diff_summary *s)
{
	if (!json_is_true(json_object_get(d, "checked")))
		return;
	if (int_of(d, "bogus", 0) > 0)
		diff_fact(s, "DNSSEC", "bogus: answers fail validation");
	else if (json_is_true(json_object_get(d, "validated")) && int_of(d, "secure", 0) > 0 &&
	         int_of(d, "insecure", 0) == 0)
		diff_fact(s, "DNSSEC", "signed and validated");
	else if (int_of(d, "authenticated", 0) > 0 && int_of(d, "authenticated", 0) == int_of(d, "answers", -1))
		diff_fact(s, "DNSSEC", "signed (authenticated by the resolver)");
	else
		diff_fact(s, "DNSSEC", "not signed throughout");
}

static void smtp_facts(const json_t *smtp, struct diff_summary *s)
{
	json_t *probes = json_object_get(smtp, "probes"), *p;
	size_t i;

	json_array_foreach(probes, i, p) {
		json_t *cert = json_object_get(p, "certificate");
		char label[700];
		const char *host = diff_str(p, "host") ? diff_str(p, "host") : "?",
		           *addr = diff_str(p, "address") ? diff_str(p, "address") : "?";

		snprintf(label, sizeof(label), "STARTTLS %s (%s)", host, addr);
		if (json_is_true(json_object_get(p, "starttls")) && diff_str(p, "protocol"))
			factf(s, label, "%s %s", diff_str(p, "protocol"),
			      diff_str(p, "cipher") ? diff_str(p, "cipher") : "");
		else
			factf(s, label, "none (stopped at %s)", diff_str(p, "stage") ? diff_str(p, "stage") : "?");
		if (json_is_object(cert) && diff_str(cert, "not_after")) {
			snprintf(label, sizeof(label), "certificate %s (%s)", host, addr);
			factf(s, label, "expires %s%s", diff_str(cert, "not_after"),
			      json_is_true(json_object_get(cert, "chain_valid")) ? "" : ", chain not valid");
		}
	}
}

/* Each listing: "listed on LIST: TARGET", its codes. */
static void blocklist_facts(const json_t *b, struct diff_summary *s)
{
	json_t *results = json_object_get(b, "results"), *r;
	size_t i;

	json_array_foreach(results, i, r) {
		char label[700];
		mc_buf codes = {0};
		json_t *c;
		size_t j;

		if (!diff_str(r, "state") || strcmp(diff_str(r, "state"), "listed") != 0)
			continue;
		snprintf(label, sizeof(label), "listed on %s: %s", diff_str(r, "list") ? diff_str(r, "list") : "?",
		         diff_str(r, "target") ? diff_str(r, "target") : "?");
		json_array_foreach(json_object_get(r, "codes"), j, c)
			mc_buf_addf(&codes, "%s%s", j ? ", " : "", diff_str(c, "code") ? diff_str(c, "code") : "?");
		diff_fact(s, label, codes.len ? codes.s : "listed");
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
