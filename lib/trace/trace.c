/*
 * The trace of a message: hops oldest first with the delay of each, the
 * trust boundary, local delivery, and what the servers on the way recorded.
 *
 * Trust boundary (documented heuristic): walking from the newest hop down,
 * skip hops that crossed no network (local submission, no client address),
 * hops from loopback or private addresses (content filters, internal
 * relays), and hops from hosts named with --trust; the first hop left is
 * where the receiving side accepted the message from a foreign host: its
 * client address and HELO are what SPF must be evaluated for.
 *
 * Local delivery: no such hop exists, and the chain shows a local
 * submission or only loopback -- the message was handed to the local MTA
 * (sendmail from a web application) and delivered on the same server, so no
 * receiving server ever ran SPF, DKIM or DMARC.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/trace.h"

#define SKEW_TOLERANCE 60     /* seconds a hop may seem to go back in time */
#define SLOW_HOP (60 * 60)    /* a delay worth pointing out */

static bool trusted_host(const mc_received *r, const char *const *trusted)
{
	for (; trusted && *trusted; trusted++) {
		const char *names[] = {r->ip, r->from, r->from_rdns};

		for (size_t i = 0; i < 3; i++)
			if (names[i] && strcasecmp(names[i], *trusted) == 0)
				return true;
	}
	return false;
}

static mc_status read_hops(const mc_message *msg, mc_trace *t)
{
	size_t n = mc_message_count(msg, "Received"), i = 0, k = n;
	const mc_header *h;

	t->hops = calloc(n ? n : 1, sizeof(*t->hops));
	if (!t->hops)
		return mc_error_set(MC_ENOMEM, "out of memory");
	/* headers are newest first: the last Received is hop 1 */
	while ((h = mc_message_find(msg, "Received", &i)) && k > 0) {
		mc_hop *hop = &t->hops[--k];

		if (mc_received_parse(h->value, &hop->rcv) != MC_OK)
			return MC_ENOMEM;
		hop->index = k + 1;
	}
	t->n_hops = n;
	return MC_OK;
}

/* Delay of each hop after the one before; skew is checked against the
 * last earlier hop that has a date. */
static void delays(mc_trace *t)
{
	long long first = -1, last = -1;
	size_t last_hop = 0;

	for (size_t i = 0; i < t->n_hops; i++) {
		mc_hop *h = &t->hops[i];

		h->delay = MC_HOP_NO_DELAY;
		if (h->rcv.time < 0)
			continue;
		if (first < 0)
			first = h->rcv.time;
		if (last >= 0 && h->rcv.time - last < -SKEW_TOLERANCE) {
			const mc_received *p = &t->hops[last_hop].rcv;

			mc_finding_hint(mc_finding_add(&t->findings, "trace.clock_skew",
				MC_SEV_WARNING, "hop %zu (by %s) is dated %lld s before hop %zu: "
				"one of the two clocks is wrong", h->index, h->rcv.by ? h->rcv.by : "?",
				last - h->rcv.time, t->hops[last_hop].index),
				"check NTP on %s and %s", h->rcv.by ? h->rcv.by : "?", p->by ? p->by : "?");
		}
		if (i > 0 && t->hops[i - 1].rcv.time >= 0) {
			h->delay = h->rcv.time - t->hops[i - 1].rcv.time;
			if (h->delay > SLOW_HOP)
				mc_finding_add(&t->findings, "trace.slow_hop", MC_SEV_INFO,
					"hop %zu took %lld minutes: the message waited in the queue of %s "
					"(greylisting, a retry, or a busy relay)", h->index, h->delay / 60,
					t->hops[i - 1].rcv.by ? t->hops[i - 1].rcv.by : "the previous host");
		}
		last = h->rcv.time;
		last_hop = i;
	}
	t->total_delay = first >= 0 && last >= 0 ? last - first : MC_HOP_NO_DELAY;
}

static void boundary(mc_trace *t, const char *const *trusted)
{
	bool local_mark = false, all_loopback = true;

	for (size_t i = t->n_hops; i-- > 0;) {
		const mc_received *r = &t->hops[i].rcv;

		local_mark |= r->local;
		if (r->ip && strncmp(r->ip, "127.", 4) != 0 && strcmp(r->ip, "::1") != 0)
			all_loopback = false;
		if (r->local || !r->ip || mc_ip_is_internal(r->ip) || trusted_host(r, trusted))
			continue;
		t->has_boundary = true;
		t->boundary.ip = mc_strdup(r->ip);
		t->boundary.helo = mc_strdup(r->from);
		t->boundary.by = mc_strdup(r->by);
		t->boundary.hop = t->hops[i].index;
		return;
	}
	t->local_delivery = t->n_hops > 0 && (local_mark || all_loopback);
}

