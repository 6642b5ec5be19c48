/*
 * DKIM selectors that are commonly used, asked by `mailcheck domain` because
 * DNS cannot list the selectors of a domain (RFC 6376 3.6.2.1: keys live at
 * names only their signer knows). Absence at a guessed selector says
 * nothing. Sources, as documented by each provider for its default setup:
 *   google                     Google Workspace ("google._domainkey")
 *   selector1, selector2       Microsoft 365 / Exchange Online
 *   k1, k2, k3                 Mailchimp (k2, k3 as CNAMEs), Mailgun (k1)
 *   mandrill                   Mailchimp Transactional (Mandrill)
 *   s1, s2, smtpapi            SendGrid (s1/s2 automated security; smtpapi older)
 *   amazonses                  Amazon SES's former selector (Easy DKIM uses per-
 *                              domain tokens, which cannot be guessed)
 *   pm                         Postmark (its newer selectors carry a date prefix)
 *   zoho, zmail                Zoho Mail
 *   fm1, fm2, fm3              Fastmail
 *   protonmail, protonmail2, protonmail3   Proton Mail
 *   mailjet                    Mailjet
 *   hs1, hs2                   HubSpot
 *   mx, smtp, mailo            Mailgun's older defaults
 * and generic names set by hand or by default in OpenDKIM, rspamd, Plesk,
 * cPanel and DirectAdmin: default, dkim, mail, selector, key1, dkim1, x.
 */
#include "mailcheck/domain.h"

static const char *const common[] = {
	"default", "dkim", "mail", "selector", "key1", "dkim1", "x",
	"google", "selector1", "selector2",
	"k1", "k2", "k3", "mandrill",
	"s1", "s2", "smtpapi",
	"amazonses", "pm",
	"zoho", "zmail",
	"fm1", "fm2", "fm3",
	"protonmail", "protonmail2", "protonmail3",
	"mailjet", "hs1", "hs2",
	"mx", "smtp", "mailo",
};

size_t mc_domain_common_selectors(const char *const **list)
{
	*list = common;
	return sizeof(common) / sizeof(common[0]);
}
