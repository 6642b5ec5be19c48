#!/usr/bin/env python3
"""mailcheck smtp against SMTP servers started here, each with its TLS set
as an MTA's settings would set it, and against sslscan on the same server.

Servers (tests/transport/smtp_server.py, on 127.0.0.x): modern (TLS 1.3 and
1.2, AEAD, the server's order), legacy (TLS 1.0 to 1.2, static RSA, 3DES,
CBC-SHA1, OpenSSL security level 0), client order, 1024-bit DH, a 1024-bit
RSA certificate, a SHA-1 signed certificate, one that resets the connection
after its ServerHello, one that never answers the ClientHello, and one with
implicit TLS that the test domain's SRV records name for submission (RFC
6186, RFC 8314) beside the modern one, and openssl s_server with 0-RTT on. For each: the versions and
the cipher suites mailcheck finds are those `sslscan --starttls-smtp` finds
(Debian's sslscan; the comparison starts from what the server accepts, as
sslscan says it), the findings expected of that server are there, and the
grade is the one the NCSC-NL tables give. CAA records up the tree
allow or not the certificate's issuer; with a small VRP file and Team
Cymru's origin answers from a test zone, the routes are RPKI valid,
invalid (another origin, a longer prefix) or not found. TLSA records in the test zone
are matched against the certificate presented: only the key in use (the
next change breaks DANE delivery), that and a next key, one that matches
nothing. The broken servers end in a finding within a few timeouts, not a
hang.
  run.py MAILCHECK      last line: "tls: N passed, N failed[, N skipped]"
"""
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from tally import check, skip, line, failed  # noqa: E402

MC = os.path.abspath(sys.argv[1])
try:
    import jsonschema
    with open(os.path.join(ROOT, "docs", "mailcheck.schema.json")) as _f:
        SCHEMA = jsonschema.Draft202012Validator(json.load(_f))
except ImportError:  # Debian's python3-jsonschema is for /usr/bin/python3
    SCHEMA = None
MODERN = "ECDHE+AESGCM:ECDHE+CHACHA20"
# name: (address, mode, certificate, tls settings, findings expected, grade)
CASES = {
    "modern": ("127.0.0.21", "good", "rsa2048",
               {"min": "TLSv1_2", "ciphers": MODERN, "groups": "prime256v1"}, [], "good_or_sufficient"),
    "legacy": ("127.0.0.22", "good", "rsa2048",
               {"min": "TLSv1", "ciphers": "ALL:@SECLEVEL=0", "max": "TLSv1_2",
                "renegotiation": True},
               ["tls.version_phase_out", "tls.cipher_phase_out", "tls.cipher_insufficient",
                "tls.no_tls13"], "insufficient"),
    "client_order": ("127.0.0.23", "good", "rsa2048",
                     {"min": "TLSv1_2", "max": "TLSv1_2", "client_order": True,
                      "ciphers": "ECDHE+AESGCM:ECDHE+AES:@SECLEVEL=0"},
                     ["tls.client_order"], "sufficient"),
    "dh1024": ("127.0.0.24", "good", "rsa2048",
               {"max": "TLSv1_2", "ciphers": "DHE+AESGCM:@SECLEVEL=0", "dh": "dh1024"},
               ["tls.dh_weak"], "insufficient"),
    "rsa1024": ("127.0.0.25", "good", "rsa1024", {"ciphers": MODERN + ":@SECLEVEL=0"},
                ["tls.cert_key_weak"], "insufficient"),
    "sha1": ("127.0.0.26", "good", "sha1", {"ciphers": MODERN + ":@SECLEVEL=0"},
             ["tls.cert_signature_weak"], "insufficient"),
    # scanned as a submission server (the domain "sub"), not as an MX host
    "implicit": ("127.0.0.29", "implicit", "rsa2048",
                 {"min": "TLSv1_2", "ciphers": MODERN, "groups": "prime256v1"}, [], None),
    "reset": ("127.0.0.27", "tlsreset", "rsa2048", {}, ["tls.handshake_broken"], None),
    "stall": ("127.0.0.28", "tlsstall", "rsa2048", {}, ["tls.handshake_broken"], None),
}


def sh(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, check=True, **kw)


def certificates(d):
    """Self-signed leaves: the MX host names need not match (not graded here)."""
    made = {}
    for name, extra in (("rsa2048", ["-newkey", "rsa:2048"]), ("rsa1024", ["-newkey", "rsa:1024"]),
                        ("sha1", ["-newkey", "rsa:2048", "-sha1"])):
        key, crt = f"{d}/{name}.key", f"{d}/{name}.pem"
        # self-signed in the name of a CA mailcheck knows, for the CAA checks
        names = ",".join(f"DNS:mx.{n}.scan.test" for n in CASES)
        sh("openssl", "req", "-x509", "-nodes", *extra, "-keyout", key, "-out", crt, "-days", "30",
           "-subj", "/O=Let's Encrypt/CN=mx.scan.test", "-addext", f"subjectAltName={names}")
        made[name] = (crt, key)
    made["dh1024"] = f"{d}/dh1024.pem"
    sh("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_paramgen_prime_len:1024",
       "-out", made["dh1024"])
    return made


