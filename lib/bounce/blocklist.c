/*
 * Refusals for reputation: a reply that names a DNS blocklist ("blocked
 * using zen.spamhaus.org", a Spamhaus or Barracuda lookup URL, "listed at"),
 * or Microsoft's own list (S3150, 5.7.606-649 "banned sending IP"), is read
 * as such; the address it names (or the reporting MTA's) is then looked up
 * now in the lists (lib/blocklist): still listed, or listed no more.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce/internal.h"
#include "common/util.h"

/* Marks of a list in a reply: its zone, its lookup pages, its name. */
static const struct {
	const char *mark, *list, *name;
} named[] = {
	{"dbl.spamhaus.org", "dbl", "Spamhaus DBL"}, {"spamhaus", "zen", "Spamhaus"},
	{"barracuda", "barracuda", "Barracuda"}, {"spamcop", "spamcop", "SpamCop"},
	{"psbl", "psbl", "PSBL"}, {"surriel.com", "psbl", "PSBL"},
	{"uceprotect", "uceprotect1", "UCEPROTECT"}, {"mailspike", "mailspike", "Mailspike"},
	{"surbl", "surbl", "SURBL"}, {"uribl", "uribl", "URIBL"},
};

/* Words of a refusal for a listing on some list (none named). */
static const char *const words[] = {
	"blocked using", "blacklisted", "blocklisted", "blacklist", "blocklist", "block list",
	"black list", "dnsbl", " rbl", "is listed at", "is listed on", "listed by",
};

/* Microsoft's own list (Outlook.com): S3150, and 5.7.606-5.7.649
 * (learn.microsoft.com, "Fix NDR error 550 5.7.606-649"). */
static bool microsoft_list(const mc_bounce_rcpt *r)
{
	long d;

	if (strcasestr(r->diagnostic, "S3150") || strcasestr(r->diagnostic, "banned sending ip"))
		return true;
	if (!r->status || !r->provider || strcmp(r->provider, "microsoft") ||
	    strncmp(r->status + 1, ".7.", 3))
		return false;
	d = strtol(r->status + 4, NULL, 10);
	return d >= 606 && d <= 649;
}

/* The first public address in text (the listed one, as "[192.0.2.1]"). */
static char *address_in(const char *text)
{
	for (const char *p = text; *p; p++) {
		size_t n = strspn(p, "0123456789abcdefABCDEF:.");
		char buf[INET6_ADDRSTRLEN];
		unsigned char b[16];

		if (n < 7 || n >= sizeof(buf) || (p > text && strchr("0123456789.:", p[-1]))) {
			p += n ? n - 1 : 0;
			continue;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		if ((inet_pton(AF_INET, buf, b) == 1 || inet_pton(AF_INET6, buf, b) == 1) &&
		    !mc_ip_is_internal(buf))
			return mc_strdup(buf);
		p += n - 1;
	}
	return NULL;
}

bool bounce_blocklist_reply(mc_bounce_rcpt *r, const char *who)
{
	const char *name = NULL;
	bool word = false;

	/* a mailbox, domain or size refusal (X.1-X.3) is not about reputation */
	if (!r->diagnostic || (r->status && strchr("123", r->status[2])))
		return false;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]) && !name; i++)
		if (strcasestr(r->diagnostic, named[i].mark)) {
			r->blocklist = named[i].list;
			name = named[i].name;
		}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && !word; i++)
		word = strcasestr(r->diagnostic, words[i]) != NULL;
	if (microsoft_list(r)) {
		r->blocklist = "microsoft";
		name = N_("Microsoft's own list of senders, no DNS list");
	} else if (!name && !word) {
		return false;
	}
	r->category = "blocklist";
	r->listed_ip = address_in(r->diagnostic);
	/* with the address the reply names or without, with the list or without */
	static const char *const on[2][2] = {
		{N_("the sending server's address is on a blocklist the receiver uses"),
		 N_("the sending server's address is on a blocklist (%s)")},
		{N_("the sending server's address %s is on a blocklist the receiver uses"),
		 N_("the sending server's address %s is on a blocklist (%s)")},
	};
	const char *fmt = on[r->listed_ip != NULL][name != NULL];
	/* the arguments in the order the message takes them: the address, the list */
	const char *first = r->listed_ip ? r->listed_ip : name ? name : "";
	const char *shown_first = r->listed_ip ? r->listed_ip : name ? _(name) : "";
	char *english = mc_asprintf(fmt, first, name ? name : ""),
	     *shown = mc_i18n_active() ? mc_asprintf(_(fmt), shown_first, name ? _(name) : "")
	                               : NULL;

	bounce_cause(r, who, english, shown, NULL);
	free(english);
	free(shown);
	return true;
}

