/*
 * mailcheck smtp HOST|DOMAIN: the TLS of the servers that receive a
 * domain's mail (its MX hosts, every address: IPv4 and IPv6), or of one
 * host, graded (tls_scan.c), with a finding for each grade below good that
 * names the guideline and the settings that fix it in Postfix and Exim.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "domain/internal.h"
#include "mailcheck/domain.h"
#include "mailcheck/mx.h"
#include "mailcheck/net.h"

#define MAX_SCANS 16 /* addresses scanned, the MX hosts' in preference order */

/* The names of the suites of scan s of one grade, "A, B, C" (NULL none). */
static char *suites_of(const mc_tls_scan *s, mc_tls_grade g)
{
	mc_buf b = {0};

	for (size_t i = 0; i < s->n_suites; i++)
		if (s->suites[i].grade == g)
			mc_buf_addf(&b, "%s%s (%s)", b.len ? ", " : "", s->suites[i].name,
			            s->suites[i].version);
	return b.len ? mc_buf_take(&b) : (mc_buf_free(&b), NULL);
}

static void version_findings(const mc_tls_scan *s, mc_findings *f)
{
	const char *where = s->address;

	if (s->versions[1].accepted && !s->versions[0].accepted)
		mc_finding_hint(mc_finding_add(f, "tls.no_tls13", MC_SEV_INFO,
			"%s (%s) does not offer TLS 1.3: TLS 1.2 is sufficient, TLS 1.3 is good "
			"(NCSC-NL TLS guidelines B1)", s->host, where),
			"run the MTA with OpenSSL 1.1.1 or later and leave TLS 1.3 enabled (Postfix: "
			"smtpd_tls_protocols without !TLSv1.3; Exim: no +no_tlsv1_3 in openssl_options)");
	if (s->versions[2].accepted || s->versions[3].accepted) {
		static const char *const says[] = {
			N_("%s (%s) accepts TLS 1.0 and TLS 1.1: versions to phase out (NCSC-NL TLS "
			   "guidelines B1; RFC 8996 deprecates them)"),
			N_("%s (%s) accepts TLS 1.0: a version to phase out (NCSC-NL TLS guidelines B1; "
			   "RFC 8996 deprecates it)"),
			N_("%s (%s) accepts TLS 1.1: a version to phase out (NCSC-NL TLS guidelines B1; "
			   "RFC 8996 deprecates it)"),
		};
		int k = s->versions[2].accepted && s->versions[3].accepted ? 0
		      : s->versions[3].accepted ? 1 : 2;

		mc_finding_hint(mc_finding_add(f, "tls.version_phase_out", MC_SEV_WARNING, says[k],
			s->host, where),
			"accept TLS 1.2 and 1.3 only -- Postfix: smtpd_tls_protocols = >=TLSv1.2 (and "
			"smtpd_tls_mandatory_protocols); Exim: openssl_options = +no_tlsv1 +no_tlsv1_1");
	}
	if (s->versions[4].accepted)
		mc_finding_hint(mc_finding_add(f, "tls.version_insufficient", MC_SEV_ERROR,
			"%s (%s) accepts SSL 3.0: insufficient (NCSC-NL TLS guidelines B1; RFC 7568)",
			s->host, where), "turn SSL 3.0 off -- Postfix: smtpd_tls_protocols = >=TLSv1.2");
}

