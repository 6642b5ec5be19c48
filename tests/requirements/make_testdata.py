#!/usr/bin/python3
"""Make the bulk-sender test messages (verify --requirements) with a real
signer (Debian's python3-dkim):

  testdata/requirements/*.eml

alice@example.net's newsletter through the email service mailer.test
(o5.out.mailer.test, 203.0.113.5: in _spf.mailer.test, with a PTR name that
resolves back), signed with testdata/dkim/keys/rsa2048.pem
(rsa2048._domainkey.example.net): one-click unsubscribe signed, its Post
field left out of h=, only a mailto: address; and an unsigned receipt from
a web server (192.0.2.81, no PTR) over plain SMTP without a Message-ID.
Signatures carry t=1795000000: the cases pin the clock with --now.
"""
import os
import time

import dkim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "requirements")
NOW = 1795000000
time.time = lambda: NOW

RECEIVED_ESP = (b"Return-Path: <bounce-77@bounces.mailer.test>\r\n"
                b"Received: from o5.out.mailer.test (o5.out.mailer.test [203.0.113.5])\r\n"
                b"\tby mx.example.com (Postfix) with ESMTPS id 9A11;\r\n"
                b"\tWed, 18 Nov 2026 10:00:03 +0000 (UTC)\r\n")
NEWS = (b"From: Alice Example <alice@example.net>\r\n"
        b"To: bob@example.com\r\n"
        b"Subject: November news\r\n"
        b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\n"
        b"Message-ID: <news-2026-11.bob@example.net>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n")
ONE_CLICK = (b"List-Unsubscribe: <https://news.example.net/u/bob-7f3a>, "
             b"<mailto:unsubscribe@example.net?subject=bob-7f3a>\r\n"
             b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
BODY = b"\r\nHello Bob,\r\n\r\nthe news of November.\r\n"
BASE = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]


def key():
    with open(os.path.join(ROOT, "testdata", "dkim", "keys", "rsa2048.pem"), "rb") as f:
        return f.read()


def signed(headers, names):
    msg = headers + BODY
    sig = dkim.sign(msg, b"rsa2048", b"example.net", key(), include_headers=names,
                    canonicalize=(b"relaxed", b"relaxed"))
    return RECEIVED_ESP + sig + msg


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data.replace(b"\r\n", b"\n"))


def main():
    os.makedirs(OUT, exist_ok=True)
    write("one_click.eml", signed(NEWS + ONE_CLICK,
                                  BASE + [b"list-unsubscribe", b"list-unsubscribe-post"]))
    write("one_click_post_unsigned.eml", signed(NEWS + ONE_CLICK, BASE + [b"list-unsubscribe"]))
    write("unsubscribe_mailto_only.eml", signed(
        NEWS + b"List-Unsubscribe: <mailto:unsubscribe@example.net?subject=bob-7f3a>\r\n",
        BASE + [b"list-unsubscribe"]))
    write("web_server_plain.eml",
          b"Return-Path: <www-data@web.example.com>\r\n"
          b"Received: from web.example.com (unknown [192.0.2.81])\r\n"
          b"\tby mx.example.net (Postfix) with ESMTP id 5C21;\r\n"
          b"\tWed, 18 Nov 2026 10:00:03 +0000 (UTC)\r\n"
          b"From: Shop <shop@example.com>\r\n"
          b"From: Shop Orders <orders@example.com>\r\n"
          b"To: bob@example.net\r\n"
          b"Subject: Your receipt\r\n"
          b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\n"
          b"\r\nThanks for your order.\r\n")


if __name__ == "__main__":
    main()
