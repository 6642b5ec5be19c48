#!/usr/bin/python3
"""Side by side: for every testdata/dkim message, dkimpy's verdict on each
signature (valid or not) must equal mailcheck's (pass or not), and where
dkimpy verifies, mailcheck's body_hash_computed must be the signed bh=; except where
the difference is known and mailcheck follows an RFC that dkimpy does not
apply (KNOWN). Keys come from the same zone files; both clocks are pinned.
  compare_dkimpy.py MAILCHECK     last line: "dkimpy: N passed, N failed"
"""
import json
import os
import re
import subprocess
import sys
import time

import dkim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZONES = [os.path.join(ROOT, "testdata", "zones", z)
         for z in ("_domainkey.example.net.zone", "example.org.zone", "lists.test.zone",
                   "fwd.test.zone")]
NOW = 1795600000
time.time = lambda: NOW

# message -> why mailcheck rightly differs from dkimpy 1.0
KNOWN = {
    "rsa_sha1": "RFC 8301 3.1: verifiers must not accept rsa-sha1; dkimpy does",
    "opendkim_rsa_sha1": "RFC 8301 3.1: verifiers must not accept rsa-sha1; dkimpy does",
    "from_not_signed": "RFC 6376 6.1.1: h= without From is PERMFAIL; dkimpy only "
                       "refuses to sign so",
    "key_hash": "RFC 6376 6.1.2: a key h= that excludes the signature's hash is PERMFAIL; "
                "dkimpy ignores key h=",
}


def zone_txt():
    """TXT records and fault directives of our zone files (enough for them)."""
    txt, timeouts = {}, set()
    for path in ZONES:
        origin = ""
        text = open(path).read()
        for m in re.finditer(r"^;! timeout (\S+)", text, re.M):
            timeouts.add(m.group(1).rstrip(".").lower())
        text = re.sub(r"^\s*;[^\n]*", "", text, flags=re.M)  # whole-line comments
        for m in re.finditer(r"^\$ORIGIN\s+(\S+)|^(\S+)\s+TXT\s+(\(.*?\)|\"[^\n]*\")",
                             text, re.M | re.S):
            if m.group(1):
                origin = m.group(1).rstrip(".")
                continue
            name = m.group(2)
            fqdn = name.rstrip(".") if name.endswith(".") else name + "." + origin
            value = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(3)))
            txt.setdefault(fqdn.lower(), []).append(value.encode())
    return txt, timeouts


def main():
    mailcheck = sys.argv[1]
    txt, timeouts = zone_txt()

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        name = name.rstrip(".").lower()
        if name in timeouts:
            raise dkim.DnsTimeoutError("timeout")
        values = txt.get(name)
        return values[0] if values else None

    passed = failed = 0
    files = [os.path.join(ROOT, "testdata", d, f) for d in ("dkim", "lists")
             for f in sorted(os.listdir(os.path.join(ROOT, "testdata", d)))]
    for path in files:
        msgdir, fname = os.path.split(path)
        if not fname.endswith(".eml"):
            continue
        name = fname[:-4]
        raw = open(os.path.join(msgdir, fname), "rb").read()
        msg = raw if b"\r\n" in raw else raw.replace(b"\n", b"\r\n")
        p = subprocess.run([mailcheck] + sum([["--zone", z] for z in ZONES], []) +
                           ["--now", str(NOW), "--json", "dkim", os.path.join(msgdir, fname)],
                           capture_output=True)
        sigs = json.loads(p.stdout)["signatures"]
        ours = [s["result"] == "pass" for s in sigs]
        d = dkim.DKIM(msg, minkey=1024)
        theirs = []
        for i in range(len(ours)):
            try:
                theirs.append(bool(d.verify(idx=i, dnsfunc=dnsfunc)))
            except Exception:
                theirs.append(False)
        same = ours == theirs
        # where dkimpy verified a signature, the body hashed to its bh=: the
        # hash mailcheck reports as computed must be that same value
        for i, ok in enumerate(theirs):
            computed = sigs[i]["body_hash_computed"]
            if ok and computed is not None and computed != sigs[i]["body_hash"]:
                failed += 1
                print("FAIL %s: signature %d: body_hash_computed %s, but dkimpy verified bh=%s"
                      % (name, i, sigs[i]["body_hash_computed"], sigs[i]["body_hash"]))
        if same != (name not in KNOWN):
            failed += 1
            print("FAIL %s: mailcheck %s, dkimpy %s%s" % (name, ours, theirs,
                  " (expected to differ: %s)" % KNOWN[name] if name in KNOWN else ""))
        else:
            passed += 1
            print("ok   %s: %s%s" % (name, ours, "" if same else
                  "; dkimpy %s -- %s" % (theirs, KNOWN[name])))
    print("dkimpy: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