PORT = [0]  # the servers' port, the same on every address
VRP_FILE = [None]
CA_FILE = [None]  # the self-signed certificate most servers present: trusted


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def spki_sha256(pem):
    """The SHA-256 of a certificate's SubjectPublicKeyInfo: a "3 1 1" record."""
    pub = subprocess.run(["openssl", "x509", "-in", pem, "-pubkey", "-noout"], capture_output=True,
                         check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                         capture_output=True, check=True).stdout
    return hashlib.sha256(der).hexdigest()


# TLSA records (RFC 7672) by case: the key in use only (the next change
# breaks delivery), that and a next key (ready), and one that matches nothing
TLSA = {"modern": ["own"], "client_order": ["own", "next"], "dh1024": ["next"]}
# CAA: (where the relevant set is, whether it allows the issuer), finding
CAA = {"modern": (("scan.test", True), None),
       "client_order": (("mx.client_order.scan.test", False), "tls.caa_not_allowed")}
ROLLOVER = {"modern": ("current_only", "tls.dane_current_only"), "client_order": ("ready", None),
            "dh1024": ("mismatch", "tls.dane_mismatch"), "legacy": ("none", None)}


# RPKI (RFC 6811): the route and origin Team Cymru's DNS gives each address,
# and what the VRP file makes of it
ORIGIN = {"modern": ("64500", "127.0.0.0/24", "valid"), "legacy": ("64999", "127.0.0.0/24", "invalid"),
          "client_order": ("64500", "127.0.0.0/25", "invalid"),
          "rsa1024": ("64500", "127.0.0.0/8", "not_found")}
VRPS = {"roas": [{"asn": "AS64500", "prefix": "127.0.0.0/24", "maxLength": 24, "ta": "test"},
                 {"asn": 64501, "prefix": "127.0.1.0/24", "maxLength": 24, "ta": "test"},
                 {"asn": "AS64500", "prefix": "2001:db8::/32", "maxLength": 48, "ta": "test"}]}


def cymru(d):
    """The origin.asn.cymru.com answers of the test addresses, and the VRPs."""
    lines = ["$ORIGIN origin.asn.cymru.com.", "$TTL 300",
             "@ SOA ns.test. h.test. 1 3600 600 86400 300", "@ NS ns.test."]
    for name, (asn, prefix, _state) in ORIGIN.items():
        a, b, c, e = CASES[name][0].split(".")
        lines.append(f'{e}.{c}.{b}.{a} TXT "{asn} | {prefix} | ZZ | test | 2026-01-01"')
    with open(f"{d}/zones/cymru.zone", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(f"{d}/vrps.json", "w") as f:
        json.dump(VRPS, f)
    return f"{d}/vrps.json"


def zone(d, made):
    lines = ["$ORIGIN scan.test.", "$TTL 300", "@ SOA ns.test. h.test. 1 3600 600 86400 300",
             "@ NS ns.test."]
    own, nxt = spki_sha256(made["rsa2048"][0]), hashlib.sha256(b"the next key").hexdigest()
    for name, (addr, *_rest) in CASES.items():
        lines += [f"{name} MX 10 mx.{name}.scan.test.", f"mx.{name} A {addr}"]
        lines += [f"_25._tcp.mx.{name} TLSA 3 1 1 {own if t == 'own' else nxt}"
                  for t in TLSA.get(name, [])]
    # CAA (RFC 8659): the zone's own allows the issuer, one host's does not
    lines += ['@ CAA 0 issue "letsencrypt.org"', 'mx.client_order CAA 0 issue "digicert.com"']
    # submission (RFC 6186, RFC 8314): the domain "sub" names the modern server
    # for STARTTLS and the implicit one for TLS from the start, on the test port
    lines += ["early MX 10 mx.modern.scan.test.", "mx.early A 127.0.0.30",
              f"_submissions._tcp.early SRV 0 1 {PORT[0]} mx.early.scan.test."]
    lines += ["sub MX 10 mx.modern.scan.test.",
              f"_submission._tcp.sub SRV 0 1 {PORT[0]} mx.modern.scan.test.",
              f"_submissions._tcp.sub SRV 0 1 {PORT[0]} mx.implicit.scan.test."]
    os.makedirs(f"{d}/zones", exist_ok=True)
    with open(f"{d}/zones/scan.zone", "w") as f:
        f.write("\n".join(lines) + "\n")
    return f"{d}/zones"


def start(d, made, port):
    servers = []
    for name, (addr, mode, cert, tls, *_rest) in CASES.items():
        tls = dict(tls)
        if "dh" in tls:
            tls["dh"] = made[tls["dh"]]
        servers.append({"address": addr, "name": f"mx.{name}.scan.test", "mode": mode,
                        "cert": made[cert][0], "key": made[cert][1], "tls": tls})
    with open(f"{d}/smtp.json", "w") as f:
        json.dump({"port": port, "servers": servers}, f)
    p = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "transport", "smtp_server.py"),
                          f"{d}/smtp.json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.stdout.readline().strip() != "ready":
        p.kill()
        raise SystemExit("the SMTP test server did not start: " + p.stderr.read())
    return p


