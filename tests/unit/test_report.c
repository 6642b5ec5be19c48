/* The renderers walk a result built by hand: JSON shape and escaping, text
 * order, colour and quiet mode. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mailcheck/mx.h"
#include "report/internal.h"

static char *render(const mc_mx_result *res, mc_render_opts o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CHECK(mc_render(MC_RESULT_MX, res, &o, fp) == MC_OK);
	fclose(fp);
	return buf;
}

static void sample(mc_mx_result *res)
{
	static char *addrs[] = {"192.0.2.1"};
	static mc_mx_host host = {.preference = 5, .host = "mx.example.com",
	                          .addresses = addrs, .n_addresses = 1, .usable = true};

	memset(res, 0, sizeof(*res));
	res->domain = "example.com";
	res->verdict = MC_VERDICT_PASS;
	res->reason = MC_MX_DELIVERS;
	res->hosts = &host;
	res->n_hosts = 1;
	mc_finding_add(&res->findings, "mx.equal_preference", MC_SEV_INFO, "a note");
	mc_finding_hint(mc_finding_add(&res->findings, "mx.null_mixed", MC_SEV_ERROR,
	                               "bad \xff byte"), "fix it");
}

static void test_json(void)
{
	mc_mx_result res;
	json_error_t err;

	sample(&res);
	char *out = render(&res, (mc_render_opts){.format = MC_FORMAT_JSON});
	json_t *j = json_loads(out, 0, &err);
	const char *first_key = json_object_iter_key(json_object_iter(j));

	CHECK(j != NULL);
	CHECK(strchr(out, '\n') == out + strlen(out) - 1); /* one line */
	CHECK_STR(first_key, "schema_version");
	CHECK_STR(json_string_value(json_object_get(j, "result")), "pass");
	CHECK_STR(json_string_value(json_object_get(j, "reason")), "mx");
	CHECK(json_is_false(json_object_get(j, "null_mx")));
	json_t *f = json_array_get(json_object_get(j, "findings"), 1);
	CHECK_STR(json_string_value(json_object_get(f, "message")), "bad \\xff byte");
	CHECK_STR(json_string_value(json_object_get(f, "hint")), "fix it");
	CHECK(json_object_get(json_array_get(json_object_get(j, "findings"), 0), "hint") == NULL);
	CHECK(json_array_size(json_object_get(j, "dns")) == 0);
	json_decref(j);
	free(out);
	mc_findings_clear(&res.findings);
}

static void test_text(void)
{
	mc_mx_result res;

	sample(&res);
	char *out = render(&res, (mc_render_opts){.format = MC_FORMAT_TEXT});
	CHECK(strncmp(out, "PASS  example.com", 17) == 0);
	CHECK(strstr(out, "error:") && strstr(out, "note:"));
	CHECK(strstr(out, "error:") < strstr(out, "note:")); /* errors first */
	CHECK(strstr(out, "  fix: fix it\n") != NULL);
	CHECK(strchr(out, '\033') == NULL);
	free(out);
	out = render(&res, (mc_render_opts){.format = MC_FORMAT_TEXT, .color = true});
	CHECK(strstr(out, "\033[32mPASS\033[0m") != NULL);
	free(out);
	out = render(&res, (mc_render_opts){.format = MC_FORMAT_TEXT, .quiet = true});
	CHECK(strchr(out, '\n') == out + strlen(out) - 1);
	free(out);
	mc_findings_clear(&res.findings);
}

/* Outside bytes in JSON: valid UTF-8 as it is, every other byte as \xHH. */
static void test_json_bytes(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{"plain", 5, "plain"},
		{"caf\xc3\xa9 \xf0\x9f\x93\xa7", 10, "caf\xc3\xa9 \xf0\x9f\x93\xa7"},
		{"a\xff" "b\xc3\xa9" "c", 6, "a\\xffb\xc3\xa9" "c"},
		{"\xc0\xaf", 2, "\\xc0\\xaf"},             /* overlong */
		{"\xed\xa0\x80", 3, "\\xed\\xa0\\x80"},   /* a surrogate */
		{"\xc3", 1, "\\xc3"},                        /* cut short */
		{"", 0, ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = mc_json_bytes(cases[i].in, cases[i].len);

		CHECK(j != NULL);
		CHECK_STR(json_string_value(j), cases[i].out);
		json_decref(j);
	}
	/* NUL is valid UTF-8: kept, and written as \u0000 */
	json_t *nul = mc_json_bytes("a\0b", 3);
	char *text = json_dumps(nul, JSON_ENCODE_ANY);

	CHECK(json_string_length(nul) == 3);
	CHECK_STR(text, "\"a\\u0000b\"");
	free(text);
	json_decref(nul);
}

/* The DNS log written straight to text is the JSON jansson would write for
 * the same strings: every byte value, in names, data and errors. */
/* Outside bytes through the escaping stream, whole and one byte a write (a
 * UTF-8 sequence cut between writes is joined, not escaped). */