static void suite_findings(const mc_tls_scan *s, mc_findings *f)
{
	char *bad = suites_of(s, MC_TLS_INSUFFICIENT), *old = suites_of(s, MC_TLS_PHASE_OUT);
	bool weak_first = false;

	if (bad)
		mc_finding_hint(mc_finding_add(f, "tls.cipher_insufficient", MC_SEV_ERROR,
			"%s (%s) accepts cipher suites that are insufficient (NCSC-NL TLS guidelines "
			"B2): %s", s->host, s->address, bad),
			"offer only ECDHE with AES-GCM or ChaCha20-Poly1305 (and AES-CBC or DHE at most) "
			"-- Postfix: smtpd_tls_ciphers = high, smtpd_tls_exclude_ciphers = aNULL, eNULL, "
			"RC4, 3DES, MD5, CAMELLIA, ARIA, SEED, IDEA; Exim: tls_require_ciphers = "
			"ECDHE+AESGCM:ECDHE+CHACHA20");
	if (old)
		mc_finding_hint(mc_finding_add(f, "tls.cipher_phase_out", MC_SEV_WARNING,
			"%s (%s) accepts cipher suites to phase out -- 3DES, or key exchange by RSA "
			"without forward secrecy (NCSC-NL TLS guidelines B2): %s", s->host, s->address, old),
			"leave out 3DES and the suites without ECDHE or DHE -- Postfix: "
			"smtpd_tls_exclude_ciphers = 3DES, kRSA (with aNULL, eNULL, RC4, MD5); Exim: "
			"tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES");
	for (size_t i = 0; i < s->n_suites; i++)
		weak_first |= s->suites[i].grade != MC_TLS_GOOD;
	/* B2-5 (v2.1): a server that accepts less than good suites must choose
	 * itself, the best first */
	if (weak_first && s->server_order == 0)
		mc_finding_hint(mc_finding_add(f, "tls.client_order", MC_SEV_WARNING,
			"%s (%s) lets the client choose among its cipher suites, and not all of them are "
			"good: a client that prefers a weak one gets it (NCSC-NL TLS guidelines B2-5)",
			s->host, s->address),
			"make the server choose, best first -- Postfix: tls_preempt_cipherlist = yes; "
			"Exim (OpenSSL): openssl_options = +cipher_server_preference");
	free(bad);
	free(old);
}

static void key_findings(const mc_tls_scan *s, mc_findings *f)
{
	for (size_t i = 0; i < s->n_groups; i++)
		if (s->groups[i].grade == MC_TLS_PHASE_OUT)
			mc_finding_hint(mc_finding_add(f, "tls.group_phase_out", MC_SEV_WARNING,
				"%s (%s) accepts the key exchange group %s: to phase out (NCSC-NL TLS "
				"guidelines B3)", s->host, s->address, s->groups[i].name),
				"offer X25519, P-256 and P-384 first, and ffdhe3072 or larger -- Postfix: "
				"tls_eecdh_auto_curves = X25519 X448 prime256v1 secp384r1; tls_ffdhe_auto_groups "
				"= ffdhe3072 ffdhe4096");
	if (s->dh_bits && s->dh_grade > MC_TLS_SUFFICIENT)
		mc_finding_hint(s->dh_grade == MC_TLS_INSUFFICIENT
			? mc_finding_add(f, "tls.dh_weak", MC_SEV_ERROR, "%s (%s) uses %d-bit finite-field "
			                 "Diffie-Hellman with its DHE suites: insufficient (NCSC-NL TLS "
			                 "guidelines B3: 3072 bits or more)", s->host, s->address, s->dh_bits)
			: mc_finding_add(f, "tls.dh_phase_out", MC_SEV_WARNING, "%s (%s) uses %d-bit "
			                 "finite-field Diffie-Hellman with its DHE suites: to phase out "
			                 "(NCSC-NL TLS guidelines B3: 3072 bits or more)", s->host, s->address,
			                 s->dh_bits),
			"give the server a 3072-bit group (RFC 7919 ffdhe3072) or drop the DHE suites -- "
			"Postfix: smtpd_tls_dh1024_param_file = a file from openssl dhparam 3072 (or "
			"none, for Postfix's own); Exim: tls_dhparam = ffdhe3072");
	if (s->kx_hash && s->kx_hash_grade > MC_TLS_GOOD)
		mc_finding_hint(mc_finding_add(f, "tls.kx_hash_weak", MC_SEV_WARNING,
			"%s (%s) signs its key exchange with %s (NCSC-NL TLS guidelines B3-5; RFC 9155 "
			"forbids SHA-1 and MD5 in TLS 1.2)", s->host, s->address, s->kx_hash),
			"let the server sign with SHA-256 or better: an OpenSSL 1.1.1 or later MTA does "
			"when the client offers it; check tls_server_sigalgs-like settings");
}

/* The certificate's chain, name and expiry (domain --smtp has its own, from
 * its probe). */
