/*
 * A list's answer read as return codes (RFC 5782 section 2.1: an A record
 * in 127.0.0.0/8 means listed, its value says why), with the list's own
 * table, bits or DNSWL's category and trust; and the names asked.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist/internal.h"
#include "common/util.h"

#define MAX_CODES 16   /* codes kept of one answer; the rest are counted */

const char *mc_bl_state_name(mc_bl_state s)
{
	static const char *const names[] = {"not_listed", "listed", "refused",
	                                    "bad_answer", "dns_error", "not_asked"};

	return s <= MC_BL_NOT_ASKED ? names[s] : "unknown";
}

const char *mc_bl_health_name(mc_bl_health h)
{
	static const char *const names[] = {"untested", "working", "lists_everything",
	                                    "lists_nothing", "refused", "dns_error"};

	return h <= MC_BL_HEALTH_DNS_ERROR ? names[h] : "unknown";
}

const char *mc_bl_role_name(mc_bl_role r)
{
	static const char *const names[] = {"blocks", "scores", "allows"};

	return r <= MC_BL_ALLOWS ? names[r] : "unknown";
}

/* s in the locale's language when local (the text), else as it is (JSON) */
static const char *tr_if(bool local, const char *s)
{
	return local ? _(s) : s;
}

/* DNSWL's categories (dnswl.org, return codes: 127.0.C.T) */
static const char *dnswl_category(unsigned c)
{
	static const char *const names[] = {
		[2] = N_("financial services"), [3] = N_("email service provider"),
		[4] = N_("organisation"), [5] = N_("service or network provider"),
		[6] = N_("personal or private server"), [7] = N_("travel or leisure industry"),
		[8] = N_("public sector or government"), [9] = N_("media or tech company"),
		[10] = N_("special case"), [11] = N_("education or academic"),
		[12] = N_("healthcare"), [13] = N_("manufacturing or industry"),
		[14] = N_("retail, wholesale or services"), [15] = N_("email marketing provider"),
	};

	return c < sizeof(names) / sizeof(names[0]) ? names[c] : NULL;
}

static char *dnswl_meaning(uint32_t v, bool *documented, bool local)
{
	static const char *const trust[] = {N_("none (only avoid outright blocking)"), N_("low"),
	                                    N_("medium"), N_("high")};
	static const char *const fmt = N_("allowlisted: %s, trust %s");
	const char *cat = ((v >> 16) & 0xff) == 0 ? dnswl_category((v >> 8) & 0xff) : NULL;
	unsigned t = v & 0xff;

	*documented = cat && t < 4;
	if (!*documented)
		return mc_strdup(tr_if(local, N_("allowlisted, with a code dnswl.org does not document")));
	return mc_asprintf(tr_if(local, fmt), tr_if(local, cat), tr_if(local, trust[t]));
}

/* The meaning of a bitmasked code: its known bits, joined. */
static char *bits_meaning(const bl_entry *e, uint32_t v, bool *listed, bool *documented,
                          bool local)
{
	mc_buf b = {0};
	uint32_t known = 0, last = v & 0xff;

	*listed = false;
	for (size_t i = 0; i < e->n_rows; i++) {
		if (!(last & e->rows[i].lo))
			continue;
		known |= e->rows[i].lo;
		if (e->rows[i].error)
			continue;
		*listed = true;
		mc_buf_addf(&b, "%s%s", b.len ? "; " : "", tr_if(local, e->rows[i].meaning));
	}
	*documented = last && known == last;
	if (!*listed) {
		mc_buf_free(&b);
		for (size_t i = 0; i < e->n_rows; i++)
			if (e->rows[i].error && (last & e->rows[i].lo))
				return mc_strdup(tr_if(local, e->rows[i].meaning));
		*listed = true;
		return mc_strdup(tr_if(local, N_("listed, with a code the list does not document")));
	}
	if (!*documented)
		mc_buf_addf(&b, "; %s", tr_if(local, N_("and bits the list does not document")));
	return mc_buf_take(&b);
}

/* One code: *listed false for an error code of the list. In English, or
 * (local) in the locale's language. */
