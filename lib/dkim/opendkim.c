/*
 * The view of OpenDKIM-based receivers (`--compare`): the same message
 * verified by libopendkim as a receiver running it would, keys through
 * lib/dns exactly as published. mailcheck's own verdicts come from core.c;
 * this file only reports what libopendkim decides, so that where it decides
 * otherwise (rsa-sha1, PKCS#1 keys, x= by the real clock, ...) the
 * difference can be named. See shared/LIBRARIES.md for its behaviours: a
 * pass is the PASSED flag with a body hash MATCH; TRYAGAIN from the key
 * callback aborts the message, so a failed lookup is answered NOTFOUND.
 */
#include <opendkim/dkim.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "dkim/internal.h"

struct dkim_od {
	mc_resolver *r;
	DKIM *dkim;
	bool no_sigs;
};

static DKIM_LIB *lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* libopendkim asks for SEL._domainkey.DOMAIN: the first TXT record from lib/dns. */
static DKIM_CBSTAT key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct dkim_od *o = dkim_get_user_context(dkim);
	const char *d = (const char *)dkim_sig_getdomain(sig);
	const char *s = (const char *)dkim_sig_getselector(sig);
	char *name = mc_asprintf("%s._domainkey.%s", s ? s : "", d ? d : "");
	const mc_dns_answer *a = name ? mc_dns_lookup(o->r, name, MC_RR_TXT) : NULL;

	free(name);
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_TXT) {
			if (a->rrs[i].data_len + 1 > buflen)
				break;
			memcpy(buf, a->rrs[i].data, a->rrs[i].data_len);
			buf[a->rrs[i].data_len] = '\0';
			return DKIM_CBSTAT_CONTINUE;
		}
	return DKIM_CBSTAT_NOTFOUND;
}

static void lib_init(void)
{
	unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;

	lib = dkim_init(NULL, NULL);
	if (!lib)
		return;
	dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof(flags));
	dkim_set_key_lookup(lib, key_lookup);
}

mc_status dkim_od_new(dkim_od **out, mc_resolver *r)
{
	dkim_od *o;

	pthread_once(&lib_once, lib_init);
	if (!lib)
		return mc_error_set(MC_ENOMEM, "cannot initialise libopendkim");
	if (!(o = calloc(1, sizeof(*o))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	o->r = r;
	*out = o;
	return MC_OK;
}

void dkim_od_headers(dkim_od *o, const mc_message *msg)
{
	DKIM_STAT st;
	size_t sigs = 0;

	o->dkim = dkim_verify(lib, (const unsigned char *)"mailcheck", NULL, &st);
	if (!o->dkim)
		return;
	dkim_set_user_context(o->dkim, o);
	for (size_t i = 0; i < msg->n_headers; i++) {
		const mc_header *h = &msg->headers[i];

		if (strcasecmp(h->name, "DKIM-Signature") == 0 && ++sigs > MC_DKIM_MAX_SIGNATURES)
			continue;
		dkim_header(o->dkim, (u_char *)h->raw, h->raw_len);
	}
	o->no_sigs = dkim_eoh(o->dkim) == DKIM_STAT_NOSIG || sigs == 0;
}

void dkim_od_body(dkim_od *o, const char *p, size_t n)
{
	if (o->dkim && !o->no_sigs)
		dkim_body(o->dkim, (u_char *)p, n);
}

/* A tag value without the folding whitespace a signer may put in it. */
static char *unfolded(const char *v)
{
	char *out = v ? mc_strdup(v) : NULL;
	size_t k = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; out[i]; i++)
		if (!strchr(" \t\r\n", out[i]))
			out[k++] = out[i];
	out[k] = '\0';
	return out;
}

size_t dkim_od_finish(dkim_od *o, dkim_od_sig **out)
{
	DKIM_SIGINFO **sigs = NULL;
	int n = 0;
	bool testkey = false;

	*out = NULL;
	if (!o->dkim || o->no_sigs)
		return 0;
	dkim_eom(o->dkim, &testkey);
	if (dkim_getsiglist(o->dkim, &sigs, &n) != DKIM_STAT_OK || n <= 0 ||
	    !(*out = calloc((size_t)n, sizeof(**out))))
		return 0;
	for (int i = 0; i < n; i++) {
		unsigned int flags = dkim_sig_getflags(sigs[i]);
		int err = dkim_sig_geterror(sigs[i]);
		int bh = dkim_sig_getbh(sigs[i]);
		const char *d = (const char *)dkim_sig_getdomain(sigs[i]);
		const char *s = (const char *)dkim_sig_getselector(sigs[i]);

		const char *h = (const char *)dkim_sig_gettagvalue(sigs[i], false, (u_char *)"bh");
		const char *b = (const char *)dkim_sig_gettagvalue(sigs[i], false, (u_char *)"b");
		const char *a = (const char *)dkim_sig_gettagvalue(sigs[i], false, (u_char *)"a");

		(*out)[i].domain = mc_strdup(d);
		(*out)[i].selector = mc_strdup(s);
		(*out)[i].body_hash = mc_strdup(h);
		(*out)[i].sig = unfolded(b);
		(*out)[i].algorithm = mc_strdup(a);
		(*out)[i].pass = (flags & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MATCH;
		if ((*out)[i].pass)
			continue;
		if ((flags & DKIM_SIGFLAG_PASSED) && bh == DKIM_SIGBH_MISMATCH)
			(*out)[i].error = mc_strdup("body hash mismatch");
		else if (err != DKIM_SIGERROR_OK && err != DKIM_SIGERROR_UNKNOWN)
			(*out)[i].error = mc_strdup(dkim_sig_geterrorstr(err));
		else
			(*out)[i].error = mc_strdup("signature did not verify");
	}
	return (size_t)n;
}

void dkim_od_sigs_free(dkim_od_sig *sigs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sigs[i].domain);
		free(sigs[i].selector);
		free(sigs[i].body_hash);
		free(sigs[i].sig);
		free(sigs[i].algorithm);
		free(sigs[i].error);
	}
	free(sigs);
}

