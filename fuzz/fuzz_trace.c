/* Received, Authentication-Results, ARC and Received-SPF values and dates
 * are outside data; so is a whole header block for the trace. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	mc_received r;
	mc_auth_results ar = {0};
	mc_msg_reader *rd;
	mc_message m;
	mc_trace t;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mc_received_parse(s, &r) == MC_OK)
		mc_received_clear(&r);
	mc_auth_results_parse("Authentication-Results", s, &ar);
	mc_auth_results_parse("ARC-Authentication-Results", s, &ar);
	mc_auth_results_parse("Received-SPF", s, &ar);
	mc_auth_results_clear(&ar);
	mc_date_parse(s);
	if (mc_msg_reader_new(&rd, NULL, NULL, NULL, NULL) == MC_OK) {
		if (mc_msg_push(rd, s, size) == MC_OK && mc_msg_finish(rd, &m) == MC_OK) {
			if (mc_trace_build(&m, NULL, &t) == MC_OK)
				mc_trace_clear(&t);
			mc_message_clear(&m);
		}
		mc_msg_reader_free(rd);
	}
	free(s);
	return 0;
}
