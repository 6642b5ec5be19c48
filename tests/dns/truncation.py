#!/usr/bin/env python3
"""Truncated answers whose TCP retry fails are DNS failures, never "no record".

For each way a TCP retry can fail (connection closed, refused, never
answered), with and without records in the truncated UDP answer, every
command that asks DNS is run against tests/dns/truncating_server.py on
127.0.0.1 and must end in exit status 3, with the failed queries marked
"tcp_failed" (and the reason) in its "dns" log and a dns.tcp_failed finding;
its JSON must match the schema. A server whose TCP works gives the real
verdict, so the failures above are the retry's and nothing else.

  truncation.py MAILCHECK    -- last line: "truncation: N passed, N failed"
"""
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    import jsonschema
except ImportError:
    jsonschema = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the timeout the commands get: a silent TCP retry costs one; short, for a fast suite
TIMEOUT = 0.4
SERVER = os.path.join(ROOT, "tests", "dns", "truncating_server.py")

COMMANDS = [
    ["mx", "example.org"],
    ["spf", "example.org", "192.0.2.1"],
    ["spf", "example.org"],
    ["dmarc", "example.org"],
    ["dkim", "example.org", "--selector", "sel"],
    ["dkim", "testdata/dkim/rsa_simple.eml", "--now", "1795600000"],
    ["verify", "testdata/verify/server_not_in_spf.eml", "--ip", "192.0.2.1",
     "--now", "1795600000"],
    ["domain", "example.org", "--selector", "sel", "--no-common-selectors"],
]
REASONS = {"close": "the TCP connection without answering", "refuse": "Connection refused",
           "silent": "over TCP within"}


def start(mode, records, *extra):
    tmp = tempfile.mkdtemp(prefix="mailcheck-trunc.")
    port_file = os.path.join(tmp, "port")
    args = [sys.executable, SERVER, port_file, "--tcp", mode] + \
        (["--records"] if records else []) + list(extra)
    proc = subprocess.Popen(args)
    for _ in range(100):
        if os.path.exists(port_file) and open(port_file).read().endswith("\n"):
            return proc, int(open(port_file).read())
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the test DNS server did not start")


def findings_of(obj):
    """Every finding code in an output, nested ones (verify) included."""
    codes = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "findings" and isinstance(v, list):
                codes += [f.get("code") for f in v if isinstance(f, dict)]
            else:
                codes += findings_of(v)
    elif isinstance(obj, list):
        for v in obj:
            codes += findings_of(v)
    return codes


