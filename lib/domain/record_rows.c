/*
 * The rows of the records a domain publishes beside MX, SPF, DMARC and
 * DKIM, as `mailcheck domain` shows them: MTA-STS (the record; the policy
 * is fetched by transport.c), TLS-RPT and BIMI (the record and the DMARC
 * policy it needs; the assets are fetched by bimi.c). The parsers of the
 * records are in records.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "domain/internal.h"

/* The one v=STSv1 record at _mta-sts, read; false when there is none
 * usable (the row and findings said). */
static bool sts_record(mc_domain_result *res, const mc_dns_answer *txt)
{
	const mc_dns_rr *rec;
	mc_mta_sts *m = &res->mta_sts;
	size_t pos = 0;
	const char *why;

	m->n_records = domain_txt_records(txt, domain_is_sts, &rec);
	if (m->n_records == 0) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_NOT_PUBLISHED, "no _mta-sts record: senders "
		    "may deliver without TLS when an attacker strips STARTTLS");
		mc_finding_hint(domain_finding(res, "mta_sts.none", MC_SEV_INFO, "%s publishes no MTA-STS "
			"policy (RFC 8461): senders cannot tell that its MX hosts must be reached "
			"over TLS", res->domain),
			"publish a policy at https://mta-sts.%s/.well-known/mta-sts.txt (mode: testing "
			"first) and a TXT record _mta-sts.%s \"v=STSv1; id=<a new id for each "
			"change>\"", res->domain, res->domain);
		return false;
	}
	if (m->n_records > 1) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "%zu v=STSv1 records: senders use none",
		    m->n_records);
		mc_finding_hint(domain_finding(res, "mta_sts.multiple_records", MC_SEV_ERROR, "_mta-sts.%s "
			"has %zu records beginning v=STSv1; RFC 8461 3.1 makes senders ignore them "
			"all, as if no policy were published", res->domain, m->n_records),
			"keep exactly one v=STSv1 record at _mta-sts.%s", res->domain);
		return false;
	}
	m->record = mc_strndup(rec->data, rec->data_len);
	if ((why = domain_sts_parse(rec->data, rec->data_len, &m->id, &pos))) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "the _mta-sts record is malformed");
		mc_finding_hint(mc_finding_both(&res->findings, "mta_sts.syntax", MC_SEV_ERROR,
			"the MTA-STS record of %s is malformed at position %zu: %s (record: %s)",
			(res->domain, pos + 1, why, m->record ? m->record : ""),
			(res->domain, pos + 1, _(why), m->record ? m->record : "")),
			"publish: v=STSv1; id=20260101T000000 (id: 1 to 32 letters and digits)");
		return false;
	}
	return true;
}

mc_status domain_mta_sts(mc_resolver *r, mc_domain_result *res, const mc_domain_opts *o,
                        const mc_dns_answer *txt, const mc_dns_answer *a4,
                        const mc_dns_answer *a6)
{
	mc_mta_sts *m = &res->mta_sts;

	if (mc_dns_status_is_temporary(txt->status)) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_TEMPERROR, "the lookup of _mta-sts.%s failed",
		    res->domain);
		return MC_OK;
	}
	if (!sts_record(res, txt))
		return MC_OK;
	m->host_resolves = (a4->status == MC_DNS_OK && a4->n_rrs) ||
	                   (a6->status == MC_DNS_OK && a6->n_rrs);
	if (!m->host_resolves && (mc_dns_status_is_temporary(a4->status) ||
	                          mc_dns_status_is_temporary(a6->status))) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_TEMPERROR, "the lookup of mta-sts.%s failed",
		    res->domain);
		return MC_OK;
	}
	if (!m->host_resolves) {
		domain_row(res, MC_PART_MTA_STS, MC_PART_ERROR, "id=%s, but mta-sts.%s has no address",
		    m->id, res->domain);
		mc_finding_hint(domain_finding(res, "mta_sts.no_policy_host", MC_SEV_ERROR, "%s publishes an "
			"MTA-STS record (id=%s) but mta-sts.%s, the host that serves the policy, has "
			"no address: senders cannot fetch the policy", res->domain, m->id, res->domain),
			"point mta-sts.%s (A/AAAA or CNAME) at an HTTPS server that serves "
			"/.well-known/mta-sts.txt with a certificate for that name", res->domain);
		return MC_OK;
	}
	if (!mc_resolver_offline(r))
		return domain_sts_policy(r, res, o ? &o->net : NULL);
	domain_row(res, MC_PART_MTA_STS, MC_PART_PASS, "id=%s; policy host mta-sts.%s resolves "
	           "(the policy is not fetched offline, with --zone)", m->id,
	           res->domain);
	return MC_OK;
}

