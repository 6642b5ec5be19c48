/*
 * The names of a domain's parts and of their states, apart from the checks
 * (domain.c): diff's text and pages name the parts too, and a program that
 * does not check domains (mailcheck itself, without its helper) links only
 * this.
 */
#include "mailcheck/domain.h"

static const struct {
	const char *name, *label;
} parts[MC_PART_COUNT] = {
	[MC_PART_MX] = {"mx", "MX"},           [MC_PART_SPF] = {"spf", "SPF"},
	[MC_PART_DMARC] = {"dmarc", "DMARC"},  [MC_PART_DKIM] = {"dkim", "DKIM"},
	[MC_PART_MTA_STS] = {"mta_sts", "MTA-STS"}, [MC_PART_TLSRPT] = {"tlsrpt", "TLS-RPT"},
	[MC_PART_BIMI] = {"bimi", "BIMI"},     [MC_PART_SMTP] = {"smtp", "SMTP"},
	[MC_PART_DANE] = {"dane", "DANE"},
	[MC_PART_DNSSEC] = {"dnssec", "DNSSEC"},
	[MC_PART_BLOCKLISTS] = {"blocklists", "DNSBL"},
	[MC_PART_BULK] = {"bulk_senders", "Bulk"},
};

const char *mc_domain_part_name(mc_domain_part p)
{
	return p < MC_PART_COUNT ? parts[p].name : "?";
}

const char *mc_domain_part_label(mc_domain_part p)
{
	return p < MC_PART_COUNT ? parts[p].label : "?";
}

const char *mc_part_status_name(mc_part_status s)
{
	static const char *const names[] = {
		[MC_PART_PASS] = "pass", [MC_PART_WARNING] = "warning", [MC_PART_ERROR] = "error",
		[MC_PART_NOT_PUBLISHED] = "not_published", [MC_PART_TEMPERROR] = "temperror",
		[MC_PART_NOT_CHECKED] = "not_checked",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
