/*
 * SPF record syntax (RFC 7208 4.5, 4.6.1 and the ABNF of section 12).
 * The whole record is parsed before evaluation: any syntax error anywhere
 * is a permerror (4.6). Errors carry the offset of the offending term.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "spf/internal.h"

bool spf_is_record(const char *txt, size_t len)
{
	return len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 && (len == 6 || txt[6] == ' ');
}

static bool is_delimiter(char c)
{
	return c && strchr(".-+,/_=", c) != NULL;
}

const char *spf_macro_syntax(const char *s, size_t len, bool exp, size_t *bad)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		*bad = i;
		if (c != '%') {
			/* exp= text may hold spaces (RFC 7208 6.2) */
			if ((c < 0x21 || c > 0x7e) && !(exp && c == ' '))
				return N_("character not allowed in a macro-string");
			continue;
		}
		if (i + 1 >= len)
			/* xgettext:no-c-format */
			return N_("'%' at the end: write '%%' for a literal percent sign");
		c = (unsigned char)s[++i];
		if (c == '%' || c == '_' || c == '-')
			continue;
		if (c != '{')
			/* xgettext:no-c-format */
			return N_("'%' must be followed by '{', '%', '_' or '-'");
		if (++i >= len || !strchr(exp ? "slodiphcrtv" : "slodiphv", tolower((unsigned char)s[i])))
			return exp ? N_("unknown macro letter")
			       : N_("unknown macro letter (c, r and t are only for exp=)");
		i++;
		while (i < len && isdigit((unsigned char)s[i]))
			i++;
		if (i < len && tolower((unsigned char)s[i]) == 'r')
			i++;
		while (i < len && is_delimiter(s[i]))
			i++;
		if (i >= len || s[i] != '}')
			return N_("macro not closed by '}'");
	}
	return NULL;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool is_toplabel(const char *s, size_t n)
{
	bool alpha = false, hyphen = false;

	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = true;
		else if (s[i] == '-')
			hyphen = true;
		else if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return alpha || hyphen;
}

/* domain-spec = macro-string domain-end;
 * domain-end = ( "." toplabel [ "." ] ) / macro-expand */
