/* Differential: mutated signed messages verified by mailcheck's DKIM core
 * and by libopendkim (mc_dkim_compare); a signature one passes and the
 * other fails must be a documented difference (dkim.receivers_disagree
 * names a rule), else abort. Both judge t= and x= by the real clock here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void check(const mc_dkim_result *res)
{
	for (size_t i = 0; i < res->findings.n; i++) {
		const mc_finding *f = &res->findings.items[i];

		if (!strcmp(f->code, "dkim.receivers_disagree") &&
		    strstr(f->message, "not one of the documented differences")) {
			fprintf(stderr, "undocumented difference: %s\n", f->message);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_dkim_verifier *v;
	mc_msg_reader *r;
	mc_message m;
	mc_dkim_result res;

	if (!resolver) {
		const char *zones[] = {ZONE_FILE, ZONES_DIR "/lists.test.zone",
		                       ZONES_DIR "/fwd.test.zone"};

		if (mc_resolver_new_zones(&resolver, zones, 3) != MC_OK)
			abort();
	}
	if (mc_dkim_verifier_new(&v, resolver, 0) != MC_OK)
		return 0;
	mc_dkim_compare(v);
	if (mc_msg_reader_new(&r, NULL, headers, body, v) == MC_OK) {
		if (mc_msg_push(r, (const char *)data, size) == MC_OK && mc_msg_finish(r, &m) == MC_OK) {
			if (mc_dkim_finish(v, &m, &res) == MC_OK) {
				check(&res);
				mc_dkim_result_clear(&res);
			}
			mc_message_clear(&m);
		}
		mc_msg_reader_free(r);
	}
	mc_dkim_verifier_free(v);
	return 0;
}
