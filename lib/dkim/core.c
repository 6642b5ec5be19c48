/*
 * The DKIM core: tags, canonicalization, hashes (keys and the signature
 * check are in keys.c).
 * RFC 6376 3.4 (canonicalization), 3.5 (tags), 3.6.1 (key records), 3.7
 * (hashes), 5.4.2 (header selection); RFC 8463 (Ed25519: the signature is
 * over the SHA-256 of the header data); RFC 8617 4.1 (the ARC fields' tags).
 *
 * The hashes use OpenSSL's SHA context structures directly: the body hash
 * keeps a copy of its state at each of the last line ends (a struct copy),
 * which the EVP API can only do by allocating a context.
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init and friends: see above */
#include <ctype.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/tags.h"
#include "common/util.h"
#include "dkim/core.h"
#include "dkim/internal.h"

/* ---- tags ---- */

static void bad(dkim_tags *t, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dkim_reason_once(const char **reason, char *words, char *text, size_t size, const char *r,
                      const char *fmt, va_list ap)
{
	va_list copy;

	if (*reason)
		return;
	*reason = r;
	va_copy(copy, ap);
	vsnprintf(words, size, fmt, ap);
	if (mc_i18n_active() && strcmp(_(fmt), fmt))
		vsnprintf(text, size, _(fmt), copy);
	else
		text[0] = '\0';
	va_end(copy);
}

static void bad(dkim_tags *t, const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dkim_reason_once(&t->error, t->problem, t->problem_text, sizeof(t->problem), reason, fmt,
	                 ap);
	va_end(ap);
}

/* A decimal number of at most 12 digits (tags t=, x=, l=, i= of ARC); -2
 * when the value is not one. */
static long long number(const char *v)
{
	long long n = 0;
	size_t k = 0;

	for (; v[k]; k++) {
		if (!isdigit((unsigned char)v[k]) || k == 12)
			return -2;
		n = n * 10 + (v[k] - '0');
	}
	return k ? n : -2;
}

static void number_tag(dkim_tags *t, const mc_tags *tags, const char *name, long long *out)
{
	char *v = mc_tag_value(tags, name);

	*out = -1;
	if (!v)
		return;
	if ((*out = number(v)) < 0) {
		bad(t, "syntax", "%s=%.40s is not a number", name, v);
		*out = -1;
	}
	free(v);
}

/* The header fields one signature may name: real signers name a few dozen;
 * the bound keeps a hostile signature from costing memory per name. */
#define MAX_SIGNED_FIELDS 1000

static void header_list(dkim_tags *t, const char *h)
{
	size_t cap = 0;

	for (const char *p = h; *p;) {
		if (t->n_h == MAX_SIGNED_FIELDS) {
			bad(t, "syntax", "h= names more than %d header fields (the limit)",
			    MAX_SIGNED_FIELDS);
			return;
		}
		size_t n = strcspn(p, ":");
		char *name = mc_strndup(p, n);

		for (char *c = name; c && *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (name && *name && mc_grow(&t->h, &cap, t->n_h + 1, sizeof(char *)) == 0)
			t->h[t->n_h++] = name;
		else
			free(name);
		p += n + (p[n] == ':');
	}
}

static void algorithm(dkim_tags *t)
{
	if (!t->a)
		return;
	if (strcasecmp(t->a, "rsa-sha256") == 0)
		t->key_type = DKIM_KEY_RSA, t->hash = DKIM_SHA256;
	else if (strcasecmp(t->a, "rsa-sha1") == 0)
		t->key_type = DKIM_KEY_RSA, t->hash = DKIM_SHA1;
	else if (strcasecmp(t->a, "ed25519-sha256") == 0)
		t->key_type = DKIM_KEY_ED25519, t->hash = DKIM_SHA256;
	else
		bad(t, "unsupported_algorithm", "a=%.40s is not rsa-sha256 or ed25519-sha256", t->a);
}

static void canonicalization(dkim_tags *t)
{
	/* RFC 6376 3.5: simple/simple when c= is absent. An AMS without c= is
	 * read as relaxed/relaxed: ARC signers always state it, and the one
	 * that produced ValiMail's ARC suite signed so (ams_fields_c_na) */
	const char *c = t->c ? t->c : t->kind == DKIM_KIND_AMS ? "relaxed/relaxed" : "simple/simple";
	const char *slash = strchr(c, '/');
	size_t hl = slash ? (size_t)(slash - c) : strlen(c);
	const char *body = slash ? slash + 1 : "simple";

	if (hl == 6 && strncasecmp(c, "simple", 6) == 0)
		t->hcanon = DKIM_SIMPLE;
	else if (hl == 7 && strncasecmp(c, "relaxed", 7) == 0)
		t->hcanon = DKIM_RELAXED;
	else
		bad(t, "syntax", "c=%.40s is not a canonicalization (simple or relaxed)", c);
	if (strcasecmp(body, "simple") == 0)
		t->bcanon = DKIM_SIMPLE;
	else if (strcasecmp(body, "relaxed") == 0)
		t->bcanon = DKIM_RELAXED;
	else
		bad(t, "syntax", "c=%.40s is not a canonicalization (simple or relaxed)", c);
	free(t->c); /* as RFC 6376 3.5 spells the default parts out */
	t->c = mc_asprintf("%s/%s", t->hcanon == DKIM_RELAXED ? "relaxed" : "simple",
	                   t->bcanon == DKIM_RELAXED ? "relaxed" : "simple");
}

static void base64_tag(dkim_tags *t, const char *name, const char *v, unsigned char **out,
                       size_t *len)
{
	unsigned char *der = NULL;
	long n = v && *v ? dkim_decode64(v, &der) : -1;

	if (n <= 0) {
		free(der);
		if (v)
			bad(t, "syntax", "%s= is not base64 (or empty)", name);
		return;
	}
	*out = der;
	*len = (size_t)n;
}

/* The tags only one kind has: v= and i= of a DKIM-Signature, i= of the
 * ARC fields, cv= (and no h=) of an ARC-Seal. */
static void kind_tags(dkim_tags *t, const mc_tags *tags)
{
	if (t->kind == DKIM_KIND_SIGNATURE) {
		char *v = mc_tag_value(tags, "v");

		t->i = mc_tag_value(tags, "i");
		if (!v || strcmp(v, "1") != 0)
			bad(t, "syntax", v ? N_("v=%.20s is not 1") : N_("v= is missing%.0s"), v ? v : "");
		free(v);
	} else {
		long long inst;

		number_tag(t, tags, "i", &inst);
		if (inst < 1 || inst > 50)
			bad(t, "syntax", "i= (the ARC instance) is missing or not 1 to 50");
		t->instance = inst < 1 || inst > 50 ? 0 : (int)inst;
	}
	if (t->kind == DKIM_KIND_SEAL) {
		t->cv = mc_tag_value(tags, "cv");
		if (!t->cv || (strcasecmp(t->cv, "none") && strcasecmp(t->cv, "pass") &&
		               strcasecmp(t->cv, "fail")))
			bad(t, "syntax", "cv= is missing or not none, pass or fail");
		/* RFC 8617 4.1.3: the seal has no h= (it signs the ARC fields only) */
		if (mc_tag_has(tags, "h"))
			bad(t, "syntax", "an ARC-Seal must not have h=");
	}
}

/* h= and bh= of the fields that sign a message (not an ARC-Seal). */
static void message_tags(dkim_tags *t, const mc_tags *tags)
{
	char *hv = mc_tag_value(tags, "h");
	unsigned char *bh = NULL;
	size_t bhl = 0;

	if (hv)
		header_list(t, hv);
	/* an AMS may sign no header but itself (ValiMail's ams_fields_h_empty) */
	if (!hv || (!t->n_h && t->kind == DKIM_KIND_SIGNATURE))
		bad(t, "syntax", "h= is missing or empty");
	free(hv);
	if (!t->bh64)
		bad(t, "syntax", "bh= is missing");
	base64_tag(t, "bh", t->bh64, &bh, &bhl);
	if (bh && bhl <= sizeof(t->bh))
		memcpy(t->bh, bh, t->bh_len = bhl);
	free(bh);
}

/* b=, l=, t=, x= and q=, which every kind may have. */
static void common_tags(dkim_tags *t, const mc_tags *tags)
{
	char *b64 = mc_tag_value(tags, "b"), *q;

	if (!b64)
		bad(t, "syntax", "b= is missing");
	base64_tag(t, "b", b64, &t->b, &t->b_len);
	free(b64);
	number_tag(t, tags, "l", &t->l);
	number_tag(t, tags, "t", &t->t);
	number_tag(t, tags, "x", &t->x);
	/* RFC 6376 3.5: x= MUST be greater than t= */
	if (t->x >= 0 && t->t >= 0 && t->x < t->t)
		bad(t, "syntax", "x= (%lld) is before t= (%lld)", t->x, t->t);
	q = mc_tag_value(tags, "q");
	if (q && !strstr(q, "dns/txt"))
		bad(t, "syntax", "q=%.40s does not include dns/txt", q);
	free(q);
}

void dkim_tags_parse(const mc_header *h, enum dkim_kind kind, dkim_tags *t)
{
	static const char *const what[] = {"DKIM-Signature", "ARC-Message-Signature", "ARC-Seal"};
	mc_tags tags;
	size_t pos = 0;
	const char *why;

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->l = t->t = t->x = -1;
	t->hcanon = t->bcanon = DKIM_SIMPLE;
	if ((why = mc_tags_parse(h->value, h->value_len, &tags, &pos))) {
		bad(t, "syntax", "%s is malformed at position %zu: %s", what[kind], pos, why);
		if (t->problem_text[0]) /* the tag list's own reason, in the same language */
			snprintf(t->problem_text, sizeof(t->problem_text),
			         _("%s is malformed at position %zu: %s"), what[kind], pos, _(why));
		/* the tags before the error still say whose signature it is */
		t->d = mc_tag_value(&tags, "d");
		t->s = mc_tag_value(&tags, "s");
		t->bh64 = mc_tag_value(&tags, "bh");
		return;
	}
	t->a = mc_tag_value(&tags, "a");
	t->c = mc_tag_value(&tags, "c");
	t->d = mc_tag_value(&tags, "d");
	t->s = mc_tag_value(&tags, "s");
	t->bh64 = mc_tag_value(&tags, "bh");
	kind_tags(t, &tags);
	if (!t->a)
		bad(t, "syntax", "a= is missing");
	algorithm(t);
	canonicalization(t);
	if (!t->d || !*t->d || !t->s || !*t->s)
		bad(t, "syntax", "d= or s= is missing");
	if (kind != DKIM_KIND_SEAL)
		message_tags(t, &tags);
	common_tags(t, &tags);
}

void dkim_tags_free(dkim_tags *t)
{
	free(t->a);
	free(t->c);
	free(t->d);
	free(t->s);
	free(t->i);
	free(t->bh64);
	free(t->cv);
	for (size_t k = 0; k < t->n_h; k++)
		free(t->h[k]);
	free(t->h);
	free(t->b);
	memset(t, 0, sizeof(*t));
}

/* ---- hashes ---- */

typedef union sha_state {
	SHA_CTX s1;
	SHA256_CTX s256;
} sha_state;

static void sha_init(sha_state *s, enum dkim_hash h)
{
	if (h == DKIM_SHA1)
		SHA1_Init(&s->s1);
	else
		SHA256_Init(&s->s256);
}

static void sha_update(sha_state *s, enum dkim_hash h, const void *p, size_t n)
{
	if (h == DKIM_SHA1)
		SHA1_Update(&s->s1, p, n);
	else
		SHA256_Update(&s->s256, p, n);
}

static size_t sha_final(sha_state *s, enum dkim_hash h, unsigned char *out)
{
	if (h == DKIM_SHA1) {
		SHA1_Final(out, &s->s1);
		return SHA_DIGEST_LENGTH;
	}
	SHA256_Final(out, &s->s256);
	return SHA256_DIGEST_LENGTH;
}

/* ---- body (RFC 6376 3.4.3, 3.4.4) ---- */

#define KEPT_LINE_ENDS 64

struct dkim_bh {
	enum dkim_canon canon;
	enum dkim_hash hash;
	long long limit;          /* l=, -1 none */
	sha_state sha;
	long long hashed, total;  /* canonical bytes hashed / produced */
	size_t crlfs;             /* line ends not yet produced (trailing empty lines) */
	bool cr, wsp, any;        /* a CR waits for its LF; WSP waits (relaxed); output so far */
	bool done;
	/* canonical bytes not yet hashed: relaxed output comes word by word,
	 * and one hash update per word would cost more than the hashing */
	char stage[4096];
	size_t staged;
	unsigned char digest[DKIM_MAX_DIGEST];
	size_t digest_len;
	/* the state after the last lines with content, before their CRLF */
	struct { sha_state sha; long long at; } kept[KEPT_LINE_ENDS];
	size_t n_kept, next_kept;
};

dkim_bh *dkim_bh_new(enum dkim_canon canon, enum dkim_hash hash, long long limit)
{
	dkim_bh *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	memset(b, 0, offsetof(dkim_bh, stage));
	b->staged = 0;
	b->n_kept = b->next_kept = 0;
	b->canon = canon;
	b->hash = hash;
	b->limit = limit;
	sha_init(&b->sha, hash);
	return b;
}

bool dkim_bh_is(const dkim_bh *b, enum dkim_canon canon, enum dkim_hash hash,
                  long long limit)
{
	return b->canon == canon && b->hash == hash && b->limit == limit;
}

static void flush_stage(dkim_bh *b)
{
	if (b->staged)
		sha_update(&b->sha, b->hash, b->stage, b->staged);
	b->staged = 0;
}

/* Produce canonical bytes: hash them up to l=, count them all. */
static void out(dkim_bh *b, const char *p, size_t n)
{
	size_t take = n;

	if (b->limit >= 0)
		take = b->hashed >= b->limit ? 0 : (long long)n < b->limit - b->hashed
		     ? n : (size_t)(b->limit - b->hashed);
	if (take > sizeof(b->stage) - b->staged) {
		flush_stage(b);
		if (take >= sizeof(b->stage))
			sha_update(&b->sha, b->hash, p, take);
	}
	if (take < sizeof(b->stage)) {
		memcpy(b->stage + b->staged, p, take);
		b->staged += take;
	}
	b->hashed += (long long)take;
	b->total += (long long)n;
	b->any = true;
}

/* Lines with content come: the empty lines before them are not trailing. */
static void flush_crlfs(dkim_bh *b)
{
	static const char crlfs[] = "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

	while (b->crlfs) {
		size_t k = b->crlfs < 8 ? b->crlfs : 8;

		out(b, crlfs, 2 * k);
		b->crlfs -= k;
	}
}

/* A line end after content: keep the state for dkim_bh_prefix. */
static void line_end(dkim_bh *b)
{
	if (b->crlfs == 0 && b->any && b->limit < 0) {
		flush_stage(b);
		b->kept[b->next_kept].sha = b->sha;
		b->kept[b->next_kept].at = b->hashed + 2;
		b->next_kept = (b->next_kept + 1) % KEPT_LINE_ENDS;
		if (b->n_kept < KEPT_LINE_ENDS)
			b->n_kept++;
	}
	b->crlfs++;
}

void dkim_bh_update(dkim_bh *b, const char *p, size_t n)
{
	size_t run = 0; /* plain bytes pending at p[i - run .. i) */

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (b->cr) {
			b->cr = false;
			if (c == '\n') {
				b->wsp = false; /* relaxed: no WSP at a line's end */
				line_end(b);
				continue;
			}
			/* a CR alone is content */
			flush_crlfs(b);
			if (b->wsp)
				out(b, " ", 1), b->wsp = false;
			out(b, "\r", 1);
		}
		if (c == '\r') {
			b->cr = true;
			continue;
		}
		if (b->canon == DKIM_RELAXED && (c == ' ' || c == '\t')) {
			b->wsp = true;
			continue;
		}
		flush_crlfs(b);
		if (b->wsp)
			out(b, " ", 1), b->wsp = false;
		/* a run of plain bytes goes out at once */
		run = 1;
		while (i + run < n && p[i + run] != '\r' &&
		       !(b->canon == DKIM_RELAXED && (p[i + run] == ' ' || p[i + run] == '\t')))
			run++;
		out(b, p + i, run);
		i += run - 1;
	}
}

const unsigned char *dkim_bh_final(dkim_bh *b, size_t *len, long long *hashed,
                                     long long *total)
{
	if (!b->done) {
		if (b->cr) { /* a final CR without LF is content */
			b->cr = false;
			flush_crlfs(b);
			out(b, "\r", 1);
		}
		/* simple: exactly one CRLF ends the body, also an empty one;
		 * relaxed: one CRLF after content, nothing for an empty body */
		if (b->canon == DKIM_SIMPLE || b->any) {
			if (b->any && b->crlfs == 0) /* a last line without its CRLF */
				line_end(b);
			b->crlfs = 0;
			out(b, "\r\n", 2);
		}
		flush_stage(b);
		b->digest_len = sha_final(&b->sha, b->hash, b->digest);
		b->done = true;
	}
	*len = b->digest_len;
	*hashed = b->hashed;
	*total = b->total;
	return b->digest;
}

long long dkim_bh_prefix(dkim_bh *b, const unsigned char *want, size_t len)
{
	unsigned char d[DKIM_MAX_DIGEST];

	for (size_t k = 0; k < b->n_kept; k++) {
		sha_state s = b->kept[k].sha;

		sha_update(&s, b->hash, "\r\n", 2);
		if (sha_final(&s, b->hash, d) == len && memcmp(d, want, len) == 0 &&
		    b->kept[k].at < b->total)
			return b->kept[k].at;
	}
	return -1;
}

void dkim_bh_free(dkim_bh *b)
{
	free(b);
}

/* ---- headers (RFC 6376 3.4.1, 3.4.2, 3.7) ---- */

static bool wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* A byte of a line break in a header field: an LF, or a CR before one. */
static bool line_break(const char *raw, size_t len, size_t i)
{
	return raw[i] == '\n' || (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n');
}

/* Hash a header field (raw, with folding) canonicalized; with crlf its
 * line end too. */
static void hash_field(sha_state *s, enum dkim_hash h, const char *raw, size_t len,
                       enum dkim_canon canon, bool crlf)
{
	char buf[512];
	size_t n = 0, i = 0;
	bool space = false;

	if (canon == DKIM_SIMPLE) {
		sha_update(s, h, raw, len);
		if (crlf)
			sha_update(s, h, "\r\n", 2);
		return;
	}
	/* relaxed: lower-case name, no WSP around the colon, unfolded, WSP runs
	 * as one SP, none at the end. RFC 6376 3.4.2: unfolding removes the
	 * line breaks (CRLF, or the bare LF a message read as CRLF), never a CR
	 * that ends no line -- that one is content, and a changed byte */
	for (; i < len && raw[i] != ':'; i++)
		if (!wsp(raw[i]) && !line_break(raw, len, i)) {
			if (n == sizeof(buf))
				sha_update(s, h, buf, n), n = 0;
			buf[n++] = (char)tolower((unsigned char)raw[i]);
		}
	if (n == sizeof(buf))
		sha_update(s, h, buf, n), n = 0;
	buf[n++] = ':';
	for (i = i < len ? i + 1 : i; i < len && (wsp(raw[i]) || line_break(raw, len, i)); i++)
		;
	for (; i < len; i++) {
		char c = raw[i];

		if (line_break(raw, len, i))
			continue;
		if (wsp(c)) {
			space = true;
			continue;
		}
		if (n + 2 > sizeof(buf))
			sha_update(s, h, buf, n), n = 0;
		if (space)
			buf[n++] = ' ', space = false;
		buf[n++] = c;
	}
	sha_update(s, h, buf, n);
	if (crlf)
		sha_update(s, h, "\r\n", 2);
}

/* The signature field with the value of b= removed (with the whitespace
 * around it): malloc'd copy, *olen its length. */
static char *without_b(const char *raw, size_t len, size_t *olen)
{
	char *o = malloc(len + 1);
	const char *colon = memchr(raw, ':', len);
	size_t i, n;

	if (!o)
		return NULL;
	if (!colon) {
		memcpy(o, raw, len);
		*olen = len;
		return o;
	}
	i = (size_t)(colon - raw) + 1;
	memcpy(o, raw, i);
	n = i;
	while (i < len) {
		size_t start = i, name, name_end;

		/* one tag-spec: [FWS] name [FWS] "=" value, up to ';' */
		while (i < len && (wsp(raw[i]) || raw[i] == '\r' || raw[i] == '\n'))
			i++;
		name = i;
		while (i < len && raw[i] != '=' && raw[i] != ';' && !wsp(raw[i]) && raw[i] != '\r')
			i++;
		name_end = i;
		while (i < len && (wsp(raw[i]) || raw[i] == '\r' || raw[i] == '\n'))
			i++;
		if (name_end - name == 1 && raw[name] == 'b' && i < len && raw[i] == '=') {
			memcpy(o + n, raw + start, i + 1 - start);
			n += i + 1 - start;
			while (i < len && raw[i] != ';')
				i++;
		} else {
			while (i < len && raw[i] != ';')
				i++;
			memcpy(o + n, raw + start, i - start);
			n += i - start;
		}
		if (i < len)
			o[n++] = raw[i++]; /* the ';' */
	}
	*olen = n;
	return o;
}

size_t dkim_header_digest(const mc_message *msg, const size_t *idx, size_t n,
                          const mc_header *sig, enum dkim_canon canon, enum dkim_hash hash,
                          unsigned char out[DKIM_MAX_DIGEST])
{
	sha_state s;
	size_t len;
	char *self = without_b(sig->raw, sig->raw_len, &len);

	if (!self)
		return 0;
	sha_init(&s, hash);
	for (size_t k = 0; k < n; k++)
		hash_field(&s, hash, msg->headers[idx[k]].raw, msg->headers[idx[k]].raw_len, canon,
		           true);
	hash_field(&s, hash, self, len, canon, false);
	free(self);
	return sha_final(&s, hash, out);
}

/* FNV-1a of a header name, case folded. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = MC_FNV_INIT;

	for (; *s; s++)
		h = mc_fnv1a_byte(h, (unsigned char)tolower((unsigned char)*s));
	return h;
}

size_t dkim_select_headers(const mc_message *msg, char *const *names, size_t n_names,
                           size_t *idx, size_t cap)
{
	/* each distinct name -> the fields of that name, bottom-up: linear in
	 * the fields and names (a signature may list thousands of names over
	 * thousands of fields; a scan per name would be quadratic) */
	struct slot {
		size_t repr;   /* a field with this name, +1; 0: empty slot */
		size_t head;   /* the next field to give, +1; 0: none left */
	} *tab;
	size_t size = 16, n = 0, *next;

	while (size < 2 * msg->n_headers + 1)
		size *= 2;
	tab = calloc(size, sizeof(*tab));
	next = malloc((msg->n_headers ? msg->n_headers : 1) * sizeof(*next));
	if (!tab || !next) {
		free(tab);
		free(next);
		return 0;
	}
	for (size_t i = 0; i < msg->n_headers; i++) {
		size_t k = name_hash(msg->headers[i].name) & (size - 1);

		while (tab[k].repr && strcasecmp(msg->headers[tab[k].repr - 1].name,
		                                 msg->headers[i].name))
			k = (k + 1) & (size - 1);
		if (!tab[k].repr)
			tab[k].repr = i + 1;
		next[i] = tab[k].head; /* pushed on top: the last field comes out first */
		tab[k].head = i + 1;
	}
	for (size_t j = 0; j < n_names && n < cap; j++) {
		size_t k = name_hash(names[j]) & (size - 1);

		while (tab[k].repr && strcasecmp(msg->headers[tab[k].repr - 1].name, names[j]))
			k = (k + 1) & (size - 1);
		if (tab[k].repr && tab[k].head) {
			idx[n++] = tab[k].head - 1;
			tab[k].head = next[tab[k].head - 1];
		}
	}
	free(tab);
	free(next);
	return n;
}
