/*
 * The catalogue of blocklists: each list's zone, what it holds, what its
 * return codes mean in its own documentation (the source line of each),
 * where to ask for removal, and its test entries. Codes are not guessed: a
 * code a list does not document is shown as such.
 */
#include <stddef.h>

#include "blocklist/internal.h"
#include "common/util.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define N(rows) (sizeof(rows) / sizeof(rows[0]))

/* Spamhaus: docs.spamhaus.com, "Available Zones" (datasets/040-zones), and
 * the error codes of its public mirrors (spamhaus.org/returnc/, the
 * "help for legacy blocklist users" page): 127.255.255.0/24 are errors. */
#define SPAMHAUS_REFUSALS \
	{IP4(127, 255, 255, 252), IP4(127, 255, 255, 252), true, \
	 N_("error: the list's name was mistyped")}, \
	{IP4(127, 255, 255, 254), IP4(127, 255, 255, 254), true, \
	 N_("error: the query came through a public or open resolver (or one without " \
	 "attributable reverse DNS), which Spamhaus refuses")}, \
	{IP4(127, 255, 255, 255), IP4(127, 255, 255, 255), true, \
	 N_("error: this resolver made too many queries, and Spamhaus refuses it")}, \
	{IP4(127, 255, 255, 0), IP4(127, 255, 255, 255), true, \
	 N_("error: a refusal code of Spamhaus (127.255.255.0/24)")},

static const bl_code_row zen_rows[] = {
	{IP4(127, 0, 0, 2), IP4(127, 0, 0, 2), false,
	 N_("SBL: a known spam source or spam operation (Spamhaus Block List)")},
	{IP4(127, 0, 0, 3), IP4(127, 0, 0, 3), false,
	 N_("CSS: an address that sent low-reputation mail, listed automatically (part of the SBL)")},
	{IP4(127, 0, 0, 4), IP4(127, 0, 0, 7), false,
	 N_("XBL: a machine that is infected, hijacked or an open proxy (Exploits Block List)")},
	{IP4(127, 0, 0, 9), IP4(127, 0, 0, 9), false,
	 N_("DROP: a network hijacked or run by criminals (with the SBL)")},
	{IP4(127, 0, 0, 10), IP4(127, 0, 0, 10), false,
	 N_("PBL: its network's owner says this address should not send mail directly "
	 "(Policy Block List, entry of the ISP)")},
	{IP4(127, 0, 0, 11), IP4(127, 0, 0, 11), false,
	 N_("PBL: an address that should not send mail directly, such as a dynamic or "
	 "end-user address (Policy Block List, entry of Spamhaus)")},
	{IP4(127, 0, 0, 30), IP4(127, 0, 0, 30), false,
	 N_("BCL: a botnet controller (with the SBL)")},
	SPAMHAUS_REFUSALS
};

static const bl_code_row dbl_rows[] = {
	{IP4(127, 0, 1, 2), IP4(127, 0, 1, 2), false, N_("a low-reputation domain, seen in spam")},
	{IP4(127, 0, 1, 4), IP4(127, 0, 1, 4), false, N_("a domain used for phishing")},
	{IP4(127, 0, 1, 5), IP4(127, 0, 1, 5), false, N_("a domain used to spread malware")},
	{IP4(127, 0, 1, 6), IP4(127, 0, 1, 6), false, N_("a botnet controller's domain")},
	{IP4(127, 0, 1, 102), IP4(127, 0, 1, 102), false,
	 N_("a legitimate domain abused to send or promote spam")},
	{IP4(127, 0, 1, 103), IP4(127, 0, 1, 103), false,
	 N_("a legitimate domain abused as a redirector (its links lead to spam)")},
	{IP4(127, 0, 1, 104), IP4(127, 0, 1, 104), false, N_("a legitimate domain abused for phishing")},
	{IP4(127, 0, 1, 105), IP4(127, 0, 1, 105), false,
	 N_("a legitimate domain abused to spread malware")},
	{IP4(127, 0, 1, 106), IP4(127, 0, 1, 106), false,
	 N_("a legitimate domain abused to host a botnet controller")},
	{IP4(127, 0, 1, 255), IP4(127, 0, 1, 255), true,
	 N_("error: an IP address was asked of a domain list")},
	SPAMHAUS_REFUSALS
};

