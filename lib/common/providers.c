/*
 * The sending services mailcheck names: how their servers and the domains
 * they authenticate as are recognised, and the SPF include each documents
 * for its customers. One table for every command: spf's fix, report's
 * sources, verify's explanation.
 *
 * An include here is the term the provider's own help pages tell customers
 * to add (never the record that happens to list an address today, and never
 * ip4: of one of its servers, which change). Nothing is concluded from the
 * table alone: spf suggests an include only after evaluating it for the
 * client, and report names a source by its PTR name, a passing SPF domain or
 * the include's own networks.
 */
#include <string.h>
#include <strings.h>

#include "common/providers.h"
#include "common/util.h"

static const mc_provider providers[] = {
	/* support.google.com/a/answer/10684623 */
	{N_("Google"), {"google.com", "googlemail.com", "1e100.net", NULL}, "_spf.google.com"},
	/* learn.microsoft.com: set up SPF for Microsoft 365 */
	{N_("Microsoft 365"), {"outlook.com", "onmicrosoft.com", NULL, NULL},
	 "spf.protection.outlook.com"},
	/* mailchimp.com/help/set-up-email-domain-authentication */
	{N_("Mailchimp"), {"mcsv.net", "mcdlv.net", "rsgsv.net", NULL}, "servers.mcsv.net"},
	/* mailchimp.com/developer/transactional: authenticating a sending domain */
	{N_("Mandrill"), {"mandrillapp.com", NULL, NULL, NULL}, "spf.mandrillapp.com"},
	/* docs.sendgrid.com: SPF records */
	{N_("SendGrid"), {"sendgrid.net", "sendgrid.info", NULL, NULL}, "sendgrid.net"},
	/* docs.aws.amazon.com/ses: authenticating email with SPF */
	{N_("Amazon SES"), {"amazonses.com", NULL, NULL, NULL}, "amazonses.com"},
	/* help.mailgun.com: SPF */
	{N_("Mailgun"), {"mailgun.net", "mailgun.org", NULL, NULL}, "mailgun.org"},
	{N_("SparkPost"), {"sparkpostmail.com", NULL, NULL, NULL}, "sparkpostmail.com"},
	/* postmarkapp.com/support: SPF */
	{N_("Postmark"), {"mtasv.net", "postmarkapp.com", NULL, NULL}, "spf.mtasv.net"},
	/* help.brevo.com: authenticate your domain */
	{N_("Brevo"), {"brevo.com", "sendinblue.com", NULL, NULL}, "spf.brevo.com"},
	{N_("Mailjet"), {"mailjet.com", NULL, NULL, NULL}, "spf.mailjet.com"},
	{N_("Zoho Mail"), {"zoho.com", "zohomail.com", "zoho.eu", NULL}, "zoho.com"},
	{N_("Proton Mail"), {"protonmail.ch", "proton.me", NULL, NULL}, "_spf.protonmail.ch"},
	{N_("GoDaddy"), {"secureserver.net", NULL, NULL, NULL}, "secureserver.net"},
	{N_("Salesforce Marketing Cloud"), {"exacttarget.com", NULL, NULL, NULL},
	 "cust-spf.exacttarget.com"},
	{N_("HubSpot"), {"hubspotemail.net", NULL, NULL, NULL}, NULL},
	{N_("Fastmail"), {"messagingengine.com", NULL, NULL, NULL}, "spf.messagingengine.com"},
	{N_("Yahoo"), {"yahoo.com", "yahoodns.net", NULL, NULL}, NULL},
	/* Japanese rental servers (レンタルサーバー): their shared servers are
	 * named under the provider's domain (www1234.sakura.ne.jp,
	 * sv1234.xserver.jp, mail1004.conoha.ne.jp, mail89.onamae.ne.jp), and
	 * each has an include its customers' records carry -- the one its DNS
	 * sets up when it serves the domain, or its manual shows. Where the
	 * page was not at hand, the source is the records of customers' domains
	 * that follow it (seen in public repositories' DNS notes, 2026). */
	/* さくらのレンタルサーバ: customers' records */
	{N_("Sakura Internet"), {"sakura.ne.jp", NULL, NULL, NULL}, "_spf.sakura.ne.jp"},
	/* エックスサーバー: its DNS's default record (v=spf1 +a:svN.xserver.jp
	 * +a:DOMAIN +mx include:spf.sender.xserver.jp ~all) */
	{N_("Xserver"), {"xserver.jp", "xbiz.ne.jp", NULL, NULL}, "spf.sender.xserver.jp"},
	/* ロリポップ!: its DNS's default record, beside MX mx01.lolipop.jp */
	{N_("Lolipop!"), {"lolipop.jp", NULL, NULL, NULL}, "_spf.lolipop.jp"},
	/* ヘテムル: support.heteml.jp, SPFレコードの設定について */
	{N_("heteml"), {"heteml.jp", "heteml.net", NULL, NULL}, "_spf.heteml.jp"},
	/* ConoHa WING: its DNS's default record, beside MX mailN.conoha.ne.jp */
	{N_("ConoHa WING"), {"conoha.ne.jp", NULL, NULL, NULL}, "_spf.conoha.ne.jp"},
	/* お名前.com レンタルサーバー / お名前メール: its default record, beside MX
	 * mailN.onamae.ne.jp */
	{N_("Onamae.com"), {"onamae.ne.jp", NULL, NULL, NULL}, "_spf.onamae.ne.jp"},
	/* 配配メール: support.haihaimail.jp/arrivalimprovement/spfset */
	{N_("Haihai Mail"), {"haihaimail.jp", NULL, NULL, NULL}, "spf.haihaimail.jp"},
};

size_t mc_providers(const mc_provider **list)
{
	*list = providers;
	return sizeof(providers) / sizeof(providers[0]);
}

/* name is at or under suffix, label by label; a trailing root dot ignored */
static bool ends_with_domain(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	while (n && name[n - 1] == '.')
		n--;
	return n >= k && !strncasecmp(name + n - k, suffix, k) && (n == k || name[n - k - 1] == '.');
}

const mc_provider *mc_provider_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof(providers) / sizeof(providers[0]); i++)
		for (size_t k = 0; k < 4 && providers[i].marks[k]; k++)
			if (ends_with_domain(name, providers[i].marks[k]))
				return &providers[i];
	return NULL;
}

const mc_provider *mc_provider_named(const char *name)
{
	for (size_t i = 0; name && i < sizeof(providers) / sizeof(providers[0]); i++)
		if (!strcmp(providers[i].name, name))
			return &providers[i];
	return NULL;
}

const char *mc_provider_display(const mc_provider *p)
{
	return mc_tr(p->name);
}
