/*
 * DKIM verification (RFC 6376) with mailcheck's own core (core.c): every
 * DKIM-Signature -- and, for arc.c, every ARC-Message-Signature and
 * ARC-Seal -- is parsed when the headers are complete, the body streams to
 * one hasher per (canonicalization, hash, l=), and at the end each
 * signature is judged with its key (through lib/dns, decoded once per run),
 * RFC 6376 6.1's order and RFC 8301's rules. With mc_dkim_compare the same
 * message also goes through libopendkim (opendkim.c), and where it decides
 * otherwise the rule is named (dkim.receivers_disagree).
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dkim/arc.h"
#include "dkim/internal.h"
#include "mailcheck/trace.h"

struct mc_dkim_verifier {
	mc_resolver *r;
	time_t now;
	long long arrival;       /* when the receiver got it; -1 unknown */
	bool arrival_given;      /* set by mc_dkim_arrival */
	bool keys_asked;         /* the caller asked the keys already (mc_dkim_keys_asked) */
	size_t log_start;
	dkim_sigset sigs, ams, seals;
	dkim_bh **bodies;
	size_t n_bodies, cap_bodies;
	dkim_od *od;             /* libopendkim beside, with mc_dkim_compare */
	bool compare;
	bool lone_cr, ended_cr;  /* with od: the body holds a CR that ends no line */
};

mc_status mc_dkim_verifier_new(mc_dkim_verifier **out, mc_resolver *r, time_t now)
{
	mc_dkim_verifier *v = calloc(1, sizeof(*v));

	if (!v)
		return mc_error_set(MC_ENOMEM, "out of memory");
	v->r = r;
	v->now = now ? now : time(NULL);
	v->arrival = -1;
	v->log_start = mc_dns_log_size(r);
	*out = v;
	return MC_OK;
}