/* spamcop.net/bl.shtml: one code; listings end by themselves when reports stop */
static const bl_code_row spamcop_rows[] = {
	{IP4(127, 0, 0, 2), IP4(127, 0, 0, 2), false,
	 N_("reported by SpamCop users as a source of spam (the listing ends by itself "
	 "when the reports stop)")},
};

/* barracudacentral.org/rbl: one code */
static const bl_code_row barracuda_rows[] = {
	{IP4(127, 0, 0, 2), IP4(127, 0, 0, 2), false,
	 N_("a spam source in the Barracuda Reputation System (spam traps, or an open "
	 "proxy or botnet node seen by its appliances)")},
};

/* psbl.org (psbl.surriel.com/howto): one code */
static const bl_code_row psbl_rows[] = {
	{IP4(127, 0, 0, 2), IP4(127, 0, 0, 2), false,
	 N_("sent mail to PSBL's spam traps (anyone may remove the address at psbl.org)")},
};

/* uceprotect.net, level 1 policy: single addresses, seven days */
static const bl_code_row uceprotect_rows[] = {
	{IP4(127, 0, 0, 2), IP4(127, 0, 0, 2), false,
	 N_("sent mail to UCEPROTECT's spam traps (level 1: this address alone; the "
	 "listing ends seven days after the last spam)")},
};

/* mailspike.org/usage.html: bl = the Z list plus reputation levels L3 to L5 */
static const bl_code_row mailspike_rows[] = {
	{IP4(127, 0, 0, 2), IP4(127, 0, 0, 2), false, N_("part of a distributed spam wave now")},
	{IP4(127, 0, 0, 10), IP4(127, 0, 0, 10), false, N_("reputation L5: the worst")},
	{IP4(127, 0, 0, 11), IP4(127, 0, 0, 11), false, N_("reputation L4: very bad")},
	{IP4(127, 0, 0, 12), IP4(127, 0, 0, 12), false, N_("reputation L3: bad")},
};

/* surbl.org/lists: multi is bitmasked in the last octet */
static const bl_code_row surbl_rows[] = {
	{8, 0, false, N_("PH: a domain in phishing messages")},
	{16, 0, false, N_("MW: a domain of malware sites or payloads")},
	{64, 0, false, N_("ABUSE: a domain in spam and other abuse")},
	{128, 0, false, N_("CR: a cracked (compromised) site")},
};

/* uribl.com/about.shtml and refused.shtml: bitmask; 127.0.0.1 is a refusal */
static const bl_code_row uribl_rows[] = {
	{1, 0, true, N_("error: URIBL refused the query (this resolver sends too many; "
	             "uribl.com/refused.shtml)")},
	{2, 0, false, N_("black: a domain used by spammers")},
	{4, 0, false, N_("grey: a domain in bulk mail, possibly legitimate")},
	{8, 0, false, N_("red: a very young or privacy-protected domain seen in mail")},
};

/* dnswl.org, return codes: 127.0.C.T; 127.0.0.255 is a refusal */
static const bl_code_row dnswl_rows[] = {
	{IP4(127, 0, 0, 255), IP4(127, 0, 0, 255), true,
	 N_("error: dnswl.org refused the query (too many from this resolver)")},
};

