/* spf: JSON object and text report of an mc_spf_result. */
#include <string.h>

#include "mailcheck/spf.h"
#include "report/internal.h"

json_t *mc_spf_json(const void *result)
{
	const mc_spf_result *res = result;
	json_t *o = mc_json_head("spf"), *path = json_array();

	json_object_set_new(o, "domain", mc_json_str(res->domain));
	mc_json_idn(o, "domain_unicode", res->domain);
	json_object_set_new(o, "ip", mc_json_str(res->ip));
	json_object_set_new(o, "helo", mc_json_str(res->helo));
	json_object_set_new(o, "sender", mc_json_str(res->sender));
	json_object_set_new(o, "record", mc_json_str(res->record));
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "mechanism", mc_json_str(res->mechanism));
	for (size_t i = 0; i < res->n_path; i++) {
		json_t *step = json_object();

		json_object_set_new(step, "domain", mc_json_str(res->path[i].domain));
		json_object_set_new(step, "term", mc_json_str(res->path[i].term));
		json_array_append_new(path, step);
	}
	json_object_set_new(o, "path", path);
	json_object_set_new(o, "explanation", mc_json_str(res->explanation));
	json_object_set_new(o, "dns_lookups", json_integer(res->dns_lookups));
	json_object_set_new(o, "void_lookups", json_integer(res->void_lookups));
	json_object_set_new(o, "received_spf", mc_json_str(res->received_spf));
	if (res->compared) {
		json_t *l = json_object();

		json_object_set_new(l, "result", mc_json_str(res->libspf2_result));
		json_object_set_new(l, "detail", mc_json_str(res->libspf2_detail));
		json_object_set_new(l, "agrees", res->libspf2_result ? json_boolean(res->libspf2_agrees)
		                                                     : json_null());
		json_object_set_new(o, "libspf2", l);
	} else {
		json_object_set_new(o, "libspf2", json_null());
	}
	mc_json_tail(o, &res->findings);
	return o;
}

static void headline(mc_text *t, const mc_spf_result *res)
{
	char name[MC_NAME_BUF];
	const char *d = mc_text_name(res->domain, name, sizeof(name)), *ip = res->ip;

	switch (res->verdict) {
	case MC_VERDICT_PASS:
		mc_text_verdict(t, res->verdict, _("%s authorizes %s to send its mail"), d, ip);
		break;
	case MC_VERDICT_FAIL:
		mc_text_verdict(t, res->verdict, _("%s does not authorize %s to send its mail"), d, ip);
		break;
	case MC_VERDICT_SOFTFAIL:
		mc_text_verdict(t, res->verdict, _("%s does not authorize %s (softfail: accept, "
		                "but treat as suspect)"), d, ip);
		break;
	case MC_VERDICT_NEUTRAL:
		mc_text_verdict(t, res->verdict, _("%s neither authorizes nor forbids %s"), d, ip);
		break;
	case MC_VERDICT_NONE:
		mc_text_verdict(t, res->verdict, _("%s has no SPF record"), d);
		break;
	case MC_VERDICT_PERMERROR:
		mc_text_verdict(t, res->verdict, _("the SPF record of %s is broken: receivers "
		                "treat it as an error"), d);
		break;
	case MC_VERDICT_TEMPERROR:
		mc_text_verdict(t, res->verdict, _("SPF of %s could not be evaluated (DNS failure)"), d);
		break;
	}
}

void mc_spf_text(mc_text *t, const void *result)
{
	const mc_spf_result *res = result;
	/* TRANSLATORS: the labels of spf's lines, each followed by its value */
	const char *const labels[] = {_("record:"), _("decided by:"), _("path:"), _("explanation:"),
	                              _("lookups:")};
	size_t w = mc_text_label_width(labels, sizeof(labels) / sizeof(labels[0]), 13);

	headline(t, res);
	if (t->opts->quiet)
		return;
	if (res->record)
		mc_text_field(t, labels[0], w, "%s", res->record);
	if (res->mechanism)
		mc_text_field(t, labels[1], w, "%s", res->mechanism);
	else if (res->default_result)
		mc_text_field(t, labels[1], w, "%s", _("no term matched (default: neutral)"));
	if (res->n_path > 1) {
		mc_buf path = {0};

		for (size_t i = 0; i < res->n_path; i++)
			mc_buf_addf(&path, "%s%s (%s)", i ? " -> " : "", res->path[i].term,
			            res->path[i].domain);
		mc_text_field(t, labels[2], w, "%s", path.s ? path.s : "");
		mc_buf_free(&path);
	}
	if (res->explanation)
		mc_text_field(t, labels[3], w, "%s", res->explanation);
	mc_text_field(t, labels[4], w, _("%1$d of %2$d DNS lookups, %3$d of %4$d void lookups"),
	              res->dns_lookups, MC_SPF_MAX_LOOKUPS, res->void_lookups, MC_SPF_MAX_VOID);
	if (res->compared && res->libspf2_result)
		mc_text_field(t, "libspf2:", w, res->libspf2_agrees ? _("agrees (%s)")
		                                                     : _("DISAGREES (%s)"),
		              res->libspf2_result);
	else if (res->compared)
		mc_text_field(t, "libspf2:", w, "%s", res->libspf2_detail);
	mc_text_tail(t, &res->findings, &res->dns);
}

