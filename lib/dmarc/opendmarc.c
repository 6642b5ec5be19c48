/*
 * libopendmarc 1.4 as the "deployed receiver" view: its record parser and
 * policy fields on the same record mailcheck read -- never its DNS (its
 * query function uses res_query) nor its public suffix reader (wrong on
 * wildcards, exceptions and upper case: shared/LIBRARIES.md). The only file
 * that includes libopendmarc.
 */
#include <opendmarc/dmarc.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "dmarc/internal.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool ready;

static void init(void)
{
	static OPENDMARC_LIB_T lib;

	memset(&lib, 0, sizeof(lib));
	ready = opendmarc_policy_library_init(&lib) == DMARC_PARSE_OKAY;
}

static mc_dmarc_policy ours(int p)
{
	switch (p) {
	case DMARC_RECORD_P_NONE: return MC_DMARC_POLICY_NONE;
	case DMARC_RECORD_P_QUARANTINE: return MC_DMARC_POLICY_QUARANTINE;
	case DMARC_RECORD_P_REJECT: return MC_DMARC_POLICY_REJECT;
	default: return MC_DMARC_POLICY_UNSET;
	}
}

bool dmarc_opendmarc_view(const mc_dmarc_record *rec, const char *from_domain,
                          const char *org_domain, mc_dmarc_policy *policy, int *pct)
{
	DMARC_POLICY_T *ctx;
	int p = 0, sp = 0, n = 100;

	pthread_once(&once, init);
	if (!ready || !rec->text)
		return false;
	ctx = opendmarc_policy_connect_init((u_char *)"192.0.2.1", DMARC_POLICY_IP_TYPE_IPV4);
	if (!ctx)
		return false;
	*policy = MC_DMARC_POLICY_UNSET; /* it rejected the record: for it there is none */
	*pct = 100;
	if (opendmarc_policy_store_from_domain(ctx, (u_char *)from_domain) == DMARC_PARSE_OKAY &&
	    opendmarc_policy_store_dmarc(ctx, (u_char *)rec->text, (u_char *)from_domain,
	                                 (u_char *)org_domain) == DMARC_PARSE_OKAY) {
		opendmarc_policy_fetch_p(ctx, &p);
		opendmarc_policy_fetch_sp(ctx, &sp);
		opendmarc_policy_fetch_pct(ctx, &n);
		bool at_domain = strcasecmp(rec->domain, from_domain) == 0;

		*policy = ours(!at_domain && sp ? sp : p);
		*pct = n;
	}
	opendmarc_policy_connect_shutdown(ctx);
	return true;
}
