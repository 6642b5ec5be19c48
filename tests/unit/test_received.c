/* Received headers as the MTA families write them, and dates. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mailcheck/trace.h"

struct want {
	const char *from, *rdns, *ip, *by, *with, *id, *for_addr;
	bool local, tls;
	long long time;
};

static void check_rcv(const char *value, struct want w)
{
	mc_received r;

	CHECK(mc_received_parse(value, &r) == MC_OK);
	if (w.from) CHECK_STR(r.from, w.from); else CHECK(r.from == NULL);
	if (w.rdns) CHECK_STR(r.from_rdns, w.rdns);
	if (w.ip) CHECK_STR(r.ip, w.ip); else CHECK(r.ip == NULL);
	if (w.by) CHECK_STR(r.by, w.by);
	if (w.with) CHECK_STR(r.with, w.with);
	if (w.id) CHECK_STR(r.id, w.id);
	if (w.for_addr) CHECK_STR(r.for_addr, w.for_addr);
	CHECK(r.local == w.local);
	CHECK((r.tls != NULL) == w.tls);
	CHECK(r.time == w.time);
	if (r.time != w.time || (w.ip && (!r.ip || strcmp(r.ip, w.ip))))
		fprintf(stderr, "  in: %s\n  time %lld ip %s from %s\n", value, r.time,
		        r.ip ? r.ip : "-", r.from ? r.from : "-");
	mc_received_clear(&r);
}

#define T1 1795514400LL /* Tue, 24 Nov 2026 10:00:00 +0000 */

static void test_families(void)
{
	/* Postfix, with TLS */
	check_rcv("from mail.example.com (mail.example.com [192.0.2.1]) (using TLSv1.3 with cipher "
	          "TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519) (No client certificate "
	          "requested) by mx.example.net (Postfix) with ESMTPS id 4Abc123Xyz for "
	          "<bob@example.net>; Tue, 24 Nov 2026 10:00:00 +0000 (UTC)",
	          (struct want){"mail.example.com", "mail.example.com", "192.0.2.1", "mx.example.net",
	                        "ESMTPS", "4Abc123Xyz", "bob@example.net", false, true, T1});
	/* Postfix local submission (PHP mail() -> sendmail) */
	check_rcv("by web1.example.com (Postfix, from userid 33) id 8D2F1A0123; Tue, 24 Nov 2026 "
	          "10:00:00 +0000 (UTC)",
	          (struct want){.by = "web1.example.com", .id = "8D2F1A0123", .local = true, .time = T1});
	/* Sendmail, and its local submission */
	check_rcv("from host.example.org (host.example.org [198.51.100.7]) by mx.example.com "
	          "(8.15.2/8.15.2) with ESMTP id x2AB3c4D012345 for <u@example.com>; Tue, 24 Nov 2026 "
	          "11:00:00 +0100",
	          (struct want){"host.example.org", "host.example.org", "198.51.100.7", "mx.example.com",
	                        "ESMTP", "x2AB3c4D012345", "u@example.com", false, false, T1});
	check_rcv("(from www-data@localhost) by web1.example.com (8.15.2/8.15.2/Submit) id "
	          "2AOA0000123456; Tue, 24 Nov 2026 10:00:00 GMT",
	          (struct want){.by = "web1.example.com", .local = true, .time = T1});
	/* Exim, and Exim local */
	check_rcv("from [192.0.2.1] (helo=mail.example.com) by mx.example.net with esmtps (TLS1.3) tls "
	          "TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@example.com>) id "
	          "1kXyZa-000123-AB for bob@example.net; Tue, 24 Nov 2026 10:00:00 +0000",
	          (struct want){"mail.example.com", NULL, "192.0.2.1", "mx.example.net", "esmtps",
	                        "1kXyZa-000123-AB", "bob@example.net", false, true, T1});
	check_rcv("from www-data by web1.example.com with local (Exim 4.96) (envelope-from "
	          "<www-data@web1.example.com>) id 1kXyZb-0001; Tue, 24 Nov 2026 10:00:00 +0000",
	          (struct want){.from = "www-data", .by = "web1.example.com", .with = "local",
	                        .local = true, .time = T1});
	/* qmail: network and local */
	check_rcv("from unknown (HELO mail.example.com) (192.0.2.1) by mx.example.net with SMTP; "
	          "24 Nov 2026 10:00:00 -0000",
	          (struct want){.from = "mail.example.com", .ip = "192.0.2.1", .by = "mx.example.net",
	                        .with = "SMTP", .time = T1});
	check_rcv("(qmail 12345 invoked by uid 33); 24 Nov 2026 10:00:00 -0000",
	          (struct want){.local = true, .time = T1});
	/* OpenSMTPD */
	check_rcv("from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net (OpenSMTPD) "
	          "with ESMTPS id 1a2b3c4d (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) for "
	          "<bob@example.net>; Tue, 24 Nov 2026 10:00:00 +0000 (UTC)",
	          (struct want){"mail.example.com", "mail.example.com", "192.0.2.1", "mx.example.net",
	                        "ESMTPS", "1a2b3c4d", "bob@example.net", false, true, T1});
	/* Microsoft Exchange / Outlook.com, IPv6 */
	check_rcv("from AM0PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:208:1::12) by "
	          "AM0PR01MB5678.eurprd01.prod.exchangelabs.com (2603:10a6:208:2::34) with Microsoft "
	          "SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
	          "15.20.6699.27; Tue, 24 Nov 2026 10:00:00 +0000",
	          (struct want){.from = "AM0PR01MB1234.eurprd01.prod.exchangelabs.com",
	                        .ip = "2603:10a6:208:1::12",
	                        .by = "AM0PR01MB5678.eurprd01.prod.exchangelabs.com",
	                        .with = "Microsoft SMTP Server", .id = "15.20.6699.27", .tls = true,
	                        .time = T1});
	/* Gmail */
	check_rcv("from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by "
	          "mx.google.com with SMTPS id a640c23a62f3a-123 for <bob@gmail.com> (Google Transport "
	          "Security); Tue, 24 Nov 2026 02:00:00 -0800 (PST)",
	          (struct want){"mail-sor-f41.google.com", "mail-sor-f41.google.com", "209.85.220.41",
	                        "mx.google.com", "SMTPS", "a640c23a62f3a-123", "bob@gmail.com", false,
	                        true, T1});
	/* Amavis re-injection on loopback */
	check_rcv("from mx.example.net ([127.0.0.1]) by localhost (mx.example.net [127.0.0.1]) "
	          "(amavisd-new, port 10024) with ESMTP id abc123 for <bob@example.net>; Tue, 24 Nov "
	          "2026 10:00:00 +0000 (UTC)",
	          (struct want){.from = "mx.example.net", .ip = "127.0.0.1", .by = "localhost",
	                        .with = "ESMTP", .id = "abc123", .time = T1});
	/* IPv6 literal, no date */
	check_rcv("from [IPv6:2001:db8::5] (unknown [IPv6:2001:db8::5]) by mx.example.net (Postfix) "
	          "with ESMTP id 999",
	          (struct want){.ip = "2001:db8::5", .by = "mx.example.net", .with = "ESMTP",
	                        .id = "999", .time = -1});
}

