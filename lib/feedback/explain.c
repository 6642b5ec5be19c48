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

/* A phrase in English and in the locale's language (text NULL: as English). */
struct said {
	char *en, *text;
};

static struct said said_v(const char *fmt, va_list ap)
{
	struct said p;

	p.en = mc_vasprintf_both(fmt, ap, &p.text);
	return p;
}

static struct said said_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct said said_f(const char *fmt, ...)
{
	va_list ap;
	struct said p;

	va_start(ap, fmt);
	p = said_v(fmt, ap);
	va_end(ap);
	return p;
}

static const char *shown(const struct said *p)
{
	return p->text ? p->text : p->en ? p->en : "";
}

static void said_clear(struct said *p)
{
	free(p->en);
	free(p->text);
}

/* English text of a message chosen by a count (English has one and many;
 * the catalogue has what each language needs), and the same translated. */
static const char *pl_en(const char *one, const char *many, uint64_t n)
{
	return n == 1 ? one : many;
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
	struct said who;                           /* its name */
	char n[32], nf[32];                        /* messages, failing */
};

/* The source named for people: its provider, PTR name or address. */
static void name_source(struct story *t)
{
	const mc_fb_source *s = t->s;
	const char *name;

	if (!strcmp(s->ip, "other")) {
		t->who = said_f("Sources past the first %d", MC_FEEDBACK_MAX_SOURCES);
	} else if (t->prov && s->ptr) {
		name = mc_provider_display(t->prov);
		t->who = (struct said){mc_asprintf("%s (PTR %s)", t->prov->name, s->ptr),
		                       mc_i18n_active() ? mc_asprintf("%s (PTR %s)", name, s->ptr)
		                                        : NULL};
	} else if (t->prov) {
		name = mc_provider_display(t->prov);
		t->who = (struct said){mc_asprintf("%s (%s)", t->prov->name, s->ip),
		                       mc_i18n_active() ? mc_asprintf("%s (%s)", name, s->ip) : NULL};
	} else if (s->ptr) {
		t->who = (struct said){mc_asprintf("%s (PTR %s)", s->ip, s->ptr), NULL};
	} else if (t->any_pass) {
		t->who = (struct said){mc_strdup(s->ip), NULL};
	} else {
		t->who = said_f("an unknown server %s", s->ip);
	}
}

/* Write a source's explanation in both languages: english and text are the
 * message chosen for its count, formatted by the caller. */
static void told(struct story *t, char *english, char *text)
{
	if (!t->words) {
		free(english);
		free(text);
		return;
	}
	t->s->explanation = english;
	t->s->explanation_text = text;
}

/* At most 2% fail (forwarding noise): it passes, with DKIM or SPF alone. */
static void say_passing(struct story *t)
{
	mc_fb_source *s = t->s;
	const char *one, *many;

	if (s->dkim_aligned * 100 >= s->messages * 98) {
		s->kind = "passes";
		one = N_("%s sent %s message as %s: they pass DMARC with aligned DKIM");
		many = N_("%s sent %s messages as %s: they pass DMARC with aligned DKIM");
	} else if (s->dkim_aligned) {
		s->kind = "spf_only";
		one = N_("%s sent %s message as %s: they pass DMARC, some through SPF alone -- "
		         "forwarding breaks SPF, so sign them with DKIM for %s");
		many = N_("%s sent %s messages as %s: they pass DMARC, some through SPF alone -- "
		          "forwarding breaks SPF, so sign them with DKIM for %s");
	} else {
		s->kind = "spf_only";
		one = N_("%s sent %s message as %s: they pass DMARC, all through SPF alone -- "
		         "forwarding breaks SPF, so sign them with DKIM for %s");
		many = N_("%s sent %s messages as %s: they pass DMARC, all through SPF alone -- "
		          "forwarding breaks SPF, so sign them with DKIM for %s");
	}
	if (t->words)
		told(t, mc_asprintf(pl_en(one, many, s->messages), t->who.en, t->n, t->from, t->from),
		     mc_i18n_active() ? mc_asprintf(mc_ntr(one, many, s->messages), shown(&t->who),
		                                    t->n, t->from, t->from) : NULL);
}