static bool tlsa_published(const mc_domain_result *res)
{
	for (size_t i = 0; i < res->n_tlsa; i++)
		if (res->tlsa[i].n_records)
			return true;
	return false;
}

void domain_tlsrpt(mc_domain_result *res, const mc_dns_answer *txt)
{
	const mc_dns_rr *rec;
	mc_tlsrpt *t = &res->tlsrpt;
	size_t pos = 0;
	const char *why;

	if (mc_dns_status_is_temporary(txt->status)) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_TEMPERROR, "the lookup of _smtp._tls.%s failed",
		    res->domain);
		return;
	}
	t->n_records = domain_txt_records(txt, domain_is_tlsrpt, &rec);
	if (t->n_records == 0) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_NOT_PUBLISHED, "no _smtp._tls record: no reports "
		    "of TLS failures");
		if (res->mta_sts.record || tlsa_published(res))
			mc_finding_hint(domain_finding(res, "tlsrpt.none", MC_SEV_WARNING, "%s uses %s but "
				"publishes no TLS-RPT record (RFC 8460): senders that fail to reach its MX "
				"hosts over TLS cannot tell it", res->domain,
				res->mta_sts.record ? "MTA-STS" : "DANE"),
				"publish TXT _smtp._tls.%s \"v=TLSRPTv1; rua=mailto:tls-reports@%s\"",
				res->domain, res->domain);
		return;
	}
	if (t->n_records > 1) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_ERROR, "%zu v=TLSRPTv1 records: senders use none",
		    t->n_records);
		mc_finding_hint(domain_finding(res, "tlsrpt.multiple_records", MC_SEV_ERROR, "_smtp._tls.%s "
			"has %zu records beginning v=TLSRPTv1; RFC 8460 3 makes senders send no "
			"reports", res->domain, t->n_records),
			"keep exactly one v=TLSRPTv1 record (several rua= URIs go in one record, "
			"separated by commas)");
		return;
	}
	t->record = mc_strndup(rec->data, rec->data_len);
	if ((why = domain_tlsrpt_parse(rec->data, rec->data_len, &t->rua, &t->n_rua, &pos))) {
		domain_row(res, MC_PART_TLSRPT, MC_PART_ERROR, "the _smtp._tls record is malformed");
		mc_finding_hint(mc_finding_both(&res->findings, "tlsrpt.syntax", MC_SEV_ERROR,
			"the TLS-RPT record of %s is malformed at position %zu: %s (record: %s)",
			(res->domain, pos + 1, why, t->record ? t->record : ""),
			(res->domain, pos + 1, _(why), t->record ? t->record : "")),
			"publish: v=TLSRPTv1; rua=mailto:tls-reports@%s", res->domain);
		return;
	}
	domain_row(res, MC_PART_TLSRPT, MC_PART_PASS, t->n_rua > 1 ? N_("reports to %s and more")
	           : N_("reports to %s"), t->rua[0]);
}

/* The DMARC policy BIMI needs: quarantine or reject, for the domain and its
 * subdomains, applied to all mail (RFC 7489 pct). true when it is weaker
 * (said). */