def sslscan(addr, port, starttls=True):
    """The versions and (version, suite) pairs sslscan finds."""
    out = subprocess.run(["sslscan"] + (["--starttls-smtp"] if starttls else []) +
                         ["--no-colour", "--no-heartbleed", "--no-compression",
                          "--no-renegotiation", "--no-fallback", f"{addr}:{port}"],
                         capture_output=True, text=True, timeout=300).stdout
    versions = {m.group(1).replace("TLSv1.0", "TLSv1") for m in
                re.finditer(r"^(TLSv1\.[0-3])\s+enabled", out, re.M)}
    suites = {(m.group(1).replace("TLSv1.0", "TLSv1"), m.group(2)) for m in
              re.finditer(r"^(?:Preferred|Accepted)\s+(TLSv1\.[0-3])\s+\d+ bits\s+(\S+)", out, re.M)}
    return versions, suites


def mailcheck(zonefile, name, port, timeout="2"):
    t0 = time.time()
    r = subprocess.run([MC, "--json", "--zone", zonefile, "smtp", f"{name}.scan.test",
                        "--allow-private", "--smtp-port", str(port), "--net-timeout", timeout,
                        "--ca-file", CA_FILE[0]] +
                       (["--rpki", VRP_FILE[0]] if VRP_FILE[0] else []),
                       capture_output=True, text=True, timeout=600)
    return r, json.loads(r.stdout) if r.stdout.strip() else None, time.time() - t0


def main():
    if not shutil.which("openssl"):
        skip("mailcheck smtp against test servers", "no openssl")
        print(line("tls: "))
        return 0
    with tempfile.TemporaryDirectory() as d:
        made = certificates(d)
        CA_FILE[0] = made["rsa2048"][0]
        port = PORT[0] = free_port()
        zonefile = zone(d, made)
        VRP_FILE[0] = cymru(d)
        server = start(d, made, port)
        try:
            cases(zonefile, port)
            early_data(d, made, zonefile, port)
        finally:
            server.kill()
    print(line("tls: "))
    return 1 if failed() else 0


