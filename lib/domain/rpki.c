/*
 * RPKI route origin validation of a mail server's address (RFC 6811): the
 * route that carries it and its origin AS, as Team Cymru's IP-to-ASN
 * service answers through DNS (origin.asn.cymru.com, origin6.asn.cymru.com:
 * "AS | prefix | CC | registry | date"), against the validated ROA payloads
 * that rpki-client or Routinator writes as JSON ({"roas": [{"asn",
 * "prefix", "maxLength"}, ...]}). Valid: a VRP covers the route with its
 * origin AS and a max length at least the route's; invalid: VRPs cover it,
 * none so; not found: none covers it.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/domain.h"

struct mc_vrp {
	unsigned char addr[16];
	unsigned char len, max_len;
	bool v6;
	uint32_t asn;
};

struct mc_rpki {
	struct mc_vrp *vrps;
	size_t n;
};

const char *mc_rpki_state_name(mc_rpki_state s)
{
	static const char *const names[] = {"not_checked", "valid", "invalid", "not_found"};

	return (unsigned)s < 4 ? names[s] : "?";
}

/* "192.0.2.0/24" or "2001:db8::/32" into addr, length; false when not. */
static bool parse_prefix(const char *s, unsigned char *addr, unsigned char *len, bool *v6)
{
	char ip[64];
	const char *slash = s ? strchr(s, '/') : NULL;
	unsigned n;
	char end;

	if (!slash || (size_t)(slash - s) >= sizeof(ip) || sscanf(slash + 1, "%u%c", &n, &end) != 1)
		return false;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	memset(addr, 0, 16);
	*v6 = strchr(ip, ':') != NULL;
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, ip, addr) != 1 || n > (*v6 ? 128u : 32u))
		return false;
	*len = (unsigned char)n;
	return true;
}

/* "AS13335" or 13335 */
static bool parse_asn(const json_t *v, uint32_t *asn)
{
	const char *s = json_string_value(v);
	unsigned long long n;
	char end;

	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= UINT32_MAX) {
		*asn = (uint32_t)json_integer_value(v);
		return true;
	}
	if (!s)
		return false;
	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	if (sscanf(s, "%llu%c", &n, &end) != 1 || n > UINT32_MAX)
		return false;
	*asn = (uint32_t)n;
	return true;
}

mc_status mc_rpki_load(const char *data, size_t len, mc_rpki **out)
{
	json_error_t e;
	json_t *doc, *roas, *r;
	mc_rpki *k;
	size_t i, bad = 0;

	*out = NULL;
	if (len > MC_RPKI_MAX_BYTES)
		return mc_error_set(MC_EPARSE, "the VRP file is larger than %zu MiB",
		                    MC_RPKI_MAX_BYTES >> 20);
	if (!(doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e)))
		return mc_error_set(MC_EPARSE, "the VRP file is not JSON (line %d: %s)", e.line, e.text);
	roas = json_object_get(doc, "roas");
	if (!json_is_array(roas) || !(k = calloc(1, sizeof(*k))) ||
	    !(k->vrps = calloc(json_array_size(roas) + 1, sizeof(*k->vrps)))) {
		bool shape = !json_is_array(roas);

		json_decref(doc);
		if (shape)
			return mc_error_set(MC_EPARSE, "the VRP file has no \"roas\" list (rpki-client's "
			                    "or Routinator's JSON output)");
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	json_array_foreach(roas, i, r) {
		struct mc_vrp *v = &k->vrps[k->n];
		json_t *ml = json_object_get(r, "maxLength");

		if (!parse_prefix(json_string_value(json_object_get(r, "prefix")), v->addr, &v->len,
		                  &v->v6) ||
		    !parse_asn(json_object_get(r, "asn"), &v->asn) ||
		    (ml && (!json_is_integer(ml) || json_integer_value(ml) < v->len ||
		            json_integer_value(ml) > (v->v6 ? 128 : 32)))) {
			bad++;
			continue;
		}
		v->max_len = ml ? (unsigned char)json_integer_value(ml) : v->len;
		k->n++;
	}
	json_decref(doc);
	if (!k->n && bad) {
		mc_rpki_free(k);
		return mc_error_set(MC_EPARSE, "no entry of the VRP file's \"roas\" is a prefix, an "
		                    "AS and a max length");
	}
	*out = k;
	return MC_OK;
}

