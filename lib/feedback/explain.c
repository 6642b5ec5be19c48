/*
 * The conclusion of a report summary: each main source named (PTR name,
 * the domains it authenticates as, the known providers' SPF networks) and
 * explained in plain words -- who sends, what passes, what to change.
 * summary.c counts the rows and calls this at the end.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/providers.h"
#include "common/util.h"
#include "feedback/internal.h"
#include "mailcheck/spf.h"

/* Relaxed alignment by the public suffix list. */
static bool aligned(const char *a, const char *b)
{
	char *oa = mc_registrable_domain(a), *ob = mc_registrable_domain(b);
	bool same = mc_dmarc_aligned(a, b, false, oa ? oa : a, ob ? ob : b);

	free(oa);
	free(ob);
	return same;
}

/* The provider of a source: by its PTR name, else by the domain whose SPF
 * passed for it (an address in a provider's SPF is the provider's), else by
 * the provider's SPF networks (in_provider_networks); a DKIM signature
 * travels with the message through any relay, so it names the provider
 * only when SPF passed for no domain. */
static const mc_provider *identify(const mc_fb_source *s)
{
	const mc_provider *p = mc_provider_of(s->ptr);
	bool spf_pass = false;

	for (size_t i = 0; !p && i < s->spf.n; i++)
		if (s->spf.items[i].detail && !strcmp(s->spf.items[i].detail, "pass")) {
			spf_pass = true;
			p = mc_provider_of(s->spf.items[i].name);
		}
	if (!p && s->provider) /* found in its SPF networks */
		p = mc_provider_named(s->provider);
	for (size_t i = 0; !p && !spf_pass && i < s->dkim.n; i++)
		if (s->dkim.items[i].detail && !strcmp(s->dkim.items[i].detail, "pass"))
			p = mc_provider_of(s->dkim.items[i].name);
	return p;
}

/* The domain with the most messages of c, with detail (result) `result`
 * when given, and not aligned with from when `unaligned`. */
static const mc_fb_count *top(const mc_fb_counts *c, const char *result, const char *from,
                             bool unaligned)
{
	const mc_fb_count *best = NULL;

	for (size_t i = 0; i < c->n; i++) {
		const mc_fb_count *it = &c->items[i];

		if (result && (!it->detail || strcmp(it->detail, result)))
			continue;
		if (unaligned && from && aligned(it->name, from))
			continue;
		if (!best || it->messages > best->messages)
			best = it;
	}
	return best;
}

/* The explanation, for the sources that get one (words): the kind alone is
 * decided for all, without writing a sentence for each. */
