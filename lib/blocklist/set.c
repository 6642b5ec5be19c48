/*
 * The lists of a run: chosen from the catalogue, the user's own (--list),
 * --only and Spamhaus DQS; then probed once with their test entries (RFC
 * 5782 section 5) so that a list that is dead, lists everything or refuses
 * this resolver is set aside, never read as "listed" or "not listed".
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blocklist/internal.h"
#include "common/util.h"

static char *own(mc_bl_set *s, char *str)
{
	if (str && s->n_owned < sizeof(s->owned) / sizeof(s->owned[0]))
		s->owned[s->n_owned++] = str;
	else if (str) {
		free(str);
		return NULL;
	}
	return str;
}

static bool wanted(const mc_bl_opts *o, const mc_bl_list *l)
{
	if (o->n_only == 0)
		return true;
	for (size_t i = 0; i < o->n_only; i++)
		if ((l->id && strcasecmp(o->only[i], l->id) == 0) || strcasecmp(o->only[i], l->zone) == 0)
			return true;
	return false;
}

/* A DQS key: one DNS label of letters and digits (Spamhaus gives 26). */
static bool dqs_key_ok(const char *k)
{
	size_t n = strlen(k);

	return n >= 1 && n <= 63 &&
	       strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

/* --list ZONE[:ip|:domain] */
static mc_status add_custom(mc_bl_set *s, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	mc_bl_kind kind = MC_BL_KIND_IP;
	char *zone_text, *zone;

	if (colon && strcmp(colon, ":ip") == 0)
		zone_text = mc_strndup(spec, (size_t)(colon - spec));
	else if (colon && strcmp(colon, ":domain") == 0) {
		zone_text = mc_strndup(spec, (size_t)(colon - spec));
		kind = MC_BL_KIND_DOMAIN;
	} else if (colon)
		return mc_error_set(MC_EINVAL, "--list '%s': the kind after ':' must be 'ip' or "
		                    "'domain'", spec);
	else
		zone_text = mc_strdup(spec);
	if (!zone_text)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (mc_domain_normalize(zone_text, &zone) != MC_OK) {
		char *why = mc_strdup(mc_error_last());
		mc_status st = mc_error_set(MC_EINVAL, "--list '%s': not a zone name (%s)", spec,
		                            why ? why : "out of memory");

		free(why);
		free(zone_text);
		return st;
	}
	if (!strchr(zone, '.')) {
		free(zone_text);
		free(zone);
		return mc_error_set(MC_EINVAL, "--list '%s': not a zone name (a list's zone has "
		                    "at least two labels)", spec);
	}
	free(zone_text);
	if (s->n == MC_BL_MAX_LISTS) {
		free(zone);
		return mc_error_set(MC_EINVAL, "--list: at most %d lists", MC_BL_MAX_LISTS);
	}
	own(s, zone);
	s->lists[s->n++] = (mc_bl_list){.id = NULL, .name = zone, .zone = zone, .kind = kind,
	                                .role = MC_BL_BLOCKS, .ipv6 = true, .custom = true};
	return MC_OK;
}

mc_status mc_bl_set_new(mc_bl_set **out, const mc_bl_opts *opts)
{
	static const mc_bl_opts none;
	mc_bl_set *s = calloc(1, sizeof(*s));
	mc_status st = MC_OK;

	*out = NULL;
	if (!opts)
		opts = &none;
	if (!s)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (opts->dqs_key && !dqs_key_ok(opts->dqs_key)) {
		free(s);
		return mc_error_set(MC_EINVAL, "--dqs-key '%s': a DQS key is letters and digits",
		                    opts->dqs_key);
	}
	for (size_t i = 0; i < bl_catalogue_n; i++) {
		mc_bl_list l = bl_catalogue[i].list;

		l.table = i;
		if (opts->dqs_key && bl_catalogue[i].dqs_zone)
			l.zone = own(s, mc_asprintf("%s.%s", opts->dqs_key, bl_catalogue[i].dqs_zone));
		if (l.zone && wanted(opts, &bl_catalogue[i].list))
			s->lists[s->n++] = l;
	}
	for (size_t i = 0; i < opts->n_extra && st == MC_OK; i++)
		st = add_custom(s, opts->extra[i]);
	/* --only applies to the user's own lists too */
	if (st == MC_OK) {
		size_t k = 0;

		for (size_t i = 0; i < s->n; i++)
			if (!s->lists[i].custom || wanted(opts, &s->lists[i]))
				s->lists[k++] = s->lists[i];
		s->n = k;
	}
	for (size_t i = 0; st == MC_OK && i < opts->n_only; i++) {
		bool found = false;

		for (size_t k = 0; k < s->n && !found; k++)
			found = wanted(&(mc_bl_opts){.only = &opts->only[i], .n_only = 1}, &s->lists[k]);
		if (!found)
			st = mc_error_set(MC_EINVAL, "--only '%s': no such list (the lists: zen, dbl, "
			                  "spamcop, barracuda, psbl, uceprotect1, mailspike, surbl, "
			                  "uribl, dnswl, or a zone given with --list)", opts->only[i]);
	}
	if (st != MC_OK) {
		mc_bl_set_free(s);
		return st;
	}
	*out = s;
	return MC_OK;
}

void mc_bl_set_free(mc_bl_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->lists[i].health_reason);
		free(s->lists[i].health_reason_text);
	}
	for (size_t i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s);
}

