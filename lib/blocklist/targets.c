/*
 * What to look up for a domain: the domain itself (and its organizational
 * domain) in the domain lists; in the address lists, the addresses that
 * receive its mail (its MX hosts', or its own for an implicit MX, RFC 5321
 * 5.1) and those its SPF record names directly (ip4/ip6 of one host or a
 * short prefix, a, mx; RFC 7208 5). Bounded: at most MC_BL_MAX_TARGETS,
 * and what is left out is said.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blocklist/internal.h"
#include "common/util.h"

#define MAX_HOSTS BL_MAX_HOSTS /* MX hosts taken of one name */
#define MAX_NAMES BL_MAX_NAMES /* SPF a and mx terms followed */
#define MAX_LEFT_OUT 16
#define SHORT_V4 29        /* ip4 prefixes from /29 (8 addresses) are looked up */
#define SHORT_V6 125

void bl_left_out(mc_bl_result *res, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (res->n_left_out >= MAX_LEFT_OUT)
		return;
	char *text;

	va_start(ap, fmt);
	s = mc_vasprintf_both(fmt, ap, &text);
	va_end(ap);
	if (!s)
		return;
	if ((!res->left_out && !(res->left_out = calloc(MAX_LEFT_OUT, sizeof(*res->left_out)))) ||
	    (!res->left_out_text &&
	     !(res->left_out_text = calloc(MAX_LEFT_OUT, sizeof(*res->left_out_text))))) {
		free(s);
		free(text);
		return;
	}
	res->left_out_text[res->n_left_out] = text;
	res->left_out[res->n_left_out++] = s;
}

/* Add a target once; false when there is no room (it is then left out).
 * via_text NULL: via's translation, when the catalogue has one. */
bool bl_add_target_text(mc_bl_result *res, const char *name, bool ip, const char *via,
                        const char *via_text)
{
	for (size_t i = 0; i < res->n_targets; i++)
		if (res->targets[i].ip == ip &&
		    (ip ? mc_ip_equal(res->targets[i].name, name) : strcmp(res->targets[i].name, name) == 0))
			return true;
	if (res->n_targets == MC_BL_MAX_TARGETS) {
		bl_left_out(res, "%s (%s): more than %d names and addresses", name, via ? via : "-",
		            MC_BL_MAX_TARGETS);
		return false;
	}
	if (!res->targets && !(res->targets = calloc(MC_BL_MAX_TARGETS, sizeof(*res->targets))))
		return false;
	if (!via_text && via && mc_i18n_active())
		via_text = _(via);
	res->targets[res->n_targets] = (mc_bl_target){.name = mc_strdup(name), .ip = ip,
	                                              .via = via ? mc_strdup(via) : NULL,
	                                              .via_text = mc_strdup(via_text)};
	if (res->targets[res->n_targets].name)
		res->n_targets++;
	return true;
}

bool bl_add_target(mc_bl_result *res, const char *name, bool ip, const char *via)
{
	return bl_add_target_text(res, name, ip, via, NULL);
}

/* The addresses of an answer (A or AAAA) as targets. */
static void add_addresses(mc_bl_result *res, const mc_dns_answer *a, const char *via)
{
	for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++)
		if (a->rrs[i].type == a->type)
			bl_add_target(res, a->rrs[i].data, true, via);
}

/* An ip4:/ip6: term: its address, or the addresses of a short prefix. */
static void spf_network(mc_bl_result *res, const char *term, const char *net, bool v6)
{
	unsigned char b[16];
	char text[INET6_ADDRSTRLEN], addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(net, '/');
	long len = v6 ? 128 : 32, min = v6 ? SHORT_V6 : SHORT_V4;
	size_t alen = slash ? (size_t)(slash - net) : strlen(net);
	char via[300];

	snprintf(via, sizeof(via), "SPF %s", term);
	if (alen >= sizeof(addr))
		return;
	memcpy(addr, net, alen);
	addr[alen] = '\0';
	if (slash)
		len = strtol(slash + 1, NULL, 10);
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, b) != 1 || len < 0 || len > (v6 ? 128 : 32))
		return;
	if (len < min) {
		bl_left_out(res, "SPF %s: a network of more than %d addresses is not looked up "
		            "address by address", term, 1 << ((v6 ? 128 : 32) - min));
		return;
	}
	for (unsigned k = 0; k < (1u << ((v6 ? 128 : 32) - len)); k++) {
		unsigned char c[16];

		memcpy(c, b, 16);
		c[v6 ? 15 : 3] = (unsigned char)((c[v6 ? 15 : 3] & ~((1u << ((v6 ? 128 : 32) - len)) - 1)) + k);
		if (inet_ntop(v6 ? AF_INET6 : AF_INET, c, text, sizeof(text)) &&
		    !bl_add_target(res, text, true, via))
			return;
	}
}

/* The SPF record among the TXT records of the domain (RFC 7208 4.5), NULL
 * when there is none or more than one. */