static void trust_findings(const mc_tls_scan *s, mc_findings *f)
{
	if (s->key_type && !s->chain_ok)
		mc_finding_hint(mc_finding_add(f, "tls.certificate_untrusted", MC_SEV_WARNING,
			"the certificate of %s (%s) does not chain to a trusted root: %s -- senders that "
			"authenticate (MTA-STS, or a policy of their own) will not deliver to it", s->host,
			s->address, MC_OR(s->chain_error, "?")),
			"install a certificate from a public CA (Let's Encrypt does it for free) with "
			"its intermediate certificates");
	if (s->key_type && !s->name_ok)
		mc_finding_hint(mc_finding_add(f, "tls.certificate_name", MC_SEV_WARNING,
			"the certificate of %s (%s) does not name %s (RFC 6125): senders that check the "
			"name (MTA-STS) will not deliver to it", s->host, s->address, s->host),
			"get a certificate that names %s (or list the name it has in the MX record)",
			s->host);
	if (s->key_type && s->chain_ok && s->days_left < 14)
		mc_finding_hint(mc_finding_add(f, "tls.certificate_expiring", MC_SEV_WARNING,
			"the certificate of %s (%s) expires in %.0f days", s->host, s->address,
			s->days_left < 0 ? 0 : s->days_left),
			"renew it now, and check that renewal runs by itself (certbot renew, a timer)");
}

static void certificate_findings(const mc_tls_scan *s, mc_findings *f)
{
	if (s->key_type && s->key_grade == MC_TLS_INSUFFICIENT)
		mc_finding_hint(mc_finding_add(f, "tls.cert_key_weak", MC_SEV_ERROR,
			"the certificate of %s (%s) has a %d-bit %s key: insufficient (NCSC-NL TLS "
			"guidelines B5: RSA of 2048 bits or more, ECDSA on P-256 or P-384)", s->host,
			s->address, s->key_bits, s->key_type),
			"get a certificate with an RSA key of 3072 bits (2048 at least) or an ECDSA P-256 "
			"key");
	if (s->signature && s->signature_grade == MC_TLS_INSUFFICIENT)
		mc_finding_hint(mc_finding_add(f, "tls.cert_signature_weak", MC_SEV_ERROR,
			"the certificate of %s (%s) is signed with %s: insufficient (NCSC-NL TLS "
			"guidelines B4: SHA-256 or better)", s->host, s->address, s->signature),
			"get a certificate signed with SHA-256 or better (every public CA issues those)");
	if (s->early_data == 1)
		mc_finding_hint(mc_finding_add(f, "tls.early_data", MC_SEV_WARNING,
			"%s (%s) offers TLS 1.3 early data (0-RTT): what a client sends in it can be "
			"replayed (RFC 8446 8), and mail has no use for it", s->host, s->address),
			"turn 0-RTT off (OpenSSL: no SSL_OP_NO_ANTI_REPLAY and max_early_data 0; "
			"Postfix and Exim do not enable it themselves: look at a TLS proxy in front)");
	if (s->secure_renegotiation == 0)
		mc_finding_hint(mc_finding_add(f, "tls.insecure_renegotiation", MC_SEV_ERROR,
			"%s (%s) does not support secure renegotiation (RFC 5746): insufficient (NCSC-NL "
			"TLS guidelines B8)", s->host, s->address),
			"update the MTA's TLS library: every supported OpenSSL supports RFC 5746");
}

void domain_tls_findings(const mc_tls_scan *s, mc_findings *f)
{
	if (s->error) {
		mc_finding_both(f, s->stage == MC_SMTP_REFUSED ? "tls.not_scanned" : "tls.no_session",
		                s->stage == MC_SMTP_REFUSED ? MC_SEV_INFO : MC_SEV_ERROR,
		                N_("%1$s (%2$s): no TLS to grade: %3$s"), (s->host, s->address, s->error),
		                (s->host, s->address, MC_OR(s->error_text, s->error)));
		return;
	}
	if (s->cut_short)
		mc_finding_hint(mc_finding_add(f, "tls.handshake_broken", MC_SEV_ERROR,
			"%s (%s) broke off a TLS handshake (%s): senders that meet this fall back to "
			"plain text or give up; what was not seen is not graded", s->host, s->address,
			MC_OR(s->cut_why, "?")),
			"look at the MTA's log for the TLS errors of that time; a middlebox or a "
			"firewall that inspects port 25 can cut handshakes too");
	version_findings(s, f);
	suite_findings(s, f);
	key_findings(s, f);
	certificate_findings(s, f);
}

/* RPKI (RFC 6811): the route of an address invalid for its origin, or
 * covered by no ROA. */