/* It passes for another domain: an ESP without a custom domain. */
static void say_not_aligned(struct story *t)
{
	const mc_fb_count *spf = t->spf_other, *dkim = t->dkim_other;
	uint64_t n = t->s->messages;
	/* [SPF for another domain, DKIM for another, both][a known provider] */
	static const char *const one[3][2] = {
		{N_("%s sent %s message as %s: SPF passes for %s, not aligned -- sign with DKIM as "
		    "d=%s"),
		 N_("%s sent %s message as %s: SPF passes for %s, not aligned -- sign with DKIM as "
		    "d=%s in its settings")},
		{N_("%s sent %s message as %s: DKIM for %s, not aligned -- set up a custom DKIM "
		    "domain (sign as d=%s)"),
		 N_("%s sent %s message as %s: DKIM for %s, not aligned -- set up a custom DKIM "
		    "domain (sign as d=%s) in its settings")},
		{N_("%s sent %s message as %s: SPF passes for %s and DKIM for %s, neither aligned -- "
		    "set up a custom DKIM domain (sign as d=%s)"),
		 N_("%s sent %s message as %s: SPF passes for %s and DKIM for %s, neither aligned -- "
		    "set up a custom DKIM domain (sign as d=%s) in its settings")},
	};
	static const char *const many[3][2] = {
		{N_("%s sent %s messages as %s: SPF passes for %s, not aligned -- sign with DKIM as "
		    "d=%s"),
		 N_("%s sent %s messages as %s: SPF passes for %s, not aligned -- sign with DKIM as "
		    "d=%s in its settings")},
		{N_("%s sent %s messages as %s: DKIM for %s, not aligned -- set up a custom DKIM "
		    "domain (sign as d=%s)"),
		 N_("%s sent %s messages as %s: DKIM for %s, not aligned -- set up a custom DKIM "
		    "domain (sign as d=%s) in its settings")},
		{N_("%s sent %s messages as %s: SPF passes for %s and DKIM for %s, neither aligned "
		    "-- set up a custom DKIM domain (sign as d=%s)"),
		 N_("%s sent %s messages as %s: SPF passes for %s and DKIM for %s, neither aligned "
		    "-- set up a custom DKIM domain (sign as d=%s) in its settings")},
	};
	int k = spf && dkim ? 2 : dkim ? 1 : 0;
	const char *a = spf ? spf->name : dkim->name, *b = spf && dkim ? dkim->name : t->from;
	const char *en = pl_en(one[k][t->prov != NULL], many[k][t->prov != NULL], n);
	const char *tr = mc_ntr(one[k][t->prov != NULL], many[k][t->prov != NULL], n);

	t->s->kind = "not_aligned";
	if (!t->words)
		return;
	if (k == 2)
		told(t, mc_asprintf(en, t->who.en, t->n, t->from, a, b, t->from),
		     mc_i18n_active() ? mc_asprintf(tr, shown(&t->who), t->n, t->from, a, b, t->from)
		                      : NULL);
	else
		told(t, mc_asprintf(en, t->who.en, t->n, t->from, a, t->from),
		     mc_i18n_active() ? mc_asprintf(tr, shown(&t->who), t->n, t->from, a, t->from)
		                      : NULL);
}

/* A known sender that fails: not in SPF, not signing for the domain. */
static void say_not_in_spf(struct story *t)
{
	mc_fb_source *s = t->s;
	const mc_provider *prov = t->prov;
	struct said spf_why, dkim_why, fix;

	s->kind = "not_in_spf";
	if (!t->words)
		return;
	spf_why = s->in_spf == 1 ? said_f("its address is in the SPF record, yet SPF was not aligned")
	        : s->in_spf == 0 ? said_f("it is not in the SPF record")
	        : said_f("SPF does not pass for it");
	dkim_why = t->dkim_own_fail ? said_f("its DKIM signature fails")
	         : said_f("it does not sign for the domain");
	fix = prov && prov->include ? said_f("add include:%s to the SPF record", prov->include)
	    : strchr(s->ip, ':') ? said_f("list ip6:%s", s->ip) : said_f("list ip4:%s", s->ip);
	{
		static const char *const one = N_("%s sent %s message as %s, %s failing DMARC: %s and "
		                                  "%s -- if it sends for you, %s and sign with DKIM for "
		                                  "%s; if not, p=reject stops it"),
		                        *many = N_("%s sent %s messages as %s, %s failing DMARC: %s "
		                                   "and %s -- if it sends for you, %s and sign with DKIM "
		                                   "for %s; if not, p=reject stops it");

		told(t, mc_asprintf(pl_en(one, many, s->messages), t->who.en, t->n, t->from, t->nf,
		                    spf_why.en, dkim_why.en, fix.en, t->from),
		     mc_i18n_active() ? mc_asprintf(mc_ntr(one, many, s->messages), shown(&t->who), t->n,
		                                    t->from, t->nf, shown(&spf_why), shown(&dkim_why),
		                                    shown(&fix), t->from) : NULL);
	}
	said_clear(&spf_why);
	said_clear(&dkim_why);
	said_clear(&fix);
}

