/* blocklist: JSON object and text report of an mc_bl_result. */
#include <string.h>

#include "mailcheck/blocklist.h"
#include "report/internal.h"

static const char *list_key(const mc_bl_list *l)
{
	return l->id ? l->id : l->zone;
}

static json_t *lists_json(const mc_bl_set *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < mc_bl_set_count(s); i++) {
		const mc_bl_list *l = mc_bl_set_list(s, i);
		json_t *o = json_object();

		json_object_set_new(o, "id", mc_json_str(list_key(l)));
		json_object_set_new(o, "name", mc_json_str(l->name));
		json_object_set_new(o, "zone", mc_json_str(l->zone));
		json_object_set_new(o, "type", json_string(l->kind == MC_BL_KIND_IP ? "ip" : "domain"));
		json_object_set_new(o, "role", json_string(mc_bl_role_name(l->role)));
		json_object_set_new(o, "custom", json_boolean(l->custom));
		json_object_set_new(o, "health", json_string(mc_bl_health_name(l->health)));
		json_object_set_new(o, "health_reason", mc_json_str(l->health_reason));
		json_object_set_new(o, "removal", mc_json_str(l->removal));
		json_object_set_new(o, "source", mc_json_str(l->source));
		json_object_set_new(o, "terms", mc_json_str(l->terms));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *hit_json(const mc_bl_result *res, const mc_bl_hit *h)
{
	json_t *o = json_object(), *codes = json_array();

	json_object_set_new(o, "list", mc_json_str(list_key(mc_bl_set_list(res->set, h->list))));
	json_object_set_new(o, "target", mc_json_str(res->targets[h->target].name));
	json_object_set_new(o, "query", mc_json_str(h->query));
	json_object_set_new(o, "state", json_string(mc_bl_state_name(h->state)));
	for (size_t i = 0; i < h->n_codes; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "code", json_string(h->codes[i].address));
		json_object_set_new(c, "meaning", mc_json_str(h->codes[i].meaning));
		json_object_set_new(c, "listing", json_boolean(h->codes[i].listed));
		json_object_set_new(c, "documented", json_boolean(h->codes[i].documented));
		json_array_append_new(codes, c);
	}
	json_object_set_new(o, "codes", codes);
	json_object_set_new(o, "txt", h->txt ? mc_json_bytes(h->txt, strlen(h->txt)) : json_null());
	json_object_set_new(o, "reason", mc_json_str(h->why));
	return o;
}

json_t *mc_blocklist_json(const void *result)
{
	const mc_bl_result *res = result;
	json_t *o = mc_json_head("blocklist"), *targets = json_array(), *hits = json_array(),
	       *left = json_array();

	json_object_set_new(o, "input", mc_json_str(res->input));
	if (!res->ip)
		mc_json_idn(o, "input_unicode", res->input);
	json_object_set_new(o, "type", json_string(res->ip ? "ip" : "domain"));
	json_object_set_new(o, "result", json_string(mc_verdict_name(res->verdict)));
	json_object_set_new(o, "listed", json_boolean(res->listed_blocking + res->listed_scoring > 0));
	json_object_set_new(o, "listed_blocking", json_integer((json_int_t)res->listed_blocking));
	json_object_set_new(o, "listed_scoring", json_integer((json_int_t)res->listed_scoring));
	for (size_t i = 0; i < res->n_targets; i++) {
		json_t *t = json_object();

		json_object_set_new(t, "name", mc_json_str(res->targets[i].name));
		json_object_set_new(t, "type", json_string(res->targets[i].ip ? "ip" : "domain"));
		json_object_set_new(t, "via", mc_json_str(res->targets[i].via));
		json_array_append_new(targets, t);
	}
	json_object_set_new(o, "targets", targets);
	json_object_set_new(o, "lists", lists_json(res->set));
	for (size_t i = 0; i < res->n_hits; i++)
		json_array_append_new(hits, hit_json(res, &res->hits[i]));
	json_object_set_new(o, "results", hits);
	for (size_t i = 0; i < res->n_left_out; i++)
		json_array_append_new(left, mc_json_str(res->left_out[i]));
	json_object_set_new(o, "left_out", left);
	mc_json_tail(o, &res->findings);
	return o;
}

/* The order lists are shown in, and the word of each: worst first. */
enum row_kind { ROW_LISTED, ROW_SCORED, ROW_ALLOWED, ROW_PROBLEM, ROW_CLEAN, ROW_NOT_HELD,
	        ROW_ASIDE, ROW_NONE };

static enum row_kind row_of(const mc_bl_result *res, size_t list)
{
	enum row_kind k = ROW_NONE;
	const mc_bl_list *l = mc_bl_set_list(res->set, list);

