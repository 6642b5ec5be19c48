/* Whole messages and mboxes through verify, as `mailcheck verify` reads a
 * stream: the mbox splitter, the message reader, trace (identities from the
 * Received chain), SPF, DKIM, DMARC, the Authentication-Results header, the
 * explanation, and both renderers -- against the test zones. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mailcheck/msg.h"
#include "mailcheck/report.h"
#include "mailcheck/verify.h"
#include "terminal_safe.h"

static mc_resolver *resolver;
static FILE *sink_fp;

struct one {
	mc_verifier *v;
	mc_msg_reader *rd;
};

static mc_status begin(void *arg)
{
	struct one *o = arg;
	const mc_verify_request req = {.authserv_id = "mx.test", .now = 1795600000};

	if (mc_verifier_new(&o->v, resolver, &req) != MC_OK)
		return MC_ENOMEM;
	return mc_msg_reader_new(&o->rd, NULL, mc_verify_headers, mc_verify_body, o->v);
}

static mc_status push(void *arg, const char *buf, size_t len)
{
	struct one *o = arg;

	return mc_msg_push(o->rd, buf, len);
}

static mc_status end(void *arg, bool more)
{
	struct one *o = arg;
	mc_message m;
	mc_verify_result res = {0};
	const mc_render_opts text = {.format = MC_FORMAT_TEXT, .verbose = true};
	const mc_render_opts json = {.format = MC_FORMAT_JSON};

	(void)more;
	if (mc_msg_finish(o->rd, &m) == MC_OK) {
		if (mc_verify_finish(o->v, &m, &res) == MC_OK) {
			char *out = NULL;
			size_t len = 0;
			FILE *fp = open_memstream(&out, &len);

			if (!fp)
				abort();
			mc_render(MC_RESULT_VERIFY, &res, &text, fp);
			fclose(fp);
			assert_terminal_safe(out, len);
			free(out);
			mc_render(MC_RESULT_VERIFY, &res, &json, sink_fp);
		}
		mc_verify_result_clear(&res);
		mc_message_clear(&m);
	}
	mc_msg_reader_free(o->rd);
	mc_verifier_free(o->v);
	o->rd = NULL;
	o->v = NULL;
	mc_dns_log_rewind(resolver, 0);
	return MC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned runs;
	struct one o = {0};
	const mc_mbox_sink sink = {begin, push, end, &o};
	FILE *fp;

	/* a fresh resolver now and then: its cache grows with the names asked */
	if (!resolver || ++runs % 5000 == 0) {
		const char *zones[] = {ZONES_DIR};

		mc_resolver_free(resolver);
		if (mc_resolver_new_zones(&resolver, zones, 1) != MC_OK)
			abort();
	}
	if (!sink_fp && !(sink_fp = fopen("/dev/null", "w")))
		abort();
	if (size == 0 || !(fp = fmemopen((void *)data, size, "r")))
		return 0;
	if (mc_mbox_read(fp, "fuzz input", &sink) != MC_OK && o.rd) {
		mc_msg_reader_free(o.rd);
		mc_verifier_free(o.v);
	}
	fclose(fp);
	mc_dns_log_rewind(resolver, 0);
	return 0;
}