size_t mc_bl_set_count(const mc_bl_set *s)
{
	return s ? s->n : 0;
}

size_t mc_bl_set_usable(const mc_bl_set *s)
{
	size_t n = 0;

	for (size_t i = 0; s && i < s->n; i++)
		n += s->lists[i].health == MC_BL_HEALTH_WORKING || s->lists[i].health == MC_BL_HEALTH_UNTESTED;
	return n;
}

const mc_bl_list *mc_bl_set_list(const mc_bl_set *s, size_t i)
{
	return s && i < s->n ? &s->lists[i] : NULL;
}

/* What one test query said: its state, and the codes' text for reasons. */
static mc_bl_state test_state(const mc_bl_list *l, const mc_dns_answer *a, char **why,
                              char **why_text)
{
	unsigned char (*addrs)[4];
	mc_bl_code *codes;
	size_t n = 0, n_codes;
	mc_bl_state st;

	*why = *why_text = NULL;
	if (!a || mc_dns_status_is_temporary(a->status)) {
		*why = mc_strdup(a ? mc_dns_why(a) : "out of memory");
		*why_text = a && mc_i18n_active() ? mc_strdup(mc_dns_why_text(a)) : NULL;
		return MC_BL_DNS_ERROR;
	}
	if (a->status != MC_DNS_OK)
		return MC_BL_NOT_LISTED;
	if (!(addrs = calloc(a->n_rrs ? a->n_rrs : 1, sizeof(*addrs))))
		return MC_BL_DNS_ERROR;
	for (size_t i = 0; i < a->n_rrs; i++)
		if (a->rrs[i].type == MC_RR_A)
			memcpy(addrs[n++], a->rrs[i].addr, 4);
	st = mc_bl_read_codes(l, (const unsigned char (*)[4])addrs, n, &codes, &n_codes, why,
	                      why_text);
	for (size_t i = 0; i < n_codes; i++)
		free(codes[i].meaning), free(codes[i].meaning_text);
	free(codes);
	free(addrs);
	return st;
}

