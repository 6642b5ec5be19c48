/* Domain names: normalisation and the limits of RFC 1035 2.3.4. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "common/util.h"
#include "dns/internal.h"

char *mc_dns_name_fold(const char *name)
{
	size_t n = strlen(name);
	char *s;

	if (n > 1 && name[n - 1] == '.')
		n--;
	s = mc_strndup(name, n);
	if (!s)
		return NULL;
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

bool mc_dns_name_within(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (n == d)
		return strcasecmp(name, domain) == 0;
	return n > d && name[n - d - 1] == '.' && strcasecmp(name + n - d, domain) == 0;
}

/* RFC 1035 2.3.4: labels of 63 octets or less, names of 255 octets or less
 * on the wire, which is 253 characters in text without the trailing dot. */
const char *mc_dns_name_problem(const char *name)
{
	size_t label = 0, total = strlen(name);

	if (strcmp(name, ".") == 0)
		return NULL;
	if (total == 0)
		return N_("empty name");
	if (total > 253)
		return N_("name longer than 253 characters");
	for (const char *p = name; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0)
				return N_("empty label");
			if (label > 63)
				return N_("label longer than 63 characters");
			if (*p == '\0')
				return NULL;
			label = 0;
		} else {
			label++;
		}
	}
}

static bool has_a_label(const char *name)
{
	for (const char *p = name; *p; p = strchr(p, '.') ? strchr(p, '.') + 1 : p + strlen(p))
		if (strncasecmp(p, "xn--", 4) == 0)
			return true;
	return false;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* An international name to the A-labels DNS asks (RFC 5891 IDNA2008 with
 * UTS #46 non-transitional mapping: upper case and full-width forms folded,
 * "faß.de" kept as xn--fa-hia.de); A-labels given are checked to decode. */
mc_status mc_domain_to_ascii(const char *in, char **out)
{
	char *a = NULL;
	int rc;

	*out = NULL;
	if (is_ascii(in) && !has_a_label(in))
		return (*out = mc_strdup(in)) ? MC_OK : mc_error_set(MC_ENOMEM, "out of memory");
	rc = idn2_to_ascii_8z(in, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
		return mc_error_set(MC_EINVAL, "invalid domain '%s': not a valid international "
		                    "domain name (IDNA2008: %s)", in, idn2_strerror(rc));
	*out = mc_strdup(a);
	idn2_free(a);
	return *out ? MC_OK : mc_error_set(MC_ENOMEM, "out of memory");
}

char *mc_domain_to_unicode(const char *ascii)
{
	char *u = NULL, *copy;

	if (!ascii || !has_a_label(ascii) || idn2_to_unicode_8z8z(ascii, &u, 0) != IDN2_OK)
		return NULL;
	copy = strcasecmp(u, ascii) != 0 ? mc_strdup(u) : NULL;
	idn2_free(u);
	return copy;
}

mc_status mc_domain_normalize(const char *given, char **out)
{
	const char *why, *in = given;
	char *s, *ascii;
	mc_status st;

	*out = NULL;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return mc_error_set(MC_EINVAL, "invalid domain '%s': contains a space or "
			                    "control character", given);
	if ((st = mc_domain_to_ascii(given, &ascii)) != MC_OK)
		return st;
	in = ascii;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			free(ascii);
			return mc_error_set(MC_EINVAL,
				"invalid domain '%s': contains a space or control character", given);
		}
		if (*p == '@' || *p == '/' || *p == '\\' || *p == '[' || *p == ']') {
			st = mc_error_set(MC_EINVAL, "invalid domain '%s': '%c' cannot be in a domain "
			                  "name", given, *p);
			free(ascii);
			return st;
		}
	}
	s = mc_dns_name_fold(in);
	free(ascii);
	if (!s)
		return mc_error_set(MC_ENOMEM, "out of memory");
	why = strcmp(s, ".") == 0 ? N_("the root is not a mail domain") : mc_dns_name_problem(s);
	if (why) {
		char *text, *english = mc_both(&text, N_("invalid domain '%s': %s"), (given, why),
		                               (given, _(why)));

		free(s);
		st = mc_error_set_made(MC_EINVAL, english, text);
		free(english);
		free(text);
		return st;
	}
	*out = s;
	return MC_OK;
}

const char *mc_dns_status_name(mc_dns_status s)
{
	static const char *const names[] = {
		[MC_DNS_OK] = "noerror", [MC_DNS_NODATA] = "nodata",
		[MC_DNS_NXDOMAIN] = "nxdomain", [MC_DNS_SERVFAIL] = "servfail",
		[MC_DNS_REFUSED] = "refused", [MC_DNS_TIMEOUT] = "timeout",
		[MC_DNS_ERROR] = "error", [MC_DNS_TCP_FAILED] = "tcp_failed",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

const char *mc_dns_why(const mc_dns_answer *a)
{
	return a->error ? a->error : mc_dns_status_name(a->status);
}

const char *mc_dns_why_text(const mc_dns_answer *a)
{
	/* the status in words, the DNS name of it kept (as the users' dig shows it) */
	static const char *const words[] = {
		[MC_DNS_OK] = N_("an answer (NOERROR)"), [MC_DNS_NODATA] = N_("no such record (NODATA)"),
		[MC_DNS_NXDOMAIN] = N_("the name does not exist (NXDOMAIN)"),
		[MC_DNS_SERVFAIL] = N_("the server failed (SERVFAIL)"),
		[MC_DNS_REFUSED] = N_("the server refused (REFUSED)"),
		[MC_DNS_TIMEOUT] = N_("no answer in time"), [MC_DNS_ERROR] = N_("a DNS error"),
		[MC_DNS_TCP_FAILED] = N_("asking again over TCP failed"),
	};

	if (!mc_i18n_active())
		return mc_dns_why(a);
	if (a->error)
		return a->error_text ? a->error_text : a->error;
	return (unsigned)a->status < sizeof(words) / sizeof(words[0]) ? _(words[a->status])
	       : _(words[MC_DNS_ERROR]);
}

bool mc_dns_status_is_temporary(mc_dns_status s)
{
	return s == MC_DNS_SERVFAIL || s == MC_DNS_REFUSED ||
	       s == MC_DNS_TIMEOUT || s == MC_DNS_ERROR || s == MC_DNS_TCP_FAILED;
}

const char *mc_dns_rcode_name(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};
	if (rcode < 0)
		return NULL;
	if ((size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return "RCODE?";
}

const char *mc_dns_type_name(uint16_t type)
{
	switch (type) {
	case MC_RR_A: return "A";
	case MC_RR_NS: return "NS";
	case MC_RR_CNAME: return "CNAME";
	case MC_RR_SOA: return "SOA";
	case MC_RR_PTR: return "PTR";
	case MC_RR_MX: return "MX";
	case MC_RR_TXT: return "TXT";
	case MC_RR_AAAA: return "AAAA";
	case MC_RR_SRV: return "SRV";
	case MC_RR_TLSA: return "TLSA";
	case MC_RR_SPF: return "SPF";
	case MC_RR_CAA: return "CAA";
	case MC_RR_DS: return "DS";
	case MC_RR_RRSIG: return "RRSIG";
	case MC_RR_NSEC: return "NSEC";
	case MC_RR_DNSKEY: return "DNSKEY";
	case MC_RR_NSEC3: return "NSEC3";
	default: return "TYPE?";
	}
}
