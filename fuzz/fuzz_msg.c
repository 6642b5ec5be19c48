/* Messages are outside data: any bytes, pushed in chunks whose sizes come
 * from the input, with small limits so that they are hit. */
#include <stdint.h>
#include <stdlib.h>

#include "mailcheck/msg.h"

static mc_status body(void *arg, const char *chunk, size_t len)
{
	(void)arg;
	(void)chunk;
	(void)len;
	return MC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_msg_limits lim = {.max_line = 512, .max_headers = 50, .max_header_bytes = 8192};
	mc_msg_reader *r;
	mc_message m;
	size_t step = size ? (size_t)data[0] % 31 + 1 : 1;
	mc_status st = MC_OK;

	if (mc_msg_reader_new(&r, &lim, NULL, body, NULL) != MC_OK)
		return 0;
	for (size_t i = 0; st == MC_OK && i < size; i += step)
		st = mc_msg_push(r, (const char *)data + i, size - i < step ? size - i : step);
	if (st == MC_OK && mc_msg_finish(r, &m) == MC_OK) {
		for (size_t i = 0; i < m.n_headers; i++) {
			mc_address_list l;

			if (mc_address_list_parse(m.headers[i].value, m.headers[i].value_len, &l) == MC_OK)
				mc_address_list_clear(&l);
		}
		mc_message_clear(&m);
	}
	mc_msg_reader_free(r);
	return 0;
}
