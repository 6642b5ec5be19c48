#!/usr/bin/env python3
"""Make the report test data (testdata/reports/) for esp.test, whose zone
is in testdata/zones: three aggregate reports of one day -- as XML (RFC
7489 appendix C), gzip and zip, as reporters send them -- and one mailed
as a gzip attachment; an SMTP TLS report (RFC 8460) plain and gzip; a
DMARC failure report (ARF, RFC 6591) returning the spoofed message.
Deterministic: fixed dates in the archives.

The sources, each a case the explanations must tell apart:
  203.0.113.5     o5.out.mailer.test, in esp.test's SPF, signs as esp.test
  203.0.113.6     in the SPF too, does not sign: passes through SPF alone
  198.51.100.57    mail57.mcsv.net (Mailchimp): SPF and DKIM pass for mcsv.net
  198.51.100.120  mail.lists.test: a mailing list (override mailing_list)
  198.51.100.130  mx.fwd.test: has a PTR name, not in SPF, no signature
  198.51.100.20   no PTR name, in the networks of Mailchimp's SPF include
                  (testdata/zones/mcsv.net.zone): not in SPF, no signature
  192.0.2.99      no PTR, nothing passes: spoofing
"""
import base64
import gzip
import io
import json
import os
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "reports")
BEGIN, END = 1795564800, 1795651199  # 2026-11-25, one day

ROWS = {
    # ip: (count, disposition, dkim, spf, header_from, [dkim auth], [spf auth], [reasons])
    "203.0.113.5": ("pass", "pass", [("esp.test", "selector1", "pass")], [("esp.test", "pass")], []),
    "203.0.113.6": ("none", "pass", [], [("esp.test", "pass")], []),
    "198.51.100.57": ("fail", "fail", [("mcsv.net", "k1", "pass")], [("mcsv.net", "pass")], []),
    "198.51.100.120": ("fail", "fail", [("esp.test", "selector1", "fail")],
                       [("lists.test", "pass")], ["mailing_list"]),
    "198.51.100.130": ("fail", "fail", [], [("esp.test", "fail")], []),
    "198.51.100.20": ("fail", "fail", [], [("esp.test", "fail")], []),
    "192.0.2.99": ("fail", "fail", [], [("esp.test", "fail")], []),
}


def record(ip, count):
    dkim_ev, spf_ev, dkim, spf, reasons = ROWS[ip]
    disp = "none" if "pass" in (dkim_ev, spf_ev) or reasons else "quarantine"
    x = ["  <record>", "    <row>", "      <source_ip>%s</source_ip>" % ip,
         "      <count>%d</count>" % count, "      <policy_evaluated>",
         "        <disposition>%s</disposition>" % disp,
         "        <dkim>%s</dkim>" % ("pass" if dkim_ev == "pass" else "fail"),
         "        <spf>%s</spf>" % spf_ev]
    for r in reasons:
        x += ["        <reason>", "          <type>%s</type>" % r, "        </reason>"]
    x += ["      </policy_evaluated>", "    </row>", "    <identifiers>",
          "      <header_from>esp.test</header_from>", "    </identifiers>", "    <auth_results>"]
    for d, s, r in dkim:
        x += ["      <dkim>", "        <domain>%s</domain>" % d, "        <selector>%s</selector>" % s,
              "        <result>%s</result>" % r, "      </dkim>"]
    for d, r in spf:
        x += ["      <spf>", "        <domain>%s</domain>" % d, "        <scope>mfrom</scope>",
              "        <result>%s</result>" % r, "      </spf>"]
    x += ["    </auth_results>", "  </record>"]
    return x