static const char *domain_spec_syntax(const char *s, size_t len, size_t *bad)
{
	const char *why = spf_macro_syntax(s, len, false, bad);
	size_t end = len, dot;

	if (why)
		return why;
	*bad = 0;
	if (len == 0)
		return N_("missing domain");
	if (s[len - 1] == '}')
		return NULL;
	if (len >= 2 && s[len - 2] == '%' && strchr("%_-", s[len - 1])) {
		/* "%%" ends a macro-expand only if its '%' is not itself escaped */
		size_t k = len - 2, run = 0;

		while (k < len && s[k] == '%') {
			run++;
			if (k == 0)
				break;
			k--;
		}
		if (run % 2 == 1)
			return NULL;
	}
	if (s[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0)
		return N_("the domain needs at least two labels (RFC 7208 domain-end)");
	if (!is_toplabel(s + dot, end - dot))
		return N_("the last label is not a valid top-level label");
	return NULL;
}

/* "/" ("0" / %x31-39 0*nDIGIT), at most max */
static int parse_cidr(const char *s, size_t n, int max)
{
	int v = 0;

	if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Strip a dual-cidr-length from the end of [s, s+*len): the domain-spec
 * cannot end in "/digits", so the suffix is unambiguous. */
static const char *strip_dual_cidr(const char *s, size_t *len, spf_term *t, bool v4, bool v6)
{
	size_t n = *len, k = n;

	while (k > 0 && isdigit((unsigned char)s[k - 1]))
		k--;
	if (k == n || k == 0 || s[k - 1] != '/')
		return NULL;
	if (v6 && k >= 2 && s[k - 2] == '/') {
		if ((t->cidr6 = parse_cidr(s + k, n - k, 128)) < 0)
			return N_("bad IPv6 prefix length (0 to 128, no leading zeros)");
		n = k - 2;
		k = n;
		while (k > 0 && isdigit((unsigned char)s[k - 1]))
			k--;
		if (k == n || k == 0 || s[k - 1] != '/') {
			*len = n;
			return NULL;
		}
	}
	if (!v4)
		return N_("unexpected prefix length");
	if ((t->cidr4 = parse_cidr(s + k, n - k, 32)) < 0)
		return N_("bad IPv4 prefix length (0 to 32, no leading zeros)");
	*len = k - 1;
	return NULL;
}

static const char *parse_ip(spf_term *t, const char *arg, size_t len)
{
	char buf[64];
	size_t n = len;
	const char *why;
	int family = t->kind == SPF_IP4 ? AF_INET : AF_INET6;

	if (t->kind == SPF_IP4) {
		why = strip_dual_cidr(arg, &n, t, true, false);
	} else {
		/* ip6 takes a single "/len" */
		size_t k = n;

		while (k > 0 && isdigit((unsigned char)arg[k - 1]))
			k--;
		why = NULL;
		if (k < n && k > 0 && arg[k - 1] == '/') {
			if ((t->cidr6 = parse_cidr(arg + k, n - k, 128)) < 0)
				why = N_("bad IPv6 prefix length (0 to 128, no leading zeros)");
			n = k - 1;
		}
	}
	if (why)
		return why;
	if (n == 0 || n >= sizeof(buf))
		return N_("missing or bad address");
	memcpy(buf, arg, n);
	buf[n] = '\0';
	if (inet_pton(family, buf, t->net) != 1)
		return family == AF_INET ? N_("not an IPv4 address") : N_("not an IPv6 address");
	return NULL;
}

static const struct {
	const char *name;
	spf_kind kind;
	int arg;     /* 0: none, 1: optional domain-spec, 2: required */
	bool cidr;   /* dual-cidr-length allowed */
} mechanisms[] = {
	{"all", SPF_ALL, 0, false}, {"include", SPF_INCLUDE, 2, false},
	{"a", SPF_A, 1, true}, {"mx", SPF_MX, 1, true}, {"ptr", SPF_PTR, 1, false},
	{"ip4", SPF_IP4, 2, false}, {"ip6", SPF_IP6, 2, false},
	{"exists", SPF_EXISTS, 2, false},
};

static const char *parse_mechanism(spf_term *t, const char *s, size_t len)
{
	size_t name_len = 0, arg_len;
	const char *arg, *why;

	if (len && strchr("+-~?", s[0])) {
		t->qualifier = s[0];
		s++, len--;
	}
	while (name_len < len && s[name_len] != ':' && s[name_len] != '/')
		name_len++;
	for (size_t i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++) {
		if (strlen(mechanisms[i].name) != name_len ||
		    strncasecmp(s, mechanisms[i].name, name_len) != 0)
			continue;
		t->kind = mechanisms[i].kind;
		arg = s + name_len;
		arg_len = len - name_len;
		if (t->kind == SPF_IP4 || t->kind == SPF_IP6) {
			if (arg_len == 0 || arg[0] != ':')
				return N_("missing address");
			return parse_ip(t, arg + 1, arg_len - 1);
		}
		if (mechanisms[i].cidr && (why = strip_dual_cidr(arg, &arg_len, t, true, true)))
			return why;
		if (arg_len == 0) {
			if (mechanisms[i].arg == 2)
				return N_("missing ':' and domain");
			return NULL;
		}
		if (mechanisms[i].arg == 0)
			return N_("takes no argument");
		if (arg[0] != ':')
			return N_("unexpected text after the mechanism name");
		size_t bad;

		if ((why = domain_spec_syntax(arg + 1, arg_len - 1, &bad)))
			return why;
		t->domain_spec = mc_strndup(arg + 1, arg_len - 1);
		return t->domain_spec ? NULL : N_("out of memory");
	}
	return N_("unknown mechanism");
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
static bool is_modifier_name(const char *s, size_t n)
{
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

static const char *parse_modifier(spf_record *rec, spf_term *t, const char *s, size_t len,
                                  size_t eq)
{
	const char *value = s + eq + 1, *why;
	size_t vlen = len - eq - 1, bad;
	int *slot = NULL;

	if (eq == 8 && strncasecmp(s, "redirect", 8) == 0) {
		t->kind = SPF_REDIRECT;
		slot = &rec->redirect;
	} else if (eq == 3 && strncasecmp(s, "exp", 3) == 0) {
		t->kind = SPF_EXP;
		slot = &rec->exp;
	} else {
		t->kind = SPF_UNKNOWN_MODIFIER;
		why = spf_macro_syntax(value, vlen, false, &bad);
		return why;
	}
	/* RFC 7208 6: redirect and exp each at most once */
	if (*slot >= 0)
		return t->kind == SPF_REDIRECT ? N_("redirect= appears twice")
		       : N_("exp= appears twice");
	*slot = (int)(t - rec->terms);
	if ((why = domain_spec_syntax(value, vlen, &bad)))
		return why;
	t->domain_spec = mc_strndup(value, vlen);
	return t->domain_spec ? NULL : N_("out of memory");
}

static const char *parse_term(spf_record *rec, spf_term *t, const char *s, size_t len)
{
	size_t eq = 0;

	t->cidr4 = 32;
	t->cidr6 = 128;
	t->qualifier = '+';
	while (eq < len && s[eq] != '=' && s[eq] != ':' && s[eq] != '/')
		eq++;
	if (eq < len && s[eq] == '=') {
		if (!is_modifier_name(s, eq))
			return N_("bad modifier name");
		return parse_modifier(rec, t, s, len, eq);
	}
	return parse_mechanism(t, s, len);
}

void spf_record_free(spf_record *rec)
{
	for (size_t i = 0; i < rec->n; i++) {
		free(rec->terms[i].text);
		free(rec->terms[i].domain_spec);
	}
	free(rec->terms);
	memset(rec, 0, sizeof(*rec));
}

mc_status spf_record_parse(const char *txt, size_t len, spf_record *out, size_t *err_pos)
{
	size_t i = 6, cap = 0;

	memset(out, 0, sizeof(*out));
	out->redirect = out->exp = -1;
	*err_pos = 0;
	if (len > SPF_MAX_RECORD)
		return mc_error_set(MC_EPARSE, "position 0: record longer than %d bytes", SPF_MAX_RECORD);
	if (!spf_is_record(txt, len))
		return mc_error_set(MC_EPARSE, "position 0: does not start with 'v=spf1'");
	while (i < len) {
		size_t start, end;
		spf_term *t;
		const char *why;

		if (txt[i] == ' ') {
			i++;
			continue;
		}
		start = i;
		for (end = i; end < len && txt[end] != ' '; end++)
			;
		if (mc_grow(&out->terms, &cap, out->n + 1, sizeof(*out->terms)) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		t = &out->terms[out->n];
		memset(t, 0, sizeof(*t));
		t->pos = start;
		t->text = mc_strndup(txt + start, end - start);
		if (!t->text)
			return mc_error_set(MC_ENOMEM, "out of memory");
		out->n++;
		if ((why = parse_term(out, t, txt + start, end - start))) {
			*err_pos = start;
			char *text, *english = mc_both(&text, N_("position %zu: '%s': %s"),
			                               (start, t->text, why), (start, t->text, _(why)));
			mc_status st = mc_error_set_made(MC_EPARSE, english, text);

			free(english);
			free(text);
			return st;
		}
		i = end;
	}
	return MC_OK;
}
