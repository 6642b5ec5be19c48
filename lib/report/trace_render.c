/* trace: JSON and text for the path of a message. */
#include <string.h>
#include <time.h>

#include "mailcheck/trace.h"
#include "report/internal.h"

static json_t *hop_json(const mc_hop *h)
{
	const mc_received *r = &h->rcv;
	json_t *o = json_object();

	json_object_set_new(o, "index", json_integer((json_int_t)h->index));
	json_object_set_new(o, "from", mc_json_str(r->from));
	json_object_set_new(o, "from_rdns", mc_json_str(r->from_rdns));
	json_object_set_new(o, "ip", mc_json_str(r->ip));
	json_object_set_new(o, "by", mc_json_str(r->by));
	json_object_set_new(o, "via", mc_json_str(r->via));
	json_object_set_new(o, "with", mc_json_str(r->with));
	json_object_set_new(o, "id", mc_json_str(r->id));
	json_object_set_new(o, "for", mc_json_str(r->for_addr));
	json_object_set_new(o, "tls", mc_json_str(r->tls));
	json_object_set_new(o, "envelope_from", mc_json_str(r->envelope_from));
	json_object_set_new(o, "local", json_boolean(r->local));
	json_object_set_new(o, "time", r->time >= 0 ? json_integer(r->time) : json_null());
	json_object_set_new(o, "date", mc_json_str(r->date));
	json_object_set_new(o, "delay_seconds",
	                    h->delay != MC_HOP_NO_DELAY ? json_integer(h->delay) : json_null());
	json_object_set_new(o, "unparsed", mc_json_str(r->unparsed));
	return o;
}

static json_t *auth_json(const mc_auth_result *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "header", mc_json_str(a->header));
	json_object_set_new(o, "authserv_id", mc_json_str(a->authserv_id));
	json_object_set_new(o, "instance", a->instance ? json_integer(a->instance) : json_null());
	json_object_set_new(o, "method", mc_json_str(a->method));
	json_object_set_new(o, "result", mc_json_str(a->result));
	json_object_set_new(o, "reason", mc_json_str(a->reason));
	json_object_set_new(o, "properties", mc_json_str(a->properties));
	return o;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The same conclusion by the same server (the header it sits in aside). */
static bool same_result(const mc_auth_result *a, const mc_auth_result *b)
{
	return same_str(a->authserv_id, b->authserv_id) && same_str(a->method, b->method) &&
	       same_str(a->result, b->result) && same_str(a->properties, b->properties) &&
	       same_str(a->reason, b->reason);
}

json_t *mc_trace_json(const void *result)
{
	const mc_trace *t = result;
	json_t *o = mc_json_head("trace"), *hops = json_array(), *auth = json_array();

	json_object_set_new(o, "result", json_string("pass"));
	for (size_t i = 0; i < t->n_hops; i++)
		json_array_append_new(hops, hop_json(&t->hops[i]));
	json_object_set_new(o, "hops", hops);
	json_object_set_new(o, "total_delay_seconds", t->total_delay != MC_HOP_NO_DELAY
	                    ? json_integer(t->total_delay) : json_null());
	json_object_set_new(o, "local_delivery", json_boolean(t->local_delivery));
	if (t->has_boundary) {
		json_t *b = json_object();

		json_object_set_new(b, "ip", mc_json_str(t->boundary.ip));
		json_object_set_new(b, "helo", mc_json_str(t->boundary.helo));
		json_object_set_new(b, "by", mc_json_str(t->boundary.by));
		json_object_set_new(b, "hop", json_integer((json_int_t)t->boundary.hop));
		json_object_set_new(o, "boundary", b);
	} else {
		json_object_set_new(o, "boundary", json_null());
	}
	for (size_t i = 0; i < t->auth.n; i++)
		json_array_append_new(auth, auth_json(&t->auth.items[i]));
	json_object_set_new(o, "auth_results", auth);
	json_object_set_new(o, "return_path", mc_json_str(t->return_path));
	json_object_set_new(o, "from", mc_json_str(t->from));
	mc_json_tail(o, &t->findings);
	return o;
}

