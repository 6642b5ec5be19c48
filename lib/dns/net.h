/*
 * Inside the network backend: the nameservers and settings of a network
 * resolver (servers.c reads them from the options or /etc/resolv.conf;
 * net.c asks them).
 */
#ifndef MC_DNS_NET_H
#define MC_DNS_NET_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <sys/socket.h>

#define MAX_TRIES 8

struct server {
	struct sockaddr_storage addr;
	socklen_t len;
	char text[INET6_ADDRSTRLEN + 8];
};

struct net {
	struct server *servers;
	size_t n_servers;
	double timeout_ms;
	int tries;
	bool dnssec;             /* DO bit, responses kept */
};

/* The backend's state, freed. */
void mc_dns_net_free(void *state);

#endif