static bool bimi_too_weak(mc_domain_result *res)
{
	const mc_dmarc_result *d = &res->dmarc;
	bool weak = d->verdict != MC_VERDICT_PASS || d->policy < MC_DMARC_POLICY_QUARANTINE ||
	            (d->subdomain_policy && d->subdomain_policy < MC_DMARC_POLICY_QUARANTINE) ||
	            (d->record.pct && d->record.pct < 100);

	if (!weak)
		return false;
	domain_row(res, MC_PART_BIMI, MC_PART_ERROR, "published, but the DMARC policy is too weak "
	    "for mailbox providers to show the logo");
	mc_finding_hint(d->verdict != MC_VERDICT_PASS
		? domain_finding(res, "bimi.dmarc_policy", MC_SEV_ERROR, "%s publishes a BIMI record, "
		    "but mailbox providers show the logo only under a DMARC policy of quarantine or "
		    "reject (also for subdomains, applied to all mail); %s has no valid DMARC record",
		    res->domain, res->domain)
		: domain_finding(res, "bimi.dmarc_policy", MC_SEV_ERROR, "%s publishes a BIMI record, "
		    "but mailbox providers show the logo only under a DMARC policy of quarantine or "
		    "reject (also for subdomains, applied to all mail); %s's is %s", res->domain,
		    res->domain, d->policy < MC_DMARC_POLICY_QUARANTINE ? "p=none"
		    : d->subdomain_policy && d->subdomain_policy < MC_DMARC_POLICY_QUARANTINE
		    ? "sp=none" : "pct<100"),
		"move DMARC to p=quarantine or p=reject (without sp=none or pct<100) once "
		"reports show that your mail passes");
	return true;
}

/* A record without a= (no mark certificate): true when so (said). */
static bool bimi_without_certificate(mc_domain_result *res)
{
	if (res->bimi.authority)
		return false;
	domain_row(res, MC_PART_BIMI, MC_PART_WARNING, "logo %s, without a mark certificate (a=)",
	    res->bimi.location);
	mc_finding_hint(domain_finding(res, "bimi.no_certificate", MC_SEV_WARNING, "the BIMI record "
		"of %s has no a= (Verified Mark Certificate): Gmail and Apple Mail show "
		"logos only with one, Yahoo shows some without", res->domain),
		"obtain a VMC (or CMC) for the logo and publish its PEM URL in a=");
	return true;
}

void domain_bimi_row(mc_domain_result *res, const mc_dns_answer *txt, const char *where)
{
	const mc_dns_rr *rec;
	mc_bimi *b = &res->bimi;
	size_t pos = 0;
	const char *why;

	if (mc_dns_status_is_temporary(txt->status)) {
		domain_row(res, MC_PART_BIMI, MC_PART_TEMPERROR, "the lookup of default._bimi.%s failed",
		    where);
		return;
	}
	b->n_records = domain_txt_records(txt, domain_is_bimi, &rec);
	if (b->n_records == 0) {
		domain_row(res, MC_PART_BIMI, MC_PART_NOT_PUBLISHED, "no default._bimi record");
		return;
	}
	b->found_at = mc_asprintf("default._bimi.%s", where);
	if (b->n_records > 1) {
		domain_row(res, MC_PART_BIMI, MC_PART_ERROR, "%zu v=BIMI1 records: mailbox providers use "
		    "none", b->n_records);
		mc_finding_hint(domain_finding(res, "bimi.multiple_records", MC_SEV_ERROR, "%s has %zu records "
			"beginning v=BIMI1: mailbox providers treat that as no BIMI record",
			b->found_at, b->n_records), "keep exactly one v=BIMI1 record");
		return;
	}
	b->record = mc_strndup(rec->data, rec->data_len);
	if ((why = domain_bimi_parse(rec->data, rec->data_len, b, &pos))) {
		domain_row(res, MC_PART_BIMI, MC_PART_ERROR, "the BIMI record is malformed");
		mc_finding_hint(mc_finding_both(&res->findings, "bimi.syntax", MC_SEV_ERROR,
			"the BIMI record at %s is malformed at position %zu: %s (record: %s)",
			(b->found_at, pos + 1, why, b->record ? b->record : ""),
			(b->found_at, pos + 1, _(why), b->record ? b->record : "")),
			"publish: v=BIMI1; l=https://%s/logo.svg; a=https://%s/vmc.pem", res->domain,
			res->domain);
		return;
	}
	if (b->declined) {
		domain_row(res, MC_PART_BIMI, MC_PART_PASS, "declined (v=BIMI1 with empty l= and a=)");
		return;
	}
	if (bimi_too_weak(res) || bimi_without_certificate(res))
		return;
	domain_row(res, MC_PART_BIMI, MC_PART_PASS, "logo %s, certificate %s (neither fetched)",
	    b->location ? b->location : "(none)", b->authority);
}

