#!/usr/bin/python3
"""Side by side with libopendkim: every test message (testdata/dkim,
testdata/lists) through `mailcheck --json dkim --compare`, which verifies
each signature with mailcheck's core and with libopendkim (as OpenDKIM-based
receivers do; mailcheck pairs libopendkim's verdicts with its own by d=, s=
and bh=). The signatures are read from the message itself: mailcheck's
output must hold each once, none missing, none too many. Where they decide otherwise, the message must be in KNOWN
with its RFC reason, and mailcheck must have said so with a
dkim.receivers_disagree finding naming a documented rule; a KNOWN entry
that stops differing fails too.
  compare_opendkim.py MAILCHECK     last line: "opendkim: N passed, N failed"
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from signatures import message_signatures  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = "1795600000"

# message -> why mailcheck rightly differs from libopendkim 2.11
KNOWN = {
    "dkim/rsa_sha1": "RFC 8301 3.1: verifiers must not accept rsa-sha1; libopendkim does",
    "dkim/opendkim_rsa_sha1": "RFC 8301 3.1, as above",
    "dkim/key_pkcs1": "RFC 6376 3.6.1 allows p= as PKCS#1 RSAPublicKey; libopendkim reads "
                      "only SubjectPublicKeyInfo",
    "dkim/lone_cr_in_body": "RFC 6376 3.4.4: a CR that ends no line is body text and is "
                            "hashed (dkimpy too); libopendkim drops it",
}


def main():
    mailcheck = sys.argv[1]
    passed = failed = signatures = 0
    for sub in ("dkim", "lists"):
        folder = os.path.join(ROOT, "testdata", sub)
        for fname in sorted(os.listdir(folder)):
            if not fname.endswith(".eml"):
                continue
            name = "%s/%s" % (sub, fname[:-4])
            p = subprocess.run([mailcheck, "--zone", os.path.join(ROOT, "testdata", "zones"),
                                "--now", NOW, "--json", "dkim", "--compare",
                                os.path.join(folder, fname)], capture_output=True)
            out = json.loads(p.stdout)
            raw = open(os.path.join(folder, fname), "rb").read()
            msg = raw if b"\r\n" in raw else raw.replace(b"\n", b"\r\n")
            # the signatures are the message's own, each once: none missing
            # from mailcheck's output, none too many
            want = sorted(message_signatures(msg))
            got = sorted(((s.get("domain") or "").lower(), s.get("selector") or "",
                          s.get("body_hash") or "") for s in out["signatures"])
            ours = [s["result"] == "pass" for s in out["signatures"]]
            theirs = [s.get("opendkim") == "pass" for s in out["signatures"]]
            said = [f for f in out["findings"] if f["code"] == "dkim.receivers_disagree"]
            differs = ours != theirs
            problems = []
            signatures += len(want)
            if want != got:
                problems.append("signatures of the message %s, mailcheck's %s" % (want, got))
            if differs != (name in KNOWN):
                problems.append("mailcheck %s, libopendkim %s%s" % (
                    ours, theirs, " (expected to differ: %s)" % KNOWN[name]
                    if name in KNOWN else ""))
            if len(said) != sum(a != b for a, b in zip(ours, theirs)):
                problems.append("%d dkim.receivers_disagree findings for %d differences"
                                % (len(said), sum(a != b for a, b in zip(ours, theirs))))
            for f in said:
                if "not one of the documented differences" in f["message"]:
                    problems.append("undocumented rule: " + f["message"])
            if any(s.get("opendkim") is None for s in out["signatures"]):
                problems.append("a signature without libopendkim's verdict")
            if problems:
                failed += 1
                print("FAIL %s: %s" % (name, "; ".join(problems)))
            else:
                passed += 1
                print("ok   %s: %s%s" % (name, ours, "; libopendkim %s -- %s"
                                         % (theirs, KNOWN[name]) if differs else ""))
    if signatures < 30:  # the messages hold more: fewer means they were not read
        failed += 1
        print("FAIL only %d signatures found in the messages" % signatures)
    print("opendkim: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
