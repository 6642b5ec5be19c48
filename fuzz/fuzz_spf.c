/* SPF records are outside data: parse any bytes as a record, and expand
 * every domain-spec and the whole input as macro-strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "spf/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char ip[16] = {0x20, 0x01, 0x0d, 0xb8};
	spf_macro_env env = {.sender = "a.b@x.example", .local = "a.b", .sender_domain = "x.example",
	                     .domain = "x.example", .ip = ip, .family = AF_INET6};
	char *text = malloc(size + 1), *out;
	spf_record rec;
	size_t pos;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (spf_record_parse(text, size, &rec, &pos) == MC_OK) {
		for (size_t i = 0; i < rec.n; i++) {
			if (rec.terms[i].domain_spec &&
			    spf_expand(&env, rec.terms[i].domain_spec, false, true, &out) == MC_OK) {
				if (strlen(out) > 253 && strchr(out, '.'))
					abort(); /* RFC 7208 7.3: truncated to 253 */
				free(out);
			}
		}
	} else if (pos > size) {
		abort();
	}
	spf_record_free(&rec);
	if (spf_expand(&env, text, true, false, &out) == MC_OK)
		free(out);
	free(text);
	return 0;
}
