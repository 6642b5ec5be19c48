/* The links of a message (verify --links): the first byte picks what the
 * rest is -- below 64, decoded text; below 128, HTML (character references
 * undone); from 128, a whole message, its header fields read by the
 * message reader and its body handed with them to mc_verify_links_read
 * (GMime: multiparts, transfer encodings, charsets). Checks that the
 * domains found stay within their bound, each a name with its host. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/msg.h"
#include "mailcheck/verify.h"

struct body {
	mc_buf b;
};

static mc_status on_headers(void *arg, const mc_message *msg)
{
	(void)arg, (void)msg;
	return MC_OK;
}

static mc_status on_body(void *arg, const char *chunk, size_t len)
{
	struct body *b = arg;

	return mc_buf_add(&b->b, chunk, len) < 0 ? MC_ENOMEM : MC_OK;
}

static void check(const mc_links *l)
{
	if (l->n_domains > MC_LINKS_MAX_DOMAINS)
		abort();
	for (size_t i = 0; i < l->n_domains; i++)
		if (!l->domains[i].domain || !l->domains[i].host || !l->domains[i].links ||
		    strlen(l->domains[i].host) > 253)
			abort();
	if (l->n_domains + l->left_out + l->address_links > l->links)
		abort();
}

static void message(const uint8_t *data, size_t size)
{
	struct body b = {0};
	mc_msg_reader *rd = NULL;
	mc_message msg = {0};
	mc_links l;

	if (mc_msg_reader_new(&rd, NULL, on_headers, on_body, &b) == MC_OK &&
	    mc_msg_push(rd, (const char *)data, size) == MC_OK && mc_msg_finish(rd, &msg) == MC_OK &&
	    mc_verify_links_read(&msg, b.b.s, b.b.len, &l) == MC_OK) {
		check(&l);
		mc_links_clear(&l);
	}
	mc_message_clear(&msg);
	mc_msg_reader_free(rd);
	mc_buf_free(&b.b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_links l = {0};

	if (size < 1)
		return 0;
	if (data[0] >= 128) {
		message(data + 1, size - 1);
		return 0;
	}
	mc_links_scan((const char *)data + 1, size - 1, data[0] >= 64, &l);
	check(&l);
	mc_links_clear(&l);
	return 0;
}