	for (size_t i = 0; i < res->n_hits; i++) {
		const mc_bl_hit *h = &res->hits[i];
		enum row_kind r;

		if (h->list != list)
			continue;
		r = h->state == MC_BL_LISTED
		  ? (l->role == MC_BL_BLOCKS ? ROW_LISTED : l->role == MC_BL_SCORES ? ROW_SCORED : ROW_ALLOWED)
		  : h->state == MC_BL_NOT_LISTED ? ROW_CLEAN
		  : h->state != MC_BL_NOT_ASKED ? ROW_PROBLEM
		  : l->health == MC_BL_HEALTH_WORKING || l->health == MC_BL_HEALTH_UNTESTED ? ROW_NOT_HELD
		  : ROW_ASIDE;
		k = r < k ? r : k;
	}
	return k;
}

/* A listing or a problem of one target, on its own line after the first. */
static void hit_line(mc_text *t, const mc_bl_result *res, const mc_bl_hit *h, size_t *shown)
{
	const mc_bl_target *tg = &res->targets[h->target];

	if ((*shown)++)
		fprintf(t->fp, "\n%35s", "");
	fputs(tg->name, t->fp);
	if (tg->via)
		fprintf(t->fp, " (%s)", MC_OR(tg->via_text, tg->via));
	for (size_t c = 0; h->state == MC_BL_LISTED && c < h->n_codes; c++)
		fprintf(t->fp, "%s %s %s", c ? ";" : ":", h->codes[c].address,
		        MC_OR(h->codes[c].meaning_text, MC_OR(h->codes[c].meaning, "")));
	if (h->why && h->state != MC_BL_LISTED)
		fprintf(t->fp, ": %s", MC_OR(h->why_text, h->why));
}

static void row_detail(mc_text *t, const mc_bl_result *res, size_t list, enum row_kind k)
{
	const mc_bl_list *l = mc_bl_set_list(res->set, list);
	size_t asked = 0, held_not = 0, shown = 0;

	if (k == ROW_ASIDE) {
		fputs(l->health_reason_text ? l->health_reason_text
		      : l->health_reason ? l->health_reason : "", t->fp);
		return;
	}
	if (k == ROW_NOT_HELD) {
		fputs(_("the list holds no IPv6 addresses"), t->fp);
		return;
	}
	for (size_t i = 0; i < res->n_hits; i++) {
		const mc_bl_hit *h = &res->hits[i];
		bool problem = h->state == MC_BL_REFUSED || h->state == MC_BL_BAD_ANSWER ||
		               h->state == MC_BL_DNS_ERROR;

		if (h->list != list)
			continue;
		asked += h->state != MC_BL_NOT_ASKED;
		held_not += h->state == MC_BL_NOT_ASKED;
		if ((k == ROW_PROBLEM && problem) || (k < ROW_PROBLEM && h->state == MC_BL_LISTED))
			hit_line(t, res, h, &shown);
	}
	if (k == ROW_CLEAN && held_not)
		fprintf(t->fp, mc_ntr("%zu asked (%zu IPv6 address: the list holds none)",
		                      "%zu asked (%zu IPv6 addresses: the list holds none)", held_not),
		        asked, held_not);
	else if (k == ROW_CLEAN)
		fprintf(t->fp, _("%zu asked"), asked);
}

static void headline(mc_text *t, const mc_bl_result *res)
{
	char name[MC_NAME_BUF];
	const char *who = res->ip ? res->input : mc_text_name(res->input, name, sizeof(name));
	size_t blocking = 0, scoring = 0, lists = 0;

	for (size_t i = 0; i < mc_bl_set_count(res->set); i++) {
		enum row_kind k = row_of(res, i);

		blocking += k == ROW_LISTED;
		scoring += k == ROW_SCORED;
		lists += k < ROW_NOT_HELD;
	}
	if (res->verdict == MC_VERDICT_FAIL)
		mc_text_verdict(t, res->verdict, mc_ntr("%s is listed on %zu blocklist that receivers "
		                "use to refuse mail", "%s is listed on %zu blocklists that receivers "
		                "use to refuse mail", blocking), who, blocking);
	else if (res->verdict == MC_VERDICT_TEMPERROR && scoring)
		mc_text_verdict(t, res->verdict, _("%s: not every blocklist could be asked; on none "
		                "of those that answered that blocks"), who);
	else if (res->verdict == MC_VERDICT_TEMPERROR)
		mc_text_verdict(t, res->verdict, _("%s: not every blocklist could be asked; on none "
		                "of those that answered"), who);
	else if (scoring)
		mc_text_verdict(t, res->verdict, mc_ntr("%s is on no blocklist that refuses mail, but "
		                "on %zu that spam filters count against it", "%s is on no blocklist "
		                "that refuses mail, but on %zu that spam filters count against it",
		                scoring), who, scoring);
	else
		mc_text_verdict(t, res->verdict, mc_ntr("%s is on none of the %zu blocklist asked",
		                "%s is on none of the %zu blocklists asked", lists), who, lists);
}

