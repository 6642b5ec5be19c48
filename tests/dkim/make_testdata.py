#!/usr/bin/python3
"""Make the DKIM test data with real signers (run with Debian's python3, which
has python3-dkim; needs openssl and opendkim-tools):

  testdata/dkim/keys/          the test keys (test use only)
  testdata/zones/_domainkey.example.net.zone   their public keys
  testdata/dkim/*.eml          one message per situation

Signatures carry t=1795000000 (the clock is pinned), so the cases pin
mailcheck's clock with --now. Most messages are signed by dkimpy; one by
libopendkim (opendkim-testmsg, real clock). Cases dkimpy refuses to sign (From not
signed, i= outside d=, x=) are signed through dkimpy's own header signer
with the tags set by hand.
"""
import base64
import os
import subprocess
import time

import dkim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "dkim")
KEYS = os.path.join(OUT, "keys")
NOW = 1795000000
time.time = lambda: NOW

BASE = (b"From: Alice Example <alice@example.net>\r\n"
        b"To: Bob <bob@example.com>\r\n"
        b"Subject: Quarterly report\r\n"
        b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\n"
        b"Message-ID: <report-2026q4@example.net>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"\r\n"
        b"Hello Bob,\r\n"
        b"\r\n"
        b"the quarterly report is attached.   Numbers are up.\r\n"
        b"\r\n"
        b"Alice\r\n")
EXPIRED_RECEIVED = (
    b"Received: from mail.example.net (mail.example.net [192.0.2.25])\r\n"
    b"\tby mx.example.com (Postfix) with ESMTPS id 4Xq1\r\n"
    b"\tfor <bob@example.com>; Wed, 18 Nov 2026 11:16:40 +0000 (UTC)\r\n")
HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
           b"content-type"]


def openssl(*args):
    return subprocess.run(["openssl"] + list(args), check=True, capture_output=True).stdout


def rsa_key(bits):
    path = os.path.join(KEYS, "rsa%d.pem" % bits)
    if not os.path.exists(path):
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % bits,
                "-out", path)
    pub = openssl("pkey", "-in", path, "-pubout", "-outform", "DER")
    with open(path, "rb") as f:
        return f.read(), base64.b64encode(pub).decode()


def rsa_pkcs1(bits):
    """The public key as PKCS#1 RSAPublicKey (p=MIIBCgKC...), base64."""
    path = os.path.join(KEYS, "rsa%d.pem" % bits)
    der = openssl("rsa", "-in", path, "-RSAPublicKey_out", "-outform", "DER")
    return base64.b64encode(der).decode()


def ed25519_key():
    path = os.path.join(KEYS, "ed25519.pem")
    if not os.path.exists(path):
        openssl("genpkey", "-algorithm", "ed25519", "-out", path)
    der = openssl("pkey", "-in", path, "-outform", "DER")
    pub = openssl("pkey", "-in", path, "-pubout", "-outform", "DER")
    seed, raw_pub = der[-32:], pub[-32:]  # RFC 8463: p= is the raw 32-byte key
    return base64.b64encode(seed), base64.b64encode(raw_pub).decode()


def txt(value):
    chunks = [value[i:i + 200] for i in range(0, len(value), 200)]
    return "( " + " ".join('"%s"' % c for c in chunks) + " )"


