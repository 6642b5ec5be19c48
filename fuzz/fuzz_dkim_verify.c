/* Messages with hostile DKIM-Signature headers, verified through
 * libopendkim against the test keys (testdata zone). */
#include <stdint.h>
#include <stdlib.h>

#include "mailcheck/dkim.h"

static mc_resolver *resolver;

static mc_status headers(void *arg, const mc_message *m)
{
	return mc_dkim_headers(arg, m);
}

static mc_status body(void *arg, const char *c, size_t n)
{
	return mc_dkim_body(arg, c, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_dkim_verifier *v;
	mc_msg_reader *r;
	mc_message m;
	mc_dkim_result res;

	if (!resolver) {
		const char *zones[] = {ZONE_FILE};

		if (mc_resolver_new_zones(&resolver, zones, 1) != MC_OK)
			abort();
	}
	if (mc_dkim_verifier_new(&v, resolver, 1795600000) != MC_OK)
		return 0;
	if (mc_msg_reader_new(&r, NULL, headers, body, v) == MC_OK) {
		if (mc_msg_push(r, (const char *)data, size) == MC_OK && mc_msg_finish(r, &m) == MC_OK) {
			if (mc_dkim_finish(v, &m, &res) == MC_OK)
				mc_dkim_result_clear(&res);
			mc_message_clear(&m);
		}
		mc_msg_reader_free(r);
	}
	mc_dkim_verifier_free(v);
	return 0;
}
