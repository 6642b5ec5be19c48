/*
 * The returned original, checked as the receiver that refused it would
 * have: the client is the reporting MTA (the server that talked to the
 * receiver and wrote the bounce), its address from DNS, its name as HELO,
 * the bounce's recipient as envelope sender; then lib/verify's SPF, DKIM and
 * DMARC. When only the headers came back, a signature whose headers verify
 * but whose body cannot be hashed is said to be unverifiable here, not
 * broken.
 */
#include <stdlib.h>
#include <string.h>

#include "bounce/internal.h"
#include "common/util.h"

bool mc_bounce_auth_failure(const mc_bounce_result *res)
{
	static const char *const auth[] = {"authentication", "dmarc", "spf", "dkim",
	                                   "reverse_dns", "tls", "arc"};

	for (size_t i = 0; i < res->n_rcpts; i++)
		for (size_t k = 0; k < sizeof(auth) / sizeof(auth[0]); k++)
			if (res->rcpts[i].category && !strcmp(res->rcpts[i].category, auth[k]))
				return true;
	return false;
}

/* The first address of the reporting MTA, NULL when it has none. */
static char *reporting_address(mc_resolver *r, const char *host)
{
	const uint16_t types[] = {MC_RR_A, MC_RR_AAAA};

	for (size_t t = 0; host && t < 2; t++) {
		const mc_dns_answer *a = mc_dns_lookup(r, host, types[t]);

		for (size_t i = 0; a && a->status == MC_DNS_OK && i < a->n_rrs; i++)
			if (a->rrs[i].type == types[t])
				return mc_strdup(a->rrs[i].data);
	}
	return NULL;
}

mc_status mc_bounce_check(mc_resolver *r, mc_bounce_result *res, time_t now,
                          const char *authserv_id)
{
	mc_verify_request req = {.authserv_id = authserv_id, .now = now};
	mc_verifier *v = NULL;
	mc_msg_reader *rd = NULL;
	mc_message msg = {0};
	mc_status st;

	if (!res->original_data || res->check)
		return MC_OK;
	res->check_ip = reporting_address(r, res->reporting_mta);
	req.ip = res->check_ip;
	req.helo = res->check_ip ? res->reporting_mta : NULL;
	req.mail_from = res->sender; /* the bounce went back to the envelope sender */
	if (!(res->check = calloc(1, sizeof(*res->check))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	if ((st = mc_verifier_new(&v, r, &req)) == MC_OK &&
	    (st = mc_msg_reader_new(&rd, NULL, mc_verify_headers, mc_verify_body, v)) == MC_OK &&
	    (st = mc_msg_push(rd, res->original_data, res->original_len)) == MC_OK &&
	    (st = mc_msg_finish(rd, &msg)) == MC_OK)
		st = mc_verify_finish(v, &msg, res->check);
	mc_message_clear(&msg);
	mc_msg_reader_free(rd);
	mc_verifier_free(v);
	if (st != MC_OK) { /* the original cannot be read: no check, not an error */
		mc_verify_result_clear(res->check);
		free(res->check);
		res->check = NULL;
		mc_finding_add(&res->findings, "bounce.original_unreadable", MC_SEV_WARNING,
		               "the returned original cannot be read as a message: %s",
		               mc_error_last());
		return st == MC_ENOMEM ? st : MC_OK;
	}
	if (res->original && !strcmp(res->original, "headers") && res->check->dkim.n_sigs)
		mc_finding_add(&res->findings, "bounce.headers_only", MC_SEV_INFO,
		               "only the headers of the original came back: a DKIM signature whose "
		               "signed headers verify cannot have its body hash checked here");
	if (!res->check_ip)
		mc_finding_add(&res->findings, "bounce.no_client", MC_SEV_INFO,
		               "the reporting MTA %s has no address in DNS: SPF was not evaluated "
		               "for the server that talked to the receiver",
		               res->reporting_mta ? res->reporting_mta : "(unnamed)");
	return MC_OK;
}