static const char *spf_record(const mc_dns_answer *txt)
{
	const char *found = NULL;

	for (size_t i = 0; txt && txt->status == MC_DNS_OK && i < txt->n_rrs; i++) {
		const char *d = txt->rrs[i].data;

		if (txt->rrs[i].type != MC_RR_TXT || strncasecmp(d, "v=spf1", 6) != 0 ||
		    (d[6] && d[6] != ' '))
			continue;
		if (found)
			return NULL;
		found = d;
	}
	return found;
}

/* The names of a and mx terms, the networks of ip4 and ip6 terms. */
void bl_spf_terms(mc_bl_result *res, const mc_dns_answer *txt, struct bl_names *names)
{
	const char *rec = spf_record(txt), *p = rec ? rec + 6 : NULL;

	while (p && *p) {
		char term[256], *t = term;
		size_t n;

		p += strspn(p, " ");
		if (!(n = strcspn(p, " ")))
			break;
		if (n >= sizeof(term)) {
			p += n;
			continue;
		}
		memcpy(term, p, n);
		term[n] = '\0';
		p += n;
		if (term[0] == '-' || term[0] == '~' || term[0] == '?')
			continue; /* not authorized: mail from it is not the domain's */
		if (term[0] == '+')
			t++;
		if (strchr(t, '%'))
			bl_left_out(res, "SPF %s: its target is a macro, known only per message", term);
		else if (strncasecmp(t, "ip4:", 4) == 0 || strncasecmp(t, "ip6:", 4) == 0)
			spf_network(res, term, t + 4, tolower((unsigned char)t[2]) == '6');
		else if (strncasecmp(t, "a", 1) == 0 && (!t[1] || t[1] == ':' || t[1] == '/'))
			bl_name(names, t[1] == ':' ? t + 2 : NULL, false, term);
		else if (strncasecmp(t, "mx", 2) == 0 && (!t[2] || t[2] == ':' || t[2] == '/'))
			bl_name(names, t[2] == ':' ? t + 3 : NULL, true, term);
	}
}

/* Remember the name of an a/mx term (its own domain when NULL). */
void bl_name(struct bl_names *names, const char *target, bool mx, const char *term)
{
	char *name;
	size_t len;

	if (names->n == MAX_NAMES)
		return;
	len = target ? strcspn(target, "/") : 0;
	name = target ? mc_strndup(target, len) : mc_strdup(names->domain);
	if (!name)
		return;
	if (mx && strcasecmp(name, names->domain) == 0) { /* the MX hosts: already taken */
		free(name);
		return;
	}
	names->item[names->n].name = name;
	names->item[names->n].mx = mx;
	names->item[names->n].term = mc_strdup(term);
	names->n++;
}

void bl_names_clear(struct bl_names *names)
{
	for (size_t i = 0; i < names->n; i++) {
		free(names->item[i].name);
		free(names->item[i].term);
	}
	names->n = 0;
}

static bool before(const mc_dns_rr *a, const mc_dns_rr *b)
{
	return a->preference != b->preference ? a->preference < b->preference
	                                      : strcmp(a->data, b->data) < 0;
}

/* The MX hosts of an answer, most preferred first, at most MAX_HOSTS (a
 * null MX has none). */
size_t bl_mx_hosts(const mc_dns_answer *mx, const char **hosts)
{
	const mc_dns_rr *pick[MAX_HOSTS];
	size_t n = 0;

	for (size_t i = 0; mx && mx->status == MC_DNS_OK && i < mx->n_rrs; i++) {
		const mc_dns_rr *rr = &mx->rrs[i];
		size_t k;

		if (rr->type != MC_RR_MX || strcmp(rr->data, ".") == 0 ||
		    (n == MAX_HOSTS && !before(rr, pick[n - 1])))
			continue;
		if (n < MAX_HOSTS)
			n++;
		for (k = n - 1; k > 0 && before(rr, pick[k - 1]); k--)
			pick[k] = pick[k - 1];
		pick[k] = rr;
	}
	for (size_t i = 0; i < n; i++)
		hosts[i] = pick[i]->data;
	return n;
}

/* Addresses of hosts, looked up all at once and added with their via. */
void bl_host_addresses(mc_resolver *r, mc_bl_result *res, const char *const *hosts,
                       char *const *vias, size_t n)
{
	mc_dns_query *q = calloc(2 * n + 1, sizeof(*q));

	if (!q)
		return;
	for (size_t i = 0; i < n; i++) {
		q[2 * i] = (mc_dns_query){.name = hosts[i], .type = MC_RR_A};
		q[2 * i + 1] = (mc_dns_query){.name = hosts[i], .type = MC_RR_AAAA};
	}
	if (mc_dns_resolve(r, q, 2 * n) == MC_OK)
		for (size_t i = 0; i < 2 * n; i++)
			add_addresses(res, q[i].answer, vias[i / 2]);
	free(q);
}

/* The domain's own addresses, for an implicit MX. */
void bl_implicit_mx(mc_bl_result *res, const mc_dns_answer *a, const mc_dns_answer *aaaa)
{
	add_addresses(res, a, N_("implicit MX"));
	add_addresses(res, aaaa, N_("implicit MX"));
}
