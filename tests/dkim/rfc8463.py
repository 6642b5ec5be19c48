#!/usr/bin/env python3
"""RFC 8463 Appendix A: the message signed with ed25519-sha256 and
rsa-sha256 must verify, each signature with the expected d, s, a, c and bh.
  rfc8463.py MAILCHECK SUITE_DIR     last line: "rfc8463: N passed, N failed"
"""
import json
import os
import subprocess
import sys
import tempfile

mailcheck, suite = sys.argv[1], sys.argv[2]
with open(os.path.join(suite, "case.json")) as f:
    case = json.load(f)
passed = failed = 0
with tempfile.TemporaryDirectory() as tmp:
    zone = os.path.join(tmp, "rfc8463.zone")
    with open(zone, "w") as f:
        f.write("$TTL 300\n")
        for name, value in case["dns_txt"].items():
            chunks = [value[i:i + 200] for i in range(0, len(value), 200)]
            f.write("%s. TXT %s\n" % (name, " ".join('"%s"' % c for c in chunks)))
    # the signatures have no x=; t= is 2018
    p = subprocess.run([mailcheck, "--zone", zone, "--json", "--now", "1528700000", "dkim",
                        os.path.join(suite, case["message"])], capture_output=True)
    got = json.loads(p.stdout)["signatures"]
    for want in case["expected"]:
        sig = [s for s in got if s["domain"] == want["d"] and s["selector"] == want["s"]]
        ok = len(sig) == 1 and sig[0]["algorithm"] == want["a"] and \
            sig[0]["canonicalization"] == want["c"] and sig[0]["body_hash"] == want["bh"] and \
            sig[0]["result"] == want["result"]
        print("%s %s s=%s (%s)" % ("ok  " if ok else "FAIL", want["d"], want["s"], want["a"]))
        if not ok:
            print("     got: %s" % (sig[0] if sig else "no such signature"))
        passed += ok
        failed += not ok
    if p.returncode != 0:
        print("FAIL exit status %d" % p.returncode)
        failed += 1
if passed + failed < 2:  # RFC 8463's example message, signed twice
    print("FAIL no vectors read")
    failed += 1
print("rfc8463: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
