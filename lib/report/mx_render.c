/* mx: JSON object and text report of an mc_mx_result. */
#include <string.h>

#include "mailcheck/mx.h"
#include "report/internal.h"

json_t *mc_mx_json(const void *result)
{
	const mc_mx_result *res = result;
	json_t *o = mc_json_head("mx"), *hosts = json_array();

	json_object_set_new(o, "domain", mc_json_str(res->domain));
	mc_json_idn(o, "domain_unicode", res->domain);
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "reason", json_string(mc_mx_reason_name(res->reason)));
	json_object_set_new(o, "null_mx", json_boolean(res->null_mx));
	json_object_set_new(o, "implicit", json_boolean(res->implicit));
	for (size_t i = 0; i < res->n_hosts; i++) {
		const mc_mx_host *h = &res->hosts[i];
		json_t *ho = json_object(), *addrs = json_array();

		json_object_set_new(ho, "preference", json_integer(h->preference));
		json_object_set_new(ho, "host", mc_json_str(h->host));
		json_object_set_new(ho, "canonical", mc_json_str(h->canonical));
		for (size_t k = 0; k < h->n_addresses; k++)
			json_array_append_new(addrs, mc_json_str(h->addresses[k]));
		json_object_set_new(ho, "addresses", addrs);
		json_array_append_new(hosts, ho);
	}
	json_object_set_new(o, "hosts", hosts);
	mc_json_tail(o, &res->findings);
	return o;
}

static void headline(mc_text *t, const mc_mx_result *res)
{
	char name[MC_NAME_BUF];
	const char *d = mc_text_name(res->domain, name, sizeof(name));

	switch (res->reason) {
	case MC_MX_DELIVERS:
		mc_text_verdict(t, res->verdict, mc_ntr("%1$s receives mail at %2$zu MX host",
		                                        "%1$s receives mail at %2$zu MX hosts",
		                                        res->n_hosts), d, res->n_hosts);
		break;
	case MC_MX_IMPLICIT:
		mc_text_verdict(t, res->verdict, _("%s has no MX record: mail goes to the "
		                "domain's own address (implicit MX)"), d);
		break;
	case MC_MX_NULL:
		mc_text_verdict(t, res->verdict, _("%s accepts no mail (null MX)"), d);
		break;
	case MC_MX_NXDOMAIN:
		mc_text_verdict(t, res->verdict, _("%s does not exist"), d);
		break;
	case MC_MX_NO_ROUTE:
		mc_text_verdict(t, res->verdict, _("%s cannot receive mail: no MX record and "
		                "no address"), d);
		break;
	case MC_MX_NO_USABLE_HOST:
		mc_text_verdict(t, res->verdict, _("%s cannot receive mail: no MX host has "
		                "an address"), d);
		break;
	case MC_MX_DNS_ERROR:
		mc_text_verdict(t, res->verdict, _("could not find out where mail for %s goes "
		                "(DNS failure)"), d);
		break;
	}
}

void mc_mx_text(mc_text *t, const void *result)
{
	const mc_mx_result *res = result;
	int width = 0;

	headline(t, res);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < res->n_hosts; i++) {
		int w = (int)strlen(res->hosts[i].host);

		width = w > width ? w : width;
	}
	for (size_t i = 0; i < res->n_hosts; i++) {
		const mc_mx_host *h = &res->hosts[i];

		fprintf(t->fp, "  %5u  %-*s  ", h->preference, width, h->host);
		if (h->n_addresses == 0)
			mc_text_colored(t, MC_COLOR_YELLOW, _("(no address)"));
		for (size_t k = 0; k < h->n_addresses; k++)
			fprintf(t->fp, "%s%s", k ? ", " : "", h->addresses[k]);
		if (h->canonical)
			fprintf(t->fp, _("  (alias of %s)"), h->canonical);
		fputc('\n', t->fp);
	}
	mc_text_tail(t, &res->findings, &res->dns);
}