/* What a hop leaves over, and where its clauses go: the date without its
 * trailing comments, envelope-from taken wherever an MTA writes it. */
static void whole(const char *value, const char *field, const char *want, long long time)
{
	mc_received r;

	CHECK(mc_received_parse(value, &r) == MC_OK);
	CHECK(r.unparsed == NULL);
	CHECK(r.time == time);
	CHECK(r.date && !strchr(r.date, '('));
	if (field) {
		const char *got = !strcmp(field, "envelope_from") ? r.envelope_from
		                : !strcmp(field, "with") ? r.with : !strcmp(field, "via") ? r.via
		                : !strcmp(field, "by") ? r.by : !strcmp(field, "ip") ? r.ip : r.tls;

		CHECK_STR(got, want);
	}
	if (r.unparsed || r.time != time)
		fprintf(stderr, "  in: %s\n  unparsed %s, time %lld\n", value,
		        r.unparsed ? r.unparsed : "-", r.time);
	mc_received_clear(&r);
}

static void test_clauses(void)
{
	/* Exim (and Sendmail) put envelope-from after the date */
	whole("from mail by mx.example.org with local (Exim 4.96) id 1abc-0001-XY; Tue, 24 Nov "
	      "2026 10:00:00 +0000 (envelope-from <a@example.org>)", "envelope_from",
	      "a@example.org", T1);
	whole("from x ([192.0.2.1]) by y with esmtp id z; Tue, 24 Nov 2026 19:00:00 +0900 (JST)\t"
	      "(envelope-from MAILER-DAEMON)", "envelope_from", "MAILER-DAEMON", T1);
	/* Microsoft: the TLS comment and "via Frontend Transport" */
	whole("from APC01-SG2-obe.outbound.protection.outlook.com (40.92.253.77) by "
	      "CY1NAM02FT052.mail.protection.outlook.com (10.152.74.123) with Microsoft SMTP Server "
	      "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384) id 15.20.1771.16 via "
	      "Frontend Transport; Tue, 24 Nov 2026 10:00:00 +0000", "via", "Frontend Transport", T1);
	whole("from a.hotmail.example.com ([65.55.116.88]) by b.hotmail.example.com over TLS "
	      "secured channel with Microsoft SMTPSVC(7.5.7601.22712); Tue, 24 Nov 2026 02:00:00 "
	      "-0800", "tls", "TLS secured channel", T1);
	whole("by gw with Internet Mail Service (5.5.1960.3) id <00000000>; Tue, 24 Nov 2026 "
	      "10:00:00 -0000", "with", "Internet Mail Service", T1);
	/* qmail and indimail */
	whole("(qmail 20255 invoked by uid 1001); 24 Nov 2026 10:00:00 -0000", NULL, NULL, T1);
	whole("indimail-mta queue 58962 by host email.example.jp (invoked for bounce); Tue, 24 Nov "
	      "2026 19:00:00 +0900", "by", "email.example.jp", T1);
	/* OpenSMTPD's semicolons, GMX without one, Haraka's bare envelope-from */
	whole("from localhost (localhost [local]); by localhost (OpenSMTPD) with ESMTPA id "
	      "1e2a9eaa; for <k@example.jp>; Tue, 24 Nov 2026 10:00:00 +0000 (UTC)", "with",
	      "ESMTPA", T1);
	whole("from mda by mogmxus001.server.lan id 0LvVA5-1Y3oYj34nD Tue, 24 Nov 2026 11:00:00 "
	      "+0100", "by", "mogmxus001.server.lan", T1);
	whole("from localhost ([192.0.2.4]) by mrd.example.net (Haraka/2.8.21) with ESMTP id zzz.1 "
	      "envelope-from <fbl@bounce.example.net>; Tue, 24 Nov 2026 10:00:00 +0000",
	      "envelope_from", "fbl@bounce.example.net", T1);
	/* an address after the names; ctime(3)'s date */
	whole("from localhost (smtp-90.example.co.jp) [127.0.0.1] by mx4.example.org with esmtp "
	      "(Exim 2.05 #1 (Debian)) id ffffff-00; Tue, 24 Nov 2026 10:00:00 +0000", "ip",
	      "127.0.0.1", T1);
	whole("from e3.example.net [203.0.113.225] by r0.example.com [192.0.2.55] with SMTP for "
	      "<k@example.com>; Nov 24 10:00:00 2026 +0000", "ip", "203.0.113.225", T1);
}