def early_data(d, made, zonefile, port):
    """openssl s_server with 0-RTT on, as the implicit-TLS submission server
    of the domain "early": its session tickets offer early data."""
    crt, key = made["rsa2048"]
    p = subprocess.Popen(["openssl", "s_server", "-quiet", "-accept", f"127.0.0.30:{port}",
                          "-cert", crt, "-key", key, "-early_data", "-num_tickets", "1"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        r, doc, _secs = mailcheck(zonefile, "early", port)
        servers = [s for s in (doc or {}).get("servers", []) if s["service"] == "submissions"]
        codes = {f["code"] for f in (doc or {}).get("findings", [])}
        check("early: 0-RTT offered in the session tickets (openssl s_server -early_data): "
              "tls.early_data", servers and servers[0]["early_data"] is True and
              "tls.early_data" in codes, (servers[0]["early_data"] if servers else None,
                                          sorted(codes), r.stderr[:200]))
    finally:
        p.kill()
        p.wait()


def submission(zonefile, port):
    """A domain's submission servers from its SRV records: STARTTLS and
    implicit TLS, each on the port the record gives."""
    r, doc, _secs = mailcheck(zonefile, "sub", port)
    if not check("sub: a JSON report", doc is not None, (r.returncode, r.stderr[:300])):
        return
    got = {(s["service"], s["host"], s["port"], s["implicit_tls"], s["grade"])
           for s in doc["servers"]}
    want = {("smtp", "mx.modern.scan.test", port, False, "sufficient"),
            ("submission", "mx.modern.scan.test", port, False, "sufficient"),
            ("submissions", "mx.implicit.scan.test", port, True, "sufficient")}
    check("sub: the MX host, and the submission servers of its SRV records (STARTTLS, implicit "
          "TLS) graded", got == want, sorted(got))
    implicit = [s for s in doc["servers"] if s["implicit_tls"]]
    if not implicit or not shutil.which("sslscan"):
        return
    versions, suites = sslscan(CASES["implicit"][0], port, starttls=False)
    mine_s = {(s["version"], s["name"]) for s in implicit[0]["cipher_suites"]}
    check(f"sub: implicit TLS: the {len(suites)} suites sslscan finds", mine_s == suites and
          {v["version"] for v in implicit[0]["versions"] if v["accepted"]} == versions,
          {"only mailcheck": sorted(mine_s - suites), "only sslscan": sorted(suites - mine_s)})


def cases(zonefile, port):
    have_sslscan = shutil.which("sslscan") is not None
    submission(zonefile, port)
    for name, (addr, mode, _cert, _tls, expected, grade) in CASES.items():
        if mode == "implicit":
            continue
        r, doc, secs = mailcheck(zonefile, name, port)
        if not check(f"{name}: a JSON report", doc is not None and r.returncode in (0, 1),
                     (r.returncode, r.stderr[:300])):
            continue
        if SCHEMA:
            errors = [e.message for e in SCHEMA.iter_errors(doc)][:3]
            check(f"{name}: the JSON matches docs/mailcheck.schema.json", not errors, errors)
        server = doc["servers"][0]
        codes = {f["code"] for f in doc["findings"]}
        check(f"{name}: findings {expected}", set(expected) <= codes, sorted(codes))
        if grade == "good_or_sufficient":
            check(f"{name}: graded good or sufficient, exit 0", server["grade"] in ("good",
                  "sufficient") and r.returncode == 0, (server["grade"], r.returncode))
            check(f"{name}: no finding above a note but DANE's", not any(
                f["severity"] != "info" for f in doc["findings"]
                if not f["code"].startswith(("mx.", "tls.dane_"))), codes)
        elif grade:
            check(f"{name}: graded {grade}", server["grade"] == grade, server["grade"])
        if name == "modern":
            cert = server["certificate"]
            check("modern: the certificate trusted (--ca-file), naming the host, 29 days or more left",
                  cert["chain_valid"] and cert["name_matches"] and cert["days_left"] > 29, cert)
        if name == "rsa1024":
            check("rsa1024: a certificate not trusted (no --ca-file for it): tls.certificate_untrusted",
                  not server["certificate"]["chain_valid"] and "tls.certificate_untrusted" in codes,
                  server["certificate"])
        if name == "modern":
            check("modern: no 0-RTT offered", server["early_data"] is False, server["early_data"])
        if name in ("modern", "legacy"):
            want = name == "legacy"
            check(f"{name}: the server {'lets' if want else 'does not let'} the client renegotiate",
                  server["client_renegotiation"] is want, server["client_renegotiation"])
        if name in ORIGIN:
            asn, prefix, state = ORIGIN[name]
            code = {"invalid": "tls.rpki_invalid", "not_found": "tls.rpki_not_found"}.get(state)
            check(f"{name}: RPKI {state} ({prefix} from AS{asn})" + (f", {code}" if code else ""),
                  server["rpki"] == {"state": state, "asn": int(asn), "prefix": prefix} and
                  (not code or code in codes), (server["rpki"], sorted(codes)))
        if name in CAA:
            want, code = CAA[name]
            check(f"{name}: CAA set at {want[0]}, issuer allowed: {want[1]}" +
                  (f", {code}" if code else ""),
                  (server["caa"]["name"], server["caa"]["allowed"]) == want and
                  (not code or code in codes), (server["caa"], sorted(codes)))
        if name in ROLLOVER:
            want, code = ROLLOVER[name]
            check(f"{name}: DANE rollover {want}" + (f", {code}" if code else ""),
                  server["dane"]["rollover"] == want and (not code or code in codes),
                  (server["dane"], sorted(codes)))
        if mode in ("tlsreset", "tlsstall"):
            check(f"{name}: ends in a finding within a few timeouts ({secs:.1f} s), exit 1",
                  secs < 15 and r.returncode == 1 and server["cut_short"], (secs, r.returncode))
            continue
        if not have_sslscan:
            skip(f"{name}: versions and suites as sslscan finds them", "no sslscan")
            continue
        versions, suites = sslscan(addr, port)
        mine_v = {v["version"] for v in server["versions"] if v["accepted"]}
        mine_s = {(s["version"], s["name"]) for s in server["cipher_suites"]}
        check(f"{name}: the versions sslscan finds ({', '.join(sorted(versions))})",
              mine_v == versions, {"mailcheck": sorted(mine_v), "sslscan": sorted(versions)})
        check(f"{name}: the {len(suites)} suites sslscan finds", mine_s == suites,
              {"only mailcheck": sorted(mine_s - suites), "only sslscan": sorted(suites - mine_s)})


if __name__ == "__main__":
    sys.exit(main())
