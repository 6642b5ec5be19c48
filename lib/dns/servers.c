/*
 * The network backend's nameservers: given as ADDR[:PORT] or [V6]:PORT, or
 * read from /etc/resolv.conf by ldns's parser; and its timeout and tries.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dns/internal.h"
#include "dns/net.h"

void mc_dns_net_free(void *state)
{
	struct net *n = state;

	if (n)
		free(n->servers);
	free(n);
}

static int add_server(struct net *n, const struct sockaddr_storage *ss, socklen_t len)
{
	size_t cap = n->n_servers;
	struct server *s;
	char ip[INET6_ADDRSTRLEN] = "?";
	int port;

	if (mc_grow(&n->servers, &cap, n->n_servers + 1, sizeof(*n->servers)) < 0)
		return -1;
	s = &n->servers[n->n_servers++];
	memcpy(&s->addr, ss, len);
	s->len = len;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		port = ntohs(in->sin_port);
		snprintf(s->text, sizeof(s->text), "%s:%d", ip, port);
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		port = ntohs(in6->sin6_port);
		snprintf(s->text, sizeof(s->text), "[%s]:%d", ip, port);
	}
	return 0;
}

/* "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 address. */
static mc_status parse_server(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port_s = NULL, *colon = strchr(spec, ':');
	long port = 53;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (!end || (end[1] && end[1] != ':'))
			goto bad;
		hl = (size_t)(end - spec - 1);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, spec + 1, hl);
		host[hl] = '\0';
		port_s = end[1] ? end + 2 : NULL;
	} else if (colon && !strchr(colon + 1, ':')) {
		hl = (size_t)(colon - spec);
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, spec, hl);
		host[hl] = '\0';
		port_s = colon + 1;
	} else {
		if (strlen(spec) >= sizeof(host))
			goto bad;
		strcpy(host, spec);
	}
	if (port_s) {
		char *end;

		errno = 0;
		port = strtol(port_s, &end, 10);
		if (errno || *end || end == port_s || port < 1 || port > 65535)
			return mc_error_set(MC_EINVAL, "invalid nameserver '%s': bad port", spec);
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return MC_OK;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return MC_OK;
	}
bad:
	return mc_error_set(MC_EINVAL, "invalid nameserver '%s': expected an IPv4 or IPv6 "
	                    "address, optionally with :PORT ([V6]:PORT)", spec);
}

/* The nameservers of /etc/resolv.conf, read by ldns's parser. */
static mc_status servers_from_resolv_conf(struct net *n)
{
	ldns_resolver *res = NULL;
	ldns_status ls = ldns_resolver_new_frm_file(&res, NULL);

	if (ls != LDNS_STATUS_OK)
		return mc_error_set(MC_EIO, "cannot read /etc/resolv.conf: %s "
		                    "(give a nameserver with --dns ADDR)", ldns_get_errorstr_by_id(ls));
	for (size_t i = 0; i < ldns_resolver_nameserver_count(res); i++) {
		size_t size = 0;
		struct sockaddr_storage *ss = ldns_rdf2native_sockaddr_storage(
			ldns_resolver_nameservers(res)[i], 53, &size);

		if (ss && add_server(n, ss, (socklen_t)size) < 0) {
			free(ss);
			ldns_resolver_deep_free(res);
			return mc_error_set(MC_ENOMEM, "out of memory");
		}
		free(ss);
	}
	ldns_resolver_deep_free(res);
	if (n->n_servers == 0)
		return mc_error_set(MC_EIO, "no nameserver in /etc/resolv.conf "
		                    "(give one with --dns ADDR)");
	return MC_OK;
}

mc_status mc_dns_net_open(const mc_resolver_opts *opts, void **state)
{
	struct net *n = calloc(1, sizeof(*n));
	mc_status st = MC_OK;

	if (!n)
		return mc_error_set(MC_ENOMEM, "out of memory");
	n->timeout_ms = (opts && opts->timeout > 0 ? opts->timeout : 5.0) * 1000.0;
	n->tries = opts && opts->tries > 0 ? opts->tries : 3;
	n->dnssec = opts && opts->dnssec;
	if (n->tries > MAX_TRIES)
		n->tries = MAX_TRIES;
	if (opts && opts->n_servers) {
		for (size_t i = 0; st == MC_OK && i < opts->n_servers; i++) {
			struct sockaddr_storage ss;
			socklen_t len = 0;

			st = parse_server(opts->servers[i], &ss, &len);
			if (st == MC_OK && add_server(n, &ss, len) < 0)
				st = mc_error_set(MC_ENOMEM, "out of memory");
		}
	} else {
		st = servers_from_resolv_conf(n);
	}
	if (st != MC_OK) {
		mc_dns_net_free(n);
		return st;
	}
	*state = n;
	return MC_OK;
}