static void test_dates(void)
{
	CHECK(mc_date_parse("Tue, 24 Nov 2026 10:00:00 +0000") == T1);
	CHECK(mc_date_parse("24 Nov 2026 10:00 +0000") == T1);
	CHECK(mc_date_parse("Tue, 24 Nov 26 05:00:00 EST") == T1);
	CHECK(mc_date_parse("Tue, 24 Nov 2026 11:30:00 +0130 (CET)") == T1);
	CHECK(mc_date_parse("garbage") == -1);
	CHECK(mc_date_parse("Tue, 32 Nov 2026 10:00:00 +0000") == -1);
	CHECK(mc_date_parse("") == -1);
	/* regressions (fuzz_trace): absurd years, negative fields */
	CHECK(mc_date_parse("1 Jan 99999999999999999 00:00:00 +0000") == -1);
	CHECK(mc_date_parse("1 Jan -5 00:00:00 +0000") == -1);
	CHECK(mc_date_parse("1 Jan 2026 -1:-5:00 +0000") == -1);
}

static void test_user_times(void)
{
	CHECK(mc_time_parse("1795600000") == 1795600000);
	CHECK(mc_time_parse("2026-11-24T10:00:00Z") == T1);
	CHECK(mc_time_parse("2026-11-24t10:00:00.250z") == T1);
	CHECK(mc_time_parse("2026-11-24 11:00:00+01:00") == T1);
	CHECK(mc_time_parse("2026-11-24T05:00:00-05:00") == T1);
	CHECK(mc_time_parse("2026-11-24") == T1 - 10 * 3600);
	CHECK(mc_time_parse("Tue, 24 Nov 2026 10:00:00 +0000") == T1);
	CHECK(mc_time_parse("Tue, 24 Nov 2026 11:30:00 +0130 (CET)") == T1);
	CHECK(mc_time_parse("24 Nov 2026 10:00:00 GMT") == T1);
	/* no zone, impossible dates, trailing junk, nothing */
	CHECK(mc_time_parse("2026-11-24T10:00:00") == -1);
	CHECK(mc_time_parse("Tue, 24 Nov 2026 10:00:00") == -1);
	CHECK(mc_time_parse("2026-02-29") == -1);
	CHECK(mc_time_parse("2024-02-29") > 0);
	CHECK(mc_time_parse("2026-13-01") == -1);
	CHECK(mc_time_parse("2026-11-24T24:00:00Z") == -1);
	CHECK(mc_time_parse("2026-11-24T10:00:00Zjunk") == -1);
	CHECK(mc_time_parse("1795600000x") == -1);
	CHECK(mc_time_parse("-5") == -1);
	CHECK(mc_time_parse("") == -1);
	CHECK(mc_time_parse("99999999999999999999") == -1);
}

int main(void)
{
	static const struct test tests[] = {
		{"received: MTA families", test_families},
		{"received: dates", test_dates},
		{"received: every clause taken, dates without comments", test_clauses},
		{"--now: epoch, RFC 3339 and RFC 5322 times", test_user_times},
	};
	return RUN(tests);
}