void mc_rpki_free(mc_rpki *k)
{
	if (k)
		free(k->vrps);
	free(k);
}

size_t mc_rpki_size(const mc_rpki *k)
{
	return k ? k->n : 0;
}

/* Does prefix a/alen cover b/blen? */
static bool covers(const unsigned char *a, unsigned alen, const unsigned char *b, unsigned blen)
{
	if (alen > blen)
		return false;
	for (unsigned bit = 0; bit < alen; bit++)
		if (((a[bit / 8] ^ b[bit / 8]) >> (7 - bit % 8)) & 1)
			return false;
	return true;
}

mc_rpki_state mc_rpki_validate(const mc_rpki *k, const char *prefix, uint32_t asn)
{
	unsigned char addr[16], len;
	bool v6, covered = false;

	if (!k || !parse_prefix(prefix, addr, &len, &v6))
		return MC_RPKI_NOT_CHECKED;
	for (size_t i = 0; i < k->n; i++) {
		const struct mc_vrp *v = &k->vrps[i];

		if (v->v6 != v6 || !covers(v->addr, v->len, addr, len))
			continue;
		covered = true;
		/* RFC 6811 2: AS 0 in a VRP matches no route */
		if (v->asn == asn && asn != 0 && len <= v->max_len)
			return MC_RPKI_VALID;
	}
	return covered ? MC_RPKI_INVALID : MC_RPKI_NOT_FOUND;
}

bool mc_rpki_origin_parse(const char *txt, uint32_t *asn, char *prefix, size_t size)
{
	const char *bar = txt ? strchr(txt, '|') : NULL;
	unsigned long long n;
	char p[64];

	/* "13335 | 1.1.1.0/24 | AU | apnic | 2011-08-11"; a route with several
	 * origins (MOAS) lists them all before the bar: the first is taken */
	if (!bar || sscanf(txt, "%llu", &n) != 1 || n > UINT32_MAX ||
	    sscanf(bar + 1, " %63[^ |]", p) != 1 || !strchr(p, '/') || strlen(p) >= size)
		return false;
	*asn = (uint32_t)n;
	snprintf(prefix, size, "%s", p);
	return true;
}

/* Team Cymru's name for an address: its octets (or nibbles) reversed. */
static bool cymru_name(const char *address, char *name, size_t size)
{
	unsigned char a[16];
	size_t at = 0;

	if (inet_pton(AF_INET, address, a) == 1)
		return snprintf(name, size, "%u.%u.%u.%u.origin.asn.cymru.com", a[3], a[2], a[1], a[0]) <
		       (int)size;
	if (inet_pton(AF_INET6, address, a) != 1)
		return false;
	for (int i = 15; i >= 0 && at + 4 < size; i--)
		at += (size_t)snprintf(name + at, size - at, "%x.%x.", a[i] & 15, a[i] >> 4);
	return at + 24 < size &&
	       snprintf(name + at, size - at, "origin6.asn.cymru.com") < (int)(size - at);
}

mc_status mc_rpki_check(mc_resolver *r, const mc_rpki *k, const char *address,
                        mc_rpki_result *out)
{
	char name[128];
	mc_dns_query q = {.name = name, .type = MC_RR_TXT};
	mc_status st;

	memset(out, 0, sizeof(*out));
	if (!k || !cymru_name(address, name, sizeof(name)))
		return MC_OK;
	if ((st = mc_dns_resolve(r, &q, 1)) != MC_OK)
		return st;
	for (size_t i = 0; q.answer && q.answer->status == MC_DNS_OK && i < q.answer->n_rrs; i++)
		if (q.answer->rrs[i].type == MC_RR_TXT &&
		    mc_rpki_origin_parse(q.answer->rrs[i].data, &out->asn, out->prefix,
		                         sizeof(out->prefix))) {
			out->state = mc_rpki_validate(k, out->prefix, out->asn);
			return MC_OK;
		}
	out->no_origin = true; /* no route in the table, or the lookup failed */
	return MC_OK;
}