static void test_escaped(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"v=spf1 \033[2J\033[31mred\033]0;pwned\007 -all\n",
		 "v=spf1 \\027[2J\\027[31mred\\027]0;pwned\\007 -all\n"},
		{"tab\tnew\nline\r\x7f", "tab\tnew\nline\\013\\127"},
		{"\xe6\x97\xa5\xe6\x9c\xac caf\xc3\xa9 \xf0\x9f\x93\xa7", "\xe6\x97\xa5\xe6\x9c\xac caf\xc3\xa9 \xf0\x9f\x93\xa7"},
		{"a\xff" "b\xc0\xaf" "c", "a\\255b\\192\\175c"},
		{"\xc2\x9b" "1m \xe2\x80\xae" "evil", "\\194\\155" "1m \\226\\128\\174" "evil"},
		{"\xed\xa0\x80", "\\237\\160\\128"},
		{"cut \xe6\x97", "cut \\230\\151"},
		{"\xe6" "a", "\\230a"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int unbuffered = 0; unbuffered < 2; unbuffered++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *under = open_memstream(&buf, &len), *fp = mc_escaped_open(under);

			CHECK(fp != NULL);
			if (unbuffered)
				setvbuf(fp, NULL, _IONBF, 0);
			for (const char *c = cases[i].in; *c; c++)
				fputc(*c, fp);
			fclose(fp);
			fclose(under);
			CHECK_STR(buf, cases[i].out);
			free(buf);
		}
}

static void test_dns_text(void)
{
	char data[300];
	size_t n = 0;

	for (int c = 0; c < 256; c++)
		data[n++] = (char)c;
	memcpy(data + n, "caf\xc3\xa9 \"q\" \\ \xf0\x9f\x93\xa7", 17);
	n += 17;
	mc_dns_rr rr = {.owner = "a\"b\\c\x01\xff.example", .type = MC_RR_TXT, .ttl = 60,
	                .data = data, .data_len = n};
	mc_dns_answer a = {.name = "a\"b\\c\x01\xff.example", .type = MC_RR_TXT,
	                   .status = MC_DNS_OK, .rcode = 0, .rrs = &rr, .n_rrs = 1,
	                   .error = "bad \x80\ttab"};
	mc_dns_log_entry e = {.answer = &a};
	mc_dns_log log = {.entries = &e, .n = 1};
	char *text = mc_json_dns_text(&log);
	json_error_t err;
	json_t *got = text ? json_loads(text, JSON_ALLOW_NUL, &err) : NULL, *q = json_array_get(got, 0);
	json_t *ans = json_array_get(json_object_get(q, "answers"), 0);
	json_t *want_data = mc_json_bytes(data, n), *want_name = mc_json_str(a.name);
	json_t *want_err = mc_json_str(a.error);

	CHECK(got != NULL);
	CHECK(json_equal(json_object_get(ans, "data"), want_data));
	CHECK(json_equal(json_object_get(ans, "name"), want_name));
	CHECK(json_equal(json_object_get(q, "name"), want_name));
	CHECK(json_equal(json_object_get(q, "error"), want_err));
	CHECK_STR(json_string_value(json_object_get(q, "status")), "noerror");
	CHECK(json_integer_value(json_object_get(ans, "ttl")) == 60);
	CHECK(json_is_false(json_object_get(q, "cached")));
	json_decref(want_data);
	json_decref(want_name);
	json_decref(want_err);
	json_decref(got);
	free(text);
}

/* Random strings, rich in the bytes that matter (quotes, backslashes,
 * controls, UTF-8 lead and continuation bytes), at every length and offset
 * of the eight-byte steps: mc_json_bytes keeps exactly what is valid UTF-8
 * (jansson's own check), and mc_json_write and the DNS log write what
 * json_dumps writes. */
static void test_json_random(void)
{
	static const unsigned char pool[] = {'a', 'Z', ' ', '"', '\\', 0, 1, '\n', 0x1f, 0x7f,
	                                     0x80, 0xbf, 0xc3, 0xa9, 0xe6, 0x97, 0xf0, 0x9f, 0xff};
	unsigned seed = 12345;

	for (int round = 0; round < 20000 && !check_failures; round++) {
		char s[48];
		size_t len = (size_t)(round % 41);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = (char)((seed >> 16) % 4 ? 'a' + (seed >> 20) % 26
			                               : pool[(seed >> 20) % sizeof(pool)]);
		}
		json_t *checked = json_stringn(s, len), *mine = mc_json_bytes(s, len);

		CHECK(mine != NULL);
		if (checked)
			CHECK(json_equal(checked, mine));
		else { /* what was not UTF-8 is escaped: the result is */
			json_t *again = json_stringn(json_string_value(mine), json_string_length(mine));

			CHECK(again != NULL);
			json_decref(again);
		}
		char *want = json_dumps(mine, JSON_COMPACT | JSON_ENCODE_ANY);
		mc_buf b = {0};

		mc_json_write(&b, mine);
		CHECK_STR(b.s, want);
		/* the DNS log's data: the same string as mc_json_bytes gives */
		mc_dns_rr rr = {.owner = "x.example", .type = MC_RR_TXT, .data = s, .data_len = len};
		mc_dns_answer a = {.name = "x.example", .type = MC_RR_TXT, .status = MC_DNS_OK,
		                   .rrs = &rr, .n_rrs = 1};
		mc_dns_log_entry e = {.answer = &a, .cached = true};
		char *text = mc_json_dns_text(&(mc_dns_log){.entries = &e, .n = 1});
		char *at = text ? strstr(text, "\"data\":") : NULL;

		CHECK(at && strncmp(at + 7, want, strlen(want)) == 0 && at[7 + strlen(want)] == '}');
		free(text);
		free(want);
		mc_buf_free(&b);
		json_decref(checked);
		json_decref(mine);
	}
}

int main(void)
{
	static const struct test tests[] = {
		{"report: JSON", test_json},
		{"report: the DNS log as text is jansson's JSON", test_dns_text},
		{"report: JSON strings from outside bytes", test_json_bytes},
		{"report: random strings written as jansson writes them", test_json_random},
		{"report: text", test_text},
		{"report: outside bytes escaped in text", test_escaped},
	};
	return RUN(tests);
}
