#!/usr/bin/python3
"""Make the mailing-list and forwarding test messages with real signers
(Debian's python3 with python3-dkim and python3-authres, which
dkim.arc_sign needs):

  testdata/lists/*.eml            one message per situation
  testdata/zones/lists.test.zone  the list's SPF, DMARC and ARC/DKIM key
  testdata/zones/fwd.test.zone    the forwarder's SPF and seal key

The author alice@example.net signs with testdata/dkim/keys/rsa2048.pem
(rsa2048._domainkey.example.net); the list and the forwarder seal and sign
with the same test key under their own domains. Signatures carry
t=1795000000: the cases pin the clock with --now.
"""
import base64
import os
import subprocess
import time

import dkim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "lists")
NOW = 1795000000
time.time = lambda: NOW

AUTHOR = (b"From: Alice Example <alice@example.net>\r\n"
          b"To: dev@lists.test\r\n"
          b"Subject: Release plan for 2.0\r\n"
          b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\n"
          b"Message-ID: <plan-2.0@example.net>\r\n"
          b"MIME-Version: 1.0\r\n"
          b"Content-Type: text/plain; charset=utf-8\r\n"
          b"\r\n"
          b"Hi all,\r\n"
          b"\r\n"
          b"the release is planned for December.\r\n"
          b"\r\n"
          b"Alice\r\n")
HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
           b"content-type"]
FOOTER = (b"_______________________________________________\r\n"
          b"dev mailing list -- dev@lists.test\r\n"
          b"To unsubscribe send an email to dev-leave@lists.test\r\n")
LIST_FIELDS = (b"List-Id: Developers <dev.lists.test>\r\n"
               b"List-Post: <mailto:dev@lists.test>\r\n"
               b"List-Unsubscribe: <mailto:dev-leave@lists.test>\r\n"
               b"List-Help: <mailto:dev-request@lists.test?subject=help>\r\n"
               b"X-Mailman-Version: 3.3.8\r\n"
               b"Precedence: list\r\n"
               b"Sender: dev-bounces@lists.test\r\n")
AR_AT_LIST = (b"Authentication-Results: lists.test; spf=pass smtp.mailfrom=alice@example.net;"
              b" dkim=pass header.d=example.net header.s=rsa2048;"
              b" dmarc=pass header.from=example.net\r\n")
RECEIVED_FROM_AUTHOR = (
    b"Received: from mail.example.net (mail.example.net [192.0.2.25])\r\n"
    b"\tby mail.lists.test (Postfix) with ESMTPS id 7Hq2\r\n"
    b"\tfor <dev@lists.test>; Wed, 18 Nov 2026 10:00:02 +0000 (UTC)\r\n")


def received(helo, ip, by, when):
    return (b"Received: from %s (%s [%s])\r\n\tby %s (Postfix) with ESMTPS id 9Zk1\r\n"
            b"\tfor <bob@example.com>; %s\r\n" % (helo, helo, ip, by, when))