static void rpki_findings(const mc_tls_scan *s, const mc_rpki_result *k, mc_findings *f)
{
	if (k->state == MC_RPKI_INVALID)
		mc_finding_hint(mc_finding_add(f, "tls.rpki_invalid", MC_SEV_ERROR,
			"the route %s that carries %s (%s) is RPKI-invalid for its origin AS%u (RFC 6811): "
			"networks that drop invalid routes cannot reach it", k->prefix, s->address, s->host,
			k->asn),
			"have the operator of AS%u publish a ROA for %s with its AS and a max length at "
			"least the route's, or announce the route the ROAs name", k->asn, k->prefix);
	else if (k->state == MC_RPKI_NOT_FOUND)
		mc_finding_hint(mc_finding_add(f, "tls.rpki_not_found", MC_SEV_INFO,
			"no ROA covers the route %s (AS%u) that carries %s (%s): RPKI does not protect it "
			"from hijacks (RFC 6811 NotFound)", k->prefix, k->asn, s->address, s->host),
			"ask the operator of AS%u to publish a ROA for %s", k->asn, k->prefix);
}

/* The TLSA records of _PORT._tcp.HOST (RFC 7672 2.2), and whether DNSSEC
 * authenticated them. */
static mc_status tlsa_of(mc_resolver *r, const char *host, unsigned port, char **records,
                         size_t *n, bool *authenticated)
{
	char name[300];
	mc_dns_query q = {.name = name, .type = MC_RR_TLSA};
	mc_status st;

	snprintf(name, sizeof(name), "_%u._tcp.%s", port, host);
	if ((st = mc_dns_resolve(r, &q, 1)) != MC_OK || !q.answer || q.answer->status != MC_DNS_OK)
		return st;
	*authenticated = q.answer->ad || q.answer->dnssec == MC_DNSSEC_SECURE;
	for (size_t k = 0; k < q.answer->n_rrs && *n < MC_TLS_MAX_TLSA; k++)
		if (q.answer->rrs[k].type == MC_RR_TLSA && (records[*n] = mc_strdup(q.answer->rrs[k].data)))
			(*n)++;
	return MC_OK;
}

/* CAA (RFC 8659): a record set that does not allow the CA of the
 * certificate in use -- its renewal there will be refused. */
static void caa_findings(const mc_tls_scan *s, mc_findings *f)
{
	mc_buf b = {0};

	if (s->caa_allowed != 0)
		return;
	for (size_t i = 0; i < s->n_caa_issue; i++)
		mc_buf_addf(&b, "%s%s", i ? ", " : "", *s->caa_issue[i] ? s->caa_issue[i] : ";");
	mc_finding_hint(mc_finding_add(f, "tls.caa_not_allowed", MC_SEV_WARNING,
		"the CAA records of %s (at %s) allow %s, not %s, which issued the certificate in use: "
		"its renewal with that CA will be refused (RFC 8659)", s->host, s->caa_name,
		MC_OR(b.s, "?"), MC_OR(s->issuer, "?")),
		"add an issue property for the CA you use (0 issue \"its CAA domain\") at %s, or get "
		"the certificate from a CA the record names", s->caa_name);
	mc_buf_free(&b);
}

/* DANE (RFC 7672) as the scan saw it: no record matches, or only the key in
 * use has one (the next certificate change breaks delivery). */
static void dane_findings(const mc_tls_scan *s, mc_findings *f)
{
	caa_findings(s, f);
	if (s->rollover == MC_TLS_ROLLOVER_MISMATCH)
		mc_finding_hint(mc_finding_add(f, "tls.dane_mismatch", MC_SEV_ERROR,
			"no TLSA record of %s matches the certificates it presents: senders that use "
			"DANE (RFC 7672) do not deliver to it", s->host),
			"publish TLSA records for the certificate in use (3 1 1 and the SHA-256 of its "
			"SubjectPublicKeyInfo), or put the certificate they name back");
	else if (s->rollover == MC_TLS_ROLLOVER_CURRENT_ONLY)
		mc_finding_hint(mc_finding_add(f, "tls.dane_current_only", MC_SEV_WARNING,
			"the TLSA records of %s match only the certificate in use: when it is renewed with "
			"a new key, senders that use DANE (RFC 7672) stop delivering until the records "
			"change (RFC 7671 8.1)", s->host),
			"before each change publish a second 3 1 1 record for the next key (or a 2 1 1 "
			"record of the issuing CA), change the certificate, then remove the old record");
}