static char *meaning_of(const bl_entry *e, uint32_t v, bool *listed, bool *documented,
                        bool local)
{
	const char *undocumented = N_("listed, with a code the list does not document");

	*listed = true;
	*documented = false;
	switch (e->decoder) {
	case BL_ANY:
		return mc_strdup(tr_if(local, N_("listed (a list of your own: its codes are not "
		                                 "known to mailcheck)")));
	case BL_BITS:
		if ((v & 0xffffff00u) != 0x7f000000u) /* 127.0.0.X only */
			return mc_strdup(tr_if(local, undocumented));
		return bits_meaning(e, v, listed, documented, local);
	case BL_DNSWL:
	case BL_TABLE:
		for (size_t i = 0; i < e->n_rows; i++) {
			if (v >= e->rows[i].lo && v <= e->rows[i].hi) {
				*listed = !e->rows[i].error;
				*documented = true;
				return mc_strdup(tr_if(local, e->rows[i].meaning));
			}
		}
		if (e->decoder == BL_DNSWL)
			return dnswl_meaning(v, documented, local);
		return mc_strdup(tr_if(local, undocumented));
	}
	return NULL;
}

mc_bl_state mc_bl_read_codes(const mc_bl_list *list, const unsigned char (*addrs)[4], size_t n,
                             mc_bl_code **codes, size_t *n_codes, char **why, char **why_text)
{
	const bl_entry *e = bl_entry_of(list);
	size_t keep = n < MAX_CODES ? n : MAX_CODES;
	bool any_listed = false, any_error = false;

	*codes = NULL;
	*n_codes = 0;
	*why = *why_text = NULL;
	if (n == 0)
		return MC_BL_NOT_LISTED;
	if (!(*codes = calloc(keep, sizeof(**codes))))
		return MC_BL_DNS_ERROR;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = ((uint32_t)addrs[i][0] << 24) | ((uint32_t)addrs[i][1] << 16) |
		             ((uint32_t)addrs[i][2] << 8) | addrs[i][3];
		mc_bl_code *c = &(*codes)[*n_codes];

		if (addrs[i][0] != 127) { /* RFC 5782 2.3: codes are in 127.0.0.0/8 */
			free(*why);
			free(*why_text);
			*why = mc_asprintf_both(why_text, "%u.%u.%u.%u, which is no return code (RFC "
			                        "5782: codes are in 127.0.0.0/8)",
			                        addrs[i][0], addrs[i][1], addrs[i][2], addrs[i][3]);
			for (size_t k = 0; k < *n_codes; k++)
				free((*codes)[k].meaning), free((*codes)[k].meaning_text);
			*n_codes = 0;
			return MC_BL_BAD_ANSWER;
		}
		if (i >= keep)
			continue;
		snprintf(c->address, sizeof(c->address), "%u.%u.%u.%u", addrs[i][0], addrs[i][1],
		         addrs[i][2], addrs[i][3]);
		c->meaning = meaning_of(e, v, &c->listed, &c->documented, false);
		if (mc_i18n_active())
			c->meaning_text = meaning_of(e, v, &c->listed, &c->documented, true);
		c->role = list->role;
		any_listed |= c->listed;
		if (!c->listed && !any_error) {
			any_error = true;
			*why = mc_asprintf("%s: %s", c->address, c->meaning ? c->meaning : "");
			if (c->meaning_text)
				*why_text = mc_asprintf("%s: %s", c->address, c->meaning_text);
		}
		(*n_codes)++;
	}
	/* an error code among listings still says the answer cannot be trusted */
	return any_error ? MC_BL_REFUSED : any_listed ? MC_BL_LISTED : MC_BL_NOT_LISTED;
}

char *bl_query_name(const mc_bl_list *list, const char *target, bool ip)
{
	unsigned char b[16];
	char rev[80];
	size_t len = 0;
	char *name;

	if (!ip) {
		name = mc_asprintf("%s.%s", target, list->zone);
	} else {
		/* RFC 5782 2.1 (octets) and 2.4 (nibbles), most specific first */
		if (inet_pton(AF_INET, target, b) == 1) {
			snprintf(rev, sizeof(rev), "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
		} else if (inet_pton(AF_INET6, target, b) == 1) {
			for (int k = 15; k >= 0; k--)
				len += (size_t)snprintf(rev + len, sizeof(rev) - len, "%s%x.%x",
				                        k == 15 ? "" : ".", b[k] & 15, b[k] >> 4);
		} else {
			return NULL;
		}
		name = mc_asprintf("%s.%s", rev, list->zone);
	}
	if (name && strlen(name) > 253) { /* RFC 1035 2.3.4 */
		free(name);
		return NULL;
	}
	return name;
}