def pubkey(path):
    der = subprocess.run(["openssl", "pkey", "-in", path, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()


def txt(value):
    chunks = [value[i:i + 200] for i in range(0, len(value), 200)]
    return "( " + " ".join('"%s"' % c for c in chunks) + " )"


def split(msg):
    head, body = msg.split(b"\r\n\r\n", 1)
    return head + b"\r\n", body


def author_signed(key):
    return dkim.sign(AUTHOR, b"rsa2048", b"example.net", key, include_headers=HEADERS,
                     canonicalize=(b"relaxed", b"relaxed")) + AUTHOR


def seal(msg, key, domain):
    return b"".join(dkim.arc_sign(msg, b"arc", domain, key, domain, timestamp=NOW)) + msg


def write(name, data):
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(data)


def zone(name, lines):
    with open(os.path.join(ROOT, "testdata", "zones", name + ".zone"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    keyfile = os.path.join(ROOT, "testdata", "dkim", "keys", "rsa2048.pem")
    key = open(keyfile, "rb").read()
    pub = pubkey(keyfile)
    head = ["$TTL 3600",
            "@           SOA   ns1.example.com. hostmaster.example.com. 2026120301 7200 3600 1209600 3600",
            "@           NS    ns1.example.com."]
    zone("lists.test", ["; A mailing list's domain -- made by tests/arc/make_testdata.py",
                        "$ORIGIN lists.test."] + head + [
        "@           MX    10 mail.lists.test.",
        "@           TXT   \"v=spf1 ip4:198.51.100.120 -all\"",
        "mail        A     198.51.100.120",
        "_dmarc      TXT   \"v=DMARC1; p=none; rua=mailto:dmarc@lists.test\"",
        "arc._domainkey TXT " + txt("v=DKIM1; k=rsa; p=" + pub)])
    zone("fwd.test", ["; A forwarding service's domain -- made by tests/arc/make_testdata.py",
                      "$ORIGIN fwd.test."] + head + [
        "@           MX    10 mx.fwd.test.",
        "@           TXT   \"v=spf1 ip4:198.51.100.130 -all\"",
        "mx          A     198.51.100.130",
        "arc._domainkey TXT " + txt("v=DKIM1; k=rsa; p=" + pub)])

    signed = author_signed(key)
    h, body = split(signed)
    # 1. the list tags the Subject, appends a footer and seals (ARC i=1)
    tagged = h.replace(b"Subject: Release plan", b"Subject: [dev] Release plan")
    at_list = LIST_FIELDS + tagged + b"\r\n" + body + FOOTER
    sealed = seal(AR_AT_LIST + RECEIVED_FROM_AUTHOR + at_list, key, b"lists.test")
    delivered = (b"Return-Path: <dev-bounces@lists.test>\r\n" +
                 received(b"mail.lists.test", b"198.51.100.120", b"mx.example.com",
                          b"Wed, 18 Nov 2026 10:00:05 +0000 (UTC)") + sealed)
    write("list_footer", delivered)
    # 2. the same, then changed again after the seal: the chain breaks
    write("arc_broken", delivered + b"-- \r\nscanned by a gateway after the list\r\n")
    # 3. the same list without ARC
    write("list_unsealed", b"Return-Path: <dev-bounces@lists.test>\r\n" +
          received(b"mail.lists.test", b"198.51.100.120", b"mx.example.com",
                   b"Wed, 18 Nov 2026 10:00:05 +0000 (UTC)") + at_list)
    # 4. the list rewrites From to itself and signs as lists.test
    rewritten = tagged.replace(
        b"From: Alice Example <alice@example.net>\r\n",
        b"From: Alice Example via dev <dev@lists.test>\r\n"
        b"Reply-To: Alice Example <alice@example.net>\r\n"
        b"X-Original-From: Alice Example <alice@example.net>\r\n")
    msg = LIST_FIELDS + rewritten + b"\r\n" + body + FOOTER
    msg = dkim.sign(msg, b"arc", b"lists.test", key, include_headers=HEADERS + [b"list-id"],
                    canonicalize=(b"relaxed", b"relaxed")) + msg
    write("list_from_rewritten", b"Return-Path: <dev-bounces@lists.test>\r\n" +
          received(b"mail.lists.test", b"198.51.100.120", b"mx.example.com",
                   b"Wed, 18 Nov 2026 10:00:05 +0000 (UTC)") + msg)
    # 5. forwarded unchanged with SRS: DKIM carries the author through
    write("forwarded_srs",
          b"Return-Path: <SRS0=Hq3x=TT=example.net=alice@fwd.test>\r\n" +
          received(b"mx.fwd.test", b"198.51.100.130", b"mx.example.com",
                   b"Wed, 18 Nov 2026 10:00:06 +0000 (UTC)") +
          b"X-Forwarded-To: bob@example.com\r\n" + signed)
    # 6. the list's sealed message forwarded on by fwd.test, which seals too:
    #    a chain of two sets, both valid (ARC i=2)
    ar_at_fwd = (b"Authentication-Results: fwd.test; spf=pass smtp.mailfrom=dev-bounces@lists.test;"
                 b" dkim=fail header.d=example.net; arc=pass (i=1)\r\n")
    at_fwd = ar_at_fwd + received(b"mail.lists.test", b"198.51.100.120", b"mx.fwd.test",
                                  b"Wed, 18 Nov 2026 10:00:05 +0000 (UTC)") + sealed
    twice = seal(at_fwd, key, b"fwd.test")
    write("list_then_forwarder",
          b"Return-Path: <SRS0=Ab1c=TT=lists.test=dev-bounces@fwd.test>\r\n" +
          received(b"mx.fwd.test", b"198.51.100.130", b"mx.example.com",
                   b"Wed, 18 Nov 2026 10:00:07 +0000 (UTC)") + twice)
    # 7. a forwarder that seals the author's message unchanged (ARC i=1)
    ar_fwd_author = (b"Authentication-Results: fwd.test; spf=pass smtp.mailfrom=alice@example.net;"
                     b" dkim=pass header.d=example.net; dmarc=pass header.from=example.net\r\n")
    fwd_sealed = seal(ar_fwd_author + RECEIVED_FROM_AUTHOR.replace(b"mail.lists.test",
                                                                   b"mx.fwd.test")
                      + signed, key, b"fwd.test")
    write("forwarded_sealed",
          b"Return-Path: <SRS0=Hq3x=TT=example.net=alice@fwd.test>\r\n" +
          received(b"mx.fwd.test", b"198.51.100.130", b"mx.example.com",
                   b"Wed, 18 Nov 2026 10:00:06 +0000 (UTC)") + fwd_sealed)


if __name__ == "__main__":
    main()