def run(mailcheck, port, cmd):
    p = subprocess.run([mailcheck, "--dns", "127.0.0.1:%d" % port, "--timeout", str(TIMEOUT),
                        "--json"] + cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    mailcheck = os.path.abspath(sys.argv[1])
    schema = None
    if jsonschema:
        with open(os.path.join(ROOT, "docs", "mailcheck.schema.json")) as f:
            schema = json.load(f)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok %s" % what)
        else:
            failed += 1
            print("FAIL %s" % what)

    for mode in ("close", "refuse", "silent"):
        for records in (False, True):
            proc, port = start(mode, records)
            try:
                for cmd in COMMANDS:
                    what = "%s%s: %s" % (mode, " (records in the UDP answer)" if records else "",
                                         " ".join(cmd))
                    rc, out, err = run(mailcheck, port, cmd)
                    try:
                        obj = json.loads(out)
                    except ValueError:
                        check(False, what + ": stdout is not JSON: %r %r" % (out[:200], err[:200]))
                        continue
                    bad = [q for q in obj.get("dns", []) if q.get("status") == "tcp_failed"]
                    problems = []
                    if rc != 3:
                        problems.append("exit status %d, not 3" % rc)
                    if obj.get("result") != "temperror":
                        problems.append("result %r, not temperror" % obj.get("result"))
                    if not bad:
                        problems.append("no query marked tcp_failed in dns")
                    elif not all(REASONS[mode] in (q.get("error") or "") for q in bad):
                        problems.append("the reason is not in the query's error: %r"
                                        % bad[0].get("error"))
                    if any(q.get("answers") for q in bad):
                        problems.append("a tcp_failed query keeps the truncated records")
                    if "dns.tcp_failed" not in findings_of(obj):
                        problems.append("no dns.tcp_failed finding")
                    if schema:
                        try:
                            jsonschema.validate(obj, schema)
                        except jsonschema.ValidationError as e:
                            problems.append("schema: %s" % e.message)
                    check(not problems, what + (": " + "; ".join(problems) if problems else ""))
                # the TCP retries run side by side: a domain check whose ~40
                # answers are all truncated ends within a few timeouts, not one
                # timeout per query
                t0 = time.monotonic()
                rc, _, _ = run(mailcheck, port, ["domain", "example.org"])
                took = time.monotonic() - t0
                check(rc == 3 and took < 8 * TIMEOUT,
                      "%s: domain with every answer truncated: exit %d in %.1f s (TCP retries "
                      "in parallel)" % (mode, rc, took))
                # the text output says it too
                rc = subprocess.run([mailcheck, "--dns", "127.0.0.1:%d" % port, "--timeout",
                                     str(TIMEOUT), "spf", "example.org", "192.0.2.1"], cwd=ROOT,
                                    capture_output=True, text=True, timeout=60)
                check(rc.returncode == 3 and "TCP port 53" in rc.stdout and
                      "no SPF record" not in rc.stdout,
                      "%s: text output names the TCP failure and the fix" % mode)
            finally:
                proc.kill()
                proc.wait()

    # the same server with working TCP: the full answer is used
    proc, port = start("ok", True)
    try:
        rc, out, _ = run(mailcheck, port, ["spf", "example.org", "192.0.2.1"])
        obj = json.loads(out) if out.startswith("{") else {}
        check(rc == 0 and obj.get("result") == "pass",
              "ok: a truncated answer fetched again over TCP is used (spf pass): rc %d" % rc)
        rc, out, _ = run(mailcheck, port, ["mx", "example.org"])
        check(rc == 0, "ok: mx over TCP: rc %d" % rc)
    finally:
        proc.kill()
        proc.wait()
    # mailcheck domain against a resolver that authenticates everything (AD),
    # and against one that authenticates nothing: the DNSSEC and DANE rows
    for ad in (True, False):
        proc, port = start("ok", True, "--whole", *(["--ad"] if ad else []))
        try:
            rc, out, _ = run(mailcheck, port, ["domain", "example.org", "--no-common-selectors"])
            obj = json.loads(out) if out.startswith("{") else {}
            parts = obj.get("parts", {})
            dnssec, dane = parts.get("dnssec", {}), parts.get("dane", {})
            codes = findings_of(obj)
            if ad:
                ok = dnssec.get("status") == "pass" and dane.get("status") == "pass" and \
                    obj.get("dnssec", {}).get("authenticated", 0) > 0 and \
                    obj["dnssec"]["authenticated"] == obj["dnssec"]["answers"]
            else:
                # the root's anchor cannot be used through this resolver (it
                # returns no DNSSEC records): not checked, with why -- never
                # "not published", which would say the zone is unsigned
                ok = dnssec.get("status") == "not_checked" and \
                    "does not validate" in (dnssec.get("reason") or "") and \
                    dane.get("status") == "warning" and "dane.not_authenticated" in codes \
                    and "dnssec.not_validated" in codes and "dnssec.unsigned" not in codes
            check(ok, "domain with a resolver that %s: dnssec %s, dane %s" % (
                "authenticates (AD)" if ad else "does not authenticate",
                dnssec.get("status"), dane.get("status")))
        finally:
            proc.kill()
            proc.wait()
    # only part of the names authenticated by the resolver's AD bit, and no
    # validation of mailcheck's own: not checked (the AD bit alone proves
    # nothing of the rest), the count of authenticated answers kept
    proc, port = start("ok", True, "--whole", "--ad-under", "_dmarc.example.org")
    try:
        rc, out, _ = run(mailcheck, port, ["domain", "example.org", "--no-common-selectors"])
        obj = json.loads(out) if out.startswith("{") else {}
        dn = obj.get("dnssec", {})
        check(obj.get("parts", {}).get("dnssec", {}).get("status") == "not_checked" and
              "dnssec.not_validated" in findings_of(obj) and 0 < dn.get("authenticated", 0) <
              dn.get("answers", 0), "domain with part of the answers authenticated: %r" % dn)
    finally:
        proc.kill()
        proc.wait()
    print("truncation: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
