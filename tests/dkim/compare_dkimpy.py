#!/usr/bin/python3
"""Side by side: for every testdata/dkim and testdata/lists message, the
DKIM-Signature fields are read from the message itself and each is asked of
dkimpy (valid or not) and paired with mailcheck's signature of the same d=,
s= and bh= (a signature missing from mailcheck's output, or one too many, is a
failure); dkimpy's verdict must equal mailcheck's (pass or not), and where
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from signatures import message_signatures  # noqa: E402

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


# message, signature index -> why dkimpy raises something other than its own
# DKIMException (its way of saying "invalid"); any other exception fails
KNOWN_EXCEPTIONS = {
    ("key_type", 0): "k=ed25519 key with an rsa-sha256 signature: dkimpy's ed25519 code "
                     "raises ValueError on the 256-byte RSA signature; mailcheck: "
                     "key_type_mismatch (RFC 6376 3.6.1)",
}


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

    passed = failed = signatures = 0
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
        problems = []
        try:
            sigs = json.loads(p.stdout)["signatures"]
        except (ValueError, KeyError):
            sigs = []
            problems.append("no JSON signatures (exit %d)" % p.returncode)
        # pair each signature of the message with mailcheck's of the same d=,
        # s= and bh=, in order: a missing or extra one is a failure
        pool = {}
        for s in sigs:
            pool.setdefault(((s.get("domain") or "").lower(), s.get("selector") or "",
                             s.get("body_hash") or ""), []).append(s)
        d = dkim.DKIM(msg, minkey=1024)
        ours, theirs = [], []
        for i, key in enumerate(message_signatures(msg)):
            signatures += 1
            mine = pool.get(key, [])
            if not mine:
                problems.append("signature %d (d=%s s=%s) missing from mailcheck's" %
                                (i, key[0], key[1]))
                continue
            s = mine.pop(0)
            try:
                verdict = bool(d.verify(idx=i, dnsfunc=dnsfunc))
            except dkim.DKIMException:
                verdict = False  # dkimpy's own word for an invalid signature
            except Exception as e:
                if (name, i) not in KNOWN_EXCEPTIONS:
                    problems.append("dkimpy raised %s on signature %d: %s" %
                                    (type(e).__name__, i, e))
                verdict = False
            ours.append(s["result"] == "pass")
            theirs.append(verdict)
            # where dkimpy verified a signature, the body hashed to its bh=: the
            # hash mailcheck reports as computed must be that same value
            if verdict and s["body_hash_computed"] is not None and \
                    s["body_hash_computed"] != s["body_hash"]:
                problems.append("signature %d: body_hash_computed %s, but dkimpy verified bh=%s"
                                % (i, s["body_hash_computed"], s["body_hash"]))
        extra = sum(len(v) for v in pool.values())
        if extra:
            problems.append("%d signature(s) in mailcheck's output that the message lacks" % extra)
        same = ours == theirs
        if same == (name in KNOWN):
            problems.append("mailcheck %s, dkimpy %s%s" % (ours, theirs,
                            " (expected to differ: %s)" % KNOWN[name] if name in KNOWN else ""))
        if problems:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
        else:
            passed += 1
            print("ok   %s: %s%s" % (name, ours, "" if same else
                  "; dkimpy %s -- %s" % (theirs, KNOWN[name])))
    if signatures < 30:  # the messages hold more: fewer means they were not read
        failed += 1
        print("FAIL only %d signatures found in the messages" % signatures)
    print("dkimpy: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
