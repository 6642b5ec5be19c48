/*
 * The records a domain publishes beside MX, SPF, DMARC and DKIM: MTA-STS
 * (RFC 8461 3.1), TLS-RPT (RFC 8460 3) and BIMI (draft-brand-indicators-
 * for-message-identification, its tag syntax is DKIM's). Each parser is
 * bounded by the record's length and reports the offset of the first
 * problem; none allocates more than the record holds.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/tags.h"
#include "common/util.h"
#include "domain/internal.h"

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * RFC 8461 3.1 / RFC 8460 3: fields "name=value" separated by ";" with
 * optional WSP; a name is 1*32 of ALPHA / DIGIT / "_" / "-" / "."; a value is
 * 1* of %x21-3A / %x3C / %x3E-7E (visible characters but ";" and "=").
 * Calls field() for each; returns why the list is malformed, or NULL.
 */
typedef const char *(*field_fn)(void *arg, const char *name, size_t nlen, const char *value,
                                size_t vlen, size_t index);

static const char *fields_parse(const char *s, size_t len, size_t *pos, field_fn field, void *arg)
{
	size_t i = 0, index = 0;

	while (i < len) {
		size_t n0, n1, v0;
		const char *why;

		while (i < len && is_wsp(s[i]))
			i++;
		if (i == len)
			break; /* a trailing ";" */
		*pos = n0 = i;
		while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' ||
		                   s[i] == '.'))
			i++;
		n1 = i;
		if (n1 == n0)
			return N_("expected a field name");
		if (n1 - n0 > 32)
			return N_("a field name is at most 32 characters");
		if (i == len || s[i] != '=') {
			*pos = i;
			return N_("expected '=' after the field name");
		}
		v0 = ++i;
		while (i < len && s[i] > 0x20 && s[i] < 0x7f && s[i] != ';' && s[i] != '=')
			i++;
		if (i == v0) {
			*pos = i;
			return N_("the field has no value");
		}
		if ((why = field(arg, s + n0, n1 - n0, s + v0, i - v0, index++))) {
			*pos = v0;
			return why;
		}
		while (i < len && is_wsp(s[i]))
			i++;
		if (i < len && s[i] != ';') {
			*pos = i;
			return s[i] == '=' ? N_("'=' inside a value")
			                   : N_("expected ';' between fields");
		}
		i++;
	}
	return NULL;
}

static bool name_is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && memcmp(name, want, nlen) == 0;
}

bool domain_is_sts(const char *s, size_t len)
{
	/* RFC 8461 3.1: records that do not begin with "v=STSv1;" are discarded */
	return len >= 7 && memcmp(s, "v=STSv1", 7) == 0 &&
	       (len == 7 || s[7] == ';' || is_wsp(s[7]));
}

struct sts_parse {
	char *id;
	bool have_v, have_id;
};

static const char *sts_field(void *arg, const char *name, size_t nlen, const char *v, size_t vlen,
                             size_t index)
{
	struct sts_parse *p = arg;

	if (index == 0) {
		if (!name_is(name, nlen, "v") || vlen != 5 || memcmp(v, "STSv1", 5) != 0)
			return N_("the record must begin with v=STSv1");
		p->have_v = true;
		return NULL;
	}
	if (name_is(name, nlen, "v"))
		return N_("v= appears twice");
	if (name_is(name, nlen, "id")) {
		if (p->have_id)
			return N_("id= appears twice");
		if (vlen > 32)
			return N_("id= is at most 32 letters and digits");
		for (size_t k = 0; k < vlen; k++)
			if (!isalnum((unsigned char)v[k]))
				return N_("id= holds only letters and digits (1 to 32 of them)");
		p->have_id = true;
		p->id = mc_strndup(v, vlen);
	}
	return NULL; /* other fields are extensions: ignored (RFC 8461 3.1) */
}

const char *domain_sts_parse(const char *s, size_t len, char **id, size_t *pos)
{
	struct sts_parse p = {0};
	const char *why;

	*id = NULL;
	*pos = 0;
	why = fields_parse(s, len, pos, sts_field, &p);
	if (!why && !p.have_v)
		why = N_("the record must begin with v=STSv1");
	if (!why && !p.have_id) {
		*pos = len;
		why = N_("id= is missing (RFC 8461 3.1 requires it: senders fetch a new policy when "
		         "it changes)");
	}
	if (why)
		free(p.id);
	else
		*id = p.id;
	return why;
}

bool domain_is_tlsrpt(const char *s, size_t len)
{
	return len >= 10 && memcmp(s, "v=TLSRPTv1", 10) == 0 &&
	       (len == 10 || s[10] == ';' || is_wsp(s[10]));
}

struct tlsrpt_parse {
	char **rua;
	size_t n_rua;
	bool have_v, have_rua;
	size_t bad_at; /* offset of a bad URI inside the value */
};

