/*
 * A message's sending server and domains on the DNS blocklists: the client
 * at the trust boundary (when it is a public address) and the From and
 * envelope sender domains, looked up in the lists of the run
 * (lib/blocklist), and said in the explanation: a listing explains mail
 * that passes DMARC and is still refused or junked.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "verify/internal.h"

static const char *domain_of(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;

	return at && at[1] ? at + 1 : NULL;
}

/* How a link's domain was found (--links), the start of its via. */
#define LINK_VIA "a link in the body"
#define MAX_NAMES (3 + 2 * MC_LINKS_MAX_DOMAINS)

static bool via_link(const mc_bl_target *t)
{
	return t->via && strncmp(t->via, LINK_VIA, strlen(LINK_VIA)) == 0;
}

/* What the link domains came to, when the links were read. */
static void explain_links(mc_verify_result *out)
{
	const mc_links *l = &out->links;

	if (!out->links_read)
		return;
	if (l->unreadable)
		verify_say(out, "The links in the body were not read: %s.", l->unreadable);
	else if (l->left_out)
		verify_say(out, "The links in the body go to %zu domains: the first %d were looked up "
		           "on the blocklists, %zu were not.", l->n_domains + l->left_out,
		           MC_LINKS_MAX_DOMAINS, l->left_out);
	if (l->truncated)
		verify_say(out, "Only the first %zu MiB of the body and %zu MiB of each text part "
		           "were read for links.", MC_LINKS_MAX_BODY >> 20, MC_LINKS_MAX_TEXT >> 20);
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
		/* [link, address, domain][blocks, scores]: who, the list, what its code says */
		static const char *const says[3][2] = {
			{N_("A link in the body goes to %s, which is listed on %s (%s): receivers "
			    "that use this list refuse mail that carries such links, whatever SPF, DKIM "
			    "and DMARC say."),
			 N_("A link in the body goes to %s, which is listed on %s (%s): spam filters "
			    "that use it count this against the mail, whatever SPF, DKIM and DMARC say.")},
			{N_("The sending server's address %s is listed on %s (%s): receivers that use "
			    "this list refuse its mail, whatever SPF, DKIM and DMARC say."),
			 N_("The sending server's address %s is listed on %s (%s): spam filters that "
			    "use it count this against the mail, whatever SPF, DKIM and DMARC say.")},
			{N_("The domain %s is listed on %s (%s): receivers that use this list refuse "
			    "its mail, whatever SPF, DKIM and DMARC say."),
			 N_("The domain %s is listed on %s (%s): spam filters that use it count this "
			    "against the mail, whatever SPF, DKIM and DMARC say.")},
		};
		const char *fmt = says[via_link(t) ? 0 : t->ip ? 1 : 2][l->role != MC_BL_BLOCKS];
		const char *meaning = h->n_codes && h->codes[0].meaning ? h->codes[0].meaning
		                      : N_("listed");
		const char *meaning_t = h->n_codes && h->codes[0].meaning_text
		                        ? h->codes[0].meaning_text : _(meaning);
		char *text, *english = mc_both(&text, fmt, (t->name, l->name, meaning),
		                               (t->name, l->name, meaning_t));

		verify_say_made(out, english, text);
	}
}

/* The link domains (and hosts other than the domain and its www.) as
 * names to look up, after the n already in names. */
static size_t link_names(const mc_links *l, const char **names, const char **vias,
                         const char **vias_t, size_t n, char (*via)[2][300])
{
	for (size_t i = 0; i < l->n_domains && n + 2 <= MAX_NAMES; i++) {
		const mc_link_domain *d = &l->domains[i];
		const char *host = d->host;

		snprintf(via[i][0], sizeof(via[i][0]), "%s to %s", LINK_VIA, host);
		snprintf(via[i][1], sizeof(via[i][1]), _("a link in the body to %s"), host);
		names[n] = d->domain;
		vias_t[n] = via[i][1];
		vias[n++] = via[i][0];
		if (strcmp(host, d->domain) &&
		    !(strncmp(host, "www.", 4) == 0 && strcmp(host + 4, d->domain) == 0)) {
			names[n] = host;
			vias_t[n] = via[i][1];
			vias[n++] = via[i][0];
		}
	}
	return n;
}

mc_status verify_blocklists(mc_resolver *r, const mc_bl_set *set, mc_verify_result *out)
{
	const char *names[MAX_NAMES], *vias[MAX_NAMES], *vias_t[MAX_NAMES] = {0};
	char via[MC_LINKS_MAX_DOMAINS][2][300];
	size_t n = 0;
	mc_status st;

	if (!set || mc_bl_set_usable(set) == 0)
		return MC_OK;
	if (out->ip && !mc_ip_is_internal(out->ip)) {
		names[n] = out->ip;
		vias[n++] = N_("the sending server at the trust boundary");
	}
	if (out->from_domain) {
		names[n] = out->from_domain;
		vias[n++] = N_("the From domain");
	}
	if (domain_of(out->mail_from) &&
	    (!out->from_domain || strcasecmp(domain_of(out->mail_from), out->from_domain))) {
		names[n] = domain_of(out->mail_from);
		vias[n++] = N_("the envelope sender's domain");
	}
	n = link_names(&out->links, names, vias, vias_t, n, via);
	if (n == 0)
		return MC_OK;
	if ((st = mc_bl_check_names(r, set, names, vias, vias_t, n, &out->blocklists)) == MC_EINVAL)
		return MC_OK; /* nothing that could be looked up */
	if (st != MC_OK)
		return st;
	out->blocklists_checked = true;
	explain(out);
	explain_links(out);
	return MC_OK;
}
