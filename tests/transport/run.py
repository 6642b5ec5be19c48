#!/usr/bin/env python3
"""Transport security end to end: mailcheck domain against servers of its own.

    run.py BUILD/mailcheck

Starts on 127.0.0.1, and stops after: NSD serving the test zones, an HTTPS
server (https_server.py) with certificates from a test CA made by openssl
now. Then checks what `mailcheck domain --json` says of each test domain:
the MTA-STS policy fetched, refused, rejected, parsed and matched.
Prints "ok"/"FAIL" lines and "N passed, N failed".
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pki  # noqa: E402
import zones as dnssec_zones  # noqa: E402

MAILCHECK = os.path.abspath(sys.argv[1]) if __name__ == "__main__" else None
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok", what)
    else:
        failed += 1
        print("FAIL", what, detail)


def free_port():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket()
    t.bind(("127.0.0.1", port))
    u.close()
    t.close()
    return port


POLICY = "version: STSv1\nmode: {mode}\nmx: {mx}\nmax_age: {age}\n"


def sts_policy(mx, mode="enforce", age=604800):
    return POLICY.format(mode=mode, mx="\nmx: ".join(mx), age=age)


# name: MX hosts, the route of its policy (None: no policy host), the
# certificate ("good", "wrongname", "expired")
STS = {
    "good": (["mx.good.sts.test"], {"type": "text/plain", "body": sts_policy(["mx.good.sts.test"])}),
    "crlf": (["mx1.crlf.sts.test", "mx2.crlf.sts.test"],
             {"type": "text/plain; charset=utf-8",
              "body": "version: STSv1\r\nmode: enforce\r\nmx: *.crlf.sts.test\r\nmax_age: 1209600\r\n"}),
    "wild": (["mx1.wild.sts.test", "a.b.wild.sts.test"],
             {"type": "text/plain", "body": sts_policy(["*.wild.sts.test"])}),
    "testing": (["mx.other.example"],
                {"type": "text/plain", "body": sts_policy(["mx.testing.sts.test"], "testing", 3600)}),
    "none": (["mx.none.sts.test"], {"type": "text/plain", "body": "version: STSv1\nmode: none\nmax_age: 86400\n"}),
    "redirect": (["mx.redirect.sts.test"],
                 {"status": 301, "headers": {"Location": "https://elsewhere.example/mta-sts.txt"}}),
    "missing": (["mx.missing.sts.test"], None),
    "html": (["mx.html.sts.test"], {"type": "text/html", "body": sts_policy(["mx.html.sts.test"])}),
    "big": (["mx.big.sts.test"], {"type": "text/plain", "body": "x" * 1024, "repeat": 100}),
    "chunked": (["mx.chunked.sts.test"], {"type": "text/plain", "body": "mx: a\n" * 1000,
                                          "repeat": 20, "chunked": True}),
    "announced": (["mx.announced.sts.test"], {"type": "text/plain", "body": "mx: a\n",
                                              "length": 10000000}),
    "slow": (["mx.slow.sts.test"], {"type": "text/plain", "delay": 4, "body": sts_policy(["mx.slow.sts.test"])}),
    "garbage": (["mx.garbage.sts.test"], {"type": "text/plain", "body": "<html>hello</html>\n"}),
    "nomx": (["mx.nomx.sts.test"], {"type": "text/plain", "body": "version: STSv1\nmode: enforce\nmax_age: 86400\n"}),
    "age": (["mx.age.sts.test"], {"type": "text/plain", "body": sts_policy(["mx.age.sts.test"], age=31557601)}),
    "wrongname": (["mx.wrongname.sts.test"], {"type": "text/plain", "body": sts_policy(["mx.wrongname.sts.test"])}),
    "expired": (["mx.expired.sts.test"], {"type": "text/plain", "body": sts_policy(["mx.expired.sts.test"])}),
}


GOOD_SVG = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" '
            'viewBox="0 0 100 100"><title>Example Brand</title>'
            '<circle cx="50" cy="50" r="40" fill="#c00"/></svg>\n')
BAD_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'viewBox="0 0 200 100" x="0"><script>alert(1)</script>'
           '<image xlink:href="https://elsewhere.example/a.png"/>'
           '<rect onclick="x()" style="fill:url(https://e.example/p)"/></svg>\n')
BOMB_SVG = ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + ']>\n<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" '
            'viewBox="0 0 1 1"><title>&i;</title></svg>\n')


def der(tag, body):
    n = len(body)
    if n < 128:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body


def logotype(svg):
    """RFC 3709 LogotypeExtn with the SVG as a gzip data: URI (subjectLogo, direct)."""
    import base64
    import gzip
    uri = b"data:image/svg+xml;base64," + base64.b64encode(gzip.compress(svg.encode()))
    sha256 = der(0x30, der(0x06, bytes.fromhex("608648016503040201")))
    details = der(0x30, der(0x16, b"image/svg+xml") +
                  der(0x30, der(0x30, sha256 + der(0x04, hashlib.sha256(svg.encode()).digest()))) +
                  der(0x30, der(0x16, uri)))
    data = der(0x30, der(0x30, der(0x30, details)))
    return der(0x30, der(0xA2, der(0xA0, data)))


# name: (logo served, content type, VMC: (logo it embeds, BIMI usage) or None)
BIMI = {
    "bimigood": (GOOD_SVG, "image/svg+xml", (GOOD_SVG, True)),
    "bimibad": (BAD_SVG, "image/svg+xml", None),
    "bimibomb": (BOMB_SVG, "image/svg+xml", None),
    "bimihtml": ("<html><body>logo</body></html>", "text/html", None),
    "bimivmc": (GOOD_SVG, "image/svg+xml", (BAD_SVG, False)),
}


def sts_zone():
    z = ["$ORIGIN sts.test.", "$TTL 300",
         "@ SOA ns.sts.test. hostmaster.sts.test. 1 3600 600 86400 300", "@ NS ns", "ns A 127.0.0.1"]
    for name, (mx, _route) in STS.items():
        for i, host in enumerate(mx):
            z.append(f"{name} MX {10 * (i + 1)} {host}.")
            if host.endswith(".sts.test"):
                z.append(f"{host}. A 127.0.0.1")
        z.append(f'_mta-sts.{name} TXT "v=STSv1; id=20261203T1"')
        z.append(f"mta-sts.{name} A 127.0.0.1")
        z.append(f'{name} TXT "v=spf1 -all"')
        z.append(f'_dmarc.{name} TXT "v=DMARC1; p=reject"')
    z.append("logo A 127.0.0.1")
    for name, (_svg, _type, vmc) in BIMI.items():
        z += [f"{name} MX 10 mx.{name}", f"mx.{name} A 127.0.0.1", f'{name} TXT "v=spf1 -all"',
              f'_dmarc.{name} TXT "v=DMARC1; p=reject"']
        rec = f"v=BIMI1; l=https://logo.sts.test/{name}.svg;"
        if vmc:
            rec += f" a=https://logo.sts.test/{name}.pem;"
        z.append(f'default._bimi.{name} TXT "{rec}"')
    return "\n".join(z) + "\n"


class Servers:
    def __init__(self, tmp):
        self.tmp, self.procs = tmp, []

    def start(self, args, **kw):
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()


def nsd(servers, tmp, zones):
    port = free_port()
    zdir = f"{tmp}/zones"
    os.makedirs(zdir, exist_ok=True)
    conf = [f"server:\n  ip-address: 127.0.0.1\n  port: {port}\n  username: \"\"\n  chroot: \"\"\n"
            f"  zonesdir: \"{zdir}\"\n  database: \"\"\n  zonelistfile: \"{tmp}/zone.list\"\n"
            f"  xfrdfile: \"{tmp}/xfrd.state\"\n  pidfile: \"{tmp}/nsd.pid\"\n"
            f"  logfile: \"{tmp}/nsd.log\"\n  server-count: 1\n  rrl-ratelimit: 0\n"
            "  verbosity: 1\nremote-control:\n  control-enable: no\n"]
    for apex, text in zones.items():
        fname = (apex.rstrip(".") or "root") + ".zone"
        open(f"{zdir}/{fname}", "w").write(text)
        conf.append(f"zone:\n  name: \"{apex}\"\n  zonefile: \"{fname}\"\n")
    open(f"{tmp}/nsd.conf", "w").write("".join(conf))
    servers.start(["nsd", "-d", "-c", f"{tmp}/nsd.conf"])
    for _ in range(50):
        r = subprocess.run([MAILCHECK, "--dns", f"127.0.0.1:{port}", "--timeout", "0.5", "mx",
                            "good.sts.test"], capture_output=True)
        if r.returncode == 0:
            return port
        time.sleep(0.2)
    raise SystemExit(f"NSD did not start: {open(tmp + '/nsd.log').read() if os.path.exists(tmp + '/nsd.log') else ''}")


def https(servers, tmp, ca):
    certs = f"{tmp}/certs"
    os.makedirs(certs)
    ca.leaf(f"{certs}/default", "default.sts.test", ["default.sts.test"])
    for name in STS:
        host = f"mta-sts.{name}.sts.test"
        if name == "wrongname":
            ca.leaf(f"{certs}/{host}", "mta-sts.other.sts.test", ["mta-sts.other.sts.test"])
        elif name == "expired":
            ca.leaf(f"{certs}/{host}", host, [host], start="20200101000000Z", end="20200201000000Z")
        else:
            ca.leaf(f"{certs}/{host}", host, [host])
    routes = {f"mta-sts.{n}.sts.test/.well-known/mta-sts.txt": r for n, (_mx, r) in STS.items() if r}
    ca.leaf(f"{certs}/logo.sts.test", "logo.sts.test", ["logo.sts.test"])
    for name, (svg, ctype, vmc) in BIMI.items():
        routes[f"logo.sts.test/{name}.svg"] = {"type": ctype, "body": svg}
        if vmc:
            ext = ("extendedKeyUsage=1.3.6.1.5.5.7.3.31\n" if vmc[1] else "") + \
                  "1.3.6.1.5.5.7.1.12=DER:" + logotype(vmc[0]).hex() + "\n"
            pem = ca.leaf(f"{tmp}/vmc-{name}", f"{name} brand", [f"{name}.sts.test"], ext=ext)
            routes[f"logo.sts.test/{name}.pem"] = {"type": "application/pem-certificate-chain",
                                                   "body": open(pem).read()}
    json.dump(routes, open(f"{tmp}/routes.json", "w"))
    p = servers.start([sys.executable, os.path.join(os.path.dirname(__file__), "https_server.py"),
                       f"{tmp}/routes.json", certs])
    return int(p.stdout.readline())


# SMTP test servers: name -> (address, mode, certificate: good, expired,
# wrongname, soon; TLSA: "own" (matching), "wrong", None)
SMTP = {
    "good": ("127.0.0.10", "good", "good", "own"),
    "nostls": ("127.0.0.11", "nostarttls", "good", "own"),
    "expired": ("127.0.0.12", "good", "expired", None),
    "wrongname": ("127.0.0.13", "good", "wrongname", None),
    "badtlsa": ("127.0.0.14", "good", "good", "wrong"),
    "stall": ("127.0.0.15", "stall", "good", None),
    "flood": ("127.0.0.16", "flood", "good", None),
    "soon": ("127.0.0.17", "good", "soon", None),
    "refuse": ("127.0.0.18", "refuse", "good", None),
    "closed": ("127.0.0.19", None, None, None),
    "badtls": ("127.0.0.20", "badtls", "good", "own"),
}


def spki_sha256(pem):
    pub = subprocess.run(["openssl", "x509", "-in", pem, "-pubkey", "-noout"], check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub, check=True,
                         capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def smtp_setup(tmp, ca):
    """Certificates, the smtp.test zone (signed), the server config."""
    d = f"{tmp}/smtp"
    os.makedirs(d)
    fmt = lambda t: time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))
    zone = ["$ORIGIN smtp.test.", "$TTL 300", "@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300",
            "@ NS ns.test."]
    servers = []
    for name, (addr, mode, cert, tlsa) in SMTP.items():
        host = f"mx.{name}.smtp.test"
        zone += [f"{name} MX 10 {host}.", f"{host}. A {addr}", f'{name} TXT "v=spf1 mx -all"',
                 f'_dmarc.{name} TXT "v=DMARC1; p=reject"']
        if not mode:
            continue
        out = f"{d}/{name}"
        if cert == "expired":
            ca.leaf(out, host, [host], start="20200101000000Z", end="20200201000000Z")
        elif cert == "wrongname":
            ca.leaf(out, "mail.elsewhere.test", ["mail.elsewhere.test"])
        elif cert == "soon":
            ca.leaf(out, host, [host], start=fmt(time.time() - 86400), end=fmt(time.time() + 5 * 86400))
        else:
            ca.leaf(out, host, [host])
        if tlsa:
            digest = spki_sha256(f"{out}.leaf") if tlsa == "own" else "00" * 32
            zone.append(f"_25._tcp.{host}. TLSA 3 1 1 {digest}")
        servers.append({"address": addr, "name": host, "mode": mode, "cert": f"{out}.pem",
                        "key": f"{out}.key"})
    # two MX hosts, one that stalls: probed at once, so the check takes one timeout
    zone += ["pair MX 10 mx.good.smtp.test.", "pair MX 20 mx.stall.smtp.test.",
             'pair TXT "v=spf1 mx -all"', '_dmarc.pair TXT "v=DMARC1; p=reject"']
    return "\n".join(zone) + "\n", servers


def smtp_start(servers, tmp, config):
    port = free_port()
    json.dump({"port": port, "servers": config}, open(f"{tmp}/smtp.json", "w"))
    p = servers.start([sys.executable, os.path.join(os.path.dirname(__file__), "smtp_server.py"),
                       f"{tmp}/smtp.json"])
    if p.stdout.readline().strip() != "ready":
        raise SystemExit("the SMTP test server did not start: " + p.stderr.read())
    return port


def domain(dns, name, *extra):
    r = subprocess.run([MAILCHECK, "--dns", f"127.0.0.1:{dns}", "--json", "domain", name,
                        "--no-common-selectors", *extra], capture_output=True, text=True, timeout=60)
    if "Sanitizer" in r.stderr or "runtime error:" in r.stderr:
        check(False, f"sanitizer report for domain {name}", r.stderr[-3000:])
    try:
        return r.returncode, json.loads(r.stdout), r.stderr
    except ValueError:
        return r.returncode, {}, r.stderr + r.stdout


def codes(doc):
    return {f["code"]: f["severity"] for f in doc.get("findings", [])}


ANCHOR = None
NET_TIMEOUT = "2"  # seconds per fetch and SMTP step


def sts_cases(dns, port, ca):
    net = ["--allow-private", "--ca-file", ca, "--https-port", str(port), "--net-timeout", NET_TIMEOUT,
           "--trust-anchor", ANCHOR]

    def run(name, *extra, args=net):
        rc, doc, err = domain(dns, f"{name}.sts.test", *args, *extra)
        part = doc.get("parts", {}).get("mta_sts", {})
        pol = (doc.get("mta_sts") or {}).get("policy") or {}
        return rc, doc, part.get("status"), pol, codes(doc), err

    rc, doc, st, pol, c, err = run("good")
    check(st == "pass" and pol.get("mode") == "enforce" and pol.get("max_age") == 604800 and
          pol["mx_hosts"] == [{"host": "mx.good.sts.test", "pattern": "mx.good.sts.test"}] and
          pol["fetch"]["http_status"] == 200 and pol["fetch"]["address"] == "127.0.0.1",
          "sts good: fetched, enforce, MX covered", json.dumps(doc.get("mta_sts")) + err)
    rc, doc, st, pol, c, err = run("crlf")
    check(st == "pass" and all(h["pattern"] == "*.crlf.sts.test" for h in pol.get("mx_hosts", [])),
          "sts crlf lines, charset parameter, wildcard covers both MX hosts", json.dumps(pol))
    rc, doc, st, pol, c, err = run("wild")
    check(st == "error" and c.get("mta_sts.mx_not_covered") == "error" and
          [h["pattern"] for h in pol["mx_hosts"]] == ["*.wild.sts.test", None],
          "sts wildcard covers one label only: a.b.wild not covered, enforce -> error", json.dumps(pol))
    rc, doc, st, pol, c, err = run("testing")
    check(st == "warning" and c.get("mta_sts.mx_not_covered") == "warning" and "mta_sts.testing" in c
          and c.get("mta_sts.max_age_short") == "warning", "sts testing, short max_age, MX not covered",
          json.dumps(c))
    rc, doc, st, pol, c, err = run("none")
    check(st == "warning" and "mta_sts.mode_none" in c and pol.get("mode") == "none",
          "sts mode none: withdrawn", json.dumps(c))
    rc, doc, st, pol, c, err = run("redirect")
    check(st == "error" and "mta_sts.policy_http" in c and pol["fetch"]["error"] == "redirect" and
          pol["fetch"]["location"] == "https://elsewhere.example/mta-sts.txt",
          "sts redirect not followed", json.dumps(pol))
    rc, doc, st, pol, c, err = run("missing")
    check(st == "error" and pol["fetch"]["error"] == "status" and pol["fetch"]["http_status"] == 404,
          "sts 404", json.dumps(pol))
    rc, doc, st, pol, c, err = run("html")
    check(st == "error" and "mta_sts.policy_content_type" in c and pol.get("valid") is True,
          "sts text/html: content type error, still parsed", json.dumps(c))
    for name in ("big", "chunked", "announced"):
        rc, doc, st, pol, c, err = run(name)
        check(st == "error" and "mta_sts.policy_too_large" in c and pol["fetch"]["error"] == "too_large",
              f"sts oversize body ({name}) stopped at 64 KiB", json.dumps(pol))
    t0 = time.time()
    quick = list(net)
    quick[quick.index("--net-timeout") + 1] = "1"
    rc, doc, st, pol, c, err = run("slow", args=quick)
    check(st == "error" and pol["fetch"]["error"] == "timeout" and time.time() - t0 < 4,
          "sts slow server: timeout after --net-timeout", json.dumps(pol))
    rc, doc, st, pol, c, err = run("garbage")
    check(st == "error" and "mta_sts.policy_syntax" in c and "line 1" in (pol.get("error") or ""),
          "sts garbage policy: syntax error with its line", json.dumps(pol))
    rc, doc, st, pol, c, err = run("nomx")
    check(st == "error" and "no mx field" in (pol.get("error") or ""), "sts enforce without mx",
          json.dumps(pol))
    rc, doc, st, pol, c, err = run("age")
    check(st == "error" and "31557600" in (pol.get("error") or ""), "sts max_age above the limit",
          json.dumps(pol))
    rc, doc, st, pol, c, err = run("wrongname")
    check(st == "error" and "mta_sts.policy_certificate" in c and pol["fetch"]["error"] == "certificate",
          "sts certificate for another name", json.dumps(pol))
    rc, doc, st, pol, c, err = run("expired")
    check(st == "error" and pol["fetch"]["error"] == "certificate" and "expired" in pol["fetch"]["message"],
          "sts expired certificate", json.dumps(pol))
    rc, doc, st, pol, c, err = run("good", args=[a for i, a in enumerate(net) if i not in (1, 2)])
    check(doc.get("parts", {}).get("dnssec", {}).get("status") == "not_published" and
          "sts.test" in (doc.get("dnssec", {}).get("reason") or ""),
          "dnssec: sts.test is an unsigned delegation (insecure, NSEC3 proof)", json.dumps(doc.get("dnssec")))
    check(st == "error" and pol["fetch"]["error"] == "certificate",
          "sts certificate of an unknown CA (no --ca-file)", json.dumps(pol))
    rc, doc, st, pol, c, err = run("good", args=[a for a in net if a != "--allow-private"])
    check(st == "warning" and "mta_sts.policy_refused" in c and pol["fetch"]["error"] == "refused" and
          "loopback" in pol["fetch"]["message"] and pol["fetch"]["address"] is None,
          "sts loopback address refused without --allow-private", json.dumps(pol))
    r = subprocess.run([MAILCHECK, "--dns", f"127.0.0.1:{dns}", "domain", "wild.sts.test",
                        "--no-common-selectors", *net], capture_output=True, text=True)
    check("a.b.wild.sts.test" in r.stdout and "will not deliver" in r.stdout and r.returncode == 1,
          "sts text output names the MX host not covered", r.stdout[-2000:])


def dnssec_cases(dns):
    def run(name, *extra):
        rc, doc, err = domain(dns, name, "--trust-anchor", ANCHOR, *extra)
        d = doc.get("dnssec", {})
        return rc, doc, doc.get("parts", {}).get("dnssec", {}).get("status"), d, codes(doc), err

    rc, doc, st, d, c, err = run("sec.test")
    queries = {(q["name"], q["type"]): q for q in doc.get("dns", [])}
    check(st == "pass" and d.get("secure") == d.get("answers") and d["answers"] >= 4 and
          d.get("algorithm") == "ECDSAP256SHA256" and not c.get("dnssec.expiring"),
          "dnssec sec.test: every answer secure from the test root", json.dumps(d) + err)
    check(queries.get(("sec.test", "MX"), {}).get("dnssec") == "secure" and
          queries.get(("_mta-sts.sec.test", "TXT"), {}).get("dnssec") == "secure" and
          ("test", "DS") in queries and (".", "DNSKEY") in queries,
          "dnssec: each query of the log says it was validated; the DS/DNSKEY walk is logged",
          json.dumps([(q["name"], q["type"], q.get("dnssec")) for q in doc.get("dns", [])]))
    rc, doc, st, d, c, err = run("nsec3.test")
    check(st == "pass" and d.get("bogus") == 0, "dnssec nsec3.test: NODATA and NXDOMAIN proven with NSEC3",
          json.dumps(d))
    rc, doc, st, d, c, err = run("unsigned.test")
    check(st == "not_published" and "dnssec.unsigned" in c and "unsigned.test" in (d.get("reason") or ""),
          "dnssec unsigned.test: insecure delegation, where the chain ends", json.dumps(d))
    rc, doc, st, d, c, err = run("expired.test")
    check(st == "error" and c.get("dnssec.bogus") == "error" and "expired" in (d.get("reason") or "")
          and rc == 1, "dnssec expired.test: bogus, the signatures expired", json.dumps(d))
    rc, doc, st, d, c, err = run("badds.test")
    check(st == "error" and "matches its DS" in (d.get("reason") or ""),
          "dnssec badds.test: no DNSKEY matches the DS", json.dumps(d))
    rc, doc, st, d, c, err = run("soon.test")
    check(st == "warning" and c.get("dnssec.expiring") == "warning" and d.get("signatures_expire"),
          "dnssec soon.test: signatures expire within 7 days", json.dumps(d))
    rc, doc, st, d, c, err = run("old.test")
    check(d.get("algorithm") == "RSASHA1" and c.get("dnssec.algorithm") == "warning",
          "dnssec old.test: RSASHA1 is not recommended (RFC 8624)", json.dumps(d) + json.dumps(c))
    # the real root key cannot validate the test root: no verdicts, a clear reason,
    # and "not checked" -- never "not published", which means unsigned
    rc, doc, err = domain(dns, "sec.test")
    part = doc.get("parts", {}).get("dnssec", {})
    check("dnssec.not_validated" in codes(doc) and doc.get("dnssec", {}).get("validated") is False and
          part.get("status") == "not_checked" and "does not validate" in (part.get("reason") or "")
          and not any("dnssec" in q for q in doc.get("dns", [])),
          "dnssec with the wrong trust anchor: no verdicts, not checked, said why",
          json.dumps(part) + json.dumps(codes(doc)))
    # anchors below the root: an island of security (RFC 4033 3)
    island = os.path.join(os.path.dirname(ANCHOR), "island.anchor")
    wrong = os.path.join(os.path.dirname(ANCHOR), "island-wrong.anchor")
    rc, doc, err = domain(dns, "island.test", "--trust-anchor", island)
    d = doc.get("dnssec", {})
    check(doc.get("parts", {}).get("dnssec", {}).get("status") == "pass" and d.get("validated") and
          d.get("secure") == d.get("answers") and d.get("answers", 0) >= 4,
          "dnssec island.test: secure from its own anchor (no DS in its parent)", json.dumps(d) + err)
    rc, doc, st, d, c, err = run("island.test")
    check(st == "not_published" and "island.test" in (d.get("reason") or ""),
          "dnssec island.test from the root alone: an unsigned delegation", json.dumps(d))
    rc, doc, err = domain(dns, "island.test", "--trust-anchor", ANCHOR, "--trust-anchor", island)
    check(doc.get("parts", {}).get("dnssec", {}).get("status") == "pass",
          "dnssec island.test with the root's and its own anchor: the closest one is used",
          json.dumps(doc.get("dnssec")) + err)
    rc, doc, err = domain(dns, "sec.test", "--trust-anchor", island)
    part = doc.get("parts", {}).get("dnssec", {})
    check(part.get("status") == "not_checked" and "no trust anchor covers sec.test" in
          (part.get("reason") or "") and "island.test" in (part.get("reason") or ""),
          "dnssec sec.test under no anchor given: not checked, the anchors named", json.dumps(part))
    rc, doc, err = domain(dns, "island.test", "--trust-anchor", wrong)
    part = doc.get("parts", {}).get("dnssec", {})
    check(part.get("status") == "not_checked" and "island.test" in (part.get("reason") or "") and
          "does not validate" in (part.get("reason") or ""),
          "dnssec island.test with an anchor that matches no key: not checked, said why",
          json.dumps(part))
    r = subprocess.run([MAILCHECK, "--dns", f"127.0.0.1:{dns}", "domain", "sec.test",
                        "--trust-anchor", "/nonexistent"], capture_output=True, text=True)
    check(r.returncode == 2 and "/nonexistent" in r.stderr, "--trust-anchor that cannot be read: exit 2",
          r.stderr)


def bimi_cases(dns, port, ca):
    net = ["--allow-private", "--ca-file", ca, "--https-port", str(port), "--net-timeout", NET_TIMEOUT,
           "--trust-anchor", ANCHOR]

    def run(name):
        rc, doc, err = domain(dns, f"{name}.sts.test", *net)
        b = doc.get("bimi") or {}
        return doc.get("parts", {}).get("bimi", {}).get("status"), b.get("logo") or {}, \
            b.get("certificate") or {}, codes(doc)

    st, logo, vmc, c = run("bimigood")
    check(st == "pass" and logo.get("tiny_ps") and logo.get("title") == "Example Brand" and
          vmc.get("bimi_usage") and vmc.get("logo_embedded") and vmc.get("logo_matches") and
          vmc.get("name_matches") and vmc.get("valid_now") and vmc.get("chain_valid") and
          not any(k.startswith("bimi.") for k in c),
          "bimi good: SVG Tiny PS logo, VMC with the BIMI usage embedding the same logo",
          json.dumps([logo, vmc, c]))
    st, logo, vmc, c = run("bimibad")
    probs = " | ".join(logo.get("problems", []))
    check(st == "error" and c.get("bimi.svg_profile") == "error" and all(
          w in probs for w in ("<script>", "<image>", "outside the document", "event attribute",
                               "tiny-ps", "not square", "<title>", "x= or y=")),
          "bimi bad logo: every SVG Tiny PS problem named", probs)
    st, logo, vmc, c = run("bimibomb")
    # libxml2 stops the expansion itself ("entity reference loop"); were it
    # to parse, the DOCTYPE is a profile problem: an error either way
    check(st == "error" and ("entity" in (logo.get("error") or "") or
                             any("DOCTYPE" in p for p in logo.get("problems", []))),
          "bimi logo with an entity bomb: refused, no expansion", json.dumps(logo)[:500])
    st, logo, vmc, c = run("bimihtml")
    check(st == "error" and "bimi.logo_not_svg" in c and "<html>" in (logo.get("error") or ""),
          "bimi logo that is an HTML page: not an SVG document", json.dumps(logo)[:500])
    st, logo, vmc, c = run("bimivmc")
    check(st == "error" and c.get("bimi.vmc_invalid") == "error" and vmc.get("logo_embedded") and
          not vmc.get("logo_matches") and not vmc.get("bimi_usage"),
          "bimi VMC without the BIMI usage, embedding another logo", json.dumps(vmc) + json.dumps(c))


def smtp_cases(dns, port, ca):
    net = ["--smtp", "--allow-private", "--ca-file", ca, "--smtp-port", str(port), "--net-timeout", NET_TIMEOUT,
           "--trust-anchor", ANCHOR]

    def run(name, args=net):
        rc, doc, err = domain(dns, f"{name}.smtp.test", *args)
        probes = (doc.get("smtp") or {}).get("probes") or [{}]
        return (rc, doc, doc.get("parts", {}).get("smtp", {}).get("status"), probes[0],
                codes(doc), doc.get("parts", {}).get("dane", {}).get("status"))

    rc, doc, st, p, c, dane = run("good")
    cert = p.get("certificate") or {}
    check(st == "pass" and p.get("stage") == "done" and p.get("starttls") and
          p.get("banner_name") == "mx.good.smtp.test" and p.get("protocol", "").startswith("TLS") and
          cert.get("chain_valid") and cert.get("name_matches") and
          cert.get("names") == ["mx.good.smtp.test"] and cert.get("days_left", 0) > 20,
          "smtp good: banner, EHLO, STARTTLS, TLS, a valid certificate for the MX name",
          json.dumps(p) + json.dumps(c))
    check(p.get("grade") in ("good", "sufficient", "phase_out") and
          not any(k.startswith("tls.") and v == "error" for k, v in c.items()),
          "smtp good: its TLS graded as mailcheck smtp grades it (not insufficient)",
          json.dumps(p.get("grade")) + json.dumps(c))
    check(dane == "pass" and (p.get("dane") or {}).get("matched") is True and
          (p.get("dane") or {}).get("record", "").startswith("3 1 1 ") and p["dane"]["depth"] == 0,
          "dane good: the DNSSEC-secure TLSA record 3 1 1 matches the server's key", json.dumps(p.get("dane")))
    rc, doc, st, p, c, dane = run("badtlsa")
    check(dane == "error" and c.get("dane.mismatch") == "error" and (p.get("dane") or {}).get("matched") is False
          and rc == 1, "dane mismatch: the TLSA record names another key", json.dumps(p.get("dane")) + json.dumps(c))
    rc, doc, st, p, c, dane = run("nostls")
    check(p.get("stage") == "no_starttls" and c.get("smtp.no_starttls") == "error",
          "smtp no STARTTLS with DANE records: an error (DANE senders will not deliver)", json.dumps(c))
    rc, doc, st, p, c, dane = run("expired")
    check(st == "warning" and c.get("smtp.certificate_untrusted") == "warning" and
          "expired" in ((p.get("certificate") or {}).get("chain_error") or ""),
          "smtp expired certificate: chain error named, warning without MTA-STS", json.dumps(p))
    rc, doc, st, p, c, dane = run("wrongname")
    check(c.get("smtp.certificate_name") == "warning" and (p.get("certificate") or {}).get("chain_valid") and
          not (p.get("certificate") or {}).get("name_matches"),
          "smtp certificate for another name: name and chain told apart", json.dumps(p))
    rc, doc, st, p, c, dane = run("soon")
    check(c.get("smtp.certificate_expiring") == "warning" and 4 < (p.get("certificate") or {}).get("days_left", 0) < 6,
          "smtp certificate expiring in 5 days", json.dumps(p))
    quick = list(net)
    quick[quick.index("--net-timeout") + 1] = "1"
    t0 = time.time()
    rc, doc, st, p, c, dane = run("stall", args=quick)
    check(p.get("stage") == "banner" and "never ends" in (p.get("error") or "") and "smtp.greeting" in c
          and time.time() - t0 < 5, "smtp greeting that never ends: stopped at --net-timeout", json.dumps(p))
    rc, doc, st, p, c, dane = run("flood")
    check(p.get("stage") == "banner" and "floods" in (p.get("error") or ""),
          "smtp greeting that floods: stopped at 4096 bytes", json.dumps(p))
    t0 = time.time()
    rc, doc, err = domain(dns, "pair.smtp.test", *quick)
    probes = (doc.get("smtp") or {}).get("probes") or []
    check([q.get("stage") for q in probes] == ["done", "banner"] and time.time() - t0 < 1 + 3,
          "smtp two MX hosts probed at once (one stalls): both reported, in MX order",
          json.dumps([(q.get("host"), q.get("stage")) for q in probes]))
    rc, doc, st, p, c, dane = run("refuse")
    check(p.get("stage") == "banner" and "554" in (p.get("error") or ""), "smtp 554 greeting", json.dumps(p))
    rc, doc, st, p, c, dane = run("badtls")
    msg = " ".join(f["message"] for f in doc.get("findings", []) if f["code"] == "smtp.tls_failed")
    check(p.get("stage") == "tls" and c.get("smtp.tls_failed") == "error" and "DANE senders will not deliver" in msg,
          "smtp STARTTLS accepted but no TLS: the handshake failure, an error with DANE records",
          msg + json.dumps(p) + json.dumps(doc.get("dnssec")) + json.dumps(c))
    rc, doc, st, p, c, dane = run("closed")
    check(p.get("stage") == "connect" and c.get("smtp.unreachable") == "warning" and st == "not_checked",
          "smtp nothing listening: unreachable", json.dumps(p))
    rc, doc, st, p, c, dane = run("good", args=[a for a in net if a != "--allow-private"])
    check(p.get("stage") == "refused" and "smtp.not_probed" in c, "smtp loopback not probed without --allow-private",
          json.dumps(p))
    rc, doc, st, p, c, dane = run("good", args=[a for a in net if a != "--smtp"])
    check(st == "not_checked" and doc.get("smtp", {}).get("probed") is False, "smtp not probed without --smtp",
          json.dumps(doc.get("smtp")))


def main():
    tmp = tempfile.mkdtemp(prefix="mailcheck-transport-")
    servers = Servers(tmp)
    global ANCHOR
    try:
        ca = pki.CA(f"{tmp}/ca")
        smtp_zone, smtp_config = smtp_setup(tmp, ca)
        zones, ANCHOR = dnssec_zones.build(f"{tmp}/dnssec", {"sts.test.": sts_zone()},
                                           {"smtp.test.": smtp_zone})
        dns = nsd(servers, tmp, zones)
        port = https(servers, tmp, ca)
        smtp_port = smtp_start(servers, tmp, smtp_config)
        sts_cases(dns, port, ca.pem)
        dnssec_cases(dns)
        bimi_cases(dns, port, ca.pem)
        smtp_cases(dns, smtp_port, ca.pem)
    finally:
        servers.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"transport: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
