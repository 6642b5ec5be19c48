#!/usr/bin/env python3
"""Run an openspf conformance suite (shared/suites/spf/*.json) through
`mailcheck spf` with offline DNS: each scenario's zonedata becomes a zone
file (TIMEOUT becomes ';! timeout' directives), each test one run of

  mailcheck --zone FILE --json spf DOMAIN IP --helo HELO --sender MAILFROM

DOMAIN is the MAIL FROM domain, or HELO when MAIL FROM is empty (RFC 7208
2.3). A test passes when "result" is one of the expected results and, when
the test names an explanation, "explanation" equals it ("DEFAULT": no exp=
text, i.e. null).

  run_suite.py MAILCHECK SUITE.json [--only NAME]
Last line: "spf-suite: N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile

TYPES = ["A", "AAAA", "MX", "TXT", "SPF", "PTR", "CNAME", "NS"]


def zone_name(name):
    out = []
    for ch in name.encode("utf-8"):
        c = chr(ch)
        if c.isalnum() and ch < 128 or c in "-_*.":
            out.append(c)
        else:
            out.append("\\%03d" % ch)
    s = "".join(out)
    return s if s.endswith(".") else s + "."


def txt_strings(value):
    parts = value if isinstance(value, list) else [value]
    out = []
    for p in parts:
        data = p.encode("utf-8")
        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
        for chunk in chunks:
            s = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "\\%03d" % ord(c)
                        for c in chunk.decode("latin-1"))
            out.append('"%s"' % s)
    return " ".join(out) or '""'


def zone_file(zonedata):
    lines = ["$TTL 300"]
    for name, records in zonedata.items():
        owner = zone_name(name)
        listed = set()
        has_txt = any(isinstance(r, dict) and "TXT" in r for r in records)
        for r in records:
            if r == "TIMEOUT":
                for t in TYPES:
                    if t not in listed:
                        lines.append(";! timeout %s %s" % (owner, t))
                break
            (rtype, value), = r.items()
            if value == "NONE":  # no records of that type; a later TIMEOUT still applies
                continue
            listed.add(rtype)
            if rtype in ("TXT", "SPF"):
                lines.append("%s IN %s %s" % (owner, rtype, txt_strings(value)))
                if rtype == "SPF" and not has_txt:
                    lines.append("%s IN TXT %s" % (owner, txt_strings(value)))
                    listed.add("TXT")
            elif rtype == "MX":
                lines.append("%s IN MX %d %s" % (owner, value[0], zone_name(value[1])))
            elif rtype in ("PTR", "CNAME"):
                lines.append("%s IN %s %s" % (owner, rtype, zone_name(value)))
            else:
                lines.append("%s IN %s %s" % (owner, rtype, value))
    return "\n".join(lines) + "\n"


LIBSPF2 = {"right": 0, "wrong": 0, "aborted": 0}


def run_test(mailcheck, zone, name, t):
    mailfrom = t.get("mailfrom", "")
    helo = t.get("helo", "")
    domain = mailfrom.rsplit("@", 1)[-1] if mailfrom else helo
    args = [mailcheck, "--zone", zone, "--json", "spf", "--", domain or ".", t["host"]]
    args[5:5] = ["--helo", helo, "--sender", mailfrom]
    if "--libspf2" in sys.argv:
        args.insert(5, "--compare")
    p = subprocess.run(args, capture_output=True, timeout=30)
    want = t["result"] if isinstance(t["result"], list) else [t["result"]]
    try:
        got = json.loads(p.stdout)
    except ValueError:
        return "no JSON (exit %d): %s" % (p.returncode, p.stderr.decode(errors="replace").strip())
    problems = []
    lib = got.get("libspf2")
    if lib:
        key = "aborted" if lib["result"] is None else \
              "right" if lib["result"] in want else "wrong"
        LIBSPF2[key] += 1
    err = p.stderr.decode(errors="replace")
    if "Sanitizer" in err or "runtime error" in err:
        problems.append("sanitizer report: " + err)
    want_rc = {"pass": 0, "temperror": 3}.get(got["result"], 1)
    if p.returncode != want_rc:
        problems.append("exit status %d for %s" % (p.returncode, got["result"]))
    if got["result"] not in want:
        problems.append("result %s, expected %s" % (got["result"], "/".join(want)))
    if "explanation" in t and got["result"] == "fail":
        want_exp = None if t["explanation"] == "DEFAULT" else t["explanation"]
        if got["explanation"] != want_exp:
            problems.append("explanation %r, expected %r" % (got["explanation"], want_exp))
    if problems:
        findings = "; ".join(f["code"] + ": " + f["message"] for f in got["findings"])
        return ", ".join(problems) + " [" + findings + "]"
    return None


def main():
    mailcheck, suite = sys.argv[1], sys.argv[2]
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    with open(suite, encoding="utf-8") as f:
        scenarios = json.load(f)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, sc in enumerate(scenarios):
            zone = os.path.join(tmp, "scenario%d.zone" % i)
            with open(zone, "w", encoding="utf-8") as f:
                f.write(zone_file(sc["zonedata"]))
            for name, t in sc["tests"].items():
                if only and name != only:
                    continue
                why = run_test(mailcheck, zone, name, t)
                if why:
                    failed += 1
                    print("FAIL %s (%s, spec %s): %s" % (name, sc["description"], t.get("spec"), why))
                else:
                    passed += 1
                    print("ok   %s" % name)
    if "--libspf2" in sys.argv:
        print("libspf2 1.2 on the same data: %(right)d right, %(wrong)d wrong, "
              "%(aborted)d aborted" % LIBSPF2)
    if passed + failed < 150:  # RFC 7208's suite holds 203 tests, RFC 4408's 191
        print("FAIL only %d tests read from %s" % (passed + failed, suite))
        failed += 1
    print("spf-suite %s: %d passed, %d failed" % (os.path.basename(suite), passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
