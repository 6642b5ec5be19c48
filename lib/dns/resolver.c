/*
 * The resolver front: normalises names, answers from the per-run cache,
 * hands the misses of a batch to the backend in one call (so the network
 * backend can have them all in flight), and logs every query in the order
 * it was asked.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dns/internal.h"

struct mc_resolver {
	const mc_dns_backend *backend;
	void *state;
	bool borrowed;           /* a sibling: the parent owns state */
	mc_dns_cache *cache;
	mc_dns_log_entry *log;
	size_t n_log, cap_log;
	bool dnssec;             /* the backend sets DO and keeps responses */
	ldns_rr_list *anchors;   /* DNSSEC trust anchors, NULL until set */
	bool anchors_borrowed;   /* a sibling's: the parent owns them */
	void *dnssec_memo;       /* chains validated so far (dnssec.c) */
};

mc_status mc_resolver_new_backend(mc_resolver **out, const mc_dns_backend *be, void *state)
{
	mc_resolver *r = calloc(1, sizeof(*r));

	if (r)
		r->cache = mc_dns_cache_new();
	if (!r || !r->cache) {
		free(r);
		be->free(state);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	r->backend = be;
	r->state = state;
	*out = r;
	return MC_OK;
}

mc_status mc_resolver_new_network(mc_resolver **out, const mc_resolver_opts *opts)
{
	void *state;
	mc_status st = mc_dns_net_open(opts, &state);

	if (st != MC_OK)
		return st;
	if ((st = mc_resolver_new_backend(out, &mc_dns_backend_net, state)) != MC_OK)
		return st;
	(*out)->dnssec = opts && opts->dnssec;
	return MC_OK;
}

mc_status mc_resolver_set_trust_anchor(mc_resolver *r, const char *file)
{
	return mc_resolver_set_trust_anchors(r, file ? &file : NULL, file ? 1 : 0);
}

mc_status mc_resolver_set_trust_anchors(mc_resolver *r, const char *const *files, size_t n)
{
	ldns_rr_list *list = NULL;

	if (!r->dnssec)
		return MC_OK; /* nothing to validate: answers carry no DNSSEC data */
	for (size_t i = 0; i < (n ? n : 1); i++) {
		char *why = NULL;
		ldns_rr_list *more = mc_dnssec_anchors_load(n ? files[i] : NULL, &why);

		if (more && list && !ldns_rr_list_cat(list, more)) {
			ldns_rr_list_deep_free(more);
			more = NULL;
		}
		if (!more) {
			mc_error_set(MC_EINVAL, "%s", why ? why : "out of memory");
			free(why);
			ldns_rr_list_deep_free(list);
			return MC_EINVAL;
		}
		if (!list)
			list = more;
		else
			ldns_rr_list_free(more); /* the list, not the records: cat took them */
	}
	if (!r->anchors_borrowed)
		ldns_rr_list_deep_free(r->anchors);
	mc_dnssec_memo_free(r->dnssec_memo);
	r->anchors = list;
	r->anchors_borrowed = false;
	return MC_OK;
}

bool mc_resolver_validates(const mc_resolver *r)
{
	return r->dnssec && r->anchors;
}

void *mc_resolver_dnssec_memo(const mc_resolver *r)
{
	return r->dnssec_memo;
}

void mc_resolver_set_dnssec_memo(mc_resolver *r, void *memo)
{
	r->dnssec_memo = memo;
}

const ldns_rr_list *mc_resolver_anchors(const mc_resolver *r)
{
	return r->dnssec ? r->anchors : NULL;
}

mc_status mc_resolver_new_zones(mc_resolver **out, const char *const *files, size_t n)
{
	void *state;
	mc_status st = mc_dns_zone_open(files, n, &state);

	if (st != MC_OK)
		return st;
	return mc_resolver_new_backend(out, &mc_dns_backend_zone, state);
}

bool mc_resolver_offline(const mc_resolver *r)
{
	return r->backend == &mc_dns_backend_zone;
}

mc_status mc_resolver_new_sibling(mc_resolver **out, const mc_resolver *parent)
{
	mc_resolver *r = calloc(1, sizeof(*r));

	if (r)
		r->cache = mc_dns_cache_new();
	if (!r || !r->cache) {
		free(r);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	r->backend = parent->backend;
	r->state = parent->state;
	r->borrowed = true;
	r->dnssec = parent->dnssec;
	r->anchors = parent->anchors;
	r->anchors_borrowed = true;
	*out = r;
	return MC_OK;
}

void mc_resolver_forget(mc_resolver *r)
{
	mc_dns_cache *fresh = mc_dns_cache_new();

	if (!fresh)
		return; /* keep the old one: memory is short, answers stay valid */
	mc_dns_cache_free(r->cache);
	r->cache = fresh;
	mc_dnssec_memo_free(r->dnssec_memo); /* its keys came from the old answers */
	r->dnssec_memo = NULL;
	r->n_log = 0;
}

size_t mc_resolver_cache_size(const mc_resolver *r)
{
	return mc_dns_cache_size(r->cache);
}

void mc_resolver_free(mc_resolver *r)
{
	if (!r)
		return;
	if (!r->borrowed)
		r->backend->free(r->state);
	if (!r->anchors_borrowed)
		ldns_rr_list_deep_free(r->anchors);
	mc_dnssec_memo_free(r->dnssec_memo);
	mc_dns_cache_free(r->cache);
	free(r->log);
	free(r);
}

static mc_status log_add(mc_resolver *r, const mc_dns_answer *a, bool cached)
{
	if (mc_grow(&r->log, &r->cap_log, r->n_log + 1, sizeof(*r->log)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	r->log[r->n_log].answer = a;
	r->log[r->n_log].cached = cached;
	r->n_log++;
	return MC_OK;
}

/* A query for a name DNS cannot carry is answered here, without a backend. */
static mc_dns_answer *bad_name_answer(const char *key, const char *why)
{
	mc_dns_answer *a = mc_dns_answer_new(key, 0);

	if (a) {
		a->status = MC_DNS_ERROR;
		a->error = mc_both(&a->error_text, N_("invalid name: %s"), (why), (_(why)));
	}
	return a;
}

static mc_dns_answer *find_pending(mc_dns_answer **v, size_t n, const char *key, uint16_t type)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->type == type && strcmp(v[i]->name, key) == 0)
			return v[i];
	return NULL;
}

/* One query of a batch: answered from the cache (or by an earlier query
 * of the same batch), answered here (a name that cannot be asked), or a
 * miss added to miss[*n_miss] for the backend. */
static mc_status sort_query(mc_resolver *r, const char *key, uint16_t type, bool *cached,
                            mc_dns_answer **miss, size_t *n_miss)
{
	const char *why;

	*cached = mc_dns_cache_get(r->cache, key, type) || find_pending(miss, *n_miss, key, type);
	if (*cached)
		return MC_OK;
	if ((why = mc_dns_name_problem(key))) {
		mc_dns_answer *a = bad_name_answer(key, why);

		if (a)
			a->type = type;
		if (!a || mc_dns_cache_put(r->cache, a) != MC_OK)
			return mc_error_set(MC_ENOMEM, "out of memory");
		return MC_OK;
	}
	if (!(miss[*n_miss] = mc_dns_answer_new(key, type)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	(*n_miss)++;
	return MC_OK;
}

/* The misses to the backend, at once; their answers into the cache. */
static mc_status ask_backend(mc_resolver *r, mc_dns_answer **miss, size_t n_miss)
{
	if (n_miss && r->backend->resolve(r->state, miss, n_miss) != MC_OK)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < n_miss; i++) {
		mc_dns_answer *a = miss[i];

		miss[i] = NULL;
		if (mc_dns_cache_put(r->cache, a) != MC_OK)
			return mc_error_set(MC_ENOMEM, "out of memory");
	}
	return MC_OK;
}

mc_status mc_dns_resolve(mc_resolver *r, mc_dns_query *qs, size_t n)
{
	mc_dns_answer **miss = calloc(n ? n : 1, sizeof(*miss));
	bool *cached = calloc(n ? n : 1, sizeof(*cached));
	char **keys = calloc(n ? n : 1, sizeof(*keys));
	size_t n_miss = 0;
	mc_status st = MC_OK;

	if (!miss || !cached || !keys)
		st = mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; st == MC_OK && i < n; i++) {
		if (!qs[i].name)
			st = mc_error_set(MC_EINVAL, "query without a name");
		else if (!(keys[i] = mc_dns_name_fold(qs[i].name)))
			st = mc_error_set(MC_ENOMEM, "out of memory");
		else
			st = sort_query(r, keys[i], qs[i].type, &cached[i], miss, &n_miss);
	}
	if (st == MC_OK)
		st = ask_backend(r, miss, n_miss);
	for (size_t i = 0; st == MC_OK && i < n; i++) {
		qs[i].answer = mc_dns_cache_get(r->cache, keys[i], qs[i].type);
		st = log_add(r, qs[i].answer, cached[i]);
	}
	for (size_t i = 0; i < n_miss; i++)
		mc_dns_answer_free(miss[i]);
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	free(miss);
	free(cached);
	return st;
}

const mc_dns_answer *mc_dns_lookup(mc_resolver *r, const char *name, uint16_t type)
{
	mc_dns_query q = {.name = name, .type = type};

	if (mc_dns_resolve(r, &q, 1) != MC_OK)
		return NULL;
	return q.answer;
}

size_t mc_dns_log_size(const mc_resolver *r)
{
	return r->n_log;
}

void mc_dns_log_rewind(mc_resolver *r, size_t size)
{
	if (size < r->n_log)
		r->n_log = size;
}

mc_status mc_dns_log_copy(const mc_resolver *r, size_t since, mc_dns_log *out)
{
	size_t n = since < r->n_log ? r->n_log - since : 0;

	out->entries = NULL;
	out->n = 0;
	if (n == 0)
		return MC_OK;
	out->entries = malloc(n * sizeof(*out->entries));
	if (!out->entries)
		return mc_error_set(MC_ENOMEM, "out of memory");
	memcpy(out->entries, r->log + since, n * sizeof(*out->entries));
	out->n = n;
	return MC_OK;
}

void mc_dns_log_clear(mc_dns_log *log)
{
	free(log->entries);
	log->entries = NULL;
	log->n = 0;
}

void mc_dns_log_unique(mc_dns_log *log)
{
	size_t kept = 0;

	for (size_t i = 0; i < log->n; i++) {
		size_t k = 0;

		while (k < kept && log->entries[k].answer != log->entries[i].answer)
			k++;
		if (k == kept)
			log->entries[kept++] = log->entries[i];
	}
	log->n = kept;
}

mc_status mc_dns_log_append(const mc_resolver *r, size_t since, mc_dns_log *log)
{
	mc_dns_log more;
	mc_dns_log_entry *all;

	if (mc_dns_log_copy(r, since, &more) != MC_OK)
		return MC_ENOMEM;
	if (more.n == 0)
		return MC_OK;
	all = realloc(log->entries, (log->n + more.n) * sizeof(*all));
	if (!all) {
		mc_dns_log_clear(&more);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	memcpy(all + log->n, more.entries, more.n * sizeof(*all));
	log->entries = all;
	log->n += more.n;
	mc_dns_log_clear(&more);
	return MC_OK;
}

void mc_findings_dns(mc_findings *f, const mc_dns_log *log)
{
	for (size_t i = 0; i < log->n; i++) {
		const mc_dns_answer *a = log->entries[i].answer;
		bool seen = false;

		if (a->status != MC_DNS_TCP_FAILED)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = log->entries[k].answer == a;
		if (seen)
			continue;
		/* the reason alone, without the net backend's "... over TCP failed: " */
		const char *why = a->error ? strstr(a->error, "TCP failed: ") : NULL;

		why = why ? why + strlen("TCP failed: ") : a->error ? a->error : "no reason given";
		/* RFC 7766 5: TCP is required of every DNS implementation */
		mc_finding_hint(mc_finding_add(f, "dns.tcp_failed", MC_SEV_ERROR,
			"the answer to %s %s was truncated (too large for UDP) and asking again over "
			"TCP failed: %s; the partial answer was not used, so this lookup counts as a "
			"DNS failure, not as a missing record", a->name, mc_dns_type_name(a->type), why),
			"make sure that firewalls between this machine and the nameserver let DNS "
			"over TCP port 53 through (RFC 7766 requires it); if the nameserver itself "
			"does not answer over TCP, fix it -- large records (long SPF records, "
			"2048-bit DKIM keys) are only ever fetched that way");
	}
}
