/* The messages of each source per day (mc_fb_day: the --html chart by kind
 * of source), from aggregate reports read whole: by the day each report
 * begins, the sources' indexes following their sort, a report read twice
 * counted once, and a report whose date comes after its rows making the
 * days incomplete (the chart then falls back to pass and fail). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mailcheck/feedback.h"

#define DAY1 1795564800LL /* 2026-11-25 00:00 UTC */
#define DAY2 (DAY1 + 86400)

/* An aggregate report of one reporter beginning at begin (plus 3600 s, to
 * see the day taken), with rows "ip,count,dkim" joined by ';'. */
static char *report(const char *id, long long begin, const char *rows, bool date_last)
{
	char date[200], buf[4096];
	size_t len = 0;
	const char *p = rows;

	snprintf(date, sizeof(date), "<date_range><begin>%lld</begin><end>%lld</end></date_range>",
	         begin + 3600, begin + 86399);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
	                        "<?xml version=\"1.0\"?><feedback><report_metadata><org_name>r.test"
	                        "</org_name><report_id>%s</report_id>%s</report_metadata>"
	                        "<policy_published><domain>esp.test</domain><p>none</p>"
	                        "</policy_published>", id, date_last ? "" : date);
	while (*p) {
		char ip[64], dkim[16];
		unsigned count;
		int used = 0;

		if (sscanf(p, "%63[^,],%u,%15[^;]%n", ip, &count, dkim, &used) != 3)
			break;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		                        "<record><row><source_ip>%s</source_ip><count>%u</count>"
		                        "<policy_evaluated><disposition>none</disposition><dkim>%s"
		                        "</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"
		                        "<header_from>esp.test</header_from></identifiers></record>",
		                        ip, count, dkim);
		p += used + (p[used] == ';');
	}
	if (date_last) /* out of the order RFC 7489 gives */
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "<report_metadata>%s"
		                        "</report_metadata>", date);
	snprintf(buf + len, sizeof(buf) - len, "</feedback>");
	return strdup(buf);
}

static void add(mc_feedback *f, char *xml)
{
	CHECK(mc_feedback_add_bytes(f, xml, strlen(xml), "test.xml") == MC_OK);
	free(xml);
}

static const mc_fb_day *day_of(const mc_feedback_result *res, const char *ip, long long day)
{
	for (size_t i = 0; i < res->n_days; i++)
		if (res->days[i].day == day && !strcmp(res->sources[res->days[i].source].ip, ip))
			return &res->days[i];
	return NULL;
}

static void test_days(void)
{
	mc_feedback_opts o = {.no_lookups = true, .days = true};
	mc_feedback *f = NULL;
	mc_feedback_result res;
	const mc_fb_day *d;

	CHECK(mc_feedback_new(&f, NULL, &o) == MC_OK);
	/* the small source comes first: the sort must move the days' indexes */
	add(f, report("1", DAY1, "192.0.2.9,3,fail;192.0.2.1,10,pass;192.0.2.1,5,fail", false));
	add(f, report("2", DAY2, "192.0.2.1,20,pass", false));
	add(f, report("2", DAY2, "192.0.2.1,20,pass", false)); /* the same report again */
	CHECK(mc_feedback_finish(f, &res) == MC_OK);
	CHECK(!res.days_incomplete);
	CHECK(res.n_days == 3);
	CHECK(res.n_sources == 2 && !strcmp(res.sources[0].ip, "192.0.2.1"));
	CHECK((d = day_of(&res, "192.0.2.1", DAY1)) && d->messages == 15 && d->dmarc_pass == 10);
	CHECK((d = day_of(&res, "192.0.2.1", DAY2)) && d->messages == 20 && d->dmarc_pass == 20);
	CHECK((d = day_of(&res, "192.0.2.9", DAY1)) && d->messages == 3 && d->dmarc_pass == 0);
	CHECK(!day_of(&res, "192.0.2.9", DAY2));
	mc_feedback_result_clear(&res);
	mc_feedback_free(f);
}

/* Reports over more than 62 days: the days folded into weeks from Monday,
 * those before and those after alike. */
static void test_weeks(void)
{
	mc_feedback_opts o = {.no_lookups = true, .days = true};
	mc_feedback *f = NULL;
	mc_feedback_result res;
	long long monday = DAY1 - 2 * 86400; /* 2026-11-25 was a Wednesday */
	const mc_fb_day *d;

	CHECK(mc_feedback_new(&f, NULL, &o) == MC_OK);
	add(f, report("1", DAY1, "192.0.2.1,10,pass", false));
	add(f, report("2", DAY2, "192.0.2.1,4,fail", false));
	add(f, report("3", DAY1 + 70 * 86400, "192.0.2.1,7,pass", false)); /* the span: 70 days */
	add(f, report("4", DAY1 + 71 * 86400, "192.0.2.1,1,pass", false)); /* the same week */
	CHECK(mc_feedback_finish(f, &res) == MC_OK);
	CHECK(res.days_weekly && !res.days_incomplete);
	CHECK(res.n_days == 2);
	CHECK((d = day_of(&res, "192.0.2.1", monday)) && d->messages == 14 && d->dmarc_pass == 10);
	CHECK((d = day_of(&res, "192.0.2.1", monday + 70 * 86400)) && d->messages == 8 &&
	      d->dmarc_pass == 8);
	mc_feedback_result_clear(&res);
	mc_feedback_free(f);
}

static void test_not_asked(void)
{
	mc_feedback_opts o = {.no_lookups = true};
	mc_feedback *f = NULL;
	mc_feedback_result res;

	CHECK(mc_feedback_new(&f, NULL, &o) == MC_OK);
	add(f, report("1", DAY1, "192.0.2.1,10,pass", false));
	CHECK(mc_feedback_finish(f, &res) == MC_OK);
	CHECK(res.n_days == 0 && res.messages == 10);
	mc_feedback_result_clear(&res);
	mc_feedback_free(f);
}

static void test_date_after_rows(void)
{
	mc_feedback_opts o = {.no_lookups = true, .days = true};
	mc_feedback *f = NULL;
	mc_feedback_result res;

	CHECK(mc_feedback_new(&f, NULL, &o) == MC_OK);
	add(f, report("1", DAY1, "192.0.2.1,10,pass", false));
	add(f, report("2", DAY2, "192.0.2.1,4,fail", true));
	CHECK(mc_feedback_finish(f, &res) == MC_OK);
	CHECK(res.days_incomplete);
	CHECK(res.messages == 14);
	mc_feedback_result_clear(&res);
	mc_feedback_free(f);
}

int main(void)
{
	static const struct test tests[] = {
		{"the messages of each source per day", test_days},
		{"a report dated after its rows: the days incomplete", test_date_after_rows},
		{"days not asked: none kept", test_not_asked},
		{"more than 62 days: weeks from Monday", test_weeks},
	};

	return RUN(tests);
}
