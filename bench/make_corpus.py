#!/usr/bin/python3
"""Write the verify benchmark corpus into DIR: N messages of about 4 KB, half
signed rsa-sha256 (2048-bit key) and half ed25519-sha256 by dkimpy with the
test keys, each with the Received header of the test provider's outbound
server (203.0.113.5) and a Return-Path at its bounce domain, so that SPF,
DKIM and DMARC all run. DIR/batch.mbox holds them all (RFC 4155, LF line
ends), DIR/one.eml the first (CRLF).
  make_corpus.py DIR N [mix|rsa]   (Debian's python3: it needs python3-dkim)
With "rsa", every message is signed rsa-sha256 with the 2048-bit key.
"""
import base64
import subprocess
import sys
import time

import dkim

out, n = sys.argv[1], int(sys.argv[2])
rsa_only = len(sys.argv) > 3 and sys.argv[3] == "rsa"
time.time = lambda: 1795000000  # t= of every signature; verify with --now 1795600000
rsa = open("testdata/dkim/keys/rsa2048.pem", "rb").read()
der = subprocess.run(["openssl", "pkey", "-in", "testdata/dkim/keys/ed25519.pem", "-outform", "DER"],
                     capture_output=True, check=True).stdout
ed = base64.b64encode(der[-32:])
body = b"".join(b"Line %d of a newsletter body, long enough to be realistic text.\r\n" % i
                for i in range(55))
signed = [b"from", b"to", b"subject", b"date", b"message-id"]
with open(out + "/batch.mbox", "wb") as f:
    for i in range(n):
        head = (b"From: News <news@example.net>\r\nTo: user%d@example.com\r\nSubject: Issue %d\r\n"
                b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%d@example.net>\r\n\r\n"
                % (i, i, i))
        msg = head + body
        if i % 2 and not rsa_only:
            sig = dkim.sign(msg, b"ed25519", b"example.net", ed,
                            signature_algorithm=b"ed25519-sha256", include_headers=signed)
        else:
            sig = dkim.sign(msg, b"rsa2048", b"example.net", rsa, include_headers=signed)
        full = (b"Return-Path: <bounce@bounces.mailer.test>\r\nReceived: from o5.out.mailer.test "
                b"(o5.out.mailer.test [203.0.113.5]) by mx.example.com (Postfix) with ESMTPS id X%d;"
                b" Wed, 18 Nov 2026 10:00:03 +0000\r\n" % i) + sig + msg
        if i == 0:
            open(out + "/one.eml", "wb").write(full)
        f.write(b"From bounce@bounces.mailer.test Wed Nov 18 10:00:03 2026\n"
                + full.replace(b"\r\n", b"\n") + b"\n")
