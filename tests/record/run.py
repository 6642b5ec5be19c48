#!/usr/bin/env python3
"""--record then --zone: the same command on the recording gives the same JSON.

Every command that asks DNS is run once recording (against the test zones,
and with --dns PORT against the test NSD serving them), then again with
--zone RECORDING alone; the two JSON outputs must agree but for the times,
the cache flags and what offline cannot judge (the AD bit and the DNSSEC
part of domain). testdata/zones/names.test.zone holds hostile names -- a dot,
a space, a quote, a backslash, bytes over 127 inside labels -- TXT data with
quotes, controls and strings past 255 bytes, NODATA, a timeout and a
SERVFAIL: the recording must read back as the same names and data.
  run.py MAILCHECK [--dns PORT]      last line: "record: N passed, N failed"
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = ["--now", "1795600000", "--authserv-id", "mx.test"]
COMMANDS = [
    "mx names.test", "mx example.com", "mx nonexistent.example", "mx timeout.example.org",
    "spf names.test", "spf example.com 192.0.2.25", "spf names.test 192.0.2.63",
    "dmarc names.test", "dmarc sub.example.com", "dkim --selector google good.test",
    "dkim --selector nokey names.test", "domain names.test", "domain good.test example.com",
    "blocklist listed.rep.test 127.0.0.2 2001:db8::66", "verify testdata/verify/blocklisted.eml",
    "verify testdata/verify/esp_signed.eml", "verify --links testdata/verify/links.eml",
    "dkim testdata/dkim/dual.eml", "dkim testdata/dkim/body_changed.eml",
    "spf slow.names.test", "mx broken.names.test",
]
SKIP = {"time_ms", "cached", "ms", "ad", "authenticated"}


# offline, a recording cannot give what the network gave beyond DNS: the AD
# bit (DNSSEC), and the HTTPS fetches of domain (the MTA-STS policy, the BIMI
# logo and certificate); with --dns those are left out of the comparison
OFFLINE_PARTS = {"dnssec", "mta_sts", "bimi", "dane", "smtp"}  # DANE: the AD bit; smtp: "not probed" says why


def norm(o, network):
    if isinstance(o, dict):
        out = {}
        for k, v in o.items():
            if k in SKIP or (network and k == "dnssec"):
                continue
            if network and k in ("policy", "logo", "certificate") and "record" in o:
                continue
            if network and k == "parts" and isinstance(v, dict):
                v = {p: s for p, s in v.items() if p not in OFFLINE_PARTS}
            if network and k == "findings" and isinstance(v, list):
                v = [f for f in v if f.get("code", "").split(".")[0] not in OFFLINE_PARTS]
            if network and k == "result" and o.get("command") == "domain":
                continue
            if network and k == "dns" and isinstance(v, list):  # DNSSEC validation's own queries
                v = [q for q in v if q.get("type") not in ("DNSKEY", "DS", "RRSIG", "NSEC", "NSEC3")]
            out[k] = norm(v, network)
        return out
    if isinstance(o, list):
        return [norm(x, network) for x in o]
    return o


def run(mc, args):
    p = subprocess.run([mc] + args, cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, NO_COLOR="1"))
    return p.returncode, p.stdout, p.stderr


def one(mc, command, source, network, tmp):
    rec = os.path.join(tmp, "rec.zone")
    args = shlex.split(command)
    rc1, out1, err1 = run(mc, source + ["--record", rec, "--json"] + NOW + args)
    if not os.path.exists(rec):
        return ["no recording written (exit %d): %s" % (rc1, err1.strip()[:200])]
    rc2, out2, err2 = run(mc, ["--zone", rec, "--json"] + NOW + args)
    problems = []
    if rc1 != rc2 and not network:
        problems.append("exit %d recording, %d replaying: %s" % (rc1, rc2, err2.strip()[:200]))
    try:
        a = [norm(json.loads(l), network) for l in out1.splitlines()]
        b = [norm(json.loads(l), network) for l in out2.splitlines()]
    except ValueError:
        return problems + ["not JSON: %r / %r" % (out1[:200], out2[:200])]
    if a != b:
        sa = json.dumps(a, indent=1, sort_keys=True).splitlines()
        sb = json.dumps(b, indent=1, sort_keys=True).splitlines()
        import difflib
        problems.append("replay differs:\n" + "\n".join(list(difflib.unified_diff(sa, sb, lineterm=""))[:40]))
    return problems


def main():
    mc = os.path.abspath(sys.argv[1])
    sources = [("zones", ["--zone", "testdata/zones"], False)]
    if "--dns" in sys.argv:
        port = sys.argv[sys.argv.index("--dns") + 1]
        sources.append(("NSD", ["--dns", "127.0.0.1:" + port], True))
    passed = failed = 0
    for label, source, network in sources:
        for command in COMMANDS:
            with tempfile.TemporaryDirectory() as tmp:
                problems = one(mc, command, source, network, tmp)
            if problems:
                failed += 1
                print("FAIL %s: %s\n     %s" % (label, command, "\n     ".join(problems)))
            else:
                passed += 1
                print("ok   %s: %s" % (label, command))
    print("record: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