static json_t *node_json(const mc_spf_node *n)
{
	json_t *o = json_object(), *kids = json_array();

	json_object_set_new(o, "domain", mc_json_str(n->domain));
	json_object_set_new(o, "via", mc_json_str(n->via));
	json_object_set_new(o, "record", mc_json_str(n->record));
	json_object_set_new(o, "lookups", json_integer(n->lookups));
	json_object_set_new(o, "problem", mc_json_str(n->problem));
	json_object_set_new(o, "error_position",
	                    n->error_position >= 0 ? json_integer(n->error_position) : json_null());
	for (size_t i = 0; i < n->n_children; i++)
		json_array_append_new(kids, node_json(&n->children[i]));
	json_object_set_new(o, "children", kids);
	return o;
}

json_t *mc_spf_lint_json(const void *result)
{
	const mc_spf_lint *res = result;
	json_t *o = mc_json_head("spf"), *nets = json_array();

	json_object_set_new(o, "domain", mc_json_str(res->domain));
	mc_json_idn(o, "domain_unicode", res->domain);
	json_object_set_new(o, "ip", json_null());
	json_object_set_new(o, "record", mc_json_str(res->record));
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "includes", node_json(&res->tree));
	json_object_set_new(o, "dns_lookups", json_integer(res->dns_lookups));
	json_object_set_new(o, "void_lookups", json_integer(res->void_lookups));
	for (size_t i = 0; i < res->n_networks; i++)
		json_array_append_new(nets, mc_json_str(res->networks[i]));
	json_object_set_new(o, "networks", nets);
	json_object_set_new(o, "networks_complete", json_boolean(res->networks_complete));
	mc_json_tail(o, &res->findings);
	return o;
}

static void node_text(mc_text *t, const mc_spf_node *n, int depth)
{
	fprintf(t->fp, "  %*s%s%s%s", depth * 2, "", n->via ? n->via : n->domain,
	        n->via ? "" : "", "");
	if (n->record) {
		fprintf(t->fp, "  \"%s\"  [", n->record);
		fprintf(t->fp, mc_ntr("%d lookup", "%d lookups", (unsigned long)n->lookups), n->lookups);
		fputc(']', t->fp);
	}
	if (n->problem) {
		fputs("  ", t->fp);
		mc_text_colored(t, MC_COLOR_YELLOW, MC_OR(n->problem_text, n->problem));
	}
	fputc('\n', t->fp);
	for (size_t i = 0; i < n->n_children; i++)
		node_text(t, &n->children[i], depth + 1);
}

void mc_spf_lint_text(mc_text *t, const void *result)
{
	const mc_spf_lint *res = result;
	char name[MC_NAME_BUF];
	const char *d = mc_text_name(res->domain, name, sizeof(name));

	switch (res->verdict) {
	case MC_VERDICT_PASS:
		mc_text_verdict(t, res->verdict, _("%s has a valid SPF record (%d of %d DNS lookups)"),
		                d, res->dns_lookups, MC_SPF_MAX_LOOKUPS);
		break;
	case MC_VERDICT_FAIL:
		mc_text_verdict(t, res->verdict, _("the SPF record of %s works but is unsafe"), d);
		break;
	case MC_VERDICT_NONE:
		mc_text_verdict(t, res->verdict, _("%s has no SPF record"), d);
		break;
	case MC_VERDICT_TEMPERROR:
		mc_text_verdict(t, res->verdict, _("the SPF record of %s could not be checked "
		                "(DNS failure)"), d);
		break;
	default:
		mc_text_verdict(t, res->verdict, _("the SPF record of %s is broken: receivers "
		                "return permerror"), d);
		break;
	}
	if (t->opts->quiet)
		return;
	if (res->record) {
		fprintf(t->fp, "  %s\n", _("tree:"));
		node_text(t, &res->tree, 1);
		mc_text_field(t, _("lookups:"), 10, _("%1$d of %2$d DNS lookups, %3$d of %4$d void "
		                                      "lookups"),
		              res->dns_lookups, MC_SPF_MAX_LOOKUPS, res->void_lookups, MC_SPF_MAX_VOID);
	}
	if (res->n_networks) {
		fprintf(t->fp, "  %s", _("networks:"));
		for (size_t i = 0; i < res->n_networks; i++)
			fprintf(t->fp, " %s", res->networks[i]);
		fputs(res->networks_complete ? "\n" : _(" (and more that macros, exists or ptr "
		                                          "decide)\n"), t->fp);
	}
	mc_text_tail(t, &res->findings, &res->dns);
}