void dkim_od_free(dkim_od *o)
{
	if (!o)
		return;
	if (o->dkim)
		dkim_free(o->dkim);
	free(o);
}

static bool same_str(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* Two views of a tag: the same, or one side did not read it. */
static bool agree(const char *a, const char *b, bool nocase)
{
	return !a || !b || (nocase ? strcasecmp(a, b) : strcmp(a, b)) == 0;
}

/* The same signature as far as both sides read its tags. */
static bool same_sig(const dkim_od_sig *o, const dkim_od_key *k, bool need_ds)
{
	if (need_ds && (!same_str(o->domain, k->d) || !same_str(o->selector, k->s)))
		return false;
	return agree(o->domain, k->d, true) && agree(o->selector, k->s, false) &&
	       agree(o->body_hash, k->bh, false) && agree(o->algorithm, k->a, true) &&
	       agree(o->sig, k->b64, false);
}

void dkim_od_pair(dkim_od_sig *od, size_t n, const dkim_od_key *keys, size_t m,
                  dkim_od_sig **out)
{
	bool by_place = n == m;
	bool *used;

	for (size_t i = 0; by_place && i < m; i++)
		by_place = keys[i].malformed || same_sig(&od[i], &keys[i], false);
	for (size_t i = 0; i < m; i++)
		out[i] = by_place ? &od[i] : NULL;
	if (by_place || !(used = calloc(n ? n : 1, sizeof(*used))))
		return;
	for (int pass = 0; pass < 2; pass++) /* the well-formed first */
		for (size_t i = 0; i < m; i++)
			for (size_t k = 0; k < n && !out[i] && keys[i].malformed == (pass == 1); k++)
				if (!used[k] && same_sig(&od[k], &keys[i], true)) {
					used[k] = true;
					out[i] = &od[k];
				}
	free(used);
}

/* Why libopendkim decides otherwise than mailcheck on a signature: the rule
 * one of them applies. */
const char *dkim_od_disagreement(const mc_dkim_sig *s, const dkim_od_sig *od,
                                 const dkim_od_facts *facts)
{
	if (facts->nul && od->pass && s->reason && !strcmp(s->reason, "signature_mismatch"))
		return N_("RFC 6376 3.4: a signed header field is hashed as it is, a NUL byte "
		       "included; libopendkim reads the field only up to its first NUL");
	if (facts->header_cr && od->pass && s->reason && !strcmp(s->reason, "signature_mismatch"))
		return N_("RFC 6376 3.4.2: a CR that ends no line in a signed header field (or the "
		       "signature's own) is kept and hashed; libopendkim drops it");
	if (facts->ff_vt && od->pass && s->reason && !strcmp(s->reason, "signature_mismatch") &&
	    s->canonicalization && !strncasecmp(s->canonicalization, "relaxed", 7))
		return N_("RFC 6376 3.4.2: relaxed canonicalization folds only spaces and tabs (WSP); "
		       "libopendkim also takes a form feed or vertical tab in a signed header field "
		       "for whitespace");
	if (facts->lone_cr && ((s->reason && !strcmp(s->reason, "body_hash_mismatch") && od->pass) ||
	                (!s->reason && !od->pass && od->error && strstr(od->error, "body hash"))))
		return N_("RFC 6376 3.4.4: a CR that ends no line is body text and is hashed (as "
		       "dkimpy does); libopendkim drops it");
	if (s->reason && !strcmp(s->reason, "rsa_sha1"))
		return N_("RFC 8301 3.1: verifiers must not accept rsa-sha1; libopendkim accepts it");
	if (od->pass && s->reason && !strcmp(s->reason, "expired"))
		return N_("RFC 6376 3.5 x=: mailcheck judges expiry by --now (or the clock); "
		       "libopendkim always by the real clock");
	if (!od->pass && s->reason && !strcmp(s->reason, "expired"))
		return N_("RFC 6376 3.5 x=: libopendkim judges expiry by the real clock, mailcheck "
		       "by --now");
	if (od->error && (strstr(od->error, "expired") || strstr(od->error, "future")))
		return N_("RFC 6376 3.5 t= and x=: libopendkim judges them by the real clock, mailcheck "
		       "by --now");
	if (!od->pass && s->key_pkcs1)
		return N_("RFC 6376 3.6.1: p= may be a PKCS#1 RSAPublicKey; libopendkim reads only "
		       "SubjectPublicKeyInfo");
	if (s->reason && !strcmp(s->reason, "from_not_signed"))
		return N_("RFC 6376 5.4: From must be signed; libopendkim does not require it");
	if (s->reason && !strcmp(s->reason, "key_type_mismatch"))
		return N_("RFC 6376 3.6.1 k= and h=: the key must fit the signature's algorithm; "
		       "libopendkim does not check");
	if (s->reason && !strcmp(s->reason, "timestamp_in_future"))
		return N_("RFC 6376 3.5 t=: a signature from the future; libopendkim judges t= by "
		       "the real clock");
	if (s->reason && !strcmp(s->reason, "identity_mismatch"))
		return N_("RFC 6376 3.5 i=: the identity must be at d= or a subdomain");
	if (od->pass && s->reason && !strcmp(s->reason, "syntax"))
		return N_("RFC 6376 3.5: a required tag is missing or malformed; libopendkim is lenient");
	return N_("not one of the documented differences (please report it)");
}

/* A signature header's b= as written, without its folding whitespace
 * (as far as its tag list reads); NULL when it has none. */
static char *raw_b(const mc_header *h)
{
	mc_tags tags;
	size_t pos = 0;

	mc_tags_parse(h->value, h->value_len, &tags, &pos); /* the tags before an error count */
	return mc_tag_value(&tags, "b"); /* without its whitespace */
}

/* Does a header field the signature signs hold byte c? libopendkim reads
 * a field as a C string, up to its first NUL, and its relaxed
 * canonicalization takes a form feed or vertical tab for whitespace. */
/* Does header h hold byte c -- for '\r', a CR that ends no line? */
static bool holds(const mc_header *h, char c)
{
	for (const char *p = h->raw, *end = h->raw + h->raw_len;
	     (p = memchr(p, c, (size_t)(end - p))); p++)
		if (c != '\r' || p + 1 == end || p[1] != '\n')
			return true;
	return false;
}

static bool lone_cr_in(const mc_header *h)
{
	return holds(h, '\r');
}

static bool in_signed(const mc_message *msg, const mc_dkim_sig *s, char c)
{
	for (size_t h = 0; h < msg->n_headers; h++)
		for (size_t k = 0; k < s->n_signed_headers; k++)
			if (!strcasecmp(msg->headers[h].name, s->signed_headers[k]) &&
			    holds(&msg->headers[h], c))
				return true;
	return false;
}

/* libopendkim decides otherwise on signature s: the rule that says why. */
static void disagree_finding(mc_dkim_result *res, const mc_dkim_sig *s, const dkim_od_sig *o,
                             const dkim_od_facts *facts)
{
	const char *d = s->domain ? s->domain : "?", *sel = s->selector ? s->selector : "?";
	const char *ours = s->verdict == MC_VERDICT_PASS ? "pass" : s->reason;
	const char *rule = dkim_od_disagreement(s, o, facts);
	mc_finding *f;

	/* libopendkim's own error words, when it gives some, stay as it says them */
	if (o->error)
		f = mc_finding_both(&res->findings, "dkim.receivers_disagree", MC_SEV_WARNING,
			"signature d=%s s=%s: mailcheck says %s, libopendkim (as OpenDKIM-based "
			"receivers verify) says %s: %s -- %s",
			(d, sel, ours, o->pass ? "pass" : "fail", o->error, rule),
			(d, sel, ours, o->pass ? "pass" : "fail", o->error, _(rule)));
	else
		f = mc_finding_both(&res->findings, "dkim.receivers_disagree", MC_SEV_WARNING,
			"signature d=%s s=%s: mailcheck says %s, libopendkim (as OpenDKIM-based "
			"receivers verify) says %s -- %s", (d, sel, ours, o->pass ? "pass" : "fail", rule),
			(d, sel, ours, o->pass ? "pass" : "fail", _(rule)));
	mc_finding_hint(f,
		"receivers differ on this signature: fix what the rule names so that every "
		"receiver agrees");
}

void dkim_od_findings(dkim_od *o, bool lone_cr, const dkim_sigset *sigs, const mc_message *msg,
                      mc_dkim_result *res)
{
	dkim_od_sig *od = NULL;
	size_t n = o ? dkim_od_finish(o, &od) : 0, m = res->n_sigs;
	dkim_od_key *keys = calloc(m ? m : 1, sizeof(*keys));
	char **b64 = calloc(m ? m : 1, sizeof(*b64));
	dkim_od_sig **pair = calloc(m ? m : 1, sizeof(*pair));

	for (size_t i = 0; keys && b64 && pair && i < m; i++) {
		const mc_dkim_sig *s = &res->sigs[i];

		b64[i] = raw_b(&msg->headers[sigs->items[i].header]);
		keys[i] = (dkim_od_key){s->domain, s->selector, s->body_hash, s->algorithm, b64[i],
		                        s->reason && !strcmp(s->reason, "syntax")};
	}
	if (keys && b64 && pair)
		dkim_od_pair(od, n, keys, m, pair);
	for (size_t i = 0; keys && b64 && pair && i < m; i++) {
		mc_dkim_sig *s = &res->sigs[i];
		bool ours = s->verdict == MC_VERDICT_PASS;
		const dkim_od_sig *o = pair[i];

		if (!o) /* libopendkim did not see this signature: no verdict */
			continue;
		s->opendkim = o->pass ? "pass" : "fail";
		s->opendkim_error = mc_strdup(o->error);
		if (ours != o->pass)
			disagree_finding(res, s, o, &(const dkim_od_facts){
				.lone_cr = lone_cr, .nul = in_signed(msg, s, '\0'),
				.ff_vt = in_signed(msg, s, '\f') || in_signed(msg, s, '\v'),
				.header_cr = in_signed(msg, s, '\r') ||
				             lone_cr_in(&msg->headers[sigs->items[i].header])});
	}
	for (size_t i = 0; b64 && i < m; i++)
		free(b64[i]);
	free(b64);
	free(keys);
	free(pair);
	dkim_od_sigs_free(od, n);
}