/* RFC 8460 3: rua = uri *("," uri); mailto: or https: (RFC 8460 3 "tlsrpt-uri") */
static const char *tlsrpt_field(void *arg, const char *name, size_t nlen, const char *v,
                                size_t vlen, size_t index)
{
	struct tlsrpt_parse *p = arg;

	if (index == 0) {
		if (!name_is(name, nlen, "v") || vlen != 8 || memcmp(v, "TLSRPTv1", 8) != 0)
			return N_("the record must begin with v=TLSRPTv1");
		p->have_v = true;
		return NULL;
	}
	if (!name_is(name, nlen, "rua"))
		return NULL; /* extensions are ignored */
	if (p->have_rua)
		return N_("rua= appears twice");
	p->have_rua = true;
	for (size_t k = 0; k < vlen;) {
		size_t e = k;

		while (e < vlen && v[e] != ',')
			e++;
		size_t ulen = e - k;
		const char *u = v + k;
		bool mailto = ulen > 7 && strncasecmp(u, "mailto:", 7) == 0 && memchr(u + 7, '@', ulen - 7);
		bool https = ulen > 8 && strncasecmp(u, "https://", 8) == 0;

		if (!mailto && !https) {
			p->bad_at = k;
			return ulen == 0 ? N_("an empty URI in rua=")
			                 : N_("each rua= URI must be mailto:ADDRESS or https://...");
		}
		if (p->n_rua < MC_DOMAIN_MAX_URIS) {
			char **grown = realloc(p->rua, (p->n_rua + 1) * sizeof(*p->rua));

			if (!grown)
				return N_("out of memory");
			p->rua = grown;
			p->rua[p->n_rua++] = mc_strndup(u, ulen);
		}
		k = e + 1;
		if (e == vlen)
			break;
		if (k == vlen) {
			p->bad_at = k;
			return N_("an empty URI in rua=");
		}
	}
	return NULL;
}

const char *domain_tlsrpt_parse(const char *s, size_t len, char ***rua, size_t *n_rua,
                                size_t *pos)
{
	struct tlsrpt_parse p = {0};
	const char *why;

	*rua = NULL;
	*n_rua = 0;
	*pos = 0;
	why = fields_parse(s, len, pos, tlsrpt_field, &p);
	if (why && p.bad_at)
		*pos += p.bad_at;
	if (!why && !p.have_v)
		why = N_("the record must begin with v=TLSRPTv1");
	if (!why && !p.have_rua) {
		*pos = len;
		why = N_("rua= is missing: it says where reports go (RFC 8460 3)");
	}
	if (why) {
		for (size_t i = 0; i < p.n_rua; i++)
			free(p.rua[i]);
		free(p.rua);
		return why;
	}
	*rua = p.rua;
	*n_rua = p.n_rua;
	return NULL;
}

bool domain_is_bimi(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && is_wsp(s[i]))
		i++;
	return len - i >= 7 && strncmp(s + i, "v=BIMI1", 7) == 0;
}

/* One https URI, or empty; a list is comma-separated (l= may name several
 * in older drafts: the first is used). */
static const char *bimi_uri(const mc_tag *t, bool svg, char **out, size_t *at)
{
	size_t n = t->len;

	*out = NULL;
	*at = 0;
	if (n == 0)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (t->value[k] == ',') {
			n = k;
			break;
		}
	if (n < 9 || strncasecmp(t->value, "https://", 8) != 0)
		return svg ? N_("l= must be an https:// URI of the logo (SVG)")
		           : N_("a= must be an https:// URI of the evidence document (a PEM file)");
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)t->value[k] <= 0x20 || (unsigned char)t->value[k] >= 0x7f) {
			*at = k;
			return N_("a space or control character inside the URI");
		}
	if (svg && !(n > 4 && strncasecmp(t->value + n - 4, ".svg", 4) == 0) &&
	    !(n > 5 && strncasecmp(t->value + n - 5, ".svgz", 5) == 0))
		return N_("l= must name an SVG file (.svg or .svgz)");
	*out = mc_strndup(t->value, n);
	return NULL;
}

const char *domain_bimi_parse(const char *s, size_t len, mc_bimi *out, size_t *pos)
{
	mc_tags tags;
	const char *why;
	size_t at;

	*pos = 0;
	if ((why = mc_tags_parse(s, len, &tags, pos)))
		return why;
	if (tags.n == 0 || strcmp(tags.t[0].name, "v") != 0 || tags.t[0].len != 5 ||
	    memcmp(tags.t[0].value, "BIMI1", 5) != 0) {
		*pos = 0;
		return N_("the record must begin with v=BIMI1");
	}
	for (size_t i = 1; i < tags.n; i++) {
		const mc_tag *t = &tags.t[i];
		char **slot = strcmp(t->name, "l") == 0 ? &out->location
		            : strcmp(t->name, "a") == 0 ? &out->authority : NULL;

		if (!slot)
			continue; /* lps=, avp= and unknown tags: ignored */
		if ((why = bimi_uri(t, slot == &out->location, slot, &at))) {
			*pos = (size_t)(t->value - s) + at;
			return why;
		}
	}
	/* "v=BIMI1; l=; a=;" (or no l= at all): the domain declines BIMI */
	out->declined = !out->location && !out->authority;
	return NULL;
}
