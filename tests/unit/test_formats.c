/* CSV cells (RFC 4180 quoting, formulas neutralised) and Prometheus label
 * values (the format's three escapes), each from hostile text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "report/internal.h"

static void test_csv_cells(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain\n"},
		{"a,b", "\"a,b\"\n"},
		{"say \"hi\"", "\"say \"\"hi\"\"\"\n"},
		{"two\nlines", "\"two\nlines\"\n"},
		{"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"\n"},
		{"+1", "'+1\n"},
		{"-1", "'-1\n"},
		{"@SUM(A1)", "'@SUM(A1)\n"},
		{"\tx", "'\tx\n"},
		{"a=b", "a=b\n"},
		{"", "\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mc_buf b = {0};

		mc_csv_cell(&b, cases[i].in, true);
		CHECK_STR(b.s, cases[i].out);
		mc_buf_free(&b);
	}
}

static void test_label_escapes(void)
{
	mc_metrics *m = mc_metrics_new();
	char path[] = "/tmp/mailcheck-test-metrics.XXXXXX", text[4096] = "";
	int fd = mkstemp(path);
	FILE *fp;
	size_t n;

	CHECK(m && fd >= 0);
	if (!m || fd < 0)
		return;
	close(fd);
	mc_metric(m, "mailcheck_findings", 2, "input", "a\\b\"c\nd", "severity", "error", NULL);
	mc_metric(m, "mailcheck_no_such_family", 1, "input", "x", NULL); /* not written */
	CHECK(mc_metrics_write(m, path) == MC_OK);
	if ((fp = fopen(path, "r"))) {
		n = fread(text, 1, sizeof(text) - 1, fp);
		text[n] = '\0';
		fclose(fp);
	}
	CHECK_STR(text, "# HELP mailcheck_findings Findings of a check, by severity.\n"
	                "# TYPE mailcheck_findings gauge\n"
	                "mailcheck_findings{input=\"a\\\\b\\\"c\\nd\",severity=\"error\"} 2\n");
	unlink(path);
	mc_metrics_free(m);
}

static void test_html_text(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"\"><img src=x onerror='y'>", "&quot;&gt;&lt;img src=x onerror=&#39;y&#39;&gt;"},
		{"a & b", "a &amp; b"},
		{"bell\a esc\x1b[31m", "bell\\007 esc\\027[31m"},
		{"cut \xff utf-8", "cut \\255 utf-8"},
		{"日本語", "日本語"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mc_buf b = {0};

		mc_html_text(&b, cases[i].in);
		mc_buf_add(&b, "", 0);
		CHECK_STR(b.s, cases[i].out);
		mc_buf_free(&b);
	}
}

int main(void)
{
	static const struct test tests[] = {
		{"csv: quoting and formulas", test_csv_cells},
		{"prometheus: label values escaped", test_label_escapes},
		{"html: outside text escaped", test_html_text},
	};

	return RUN(tests);
}
