/* Bulk-sender requirements: JSON and text, for verify and domain. */
#include <string.h>

#include "mailcheck/requirements.h"
#include "report/internal.h"

static const unsigned bits[] = {MC_REQ_GMAIL, MC_REQ_YAHOO, MC_REQ_MICROSOFT};

static json_t *provider_list(unsigned set)
{
	json_t *a = json_array();

	for (size_t i = 0; i < 3; i++)
		if (set & bits[i])
			json_array_append_new(a, json_string(mc_req_provider_name(bits[i])));
	return a;
}

json_t *mc_requirements_json(const mc_requirements *q)
{
	json_t *o = json_object(), *rules = json_array(), *src = json_array();
	size_t counts[4] = {0};

	json_object_set_new(o, "providers", provider_list(q->providers));
	for (size_t i = 0; i < q->n; i++) {
		const mc_requirement *it = &q->items[i];
		json_t *j = json_object();

		json_object_set_new(j, "id", json_string(it->rule->id));
		json_object_set_new(j, "rule", json_string(it->rule->rule));
		json_object_set_new(j, "applies_to", json_string(it->rule->applies));
		json_object_set_new(j, "required_by", provider_list(it->rule->providers & q->providers));
		json_object_set_new(j, "status", json_string(mc_req_status_name(it->status)));
		json_object_set_new(j, "evidence", mc_json_str(it->evidence));
		json_array_append_new(rules, j);
		counts[it->status]++;
	}
	json_object_set_new(o, "rules", rules);
	for (size_t s = 0; s < 4; s++)
		json_object_set_new(o, mc_req_status_name((mc_req_status)s),
		                    json_integer((json_int_t)counts[s]));
	for (size_t i = 0; i < 3; i++)
		if (q->providers & bits[i])
			json_array_append_new(src, json_string(mc_req_provider_source(bits[i])));
	json_object_set_new(o, "sources", src);
	return o;
}

/* The providers of set, "gmail, yahoo", into buf. */
static const char *names(unsigned set, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 3 && len < size; i++)
		if (set & bits[i])
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
			                        mc_req_provider_name(bits[i]));
	return buf;
}

void mc_requirements_text(mc_text *t, const mc_requirements *q)
{
	static const char *const applies[][2] = {
		{"all", N_("all senders")}, {"bulk", N_("bulk senders")},
		{"bulk_marketing", N_("bulk senders' marketing mail")},
	};
	/* TRANSLATORS: a rule's state: passes, FAILS, does not apply, cannot be told */
	const char *label[] = {_("pass"), _("FAIL"), _("n/a"), _("unknown")};
	char who_buf[64];
	int w = 7;

	for (size_t i = 0; i < 4; i++)
		if ((int)mc_text_width(label[i]) > w)
			w = (int)mc_text_width(label[i]);
	fputs("\n  ", t->fp);
	/* TRANSLATORS: the providers asked (gmail, yahoo, microsoft), the rules
	 * that fail, all the rules */
	fprintf(t->fp, _("Bulk-sender requirements of %1$s: %2$zu of %3$zu fail"),
	        names(q->providers, who_buf, sizeof(who_buf)), q->failed, q->n);
	fputc('\n', t->fp);
	for (size_t i = 0; i < q->n; i++) {
		const mc_requirement *it = &q->items[i];
		const char *who = it->rule->applies;

		for (size_t k = 0; k < 3; k++)
			if (!strcmp(who, applies[k][0]))
				who = _(applies[k][1]);
		fprintf(t->fp, "  %s%*s ", label[it->status], w - (int)mc_text_width(label[it->status]), "");
		/* TRANSLATORS: a rule, whom it applies to (all senders, bulk
		 * senders, ...), the providers that require it */
		fprintf(t->fp, _("%1$s (%2$s: %3$s)\n"), _(it->rule->rule), who,
		        names(it->rule->providers & q->providers, who_buf, sizeof(who_buf)));
		if (it->evidence)
			fprintf(t->fp, "  %*s %s\n", w, "", it->evidence_text ? it->evidence_text
			                                                    : it->evidence);
	}
	fprintf(t->fp, "  %s\n", _("Sources:"));
	for (size_t i = 0; i < 3; i++)
		if (q->providers & bits[i])
			fprintf(t->fp, "    %s\n", mc_req_provider_source_text(bits[i]));
}