static char *first_address(const mc_message *msg, const char *name)
{
	size_t i = 0;
	const mc_header *h = mc_message_find(msg, name, &i);
	mc_address_list l;
	char *out = NULL;

	if (!h)
		return NULL;
	if (strcmp(h->value, "<>") == 0)
		return mc_strdup("");
	if (mc_address_list_parse(h->value, h->value_len, &l) == MC_OK && l.n > 0 && l.items[0].local)
		out = l.items[0].domain ? mc_asprintf("%s@%s", l.items[0].local, l.items[0].domain)
		                        : mc_strdup(l.items[0].local);
	if (l.n || l.items)
		mc_address_list_clear(&l);
	return out;
}

static bool same_id(const char *a, const char *b)
{
	return a == b || (a && b && strcasecmp(a, b) == 0);
}

/* One finding per server: what it concluded (methods once each). */
static void summarize_results(mc_trace *t)
{
	for (size_t i = 0; i < t->auth.n; i++) {
		const mc_auth_result *a = &t->auth.items[i];
		mc_buf b = {0};
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = same_id(t->auth.items[k].authserv_id, a->authserv_id);
		if (seen)
			continue;
		for (size_t k = i; k < t->auth.n; k++) {
			const mc_auth_result *x = &t->auth.items[k];
			bool dup = false;

			if (!same_id(x->authserv_id, a->authserv_id))
				continue;
			for (size_t j = i; j < k && !dup; j++)
				dup = same_id(t->auth.items[j].authserv_id, a->authserv_id) &&
				      strcmp(t->auth.items[j].method, x->method) == 0;
			if (!dup)
				mc_buf_addf(&b, "%s%s=%s", b.len ? " " : "", x->method, x->result);
		}
		if (a->authserv_id)
			mc_finding_add(&t->findings, "trace.recorded_results", MC_SEV_INFO,
				"%s recorded: %s", a->authserv_id, b.s ? b.s : "");
		else
			mc_finding_add(&t->findings, "trace.recorded_results", MC_SEV_INFO,
				"a server that gave no authserv-id recorded: %s", b.s ? b.s : "");
		mc_buf_free(&b);
	}
}

static void recorded_results(const mc_message *msg, mc_trace *t)
{
	static const char *const names[] = {"Authentication-Results", "ARC-Authentication-Results",
	                                    "Received-SPF"};

	for (size_t k = 0; k < 3; k++) {
		size_t i = 0;
		const mc_header *h;

		while ((h = mc_message_find(msg, names[k], &i)))
			mc_auth_results_parse(names[k], h->value, &t->auth);
	}
	summarize_results(t);
	for (size_t i = 0; i < t->auth.n; i++) {
		const mc_auth_result *a = &t->auth.items[i];

		for (size_t k = i + 1; k < t->auth.n; k++) {
			const mc_auth_result *b = &t->auth.items[k];

			if (a->authserv_id && b->authserv_id && strcmp(a->method, b->method) == 0 &&
			    strcasecmp(a->authserv_id, b->authserv_id) != 0 &&
			    strcmp(a->result, b->result) != 0 && a->instance == 0 && b->instance == 0) {
				mc_finding_add(&t->findings, "trace.results_disagree", MC_SEV_WARNING,
					"%s recorded %s=%s but %s recorded %s=%s: the message changed "
					"between them, or they judged different identities", a->authserv_id,
					a->method, a->result, b->authserv_id, b->method, b->result);
				return;
			}
		}
	}
}

/* The client address a recorded result names (Received-SPF client-ip=,
 * Authentication-Results smtp.remote-ip / policy.iprev), malloc'd. */
static char *recorded_client(const mc_auth_result *a)
{
	static const char *const keys[] = {"client-ip=", "smtp.remote-ip=", "policy.iprev="};

	for (size_t i = 0; a->properties && i < 3; i++) {
		const char *p = strstr(a->properties, keys[i]);

		if (p) {
			p += strlen(keys[i]);
			return mc_strndup(p, strcspn(p, "; \""));
		}
	}
	return NULL;
}

/* A server that recorded SPF for another client than the boundary saw the
 * message at another hop (before a forwarder, or inside the network). */