static void sigset_clear(dkim_sigset *s)
{
	for (size_t i = 0; i < s->n; i++)
		dkim_tags_free(&s->items[i].t);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

void mc_dkim_verifier_free(mc_dkim_verifier *v)
{
	if (!v)
		return;
	sigset_clear(&v->sigs);
	sigset_clear(&v->ams);
	sigset_clear(&v->seals);
	for (size_t i = 0; i < v->n_bodies; i++)
		dkim_bh_free(v->bodies[i]);
	free(v->bodies);
	dkim_od_free(v->od);
	free(v);
}

void mc_dkim_compare(mc_dkim_verifier *v)
{
	v->compare = true;
}

size_t mc_dkim_key_names(const mc_message *msg, char *names[MC_DKIM_MAX_SIGNATURES])
{
	size_t n = 0, i = 0;
	const mc_header *h;

	while (n < MC_DKIM_MAX_SIGNATURES && (h = mc_message_find(msg, "DKIM-Signature", &i))) {
		mc_tags tags;
		size_t pos;
		char *d, *s;

		if (mc_tags_parse(h->value, h->value_len, &tags, &pos))
			continue;
		d = mc_tag_value(&tags, "d");
		s = mc_tag_value(&tags, "s");
		if (d && s && (names[n] = mc_asprintf("%s._domainkey.%s", s, d)))
			n++;
		free(d);
		free(s);
	}
	return n;
}

/* Ask for every key at once (DKIM and ARC) before they are needed one by one. */
static void prefetch_keys(mc_dkim_verifier *v)
{
	mc_dns_query q[3 * MC_DKIM_MAX_SIGNATURES];
	char *names[3 * MC_DKIM_MAX_SIGNATURES];
	size_t n = 0;
	const dkim_sigset *sets[] = {v->keys_asked ? NULL : &v->sigs, &v->ams, &v->seals};

	for (size_t s = 0; s < 3; s++)
		for (size_t i = 0; sets[s] && i < sets[s]->n && n < 3 * MC_DKIM_MAX_SIGNATURES; i++) {
			const dkim_tags *t = &sets[s]->items[i].t;

			if (!t->error && t->d && t->s && (names[n] = mc_asprintf("%s._domainkey.%s", t->s, t->d))) {
				q[n] = (mc_dns_query){.name = names[n], .type = MC_RR_TXT};
				n++;
			}
		}
	if (n)
		mc_dns_resolve(v->r, q, n);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
}

void mc_dkim_arrival(mc_dkim_verifier *v, long long when)
{
	v->arrival = when;
	v->arrival_given = true;
}

/* When the receiver at the trust boundary got the message (its Received
 * date), for a caller that has not said. */
static long long arrival_of(const mc_message *msg)
{
	mc_trace t;
	long long when = -1;

	if (mc_trace_build(msg, NULL, &t) != MC_OK)
		return -1;
	if (t.has_boundary && t.boundary.hop >= 1 && t.boundary.hop <= t.n_hops)
		when = t.hops[t.boundary.hop - 1].rcv.time;
	mc_trace_clear(&t);
	return when;
}

void mc_dkim_keys_asked(mc_dkim_verifier *v)
{
	v->keys_asked = true;
}

/* The hasher for this way of hashing the body: shared, or new. */
static dkim_bh *body_for(mc_dkim_verifier *v, const dkim_tags *t)
{
	dkim_bh *b;

	for (size_t i = 0; i < v->n_bodies; i++)
		if (dkim_bh_is(v->bodies[i], t->bcanon, t->hash, t->l))
			return v->bodies[i];
	if (mc_grow(&v->bodies, &v->cap_bodies, v->n_bodies + 1, sizeof(*v->bodies)) ||
	    !(b = dkim_bh_new(t->bcanon, t->hash, t->l)))
		return NULL;
	v->bodies[v->n_bodies++] = b;
	return b;
}

static mc_status add_sig(mc_dkim_verifier *v, dkim_sigset *set, const mc_message *msg,
                         size_t index, enum dkim_kind kind)
{
	dkim_pending *p;

	if (set->n == MC_DKIM_MAX_SIGNATURES) {
		set->skipped++;
		return MC_OK;
	}
	if (mc_grow(&set->items, &set->cap, set->n + 1, sizeof(*set->items)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	p = &set->items[set->n++];
	memset(p, 0, sizeof(*p));
	p->header = index;
	dkim_tags_parse(&msg->headers[index], kind, &p->t);
	/* a signature that cannot be verified needs no body hash; the seal has none */
	if (kind != DKIM_KIND_SEAL && (!p->t.error || strcmp(p->t.error, "syntax")) && p->t.a &&
	    p->t.key_type != DKIM_KEY_UNKNOWN && !(p->body = body_for(v, &p->t)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	return MC_OK;
}

mc_status mc_dkim_headers(mc_dkim_verifier *v, const mc_message *msg)
{
	mc_status st = MC_OK;

	if (!v->arrival_given)
		v->arrival = arrival_of(msg);
	for (size_t i = 0; i < msg->n_headers && st == MC_OK; i++) {
		const char *name = msg->headers[i].name;

		if (strcasecmp(name, "DKIM-Signature") == 0)
			st = add_sig(v, &v->sigs, msg, i, DKIM_KIND_SIGNATURE);
		else if (strcasecmp(name, "ARC-Message-Signature") == 0)
			st = add_sig(v, &v->ams, msg, i, DKIM_KIND_AMS);
		else if (strcasecmp(name, "ARC-Seal") == 0)
			st = add_sig(v, &v->seals, msg, i, DKIM_KIND_SEAL);
	}
	if (st != MC_OK)
		return st;
	prefetch_keys(v);
	if (v->compare && v->sigs.n) {
		if ((st = dkim_od_new(&v->od, v->r)) != MC_OK)
			return st;
		dkim_od_headers(v->od, msg);
	}
	return MC_OK;
}

mc_status mc_dkim_body(mc_dkim_verifier *v, const char *chunk, size_t len)
{
	for (size_t i = 0; i < v->n_bodies; i++)
		dkim_bh_update(v->bodies[i], chunk, len);
	if (v->od) {
		dkim_od_body(v->od, chunk, len);
		/* a CR not followed by LF, also across chunks: libopendkim drops it */
		if (len && v->ended_cr && chunk[0] != '\n')
			v->lone_cr = true;
		for (const char *cr = memchr(chunk, '\r', len); cr && !v->lone_cr;
		     cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - chunk)))
			v->lone_cr = cr + 1 < chunk + len && cr[1] != '\n';
		if (len)
			v->ended_cr = chunk[len - 1] == '\r';
	}
	return MC_OK;
}

/* ---- one signature checked: key, headers, body ---- */

/* The key record verifiers use: the first TXT record of the answer. */
static const mc_dns_rr *first_txt(const mc_dns_answer *a)
{
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_TXT)
			return &a->rrs[i];
	return NULL;
}

static void outcome(dkim_outcome *o, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void outcome(dkim_outcome *o, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dkim_reason_once(&o->reason, o->detail, o->detail_text, sizeof(o->detail), reason, fmt, ap);
	va_end(ap);
}

/* The outcome from a problem said in both languages already. */
static void outcome_said(dkim_outcome *o, const char *reason, const char *en, const char *text)
{
	if (o->reason)
		return;
	o->reason = reason;
	snprintf(o->detail, sizeof(o->detail), "%s", en);
	snprintf(o->detail_text, sizeof(o->detail_text), "%s", text);
}

/* The key: looked up, decoded (cached), fit for the signature. */
static dkim_key *check_key(mc_resolver *r, const dkim_tags *t, dkim_outcome *o)
{
	char *name = mc_asprintf("%s._domainkey.%s", t->s, t->d);
	const mc_dns_answer *a = name ? mc_dns_lookup(r, name, MC_RR_TXT) : NULL;
	const mc_dns_rr *txt = first_txt(a);
	dkim_key *k;

	free(name);
	if (!a || mc_dns_status_is_temporary(a->status)) {
		outcome(o, "key_dns_error", "the key lookup failed");
		return NULL;
	}
	if (!txt) {
		outcome(o, "key_not_found", "no key record");
		return NULL;
	}
	if (!(k = dkim_key_get(txt->data, txt->data_len))) {
		outcome(o, "key_dns_error", "out of memory");
		return NULL;
	}
	o->key_bits = k->bits;
	o->testing = k->testing;
	o->strict = k->strict;
	o->pkcs1 = k->pkcs1;
	if (k->type != DKIM_KEY_UNKNOWN && k->type != t->key_type)
		outcome(o, "key_type_mismatch", "the key is %s, the signature %s",
		        k->type == DKIM_KEY_RSA ? "rsa" : "ed25519", t->a);
	else if ((t->hash == DKIM_SHA1 && !k->sha1_ok) || (t->hash == DKIM_SHA256 && !k->sha256_ok))
		outcome(o, "key_type_mismatch", "the key's h= does not allow %s",
		        t->hash == DKIM_SHA1 ? "sha1" : "sha256");
	else if (k->error)
		outcome_said(o, k->error, k->problem, k->problem_text);
	return k;
}

void dkim_check(mc_resolver *r, const mc_message *msg, const dkim_pending *p,
                const size_t *idx, size_t n, dkim_outcome *o)
{
	const dkim_tags *t = &p->t;
	unsigned char hh[DKIM_MAX_DIGEST];
	size_t hl, *sel = NULL;
	dkim_key *k;

	memset(o, 0, sizeof(*o));
	o->hashed = o->total = o->prefix = -1;
	if (p->body) {
		const unsigned char *d = dkim_bh_final(p->body, &o->digest_len, &o->hashed,
		                                         &o->total);

		memcpy(o->digest, d, o->digest_len);
		o->body_ok = t->bh_len == o->digest_len && memcmp(t->bh, d, o->digest_len) == 0;
	}
	if (t->error) {
		outcome_said(o, t->error, t->problem, t->problem_text);
		return;
	}
	if (!(k = check_key(r, t, o)))
		return;
	o->key_ok = !o->reason;
	if (o->key_ok) {
		if (!idx) {
			if (!(sel = malloc((t->n_h ? t->n_h : 1) * sizeof(*sel)))) {
				dkim_key_release(k);
				outcome(o, "key_dns_error", "out of memory");
				return;
			}
			n = dkim_select_headers(msg, t->h, t->n_h, sel, t->n_h);
			idx = sel;
		}
		hl = dkim_header_digest(msg, idx, n, &msg->headers[p->header], t->hcanon, t->hash, hh);
		o->header_ok = hl && dkim_signature_ok(k, t->hash, hh, hl, t->b, t->b_len);
		free(sel);
	}
	dkim_key_release(k);
	if (o->reason)
		return;
	/* RFC 6376 6.1.3: the body hash first, then the signature */
	if (p->body && !o->body_ok) {
		o->prefix = dkim_bh_prefix(p->body, t->bh, t->bh_len);
		outcome(o, "body_hash_mismatch", "the body hash does not match");
	} else if (!o->header_ok) {
		outcome(o, "signature_mismatch", "the signature does not verify");
	}
}

/* ---- DKIM-Signature: the reasons and what to say ---- */

/* The clock drift allowed for t= and x= (RFC 6376 3.5 lets verifiers allow
 * some; libopendkim's default is the same). */
#define DRIFT 300

static bool signs(const mc_dkim_sig *s, const char *header)
{
	for (size_t i = 0; i < s->n_signed_headers; i++)
		if (strcmp(s->signed_headers[i], header) == 0)
			return true;
	return false;
}

/* RFC 6376 3.5 i=: the domain of the identity is d= or a subdomain of it;
 * with the key's t=s, d= itself. */
static bool identity_ok(const char *i, const char *d, bool strict)
{
	const char *at = i ? strrchr(i, '@') : NULL;
	size_t il, dl = strlen(d);

	if (!i)
		return true;
	if (!at)
		return false;
	at++;
	il = strlen(at);
	if (il == dl)
		return strcasecmp(at, d) == 0;
	return !strict && il > dl && at[il - dl - 1] == '.' && strcasecmp(at + il - dl, d) == 0;
}

/* The reason of a signature (NULL: it passes), in RFC 6376 6.1's order
 * with RFC 8301 on top. */
static const char *judge(const mc_dkim_verifier *v, const dkim_tags *t, const dkim_outcome *o,
                         mc_dkim_sig *s)
{
	const char *r = o->reason;
	bool syntax = t->error && strcmp(t->error, "syntax") == 0;

	if (t->a && strcasecmp(t->a, "rsa-sha1") == 0 && !syntax)
		return "rsa_sha1"; /* RFC 8301 3.1 */
	if (s->n_signed_headers && !signs(s, "from"))
		return "from_not_signed"; /* RFC 6376 5.4 */
	if (t->error)
		return t->error;
	if (r && (!strcmp(r, "key_dns_error") || !strcmp(r, "key_not_found") ||
	          !strcmp(r, "key_type_mismatch")))
		return r;
	/* RFC 6376 3.5: t= later than now (5 minutes of clock drift allowed) */
	if (s->timestamp >= 0 && s->timestamp > (long long)v->now + DRIFT)
		return "timestamp_in_future";
	/* RFC 6376 3.5: x= in the past, judged by mailcheck's clock (--now) */
	if (s->expiry >= 0 && (long long)v->now > s->expiry + DRIFT) {
		s->arrival = v->arrival;
		s->valid_at_arrival = !r && v->arrival >= 0 && v->arrival <= s->expiry + DRIFT &&
		                      (s->timestamp < 0 || s->timestamp <= v->arrival + DRIFT);
		return "expired";
	}
	if (r && strcmp(r, "body_hash_mismatch") && strcmp(r, "signature_mismatch"))
		return r; /* key_syntax, key_revoked, weak_key */
	if (!identity_ok(t->i, t->d, o->strict))
		return "identity_mismatch";
	return r;
}

static char *base64(const unsigned char *p, size_t n)
{
	char *out = n ? malloc(4 * ((n + 2) / 3) + 1) : NULL;

	if (out)
		EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

static void describe(mc_dkim_verifier *v, const mc_message *msg, const dkim_pending *p,
                     mc_dkim_sig *s)
{
	const dkim_tags *t = &p->t;
	dkim_outcome o;
	size_t cap = 0;

	dkim_check(v->r, msg, p, NULL, 0, &o);
	s->domain = mc_strdup(t->d);
	s->selector = mc_strdup(t->s);
	s->algorithm = mc_strdup(t->a);
	s->canonicalization = mc_strdup(t->c ? t->c : "simple/simple");
	s->identity = mc_strdup(t->i);
	s->body_hash = mc_strdup(t->bh64);
	s->body_length = t->l;
	s->expiry = t->x;
	s->timestamp = t->t;
	s->testing = o.testing;
	s->key_pkcs1 = o.pkcs1;
	s->key_bits = o.key_bits;
	for (size_t i = 0; i < t->n_h; i++)
		if (mc_grow(&s->signed_headers, &cap, s->n_signed_headers + 1,
		            sizeof(char *)) == 0 && (s->signed_headers[s->n_signed_headers] =
		                                     mc_strdup(t->h[i])))
			s->n_signed_headers++;
	s->body_total = o.total;
	s->body_hashed = o.hashed;
	s->body_hash_computed = p->body ? base64(o.digest, o.digest_len) : NULL;
	s->body_signed_prefix = o.prefix;
	s->headers_intact = o.header_ok;
	s->arrival = -1;
	s->reason = judge(v, t, &o, s);
	s->verdict = s->reason ? dkim_reason_verdict(s->reason) : MC_VERDICT_PASS;
	s->detail = s->reason && o.detail[0] ? mc_strdup(o.detail) : NULL;
	s->detail_text = s->reason && o.detail_text[0] ? mc_strdup(o.detail_text) : NULL;
}

static mc_verdict overall(const mc_dkim_result *res)
{
	bool temp = false, fail = false;

	if (res->n_sigs == 0)
		return MC_VERDICT_NONE;
	for (size_t i = 0; i < res->n_sigs; i++) {
		if (res->sigs[i].verdict == MC_VERDICT_PASS)
			return MC_VERDICT_PASS;
		temp |= res->sigs[i].verdict == MC_VERDICT_TEMPERROR;
		fail |= res->sigs[i].verdict == MC_VERDICT_FAIL;
	}
	return temp ? MC_VERDICT_TEMPERROR : fail ? MC_VERDICT_FAIL : MC_VERDICT_PERMERROR;
}

/* The From domain, with a finding when there is not exactly one. */
static char *from_domain(const mc_message *msg, mc_findings *f)
{
	const char *why = NULL;
	char *d = mc_message_from_domain(msg, &why);

	if (!d && why) {
		const char *fmt = N_("the message has %s: DMARC needs exactly one From address, and "
		                     "receivers may reject the message or skip DMARC");

		mc_finding_hint(mc_finding_add_made(f, "msg.from_not_single", MC_SEV_WARNING,
		                                    mc_asprintf(fmt, why), mc_i18n_active()
		                                    ? mc_asprintf(_(fmt), _(why)) : NULL),
		                "send with exactly one From address");
	}
	return d;
}

mc_status mc_dkim_finish(mc_dkim_verifier *v, const mc_message *msg, mc_dkim_result *out)
{
	bool said_oversign = false;

	memset(out, 0, sizeof(*out));
	out->from_domain = from_domain(msg, &out->findings);
	if (v->sigs.n && !(out->sigs = calloc(v->sigs.n, sizeof(*out->sigs))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->sigs.n; i++) {
		describe(v, msg, &v->sigs.items[i], &out->sigs[out->n_sigs]);
		dkim_sig_findings(out, &out->sigs[out->n_sigs++], msg, (long long)v->now, &said_oversign);
	}
	out->verdict = overall(out);
	if (v->compare)
		dkim_od_findings(v->od, v->lone_cr, &v->sigs, msg, out);
	if (out->n_sigs == 0)
		mc_finding_hint(mc_finding_add(&out->findings, "dkim.none", MC_SEV_WARNING,
			"the message carries no DKIM signature: DMARC can then pass only through "
			"aligned SPF, which breaks on forwarding"),
			"sign outgoing mail with DKIM for the From domain (your mail server or "
			"provider can do it; publish the key at <selector>._domainkey.<domain>)");
	if (arc_evaluate(v->r, msg, &v->ams, &v->seals, &out->arc, &out->findings) != MC_OK)
		return MC_ENOMEM;
	if (v->sigs.skipped)
		mc_finding_add(&out->findings, "dkim.too_many_signatures", MC_SEV_WARNING,
			"the message has %zu DKIM-Signature headers; only the first %d were checked",
			v->sigs.skipped + MC_DKIM_MAX_SIGNATURES, MC_DKIM_MAX_SIGNATURES);
	if (mc_dns_log_copy(v->r, v->log_start, &out->dns) != MC_OK)
		return MC_ENOMEM;
	mc_findings_dns(&out->findings, &out->dns);
	return MC_OK;
}

void mc_dkim_result_clear(mc_dkim_result *res)
{
	for (size_t i = 0; i < res->n_sigs; i++) {
		mc_dkim_sig *s = &res->sigs[i];

		free(s->domain);
		free(s->selector);
		free(s->algorithm);
		free(s->canonicalization);
		free(s->identity);
		free(s->body_hash);
		free(s->body_hash_computed);
		free(s->detail);
		free(s->detail_text);
		free(s->opendkim_error);
		for (size_t k = 0; k < s->n_signed_headers; k++)
			free(s->signed_headers[k]);
		free(s->signed_headers);
	}
	free(res->sigs);
	free(res->from_domain);
	arc_result_clear(&res->arc);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