bool mc_bounce_blocklisted(const mc_bounce_result *res)
{
	for (size_t i = 0; i < res->n_rcpts; i++)
		if (res->rcpts[i].category && !strcmp(res->rcpts[i].category, "blocklist"))
			return true;
	return false;
}

/* What the lookup found, as a finding. */
static void looked_up(mc_bounce_result *res, const mc_bounce_rcpt *rc)
{
	const mc_bl_result *b = &res->blocklists;
	mc_buf lists = {0};
	mc_finding *f;

	for (size_t i = 0; i < b->n_hits; i++)
		if (b->hits[i].state == MC_BL_LISTED &&
		    mc_bl_set_list(b->set, b->hits[i].list)->role != MC_BL_ALLOWS)
			mc_buf_addf(&lists, "%s%s", lists.len ? ", " : "",
			            mc_bl_set_list(b->set, b->hits[i].list)->name);
	if (lists.len) {
		f = rc->recipient
		    ? mc_finding_add(&res->findings, "bounce.still_listed", MC_SEV_ERROR,
		                     "%s, refused for %s, is still listed now: on %s -- mail from it will "
		                     "be refused again until the listing ends", res->blocklist_ip,
		                     rc->recipient, lists.s)
		    : mc_finding_add(&res->findings, "bounce.still_listed", MC_SEV_ERROR,
		                     "%s is still listed now: on %s -- mail from it will be refused again "
		                     "until the listing ends", res->blocklist_ip, lists.s);
		mc_finding_hint(f, "see the blocklist findings below for what each listing means and "
		                "where to ask for removal; stop the cause first");
	} else if (b->verdict == MC_VERDICT_TEMPERROR) {
		mc_finding_add(&res->findings, "bounce.blocklist_not_checked", MC_SEV_WARNING,
		               "%s could not be looked up in every list now (DNS failure or a "
		               "refusal): whether it is still listed is not known", res->blocklist_ip);
	} else if (rc->blocklist) {
		mc_finding_add(&res->findings, "bounce.listed_no_more", MC_SEV_INFO,
		               "%s is on none of the lists asked now (%s among them): the listing has "
		               "ended (or was on a list not asked); mail sent again should not be "
		               "refused for it, though receivers may remember it for a while",
		               res->blocklist_ip, rc->blocklist);
	} else {
		mc_finding_add(&res->findings, "bounce.listed_no_more", MC_SEV_INFO,
		               "%s is on none of the lists asked now: the listing has ended (or was on "
		               "a list not asked); mail sent again should not be refused for it, though "
		               "receivers may remember it for a while", res->blocklist_ip);
	}
	mc_buf_free(&lists);
}

static const mc_bounce_rcpt *first_blocklisted(const mc_bounce_result *res)
{
	for (size_t i = 0; i < res->n_rcpts; i++)
		if (res->rcpts[i].category && !strcmp(res->rcpts[i].category, "blocklist"))
			return &res->rcpts[i];
	return NULL;
}

mc_status mc_bounce_blocklists(mc_resolver *r, mc_bounce_result *res, const mc_bl_set *set)
{
	const mc_bounce_rcpt *rc = first_blocklisted(res);
	size_t since = mc_dns_log_size(r);
	mc_status st;

	if (!rc || res->blocklists_checked)
		return MC_OK;
	if (rc->blocklist && !strcmp(rc->blocklist, "microsoft")) {
		mc_finding_hint(mc_finding_add(&res->findings, "bounce.microsoft_blocklist",
			MC_SEV_ERROR, "Microsoft refused the message because the sending server's address "
			"%s is on Outlook.com's own list of blocked senders, which is no DNS list and "
			"cannot be looked up", rc->listed_ip ? rc->listed_ip : "(not named)"),
			"ask for removal at https://sender.office.com/ (the delist portal), after stopping "
			"what sent the spam");
		return MC_OK;
	}
	res->blocklist_ip = rc->listed_ip ? mc_strdup(rc->listed_ip) : bounce_client_ip(r, res);
	if (!res->blocklist_ip || mc_bl_set_usable(set) == 0) {
		const char *why = !res->blocklist_ip
		        ? N_("the reply names no address, and the reporting server's is not known")
		        : N_("no blocklist answered its test entries (RFC 5782 section 5)");

		mc_finding_both(&res->findings, "bounce.blocklist_not_checked", MC_SEV_WARNING,
		                "the listing was not looked up now: %s", (why), (_(why)));
		return MC_OK;
	}
	if ((st = mc_bl_check(r, set, res->blocklist_ip, &res->blocklists)) != MC_OK)
		return st;
	res->blocklists_checked = true;
	looked_up(res, rc);
	return mc_dns_log_append(r, since, &res->dns);
}