static void results_vs_boundary(mc_trace *t)
{
	for (size_t i = 0; t->has_boundary && i < t->auth.n; i++) {
		const mc_auth_result *a = &t->auth.items[i];
		char *ip = strcmp(a->method, "spf") == 0 ? recorded_client(a) : NULL;

		if (ip && *ip && strcmp(ip, t->boundary.ip) != 0)
			mc_finding_add(&t->findings, "trace.results_other_client", MC_SEV_INFO,
				"%s evaluated SPF (%s) for the client %s, but the trust boundary is hop %zu "
				"from %s: that result was recorded at another hop and says nothing about "
				"the last one", a->authserv_id ? a->authserv_id : "a server", a->result, ip,
				t->boundary.hop, t->boundary.ip);
		free(ip);
	}
}

static void explain(mc_trace *t)
{
	if (t->n_hops == 0)
		mc_finding_add(&t->findings, "trace.no_received", MC_SEV_INFO,
			"the message has no Received header: it never went through a mail server "
			"(a draft, or a copy saved before sending)");
	if (t->local_delivery) {
		const char *by = t->hops[t->n_hops - 1].rcv.by;
		mc_finding *f = by
			? mc_finding_add(&t->findings, "trace.local_delivery", MC_SEV_WARNING,
				"the message was delivered locally: it was handed to the mail server on %s "
				"(e.g. by sendmail from a web application) and put in a mailbox on the same "
				"server, without ever crossing the network, so no receiving server ran SPF, "
				"DKIM or DMARC -- that is why it carries no Authentication-Results", by)
			: mc_finding_add(&t->findings, "trace.local_delivery", MC_SEV_WARNING,
				"the message was delivered locally: it was handed to the mail server on this "
				"host (e.g. by sendmail from a web application) and put in a mailbox on the "
				"same server, without ever crossing the network, so no receiving server ran "
				"SPF, DKIM or DMARC -- that is why it carries no Authentication-Results");

		mc_finding_hint(f, "send through the domain's real mail server (SMTP with "
		                "authentication to its submission port), or remove the local mailbox "
		                "for that domain on the web host so that mail for it goes out to its MX");
	} else if (t->n_hops && !t->has_boundary) {
		mc_finding_add(&t->findings, "trace.no_boundary", MC_SEV_INFO,
			"every hop is internal (private addresses or trusted relays): the message "
			"never came from the Internet, so there is no external client to check");
	}
	for (size_t i = 0; i < t->n_hops; i++)
		if (!t->hops[i].rcv.by && !t->hops[i].rcv.from && !t->hops[i].rcv.local &&
		    t->hops[i].rcv.time < 0)
			mc_finding_add(&t->findings, "trace.unreadable_hop", MC_SEV_INFO,
				"hop %zu could not be read: %.80s", t->hops[i].index, t->hops[i].rcv.raw);
}

static void return_path(const mc_message *msg, mc_trace *t)
{
	const char *rp, *fr;

	t->return_path = first_address(msg, "Return-Path");
	t->from = first_address(msg, "From");
	if (!t->return_path)
		return;
	if (!*t->return_path) {
		mc_finding_add(&t->findings, "trace.null_sender", MC_SEV_INFO,
			"the envelope sender is empty (<>): this is a bounce or an automatic reply, "
			"and SPF checks the HELO name instead");
		return;
	}
	rp = strrchr(t->return_path, '@');
	fr = t->from ? strrchr(t->from, '@') : NULL;
	if (rp && fr && strcasecmp(rp, fr) != 0)
		mc_finding_add(&t->findings, "trace.return_path_differs", MC_SEV_INFO,
			"bounces go to %s (Return-Path, the envelope sender), not to the From address "
			"%s: SPF checks %s, and DMARC needs it aligned with %s", t->return_path, t->from,
			rp + 1, fr + 1);
}

mc_status mc_trace_build(const mc_message *msg, const char *const *trusted, mc_trace *out)
{
	mc_status st;

	memset(out, 0, sizeof(*out));
	if ((st = read_hops(msg, out)) != MC_OK)
		return st;
	delays(out);
	boundary(out, trusted);
	recorded_results(msg, out);
	return_path(msg, out);
	results_vs_boundary(out);
	explain(out);
	return MC_OK;
}

void mc_trace_clear(mc_trace *t)
{
	for (size_t i = 0; i < t->n_hops; i++)
		mc_received_clear(&t->hops[i].rcv);
	free(t->hops);
	free(t->boundary.ip);
	free(t->boundary.helo);
	free(t->boundary.by);
	mc_auth_results_clear(&t->auth);
	free(t->return_path);
	free(t->from);
	mc_findings_clear(&t->findings);
	memset(t, 0, sizeof(*t));
}