/* The health of a list from its two test answers. */
static void judge(mc_bl_list *l, const bl_entry *e, const mc_dns_answer *yes,
                  const mc_dns_answer *no)
{
	char *why_yes, *why_no, *text_yes, *text_no;
	mc_bl_state sy = test_state(l, yes, &why_yes, &text_yes),
	            sn = test_state(l, no, &why_no, &text_no);
	/* the reason of the answer that decides, in both languages */
	bool first = sy == MC_BL_DNS_ERROR || (sn != MC_BL_DNS_ERROR && (sy == MC_BL_REFUSED ||
	             (sn != MC_BL_REFUSED && sn != MC_BL_BAD_ANSWER)));
	const char *why = first ? why_yes : why_no;
	const char *why_t = MC_OR(first ? text_yes : text_no, why);

	if (sy == MC_BL_DNS_ERROR || sn == MC_BL_DNS_ERROR) {
		l->health = MC_BL_HEALTH_DNS_ERROR;
		l->health_reason = mc_both(&l->health_reason_text,
			N_("its test entries could not be asked (%s)"), (why), (why_t));
	} else if (sy == MC_BL_REFUSED || sn == MC_BL_REFUSED) {
		l->health = MC_BL_HEALTH_REFUSED;
		l->health_reason = mc_both(&l->health_reason_text,
			N_("it refused this resolver (%s)"), (why), (why_t));
	} else if (sn == MC_BL_BAD_ANSWER || sy == MC_BL_BAD_ANSWER) {
		const char *entry = sn == MC_BL_BAD_ANSWER ? e->test_unlisted : e->test_listed;

		l->health = MC_BL_HEALTH_LISTS_ALL;
		l->health_reason = mc_both(&l->health_reason_text, N_("it answers its test entry %s "
			"with %s: its domain may be parked or taken over"), (entry, why), (entry, why_t));
	} else if (sn == MC_BL_LISTED) {
		l->health = MC_BL_HEALTH_LISTS_ALL;
		l->health_reason = mc_asprintf_both(&l->health_reason_text, 
			"it lists %s, which no list may list (RFC 5782 section 5): it lists everything, "
			"as a zone left behind when a list shuts down does", e->test_unlisted);
	} else if (sy == MC_BL_NOT_LISTED) {
		l->health = MC_BL_HEALTH_LISTS_NOTHING;
		l->health_reason = mc_asprintf_both(&l->health_reason_text, 
			"it does not list its test entry %s (RFC 5782 section 5): the list is gone, "
			"or does not answer this resolver", e->test_listed);
	} else {
		l->health = MC_BL_HEALTH_WORKING;
	}
	free(why_yes), free(why_no), free(text_yes), free(text_no);
}

mc_status mc_bl_set_probe(mc_bl_set *s, mc_resolver *r)
{
	mc_dns_query *q = calloc(2 * s->n + 1, sizeof(*q));
	char **names = calloc(2 * s->n + 1, sizeof(*names));
	mc_status st = MC_OK;

	if (!q || !names) {
		free(q);
		free(names);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < s->n; i++) {
		const bl_entry *e = bl_entry_of(&s->lists[i]);
		bool ip = s->lists[i].kind == MC_BL_KIND_IP;

		names[2 * i] = bl_query_name(&s->lists[i], e->test_listed, ip);
		names[2 * i + 1] = bl_query_name(&s->lists[i], e->test_unlisted, ip);
		q[2 * i] = (mc_dns_query){.name = names[2 * i], .type = MC_RR_A};
		q[2 * i + 1] = (mc_dns_query){.name = names[2 * i + 1], .type = MC_RR_A};
		if (!names[2 * i] || !names[2 * i + 1])
			st = mc_error_set(MC_EINVAL, "the zone '%s' is too long", s->lists[i].zone);
	}
	if (st == MC_OK)
		st = mc_dns_resolve(r, q, 2 * s->n);
	for (size_t i = 0; st == MC_OK && i < s->n; i++) {
		free(s->lists[i].health_reason);
		free(s->lists[i].health_reason_text);
		s->lists[i].health_reason = s->lists[i].health_reason_text = NULL;
		judge(&s->lists[i], bl_entry_of(&s->lists[i]), q[2 * i].answer, q[2 * i + 1].answer);
	}
	for (size_t i = 0; i < 2 * s->n; i++)
		free(names[i]);
	free(names);
	free(q);
	return st;
}