/* The addresses to scan: the MX hosts' (the domain's own when it has no
 * MX), or the host's. */
static mc_status targets(mc_resolver *r, const char *subject, mc_smtp_result *out)
{
	mc_mx_result mx;
	mc_status st = mc_mx_check(r, subject, &mx);

	if (st != MC_OK) {
		mc_mx_result_clear(&mx);
		return st;
	}
	out->mx = !mx.implicit && mx.n_hosts > 0;
	for (size_t h = 0; h < mx.n_hosts; h++)
		for (size_t a = 0; a < mx.hosts[h].n_addresses && out->n_scans < MAX_SCANS; a++) {
			mc_tls_scan *s = &out->scans[out->n_scans];

			memset(s, 0, sizeof(*s));
			s->host = mc_strdup(mx.hosts[h].host);
			s->address = mc_strdup(mx.hosts[h].addresses[a]);
			s->service = "smtp";
			out->n_scans++;
		}
	for (size_t h = 0; out->mx && h < mx.n_hosts; h++) {
		bool v6 = false;

		for (size_t a = 0; a < mx.hosts[h].n_addresses; a++)
			v6 |= strchr(mx.hosts[h].addresses[a], ':') != NULL;
		if (mx.hosts[h].n_addresses && !v6)
			mc_finding_hint(mc_finding_add(&out->findings, "tls.no_ipv6", MC_SEV_INFO,
				"the MX host %s has no IPv6 address (AAAA): a sender with IPv6 only cannot "
				"deliver to it", mx.hosts[h].host),
				"publish an AAAA record for %s, with the server listening on port 25 on that "
				"address", mx.hosts[h].host);
	}
	if (mx.null_mx)
		mc_finding_add(&out->findings, "tls.null_mx", MC_SEV_INFO,
		               "%s publishes a null MX (RFC 7505): it receives no mail, there is no "
		               "server to scan", subject);
	else if (!out->n_scans && mx.verdict == MC_VERDICT_TEMPERROR)
		out->verdict = MC_VERDICT_TEMPERROR;
	for (size_t i = 0; i < mx.findings.n; i++) /* why there is no server to scan */
		if (mx.findings.items[i].severity >= MC_SEV_WARNING)
			mc_finding_copy(&out->findings, &mx.findings.items[i]);
	mc_mx_result_clear(&mx);
	return MC_OK;
}

/* A host's addresses (A, then AAAA) as targets on a port. */
static mc_status host_targets(mc_resolver *r, const char *host, unsigned port, bool implicit,
                              const char *service, mc_smtp_result *out)
{
	mc_dns_query q[2] = {{.name = host, .type = MC_RR_A}, {.name = host, .type = MC_RR_AAAA}};
	mc_status st = mc_dns_resolve(r, q, 2);

	for (int i = 0; st == MC_OK && i < 2; i++)
		for (size_t k = 0; q[i].answer && q[i].answer->status == MC_DNS_OK &&
		     k < q[i].answer->n_rrs && out->n_scans < MAX_SCANS; k++) {
			mc_tls_scan *s = &out->scans[out->n_scans];

			if (q[i].answer->rrs[k].type != q[i].type)
				continue;
			memset(s, 0, sizeof(*s));
			s->host = mc_strdup(host);
			s->address = mc_strdup(q[i].answer->rrs[k].data);
			s->port = port;
			s->implicit = implicit;
			s->service = service;
			out->n_scans++;
		}
	return st;
}

/* The mail submission services (RFC 6186: _submission._tcp, STARTTLS;
 * RFC 8314: _submissions._tcp, implicit TLS) of the domain, and the host
 * given (587 and 465). A target of "." says there is no such service. */