def custom_sign(message, selector, domain, privkey, fields, include_headers):
    """dkimpy's signing step with tags of our choosing."""
    d = dkim.DKIM(message)
    d.signature_algorithm = b"rsa-sha256"
    d.hasher = dkim.HASH_ALGORITHMS[b"rsa-sha256"]
    pk = dkim.parse_pem_private_key(privkey)
    policy = dkim.CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
    body = policy.canonicalize_body(d.body)
    import hashlib
    bh = base64.b64encode(hashlib.sha256(body).digest())
    sigfields = [(b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", b"relaxed/relaxed"),
                 (b"d", domain), (b"s", selector), (b"t", str(NOW).encode())]
    sigfields += fields
    sigfields += [(b"h", b" : ".join(include_headers)), (b"bh", bh), (b"b", b"0" * 60)]
    d.include_headers = tuple(include_headers)
    return b"DKIM-Signature: " + d.gen_header(sigfields, include_headers, policy,
                                              b"DKIM-Signature", pk) + message


def sign(message, selector, privkey, domain=b"example.net", **kw):
    return dkim.sign(message, selector, domain, privkey, include_headers=HEADERS, **kw) + message


def write(name, data):
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(data)


def main():
    os.makedirs(KEYS, exist_ok=True)
    rsa2048, pub2048 = rsa_key(2048)
    pkcs1_2048 = rsa_pkcs1(2048)
    rsa768, pub768 = rsa_key(768)
    rsa1024, pub1024 = rsa_key(1024)
    ed_seed, ed_pub = ed25519_key()

    zone = ["; Public keys of testdata/dkim/*.eml -- made by tests/dkim/make_testdata.py",
            "$ORIGIN _domainkey.example.net.", "$TTL 3600",
            "@           SOA   ns1.example.net. hostmaster.example.net. 2026112401 7200 3600 1209600 3600",
            "@           NS    ns1.example.net.",
            "rsa2048     TXT   " + txt("v=DKIM1; k=rsa; p=" + pub2048),
            "ed25519     TXT   " + txt("v=DKIM1; k=ed25519; p=" + ed_pub),
            "rsa768      TXT   " + txt("v=DKIM1; k=rsa; p=" + pub768),
            "revoked     TXT   \"v=DKIM1; k=rsa; p=\"",
            "garbage     TXT   \"v=DKIM1; k=rsa; p=bm90IGEga2V5IGF0IGFsbA==\"",
            "edkey       TXT   " + txt("v=DKIM1; k=ed25519; p=" + ed_pub),
            "testing     TXT   " + txt("v=DKIM1; k=rsa; t=y; p=" + pub2048),
            "sha1only    TXT   " + txt("v=DKIM1; k=rsa; h=sha1; p=" + pub2048),
            "rsa1024     TXT   " + txt("v=DKIM1; k=rsa; p=" + pub1024),
            "twice       TXT   " + txt("v=DKIM1; k=rsa; p=" + pub2048),
            "twice       TXT   " + txt("v=DKIM1; k=rsa; p=" + pub1024),
            # the same 2048-bit key as PKCS#1 RSAPublicKey, as some publish it
            "pkcs1       TXT   " + txt("v=DKIM1; k=rsa; p=" + pkcs1_2048)]
    with open(os.path.join(ROOT, "testdata", "zones", "_domainkey.example.net.zone"), "w") as f:
        f.write("\n".join(zone) + "\n")

    write("rsa_relaxed", sign(BASE, b"rsa2048", rsa2048, canonicalize=(b"relaxed", b"relaxed")))
    write("rsa_simple", sign(BASE, b"rsa2048", rsa2048, canonicalize=(b"simple", b"simple")))
    write("ed25519", sign(BASE, b"ed25519", ed_seed, signature_algorithm=b"ed25519-sha256"))
    rsa_signed = sign(BASE, b"rsa2048", rsa2048)
    write("dual", sign(rsa_signed, b"ed25519", ed_seed, signature_algorithm=b"ed25519-sha256"))
    keyfile = os.path.join(KEYS, "rsa2048.pem")
    # libopendkim's signer: rsa-sha1 by default, which RFC 8301 rejects; its t=
    # is the real clock
    write("opendkim_rsa_sha1", subprocess.run(
        ["opendkim-testmsg", "-C", "-d", "example.net", "-s", "rsa2048", "-k", keyfile],
        input=BASE, check=True, capture_output=True).stdout)
    write("body_changed", rsa_signed + b"-- \r\nSent through the team list\r\n")
    write("subject_changed", rsa_signed.replace(b"Subject: Quarterly report",
                                                b"Subject: [team] Quarterly report"))
    write("no_key", sign(BASE, b"missing", rsa2048))
    write("key_revoked", sign(BASE, b"revoked", rsa2048))
    write("key_garbage", sign(BASE, b"garbage", rsa2048))
    write("key_type", sign(BASE, b"edkey", rsa2048))
    write("key_hash", sign(BASE, b"sha1only", rsa2048))
    write("expiring", custom_sign(BASE, b"rsa2048", b"example.net", rsa2048,
                                  [(b"x", str(NOW + 3600).encode())], HEADERS))
    # the same signature after a receiver took it in 10 minutes after signing
    # (inside x=): checked later, it has expired, but it passed at arrival
    write("expired_after_arrival", EXPIRED_RECEIVED + custom_sign(
        BASE, b"rsa2048", b"example.net", rsa2048, [(b"x", str(NOW + 3600).encode())], HEADERS))
    write("key_pkcs1", sign(BASE, b"pkcs1", rsa2048))
    # signed twice with one key (a relay that signs again): key findings once
    write("same_key_twice", sign(sign(BASE, b"rsa1024", rsa1024), b"rsa1024", rsa1024))
    write("weak_key", sign(BASE, b"rsa768", rsa768))
    write("rsa1024", sign(BASE, b"rsa1024", rsa1024))
    write("unsupported_algorithm", rsa_signed.replace(b"a=rsa-sha256", b"a=rsa-sha512", 1))
    write("rsa_sha1", sign(BASE, b"rsa2048", rsa2048, signature_algorithm=b"rsa-sha1"))
    write("from_not_signed", custom_sign(BASE, b"rsa2048", b"example.net", rsa2048, [],
                                         [b"to", b"subject", b"date"]))
    write("identity_mismatch", custom_sign(BASE, b"rsa2048", b"example.net", rsa2048,
                                           [(b"i", b"alice@example.org")], HEADERS))
    write("length_appended", sign(BASE, b"rsa2048", rsa2048, length=True) +
          b"\r\nP.S. Click http://phish.example/ to see the numbers.\r\n")
    write("testing_key", sign(BASE, b"testing", rsa2048))
    write("unsigned", BASE)
    write("malformed", b"DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=rsa2048; bh=\r\n"
          + BASE)
    write("key_timeout", sign(BASE.replace(b"alice@example.net", b"alice@example.org"),
                              b"timeout", rsa2048, domain=b"example.org"))
    write("lf_only", rsa_signed.replace(b"\r\n", b"\n"))


if __name__ == "__main__":
    main()
