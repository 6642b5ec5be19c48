/* Blocklist answers come from any list's servers, and the SPF records whose
 * addresses are looked up from any domain. The first byte picks: below 128,
 * a list (the catalogue's, or one of the user's own) whose answer is the
 * rest read as A records, 4 bytes each, through mc_bl_read_codes; from 128,
 * the rest as a domain's SPF record, read for the addresses and names to
 * look up. Checks that a listing has codes, every code a meaning, and that
 * the targets stay bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist/internal.h"

static void codes(uint8_t pick, const uint8_t *data, size_t size)
{
	mc_bl_list list;
	mc_bl_code *c;
	size_t n = size / 4, n_codes;
	unsigned char (*addrs)[4] = malloc(n ? n * 4 : 1);
	char *why, *why_text;
	mc_bl_state st;

	if (!addrs)
		return;
	memcpy(addrs, data, n * 4);
	if (pick % 12 < bl_catalogue_n) {
		list = bl_catalogue[pick % 12].list;
		list.table = pick % 12;
	} else {
		list = (mc_bl_list){.zone = "own.example", .custom = true,
		                    .kind = pick % 12 == 10 ? MC_BL_KIND_IP : MC_BL_KIND_DOMAIN};
	}
	st = mc_bl_read_codes(&list, (const unsigned char (*)[4])addrs, n, &c, &n_codes, &why, &why_text);
	if (st == MC_BL_LISTED && n_codes == 0)
		abort();
	if ((st == MC_BL_REFUSED || st == MC_BL_BAD_ANSWER) && !why)
		abort();
	for (size_t i = 0; i < n_codes; i++) {
		if (!c[i].meaning)
			abort();
		free(c[i].meaning);
		free(c[i].meaning_text);
	}
	free(c);
	free(why);
	free(why_text);
	free(addrs);
}

static void spf(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 7);
	mc_dns_rr rr = {.type = MC_RR_TXT};
	mc_dns_answer a = {.type = MC_RR_TXT, .status = MC_DNS_OK, .rrs = &rr, .n_rrs = 1};
	struct bl_names names = {.domain = "example.test"};
	mc_bl_result res = {0};

	if (!text)
		return;
	memcpy(text, "v=spf1 ", 7);
	memcpy(text + 7, data, size);
	text[size + 6] = '\0'; /* the last byte gives way to the end of the string */
	rr.data = text;
	rr.data_len = strlen(text);
	bl_spf_terms(&res, &a, &names);
	if (res.n_targets > MC_BL_MAX_TARGETS || names.n > BL_MAX_NAMES)
		abort();
	bl_names_clear(&names);
	mc_bl_result_clear(&res);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] < 128)
		codes(data[0], data + 1, size - 1);
	else
		spf(data + 1, size - 1);
	return 0;
}