static void say(mc_fb_source *s, bool words, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(mc_fb_source *s, bool words, const char *fmt, ...)
{
	va_list ap;

	if (!words)
		return;
	va_start(ap, fmt);
	s->explanation = mc_vasprintf(fmt, ap);
	va_end(ap);
}

/* What is known of one source, for the sentence that explains it. */
struct story {
	mc_fb_source *s;
	bool words;
	const char *from;           /* the From domain it sent as */
	const mc_provider *prov;
	const mc_fb_count *spf_other, *dkim_other; /* a pass for another domain */
	const mc_fb_count *dkim_own_fail;          /* the domain's own signature failing */
	bool any_pass, forwarded;
	char who[300], n[32], nf[32];              /* its name; messages, failing */
	const char *pl;
};

/* The source named for people: its provider, PTR name or address. */
static void name_source(struct story *t)
{
	const mc_fb_source *s = t->s;

	if (!strcmp(s->ip, "other"))
		snprintf(t->who, sizeof(t->who), "Sources past the first %d", MC_FEEDBACK_MAX_SOURCES);
	else if (t->prov)
		snprintf(t->who, sizeof(t->who), "%s (%s%s)", t->prov->name, s->ptr ? "PTR " : "",
		         s->ptr ? s->ptr : s->ip);
	else if (s->ptr)
		snprintf(t->who, sizeof(t->who), "%s (PTR %s)", s->ip, s->ptr);
	else
		snprintf(t->who, sizeof(t->who), "%s%s", t->any_pass ? "" : "an unknown server ", s->ip);
}

/* At most 2% fail (forwarding noise): it passes, with DKIM or SPF alone. */
static void say_passing(struct story *t)
{
	mc_fb_source *s = t->s;

	if (s->dkim_aligned * 100 >= s->messages * 98) {
		s->kind = "passes";
		say(s, t->words, "%s sent %s message%s as %s: they pass DMARC with aligned DKIM",
		    t->who, t->n, t->pl, t->from);
	} else {
		s->kind = "spf_only";
		say(s, t->words, "%s sent %s message%s as %s: they pass DMARC, %s through SPF alone "
		    "-- forwarding breaks SPF, so sign them with DKIM for %s", t->who, t->n, t->pl,
		    t->from, s->dkim_aligned ? "some" : "all", t->from);
	}
}

/* It passes for another domain: an ESP without a custom domain. */
static void say_not_aligned(struct story *t)
{
	const mc_fb_count *spf = t->spf_other, *dkim = t->dkim_other;

	t->s->kind = "not_aligned";
	say(t->s, t->words, "%s sent %s message%s as %s%s%s%s%s%s%s, %s -- %s%s%s%s", t->who, t->n,
	    t->pl, t->from, spf || dkim ? ": " : "", spf ? "SPF passes for " : "",
	    spf ? spf->name : "", spf && dkim ? " and " : "", dkim ? "DKIM for " : "",
	    dkim ? dkim->name : "", spf && dkim ? "neither aligned" : "not aligned",
	    dkim ? "set up a custom DKIM domain (sign as d=" : "sign with DKIM as d=",
	    t->from, ")", t->prov ? " in its settings" : "");
}

/* A known sender that fails: not in SPF, not signing for the domain. */
static void say_not_in_spf(struct story *t)
{
	mc_fb_source *s = t->s;
	const mc_provider *prov = t->prov;

	s->kind = "not_in_spf";
	say(s, t->words, "%s sent %s message%s as %s, %s failing DMARC: %s and %s -- if it "
	    "sends for you, %s%s%s and sign with DKIM for %s; if not, p=reject stops it", t->who,
	    t->n, t->pl, t->from, t->nf,
	    s->in_spf == 1 ? "its address is in the SPF record, yet SPF was not aligned"
	    : s->in_spf == 0 ? "it is not in the SPF record" : "SPF does not pass for it",
	    t->dkim_own_fail ? "its DKIM signature fails" : "it does not sign for the domain",
	    prov && prov->include ? "add include:" : "list ", prov && prov->include ? prov->include
	    : strchr(s->ip, ':') ? "ip6:" : "ip4:", prov && prov->include ? " to the SPF record"
	    : s->ip, t->from);
}

void fb_explain(mc_fb_source *s, const char *policy_domain, bool words)
{
	struct story t = {.s = s, .words = words, .pl = s->messages == 1 ? "" : "s"};
	uint64_t failing = s->messages - s->dmarc_pass;

	t.from = s->header_from.n ? top(&s->header_from, NULL, NULL, false)->name
	       : policy_domain ? policy_domain : "your domain";
	t.prov = identify(s);
	t.spf_other = top(&s->spf, "pass", t.from, true);
	t.dkim_other = top(&s->dkim, "pass", t.from, true);
	t.any_pass = top(&s->spf, "pass", NULL, false) || top(&s->dkim, "pass", NULL, false);
	for (size_t i = 0; i < s->dkim.n; i++)
		if (aligned(s->dkim.items[i].name, t.from) &&
		    s->dkim.items[i].detail && strcmp(s->dkim.items[i].detail, "pass"))
			t.dkim_own_fail = &s->dkim.items[i];
	for (size_t i = 0; i < s->overrides.n; i++)
		t.forwarded |= !strcmp(s->overrides.items[i].name, "forwarded") ||
		               !strcmp(s->overrides.items[i].name, "mailing_list") ||
		               !strcmp(s->overrides.items[i].name, "trusted_forwarder");
	s->provider = t.prov ? t.prov->name : NULL;
	name_source(&t);
	mc_thousands(s->messages, t.n, sizeof(t.n));
	mc_thousands(failing, t.nf, sizeof(t.nf));
	if (failing * 100 <= s->messages * 2) {
		say_passing(&t);
	} else if (t.forwarded || (t.dkim_own_fail && !t.spf_other && !t.dkim_other && s->ptr &&
	                           !t.prov && s->in_spf == 0 && s->spf_aligned == 0 && t.any_pass)) {
		s->kind = "forwarded";
		say(s, words, "%s passed on %s message%s as %s, %s of them failing DMARC: %s -- "
		    "forwarded mail is not yours to fix; receivers that check ARC can still trust it",
		    t.who, t.n, t.pl, t.from, t.nf, t.forwarded ? "the reports mark them forwarded "
		    "or from a mailing list" : "your DKIM signature breaks on the way");
	} else if (t.spf_other || t.dkim_other) {
		say_not_aligned(&t);
	} else if (t.any_pass || t.prov || s->in_spf == 1 || s->ptr) {
		say_not_in_spf(&t);
	} else {
		s->kind = "spoofing";
		say(s, words, "%s sent %s message%s as %s that fail everything (no SPF or DKIM pass "
		    "for any domain%s) -- likely spoofing: p=reject would stop them", t.who, t.n, t.pl,
		    t.from, s->in_spf == 0 ? ", not in the SPF record" : "");
	}
}


/* A source that neither its PTR name nor an SPF pass names: is it in the
 * networks of a provider's SPF record (the include its customers add)?
 * Each provider's records are asked once; then the cache answers. */
static mc_status in_provider_networks(mc_feedback *f, mc_fb_source *s)
{
	const mc_provider *list;
	size_t n = mc_providers(&list);

	for (size_t k = 0; k < n && !s->provider; k++) {
		mc_spf_result spf = {0};
		mc_status st;

		if (!list[k].include)
			continue;
		mc_spf_request req = {.domain = list[k].include, .ip = s->ip, .now = fb_opts(f)->now};

		if ((st = mc_spf_check(fb_resolver(f), &req, &spf)) != MC_OK)
			return st;
		if (spf.verdict == MC_VERDICT_PASS)
			s->provider = list[k].name;
		mc_spf_result_clear(&spf);
	}
	return MC_OK;
}

/* PTR names and SPF of the first n sources, asked in batches. */
mc_status fb_look_up(mc_feedback *f, size_t n, const char *domain)
{
	const mc_provider *list;
	size_t n_providers = mc_providers(&list);
	mc_dns_query q[MC_FEEDBACK_EXPLAINED + MC_PROVIDERS_MAX + 1];
	char names[MC_FEEDBACK_EXPLAINED][80];
	size_t k = 0, m;
	mc_status st;

	for (size_t i = 0; i < n; i++)
		if (mc_ip_reverse_name(fb_result(f)->sources[i].ip, names[k], sizeof(names[k]))) {
			q[k] = (mc_dns_query){.name = names[k], .type = MC_RR_PTR};
			k++;
		}
	/* in the same batch, the SPF records the checks below start from: a
	 * DNS that does not answer costs one timeout, not one per record */
	m = k;
	if (domain)
		q[m++] = (mc_dns_query){.name = domain, .type = MC_RR_TXT};
	for (size_t i = 0; i < n_providers && i < MC_PROVIDERS_MAX; i++)
		if (list[i].include)
			q[m++] = (mc_dns_query){.name = list[i].include, .type = MC_RR_TXT};
	if (m && (st = mc_dns_resolve(fb_resolver(f), q, m)) != MC_OK)
		return st;
	k = 0;
	for (size_t i = 0; i < n; i++) {
		mc_fb_source *s = &fb_result(f)->sources[i];
		char rev[80];

		if (!mc_ip_reverse_name(s->ip, rev, sizeof(rev)))
			continue;
		const mc_dns_answer *a = q[k++].answer;

		for (size_t j = 0; a && a->status == MC_DNS_OK && j < a->n_rrs && !s->ptr; j++)
			if (a->rrs[j].type == MC_RR_PTR)
				s->ptr = mc_strdup(a->rrs[j].data);
		if (s->ptr) { /* the name as written, without the root dot */
			size_t len = strlen(s->ptr);

			if (len > 1 && s->ptr[len - 1] == '.')
				s->ptr[len - 1] = '\0';
		}
		if (domain) {
			mc_spf_request req = {.domain = domain, .ip = s->ip, .now = fb_opts(f)->now};
			mc_spf_result spf = {0};

			if ((st = mc_spf_check(fb_resolver(f), &req, &spf)) != MC_OK)
				return st;
			s->in_spf = spf.verdict == MC_VERDICT_PASS ? 1
			          : spf.verdict == MC_VERDICT_TEMPERROR ? -1 : 0;
			mc_spf_result_clear(&spf);
		}
		if (!identify(s) && (st = in_provider_networks(f, s)) != MC_OK)
			return st;
	}
	return MC_OK;
}