/* Mail passed on by a forwarder or list. */
static void say_forwarded(struct story *t)
{
	mc_fb_source *s = t->s;
	const char *one = t->forwarded
		? N_("%s passed on %s message as %s, %s of them failing DMARC: the reports mark them "
		     "forwarded or from a mailing list -- forwarded mail is not yours to fix; "
		     "receivers that check ARC can still trust it")
		: N_("%s passed on %s message as %s, %s of them failing DMARC: your DKIM signature "
		     "breaks on the way -- forwarded mail is not yours to fix; receivers that check "
		     "ARC can still trust it");
	const char *many = t->forwarded
		? N_("%s passed on %s messages as %s, %s of them failing DMARC: the reports mark them "
		     "forwarded or from a mailing list -- forwarded mail is not yours to fix; "
		     "receivers that check ARC can still trust it")
		: N_("%s passed on %s messages as %s, %s of them failing DMARC: your DKIM signature "
		     "breaks on the way -- forwarded mail is not yours to fix; receivers that check "
		     "ARC can still trust it");

	s->kind = "forwarded";
	if (t->words)
		told(t, mc_asprintf(pl_en(one, many, s->messages), t->who.en, t->n, t->from, t->nf),
		     mc_i18n_active() ? mc_asprintf(mc_ntr(one, many, s->messages), shown(&t->who),
		                                    t->n, t->from, t->nf) : NULL);
}

/* Nothing passes for any domain: likely spoofing. */
static void say_spoofing(struct story *t)
{
	mc_fb_source *s = t->s;
	const char *one = s->in_spf == 0
		? N_("%s sent %s message as %s that fail everything (no SPF or DKIM pass for any "
		     "domain, not in the SPF record) -- likely spoofing: p=reject would stop them")
		: N_("%s sent %s message as %s that fail everything (no SPF or DKIM pass for any "
		     "domain) -- likely spoofing: p=reject would stop them");
	const char *many = s->in_spf == 0
		? N_("%s sent %s messages as %s that fail everything (no SPF or DKIM pass for any "
		     "domain, not in the SPF record) -- likely spoofing: p=reject would stop them")
		: N_("%s sent %s messages as %s that fail everything (no SPF or DKIM pass for any "
		     "domain) -- likely spoofing: p=reject would stop them");

	s->kind = "spoofing";
	if (t->words)
		told(t, mc_asprintf(pl_en(one, many, s->messages), t->who.en, t->n, t->from),
		     mc_i18n_active() ? mc_asprintf(mc_ntr(one, many, s->messages), shown(&t->who),
		                                    t->n, t->from) : NULL);
}

void fb_explain(mc_fb_source *s, const char *policy_domain, bool words)
{
	struct story t = {.s = s, .words = words};
	uint64_t failing = s->messages - s->dmarc_pass;

	t.from = s->header_from.n ? top(&s->header_from, NULL, NULL, false)->name
	       : policy_domain ? policy_domain : "?";
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
	if (words)
		name_source(&t);
	mc_thousands(s->messages, t.n, sizeof(t.n));
	mc_thousands(failing, t.nf, sizeof(t.nf));
	if (failing * 100 <= s->messages * 2)
		say_passing(&t);
	else if (t.forwarded || (t.dkim_own_fail && !t.spf_other && !t.dkim_other && s->ptr &&
	                         !t.prov && s->in_spf == 0 && s->spf_aligned == 0 && t.any_pass))
		say_forwarded(&t);
	else if (t.spf_other || t.dkim_other)
		say_not_aligned(&t);
	else if (t.any_pass || t.prov || s->in_spf == 1 || s->ptr)
		say_not_in_spf(&t);
	else
		say_spoofing(&t);
	said_clear(&t.who);
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
