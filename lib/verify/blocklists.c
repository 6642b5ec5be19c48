/*
 * A message's sending server and domains on the DNS blocklists: the client
 * at the trust boundary (when it is a public address) and the From and
 * envelope sender domains, looked up in the lists of the run
 * (lib/blocklist), and said in the explanation: a listing explains mail
 * that passes DMARC and is still refused or junked.
 */
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "verify/internal.h"

static const char *domain_of(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;

	return at && at[1] ? at + 1 : NULL;
}

/* One sentence per listing on a list that blocks or scores. */
static void explain(mc_verify_result *out)
{
	const mc_bl_result *b = &out->blocklists;

	for (size_t i = 0; i < b->n_hits; i++) {
		const mc_bl_hit *h = &b->hits[i];
		const mc_bl_list *l = mc_bl_set_list(b->set, h->list);
		const mc_bl_target *t = &b->targets[h->target];

		if (h->state != MC_BL_LISTED || l->role == MC_BL_ALLOWS)
			continue;
		verify_say(out, "%s %s is listed on %s (%s): %s, whatever SPF, DKIM and DMARC say.",
		           t->ip ? "The sending server's address" : "The domain", t->name, l->name,
		           h->n_codes && h->codes[0].meaning ? h->codes[0].meaning : "listed",
		           l->role == MC_BL_BLOCKS ? "receivers that use this list refuse its mail"
		                                   : "spam filters that use it count this against the mail");
	}
}

mc_status verify_blocklists(mc_resolver *r, const mc_bl_set *set, mc_verify_result *out)
{
	const char *names[3], *vias[3];
	size_t n = 0;
	mc_status st;

	if (!set || mc_bl_set_usable(set) == 0)
		return MC_OK;
	if (out->ip && !mc_ip_is_internal(out->ip)) {
		names[n] = out->ip;
		vias[n++] = "the sending server at the trust boundary";
	}
	if (out->from_domain) {
		names[n] = out->from_domain;
		vias[n++] = "the From domain";
	}
	if (domain_of(out->mail_from) &&
	    (!out->from_domain || strcasecmp(domain_of(out->mail_from), out->from_domain))) {
		names[n] = domain_of(out->mail_from);
		vias[n++] = "the envelope sender's domain";
	}
	if (n == 0)
		return MC_OK;
	if ((st = mc_bl_check_names(r, set, names, vias, n, &out->blocklists)) == MC_EINVAL)
		return MC_OK; /* nothing that could be looked up */
	if (st != MC_OK)
		return st;
	out->blocklists_checked = true;
	explain(out);
	return MC_OK;
}
