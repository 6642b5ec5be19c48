#!/usr/bin/env python3
"""A year of DMARC aggregate reports for a large domain, and one report of
a million rows, for bench/report.sh.

  make_reports.py DIR [DAYS] [REPORTERS] [ROWS_PER_REPORT] [BIG_ROWS]

DIR/year/: DAYS x REPORTERS reports (a third XML, a third gzip, a third
zip, as reporters send them), each with ROWS_PER_REPORT rows drawn from a
pool of 5,000 sources; DIR/big.xml.gz: one report of BIG_ROWS rows with
distinct sources. Deterministic (seeded)."""
import gzip
import io
import os
import random
import sys
import zipfile

DAY = 86400
START = 1764547200  # 2025-12-01


def row(ip, n, rnd):
    ok = rnd.random() < 0.8
    return ("<record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated>"
            "<disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated>"
            "</row><identifiers><header_from>big.example</header_from></identifiers>"
            "<auth_results><dkim><domain>%s</domain><selector>s1</selector><result>%s</result>"
            "</dkim><spf><domain>%s</domain><scope>mfrom</scope><result>%s</result></spf>"
            "</auth_results></record>\n" % (
                ip, n, "none" if ok else "quarantine", "pass" if ok else "fail",
                "pass" if ok else "fail", "big.example" if ok else "other.example",
                "pass" if ok else "fail", "big.example", "pass" if ok else "softfail"))


def report(org, rid, begin, rows):
    return ("<?xml version=\"1.0\"?>\n<feedback><report_metadata><org_name>%s</org_name>"
            "<email>dmarc@%s</email><report_id>%s</report_id><date_range><begin>%d</begin>"
            "<end>%d</end></date_range></report_metadata><policy_published><domain>big.example"
            "</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>"
            "</policy_published>\n%s</feedback>\n" % (org, org, rid, begin, begin + DAY - 1,
                                                        "".join(rows))).encode()


def main():
    out = sys.argv[1]
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 365
    reporters = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    per = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    big = int(sys.argv[5]) if len(sys.argv) > 5 else 1000000
    rnd = random.Random(7)
    pool = ["10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(5000)]
    os.makedirs(os.path.join(out, "year"), exist_ok=True)
    k = 0
    for d in range(days):
        for r in range(reporters):
            org = "reporter%d.example" % r
            data = report(org, "%d-%d" % (d, r), START + d * DAY,
                          [row(rnd.choice(pool), rnd.randint(1, 50), rnd) for _ in range(per)])
            name = os.path.join(out, "year", "%s!big.example!%d" % (org, START + d * DAY))
            if k % 3 == 0:
                open(name + ".xml", "wb").write(data)
            elif k % 3 == 1:
                open(name + ".xml.gz", "wb").write(gzip.compress(data, 6, mtime=0))
            else:
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                    z.writestr(os.path.basename(name) + ".xml", data)
                open(name + ".zip", "wb").write(buf.getvalue())
            k += 1
    with gzip.open(os.path.join(out, "big.xml.gz"), "wb", 1) as f:
        f.write(b"<?xml version=\"1.0\"?>\n<feedback><report_metadata><org_name>big</org_name>"
                b"<report_id>big-1</report_id></report_metadata><policy_published><domain>"
                b"big.example</domain><p>none</p></policy_published>\n")
        for i in range(big):
            f.write(row("10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255) if i % 2
                        else "2001:db8::%x:%x" % (i >> 16, i & 0xffff), 1 + i % 7, rnd).encode())
        f.write(b"</feedback>\n")


if __name__ == "__main__":
    main()