const bl_entry bl_catalogue[] = {
	{{.id = "zen", .name = "Spamhaus ZEN", .zone = "zen.spamhaus.org",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_BLOCKS, .ipv6 = true,
	  .removal = "https://check.spamhaus.org/",
	  .source = "https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html",
	  .terms = "free for low-volume, non-commercial use through your own resolver; "
	           "public resolvers are refused (use --dqs-key)"},
	 "zen.dq.spamhaus.net", BL_TABLE, zen_rows, N(zen_rows), "127.0.0.2", "127.0.0.1"},
	{{.id = "dbl", .name = "Spamhaus DBL", .zone = "dbl.spamhaus.org",
	  .kind = MC_BL_KIND_DOMAIN, .role = MC_BL_BLOCKS,
	  .removal = "https://check.spamhaus.org/",
	  .source = "https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html",
	  .terms = "free for low-volume, non-commercial use through your own resolver; "
	           "public resolvers are refused (use --dqs-key)"},
	 "dbl.dq.spamhaus.net", BL_TABLE, dbl_rows, N(dbl_rows), "dbltest.com", "invalid"},
	{{.id = "spamcop", .name = "SpamCop", .zone = "bl.spamcop.net",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_BLOCKS,
	  .removal = "https://www.spamcop.net/bl.shtml",
	  .source = "https://www.spamcop.net/bl.shtml", .terms = NULL},
	 NULL, BL_TABLE, spamcop_rows, N(spamcop_rows), "127.0.0.2", "127.0.0.1"},
	{{.id = "barracuda", .name = "Barracuda", .zone = "b.barracudacentral.org",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_BLOCKS,
	  .removal = "https://www.barracudacentral.org/rbl/removal-request",
	  .source = "https://www.barracudacentral.org/rbl",
	  .terms = "free, but the resolver's address must be registered at "
	           "barracudacentral.org first"},
	 NULL, BL_TABLE, barracuda_rows, N(barracuda_rows), "127.0.0.2", "127.0.0.1"},
	{{.id = "psbl", .name = "PSBL", .zone = "psbl.surriel.com",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_SCORES,
	  .removal = "https://psbl.org/remove", .source = "https://psbl.org/howto/",
	  .terms = NULL},
	 NULL, BL_TABLE, psbl_rows, N(psbl_rows), "127.0.0.2", "127.0.0.1"},
	{{.id = "uceprotect1", .name = "UCEPROTECT level 1", .zone = "dnsbl-1.uceprotect.net",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_SCORES,
	  .removal = "https://www.uceprotect.net/en/rblcheck.php",
	  .source = "https://www.uceprotect.net/en/index.php?m=3&s=3", .terms = NULL},
	 NULL, BL_TABLE, uceprotect_rows, N(uceprotect_rows), "127.0.0.2", "127.0.0.1"},
	{{.id = "mailspike", .name = "Mailspike", .zone = "bl.mailspike.net",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_BLOCKS,
	  .removal = "https://mailspike.org/lookup.html",
	  .source = "https://mailspike.org/usage.html",
	  .terms = "free under 100,000 messages and 100,000 queries a day"},
	 NULL, BL_TABLE, mailspike_rows, N(mailspike_rows), "127.0.0.2", "127.0.0.1"},
	{{.id = "surbl", .name = "SURBL", .zone = "multi.surbl.org",
	  .kind = MC_BL_KIND_DOMAIN, .role = MC_BL_SCORES,
	  .removal = "https://www.surbl.org/surbl-analysis",
	  .source = "https://www.surbl.org/lists",
	  .terms = "free for low-volume use through your own resolver"},
	 NULL, BL_BITS, surbl_rows, N(surbl_rows), "test.surbl.org", "invalid"},
	{{.id = "uribl", .name = "URIBL", .zone = "multi.uribl.com",
	  .kind = MC_BL_KIND_DOMAIN, .role = MC_BL_SCORES,
	  .removal = "https://admin.uribl.com/",
	  .source = "https://uribl.com/about.shtml",
	  .terms = "free for low-volume use; large shared resolvers are refused (127.0.0.1)"},
	 NULL, BL_BITS, uribl_rows, N(uribl_rows), "test.uribl.com", "invalid"},
	{{.id = "dnswl", .name = "DNSWL", .zone = "list.dnswl.org",
	  .kind = MC_BL_KIND_IP, .role = MC_BL_ALLOWS, .ipv6 = true,
	  .removal = "https://www.dnswl.org/",
	  .source = "https://www.dnswl.org/?page_id=15",
	  .terms = "free for low-volume use through your own resolver"},
	 NULL, BL_DNSWL, dnswl_rows, N(dnswl_rows), "127.0.0.2", "127.0.0.1"},
};

const size_t bl_catalogue_n = N(bl_catalogue);

/* A list of the user's own (--list): RFC 5782's rules only. */
static const bl_entry custom_ip = {
	{.role = MC_BL_BLOCKS}, NULL, BL_ANY, NULL, 0, "127.0.0.2", "127.0.0.1"};
static const bl_entry custom_domain = {
	{.role = MC_BL_BLOCKS}, NULL, BL_ANY, NULL, 0, "test", "invalid"};

const bl_entry *bl_entry_of(const mc_bl_list *list)
{
	if (list->custom)
		return list->kind == MC_BL_KIND_IP ? &custom_ip : &custom_domain;
	return &bl_catalogue[list->table];
}

size_t mc_bl_catalogue_count(void)
{
	return N(bl_catalogue);
}

const mc_bl_list *mc_bl_catalogue_list(size_t i)
{
	return i < N(bl_catalogue) ? &bl_catalogue[i].list : NULL;
}