void mc_blocklist_text(mc_text *t, const void *result)
{
	/* TRANSLATORS: a list's row: LISTED on a list that blocks, listed on one
	 * that scores */
	static const char *const words[] = {N_("LISTED"), N_("listed"), N_("allowlisted"),
	                                    N_("not known"), N_("not listed"), N_("not asked"),
	                                    N_("not used")};
	static const mc_color colors[] = {MC_COLOR_RED, MC_COLOR_YELLOW, MC_COLOR_GREEN,
	                                  MC_COLOR_YELLOW, MC_COLOR_NONE, MC_COLOR_DIM,
	                                  MC_COLOR_DIM};
	const mc_bl_result *res = result;
	size_t lists = mc_bl_set_count(res->set);

	headline(t, res);
	if (t->opts->quiet)
		return;
	for (int k = ROW_LISTED; k < ROW_NONE; k++) {
		for (size_t i = 0; i < lists; i++) {
			const mc_bl_list *l = mc_bl_set_list(res->set, i);
			const char *word = _(words[k]);
			int pad = 11 - (int)mc_text_width(word);

			if ((int)row_of(res, i) != k)
				continue;
			fprintf(t->fp, "  %-20s ", l->name);
			mc_text_colored(t, colors[k], word);
			fprintf(t->fp, "%*s ", pad > 0 ? pad : 0, "");
			row_detail(t, res, i, (enum row_kind)k);
			fputc('\n', t->fp);
		}
	}
	mc_text_tail(t, &res->findings, &res->dns);
}

const char *const mc_blocklist_csv_header[] = {
	"input", "type", "result", "listed_blocking", "listed_scoring", "errors", "warnings",
	"first_error", "listings", NULL,
};

/* "zen 192.0.2.1 (127.0.0.2 127.0.0.4); dbl example.com (127.0.1.2)" */
static void listings_text(const mc_bl_result *res, mc_buf *out)
{
	for (size_t i = 0; i < res->n_hits; i++) {
		const mc_bl_hit *h = &res->hits[i];

		if (h->state != MC_BL_LISTED)
			continue;
		mc_buf_addf(out, "%s%s %s (", out->len ? "; " : "",
		            list_key(mc_bl_set_list(res->set, h->list)), res->targets[h->target].name);
		for (size_t k = 0; k < h->n_codes; k++)
			mc_buf_addf(out, "%s%s", k ? " " : "", h->codes[k].address);
		mc_buf_add(out, ")", 1);
	}
}

void mc_blocklist_csv(mc_buf *b, const void *result)
{
	const mc_bl_result *res = result;
	size_t errors = 0, warnings = 0;
	const char *first = NULL;
	mc_buf listed = {0};

	for (size_t i = 0; i < res->findings.n; i++) {
		if (res->findings.items[i].severity == MC_SEV_ERROR && !errors++)
			first = res->findings.items[i].code;
		else if (res->findings.items[i].severity == MC_SEV_WARNING)
			warnings++;
	}
	listings_text(res, &listed);
	mc_csv_cell(b, res->input, false);
	mc_csv_cell(b, res->ip ? "ip" : "domain", false);
	mc_csv_cell(b, mc_verdict_name(res->verdict), false);
	mc_csv_number(b, (long long)res->listed_blocking, false);
	mc_csv_number(b, (long long)res->listed_scoring, false);
	mc_csv_number(b, (long long)errors, false);
	mc_csv_number(b, (long long)warnings, false);
	mc_csv_cell(b, first, false);
	mc_csv_cell(b, listed.s, true);
	mc_buf_free(&listed);
}

double mc_verdict_gauge(mc_verdict v)
{
	return v == MC_VERDICT_PASS ? 0 : v == MC_VERDICT_TEMPERROR ? 3 : 2;
}

void mc_blocklist_metrics_listed(mc_metrics *m, const mc_bl_result *res, const char *key,
                                 const char *value)
{
	for (size_t i = 0; i < res->n_hits; i++)
		if (res->hits[i].state == MC_BL_LISTED)
			mc_metric(m, "mailcheck_blocklist_listed", 1, key, value, "list",
			          list_key(mc_bl_set_list(res->set, res->hits[i].list)), "target",
			          res->targets[res->hits[i].target].name, NULL);
}

const char *mc_blocklist_metrics_subject(const void *result)
{
	return ((const mc_bl_result *)result)->input;
}

void mc_blocklist_metrics(mc_metrics *m, const void *result)
{
	const mc_bl_result *res = result;
	size_t errors = 0, warnings = 0;

	for (size_t i = 0; i < res->findings.n; i++)
		if (res->findings.items[i].severity == MC_SEV_ERROR)
			errors++;
		else if (res->findings.items[i].severity == MC_SEV_WARNING)
			warnings++;
	mc_metric(m, "mailcheck_result", mc_verdict_gauge(res->verdict), "command", "blocklist",
	          "input", res->input, NULL);
	mc_metric(m, "mailcheck_blocklist_listings", (double)res->listed_blocking, "input", res->input,
	          "role", "blocks", NULL);
	mc_metric(m, "mailcheck_blocklist_listings", (double)res->listed_scoring, "input", res->input,
	          "role", "scores", NULL);
	mc_metric(m, "mailcheck_findings", (double)errors, "input", res->input, "severity", "error", NULL);
	mc_metric(m, "mailcheck_findings", (double)warnings, "input", res->input, "severity", "warning",
	          NULL);
	mc_blocklist_metrics_listed(m, res, "input", res->input);
}