def aggregate(org, report_id, counts, ns=None):
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<feedback%s>' % (' xmlns="%s"' % ns if ns else ''),
         "  <version>1.0</version>" if ns else "",
         "  <report_metadata>", "    <org_name>%s</org_name>" % org,
         "    <email>noreply-dmarc@%s</email>" % org,
         "    <report_id>%s</report_id>" % report_id, "    <date_range>",
         "      <begin>%d</begin>" % BEGIN, "      <end>%d</end>" % END, "    </date_range>",
         "  </report_metadata>", "  <policy_published>", "    <domain>esp.test</domain>",
         "    <adkim>r</adkim>", "    <aspf>r</aspf>", "    <p>quarantine</p>",
         "    <sp>quarantine</sp>", "    <pct>100</pct>", "  </policy_published>"]
    for ip, n in counts:
        x += record(ip, n)
    x.append("</feedback>")
    return ("\n".join(l for l in x if l) + "\n").encode()


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def zipped(name, data):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo(name, (2026, 11, 27, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    google = aggregate("google.com", "13794820511923423845",
                       [("203.0.113.5", 800), ("198.51.100.57", 300), ("192.0.2.99", 25),
                        ("203.0.113.6", 40), ("198.51.100.120", 20)])
    yahoo = aggregate("Yahoo", "1795651199.771233",
                      [("203.0.113.5", 300), ("198.51.100.57", 100), ("192.0.2.99", 15),
                       ("198.51.100.130", 12), ("198.51.100.20", 18)],
                      ns="urn:ietf:params:xml:ns:dmarc-2.0")
    outlook = aggregate("Enterprise Outlook", "9f2c1e0d7b4a4f6c8a1e2d3c4b5a6978",
                        [("203.0.113.5", 100), ("203.0.113.6", 20), ("198.51.100.120", 10)])
    write("esp.test/google.com_esp.test_1795564800_1795651199.xml", google)
    write("esp.test/yahoo.com_esp.test_1795564800_1795651199.xml.gz", gz(yahoo))
    write("esp.test/protection.outlook.com_esp.test_1795564800_1795651199.zip",
          zipped("protection.outlook.com_esp.test_1795564800_1795651199.xml", outlook))
    # the same Google report as mail, the gzip attached
    att = base64.encodebytes(gz(google)).decode()
    write("mail/google-report.eml", (
        "From: noreply-dmarc-support@google.com\r\n"
        "To: dmarc@esp.test\r\n"
        "Subject: Report domain: esp.test Submitter: google.com Report-ID: 13794820511923423845\r\n"
        "Date: Fri, 27 Nov 2026 08:00:00 +0000\r\n"
        "Message-ID: <13794820511923423845@google.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"r1\"\r\n\r\n"
        "--r1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report from google.com.\r\n"
        "--r1\r\nContent-Type: application/gzip; "
        "name=\"google.com_esp.test_1795564800_1795651199.xml.gz\"\r\n"
        "Content-Disposition: attachment; "
        "filename=\"google.com_esp.test_1795564800_1795651199.xml.gz\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + att.replace("\n", "\r\n") +
        "--r1--\r\n").encode())
    tls = {
        "organization-name": "Google Inc.",
        "date-range": {"start-datetime": "2026-11-26T00:00:00Z",
                       "end-datetime": "2026-11-26T23:59:59Z"},
        "contact-info": "smtp-tls-reporting@google.com",
        "report-id": "2026-11-26T00:00:00Z_esp.test",
        "policies": [{
            "policy": {"policy-type": "sts", "policy-domain": "esp.test",
                       "policy-string": ["version: STSv1", "mode: enforce",
                                         "mx: mx.mailer.test", "max_age: 604800"],
                       "mx-host": ["mx.mailer.test"]},
            "summary": {"total-successful-session-count": 1000,
                        "total-failure-session-count": 20},
            "failure-details": [{"result-type": "certificate-expired",
                                 "sending-mta-ip": "209.85.220.41",
                                 "receiving-mx-hostname": "mx.mailer.test",
                                 "receiving-ip": "203.0.113.25",
                                 "failed-session-count": 20}]}]}
    tls_json = (json.dumps(tls, indent=2) + "\n").encode()
    write("tls/google.com_esp.test_1795564800_1795651199.json", tls_json)
    write("tls/google.com_esp.test_1795564800_1795651199.json.gz", gz(tls_json))
    spoof = ("Return-Path: <ceo@esp.test>\r\n"
             "Received: from unknown (unknown [192.0.2.99])\r\n"
             "\tby mx.google.com with ESMTP id 7a1;\r\n"
             "\tThu, 26 Nov 2026 09:12:00 +0000\r\n"
             "From: CEO <ceo@esp.test>\r\nTo: accounts@example.com\r\n"
             "Subject: Urgent wire transfer\r\nDate: Thu, 26 Nov 2026 09:11:58 +0000\r\n"
             "Message-ID: <x1@spoof.example>\r\n\r\nPlease pay the attached invoice today.\r\n")
    write("failure/esp.test-arf.eml", (
        "From: noreply-dmarc@google.com\r\nTo: dmarc-ruf@esp.test\r\n"
        "Subject: DMARC failure report for esp.test\r\n"
        "Date: Thu, 26 Nov 2026 09:20:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=feedback-report; boundary=\"f1\"\r\n\r\n"
        "--f1\r\nContent-Type: text/plain\r\n\r\nA message claiming to be from esp.test failed "
        "DMARC.\r\n"
        "--f1\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: auth-failure\r\nUser-Agent: ExampleReporter/1.0\r\nVersion: 1\r\n"
        "Original-Mail-From: <ceo@esp.test>\r\n"
        "Arrival-Date: Thu, 26 Nov 2026 09:12:00 +0000\r\n"
        "Source-IP: 192.0.2.99\r\nReported-Domain: esp.test\r\nAuth-Failure: dmarc\r\n"
        "Authentication-Results: mx.google.com; dmarc=fail (p=quarantine) header.from=esp.test;"
        " spf=fail smtp.mailfrom=ceo@esp.test; dkim=none\r\n\r\n"
        "--f1\r\nContent-Type: message/rfc822\r\n\r\n" + spoof + "\r\n--f1--\r\n").encode())


if __name__ == "__main__":
    main()
