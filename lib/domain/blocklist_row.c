/*
 * The DNSBL row of a domain: its MX and SPF addresses and its name looked
 * up in the blocklists of the run (lib/blocklist), after every other part,
 * so that DNSSEC validation does not walk the lists' zones; the lookups'
 * log is appended to the domain's.
 */
#include "common/util.h"
#include "domain/internal.h"

/* The first listing on a list of this role, as "ADDRESS on LIST". */
static const mc_bl_hit *first_listing(const mc_bl_result *b, mc_bl_role role, size_t *n)
{
	const mc_bl_hit *first = NULL;

	*n = 0;
	for (size_t i = 0; i < b->n_hits; i++) {
		const mc_bl_hit *h = &b->hits[i];

		if (h->state != MC_BL_LISTED || mc_bl_set_list(b->set, h->list)->role != role)
			continue;
		if (!first)
			first = h;
		(*n)++;
	}
	return first;
}

/* Lists asked about at least one name or address. */
static size_t lists_asked(const mc_bl_result *b)
{
	bool asked[MC_BL_MAX_LISTS] = {false};
	size_t n = 0;

	for (size_t i = 0; i < b->n_hits; i++)
		if (b->hits[i].state != MC_BL_NOT_ASKED && b->hits[i].list < MC_BL_MAX_LISTS &&
		    !asked[b->hits[i].list]) {
			asked[b->hits[i].list] = true;
			n++;
		}
	return n;
}

static void row(mc_domain_result *res, size_t usable, size_t lists)
{
	const mc_bl_result *b = &res->blocklists;
	size_t n_block, n_score;
	const mc_bl_hit *block = first_listing(b, MC_BL_BLOCKS, &n_block);
	const mc_bl_hit *score = first_listing(b, MC_BL_SCORES, &n_score);
	const mc_bl_hit *h = block ? block : score;

	if (h) {
		/* a list that blocks or one that scores; the only listing or the first */
		static const char *const on[2][2] = {
			{N_("%s on %s (scores)"), N_("%s on %s (scores), and more")},
			{N_("%s on %s"), N_("%s on %s, and more")},
		};

		domain_row(res, MC_PART_BLOCKLISTS, block ? MC_PART_ERROR : MC_PART_WARNING,
		           on[block != NULL][n_block + n_score > 1], b->targets[h->target].name,
		           mc_bl_set_list(b->set, h->list)->name);
	}
	else if (b->verdict == MC_VERDICT_TEMPERROR)
		domain_row(res, MC_PART_BLOCKLISTS, MC_PART_TEMPERROR,
		           "not every list could be asked (DNS failure or a refusal)");
	else if (usable < lists)
		domain_row(res, MC_PART_BLOCKLISTS, MC_PART_WARNING,
		           "on none of %zu lists asked; %zu set aside", lists_asked(b), lists - usable);
	else
		domain_row(res, MC_PART_BLOCKLISTS, MC_PART_PASS, b->n_targets == 1
		           ? N_("%zu name on none of %zu lists asked")
		           : N_("%zu names and addresses on none of %zu lists asked"), b->n_targets,
		           lists_asked(b));
}

mc_status domain_blocklists(mc_resolver *r, mc_domain_result *res, const mc_domain_opts *opts)
{
	const mc_bl_set *set = opts ? opts->blocklists : NULL;
	size_t usable = mc_bl_set_usable(set), since = mc_dns_log_size(r);
	mc_status st;

	if (!set) {
		domain_row(res, MC_PART_BLOCKLISTS, MC_PART_NOT_CHECKED, "not asked (--no-blocklists)");
		return MC_OK;
	}
	if (usable == 0) {
		domain_row(res, MC_PART_BLOCKLISTS, MC_PART_NOT_CHECKED, mc_resolver_offline(r)
		           ? N_("no list answered its test entries (RFC 5782 section 5): the zone files "
		                "hold none")
		           : N_("no list answered its test entries (RFC 5782 section 5)"));
		return MC_OK;
	}
	if ((st = mc_bl_check(r, set, res->domain, &res->blocklists)) != MC_OK)
		return st;
	res->blocklists_checked = true;
	row(res, usable, mc_bl_set_count(set));
	if ((st = mc_dns_log_append(r, since, &res->dns)) == MC_OK)
		mc_dns_log_unique(&res->dns);
	return st;
}