/* The first line: local delivery, or the hops and who accepted the
 * message from outside. */
static void headline(mc_text *t, const mc_trace *tr)
{
	/* TRANSLATORS: the words at the head of trace's first line */
	const char *local = _("LOCAL"), *ok = _("OK");

	if (tr->local_delivery)
		mc_text_headline(t, MC_COLOR_YELLOW, local,
		                 mc_ntr("delivered locally: no receiving server checked SPF, DKIM or "
		                        "DMARC (%zu hop)", "delivered locally: no receiving server "
		                        "checked SPF, DKIM or DMARC (%zu hops)", tr->n_hops),
		                 tr->n_hops);
	else if (tr->has_boundary && tr->boundary.helo)
		mc_text_headline(t, MC_COLOR_GREEN, ok,
		                 mc_ntr("%1$zu hop; accepted from %2$s (%3$s) by %4$s",
		                        "%1$zu hops; accepted from %2$s (%3$s) by %4$s", tr->n_hops),
		                 tr->n_hops, tr->boundary.ip, tr->boundary.helo,
		                 tr->boundary.by ? tr->boundary.by : "?");
	else if (tr->has_boundary)
		mc_text_headline(t, MC_COLOR_GREEN, ok,
		                 mc_ntr("%1$zu hop; accepted from %2$s (no HELO) by %3$s",
		                        "%1$zu hops; accepted from %2$s (no HELO) by %3$s", tr->n_hops),
		                 tr->n_hops, tr->boundary.ip, tr->boundary.by ? tr->boundary.by : "?");
	else
		mc_text_headline(t, MC_COLOR_GREEN, ok,
		                 mc_ntr("%zu hop, none from the Internet", "%zu hops, none from the "
		                        "Internet", tr->n_hops), tr->n_hops);
}

void mc_trace_text(mc_text *t, const void *result)
{
	const mc_trace *tr = result;

	headline(t, tr);
	if (t->opts->quiet)
		return;
	for (size_t i = 0; i < tr->n_hops; i++) {
		const mc_hop *h = &tr->hops[i];
		const mc_received *r = &h->rcv;

		fprintf(t->fp, "  %2zu  %s%s%s%s%s -> %s", h->index, r->local ? _("(local) ") : "",
		        r->from ? r->from : "", r->ip ? " [" : "", r->ip ? r->ip : "",
		        r->ip ? "]" : "", r->by ? r->by : "?");
		if (r->with)
			fprintf(t->fp, "  with %s", r->with);
		if (h->delay != MC_HOP_NO_DELAY)
			fprintf(t->fp, "  +%llds", h->delay);
		if (tr->has_boundary && h->index == tr->boundary.hop)
			mc_text_colored(t, MC_COLOR_BOLD, _("  <- trust boundary"));
		fputc('\n', t->fp);
	}
	/* one line per result; the same result recorded in several headers by
	 * the same server (Authentication-Results and the ARC copy of it) is one
	 * line naming each header */
	for (size_t i = 0; i < tr->auth.n; i++) {
		const mc_auth_result *a = &tr->auth.items[i];
		bool earlier = false;

		for (size_t k = 0; k < i && !earlier; k++)
			earlier = same_result(&tr->auth.items[k], a);
		if (earlier)
			continue;
		fprintf(t->fp, _("  recorded by %s: %s=%s%s%s  ("), a->authserv_id ? a->authserv_id
		        : _("(no authserv-id)"), a->method ? a->method : "?", a->result ? a->result : "?",
		        a->properties ? " " : "", a->properties ? a->properties : "");
		for (size_t k = i, n = 0; k < tr->auth.n; k++) {
			if (k != i && !same_result(&tr->auth.items[k], a))
				continue;
			fprintf(t->fp, "%s%s", n++ ? ", " : "", tr->auth.items[k].header);
			if (tr->auth.items[k].instance)
				fprintf(t->fp, " i=%d", tr->auth.items[k].instance);
		}
		fputs(")\n", t->fp);
	}
	mc_text_tail(t, &tr->findings, &(mc_dns_log){0});
}