static mc_status submission_targets(mc_resolver *r, const char *subject, const char *host,
                                    mc_smtp_result *out)
{
	static const struct {
		const char *prefix, *service;
		bool implicit;
	} srv[] = {{"_submission._tcp", "submission", false}, {"_submissions._tcp", "submissions", true}};
	mc_status st = MC_OK;

	for (size_t i = 0; i < 2 && st == MC_OK; i++) {
		char name[300];
		mc_dns_query q = {.name = name, .type = MC_RR_SRV};

		snprintf(name, sizeof(name), "%s.%s", srv[i].prefix, subject);
		if ((st = mc_dns_resolve(r, &q, 1)) != MC_OK || !q.answer || q.answer->status != MC_DNS_OK)
			continue;
		for (size_t k = 0; k < q.answer->n_rrs && k < 4 && st == MC_OK; k++) {
			unsigned prio, weight, port;
			char target[256];

			if (q.answer->rrs[k].type != MC_RR_SRV ||
			    sscanf(q.answer->rrs[k].data, "%u %u %u %255s", &prio, &weight, &port, target) != 4 ||
			    port == 0 || port > 65535 || !strcmp(target, "."))
				continue;
			if (strlen(target) > 1 && target[strlen(target) - 1] == '.')
				target[strlen(target) - 1] = '\0'; /* the name without the root's dot */
			st = host_targets(r, target, port, srv[i].implicit, srv[i].service, out);
		}
	}
	if (host && st == MC_OK && (st = host_targets(r, host, 587, false, "submission", out)) == MC_OK)
		st = host_targets(r, host, 465, true, "submissions", out);
	return st;
}

mc_status mc_smtp_check(mc_resolver *r, const char *subject, const mc_smtp_opts *opts,
                        mc_smtp_result *out)
{
	size_t log_start = mc_dns_log_size(r), n;
	const mc_net_opts *o = &opts->net;
	mc_status st;

	memset(out, 0, sizeof(*out));
	out->subject = mc_strdup(subject);
	out->verdict = MC_VERDICT_PASS;
	if (!out->subject || !(out->scans = calloc(MAX_SCANS, sizeof(*out->scans))) ||
	    !(out->rpki = calloc(MAX_SCANS, sizeof(*out->rpki))))
		return MC_ENOMEM;
	if ((st = targets(r, subject, out)) != MC_OK ||
	    (st = submission_targets(r, subject, opts->submission, out)) != MC_OK)
		return st;
	n = out->n_scans;
	for (size_t i = 0; i < n; i++) {
		char *host = out->scans[i].host, *address = out->scans[i].address, *tlsa[MC_TLS_MAX_TLSA];
		mc_tls_target t = {.host = host, .address = address, .port = out->scans[i].port,
		                   .implicit = out->scans[i].implicit, .service = out->scans[i].service,
		                   .tlsa = tlsa};

		st = tlsa_of(r, host, t.port ? t.port : 25, tlsa, &t.n_tlsa, &t.authenticated);
		if (st == MC_OK)
			st = mc_tls_scan_run(&t, o, &out->scans[i]);
		if (st == MC_OK && !out->scans[i].error)
			st = domain_caa(r, out->scans[i].host, &out->scans[i]);
		if (st == MC_OK && opts->rpki && out->scans[i].stage != MC_SMTP_REFUSED)
			st = mc_rpki_check(r, opts->rpki, out->scans[i].address, &out->rpki[i]);
		free(host);
		free(address);
		for (size_t k = 0; k < t.n_tlsa; k++)
			free(tlsa[k]);
		if (st != MC_OK)
			return st;
		domain_tls_findings(&out->scans[i], &out->findings);
		trust_findings(&out->scans[i], &out->findings);
		rpki_findings(&out->scans[i], &out->rpki[i], &out->findings);
		if (i == 0 || strcmp(out->scans[i].host, out->scans[i - 1].host)) /* once a host */
			dane_findings(&out->scans[i], &out->findings);
		if ((out->scans[i].error ? out->scans[i].stage != MC_SMTP_REFUSED
		                         : out->scans[i].grade == MC_TLS_INSUFFICIENT ||
		                           out->scans[i].cut_short) ||
		    out->rpki[i].state == MC_RPKI_INVALID)
			out->verdict = MC_VERDICT_FAIL;
	}
	size_t graded = 0;

	for (size_t i = 0; i < n; i++)
		graded += !out->scans[i].error;
	/* nothing graded: no server, or only addresses not probed (private) */
	if (!graded && out->verdict == MC_VERDICT_PASS)
		out->verdict = MC_VERDICT_NONE;
	return mc_dns_log_copy(r, log_start, &out->dns);
}

void mc_smtp_result_clear(mc_smtp_result *res)
{
	for (size_t i = 0; res->scans && i < res->n_scans; i++)
		mc_tls_scan_clear(&res->scans[i]);
	free(res->scans);
	free(res->rpki);
	free(res->subject);
	mc_findings_clear(&res->findings);
	mc_dns_log_clear(&res->dns);
	memset(res, 0, sizeof(*res));
}
