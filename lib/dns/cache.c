/*
 * The per-run answer cache: (name, type) -> answer, chained hash table that
 * doubles when it is more than 3/4 full. Every answer is cached, failures
 * included, so that one run sees one consistent DNS and a dead server costs
 * its timeout once.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dns/internal.h"

struct entry {
	mc_dns_answer *answer;
	struct entry *next;
};

struct mc_dns_cache {
	struct entry **buckets;
	size_t n_buckets, n;
};

static size_t hash(const char *name, uint16_t type)
{
	return (size_t)((mc_fnv1a(name, strlen(name), MC_FNV_INIT) ^ type) * MC_FNV_PRIME);
}

mc_dns_cache *mc_dns_cache_new(void)
{
	mc_dns_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->n_buckets = 64;
	c->buckets = calloc(c->n_buckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	return c;
}

void mc_dns_cache_free(mc_dns_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_buckets; i++) {
		for (struct entry *e = c->buckets[i], *next; e; e = next) {
			next = e->next;
			mc_dns_answer_free(e->answer);
			free(e);
		}
	}
	free(c->buckets);
	free(c);
}

mc_dns_answer *mc_dns_cache_get(const mc_dns_cache *c, const char *name, uint16_t type)
{
	size_t b = hash(name, type) & (c->n_buckets - 1);

	for (struct entry *e = c->buckets[b]; e; e = e->next)
		if (e->answer->type == type && strcmp(e->answer->name, name) == 0)
			return e->answer;
	return NULL;
}

static int rehash(mc_dns_cache *c)
{
	size_t nb = c->n_buckets * 2;
	struct entry **buckets = calloc(nb, sizeof(*buckets));

	if (!buckets)
		return -1;
	for (size_t i = 0; i < c->n_buckets; i++) {
		for (struct entry *e = c->buckets[i], *next; e; e = next) {
			size_t b = hash(e->answer->name, e->answer->type) & (nb - 1);

			next = e->next;
			e->next = buckets[b];
			buckets[b] = e;
		}
	}
	free(c->buckets);
	c->buckets = buckets;
	c->n_buckets = nb;
	return 0;
}

mc_status mc_dns_cache_put(mc_dns_cache *c, mc_dns_answer *a)
{
	struct entry *e;
	size_t b;

	if (c->n + 1 > c->n_buckets / 4 * 3 && rehash(c) < 0)
		goto nomem;
	e = malloc(sizeof(*e));
	if (!e)
		goto nomem;
	b = hash(a->name, a->type) & (c->n_buckets - 1);
	e->answer = a;
	e->next = c->buckets[b];
	c->buckets[b] = e;
	c->n++;
	return MC_OK;
nomem:
	mc_dns_answer_free(a);
	return MC_ENOMEM;
}

size_t mc_dns_cache_size(const mc_dns_cache *c)
{
	return c->n;
}
