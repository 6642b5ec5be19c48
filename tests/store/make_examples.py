#!/usr/bin/env python3
"""Writes testdata/report-weeks/: five weeks of a domain's DMARC aggregate
reports and SMTP TLS reports, the README's example of `report --db`.
Run again after a change here; the files are kept in the repository.
  make_examples.py [DIR]"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

DAY = 86400
START = 1793318400  # 2026-10-30 00:00 UTC

aligned = lambda ip, n: gen.row(ip, n, auth_dkim=[("esp.test", "s1", "pass")],
                                auth_spf=[("esp.test", "mfrom", "pass")], hfrom="esp.test")
mailchimp = lambda n: gen.row("198.51.100.57", n, dkim="fail", spf="fail", hfrom="esp.test",
                              auth_dkim=[("mcsv.net", "k1", "pass")],
                              auth_spf=[("mcsv.net", "mfrom", "pass")])
spoof = lambda n: gen.row("192.0.2.99", n, dkim="fail", spf="fail", hfrom="esp.test",
                          disp="quarantine", auth_spf=[("esp.test", "mfrom", "fail")])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata", "report-weeks")
    os.makedirs(out, exist_ok=True)
    for day in range(35):
        begin = START + day * DAY
        rows = [aligned("203.0.113.5", 300 + 5 * day)]
        if day < 21:  # until the ESP was set up with a custom DKIM domain
            rows.append(mailchimp(40))
        else:
            rows.append(gen.row("198.51.100.57", 40, hfrom="esp.test",
                                auth_dkim=[("esp.test", "mc", "pass")],
                                auth_spf=[("mcsv.net", "mfrom", "pass")], spf="fail"))
        if day < 14:
            rows.append(spoof(6))
        if day >= 30:
            rows.append(aligned("203.0.113.6", 25))
        with open(os.path.join(out, "google-%02d.xml" % day), "w") as f:
            f.write(gen.aggregate("google.com", "g%d" % (1000 + day), begin, begin + DAY - 1,
                                  "esp.test", rows, p="quarantine"))
        if day < 20:
            with open(os.path.join(out, "yahoo-%02d.xml" % day), "w") as f:
                f.write(gen.aggregate("Yahoo", "y%d" % (5000 + day), begin, begin + DAY - 1,
                                      "esp.test", [aligned("203.0.113.5", 50)], p="quarantine"))
    for week in range(5):
        fails = [("mx.mailer.test", "certificate-expired", 12)] if week == 2 else []
        with open(os.path.join(out, "tls-%d.json" % week), "w") as f:
            f.write(gen.tls_report("google.com", "tls-%d" % week, START + week * 7 * DAY,
                                   "esp.test", fails, successes=2000))


if __name__ == "__main__":
    main()
