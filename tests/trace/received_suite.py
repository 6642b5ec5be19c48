#!/usr/bin/env python3
"""Received fields of real mail parsed whole: every hop of the messages in
../shared/suites/bounces (sisimai's set-of-emails, read in place), through
`mailcheck trace --json`.

A hop is parsed whole when nothing of it is left unparsed, it has a time,
its date carries no trailing comment ("(PST)", "(envelope-from ...)") and no
"envelope-from" clause is left inside another field. Prints the share and
the hops that are not, and fails when the share is under GOAL or when any
envelope-from clause stays in a date. Last line: "received: N passed, N
failed" (one check per hop, plus the share).

  received_suite.py MAILCHECK SUITE_DIR [--show N]
"""
import json
import os
import re
import subprocess
import sys

GOAL = 0.99
MIN_HOPS = 900  # the set holds over 1,000 hops: fewer means it was not read

COMMENT_END = re.compile(r"\)\s*$")


def problems(h):
    out = []
    if h.get("unparsed"):
        out.append("unparsed %r" % h["unparsed"][:80])
    if h.get("time") is None and h.get("date"):
        out.append("no time from date %r" % h["date"])
    if h.get("time") is None and not h.get("date"):
        out.append("no date")
    d = h.get("date") or ""
    if COMMENT_END.search(d):
        out.append("comment in date %r" % d)
    for k in ("date", "by", "from", "with", "id", "for", "via"):
        if "envelope-from" in (h.get(k) or "").lower():
            out.append("envelope-from clause in %s %r" % (k, h[k][:80]))
    return out


def main():
    mc, suite = sys.argv[1], sys.argv[2]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    d = os.path.join(suite, "maildir")
    files = sorted(f for f in os.listdir(d) if f.endswith(".eml"))
    hops = whole = 0
    bad = []
    env_in_date = 0
    for f in files:
        p = subprocess.run([mc, "--json", "trace", os.path.join(d, f)], capture_output=True,
                           timeout=30)
        if p.returncode not in (0, 2) or b"Sanitizer" in p.stderr:
            bad.append((f, 0, ["exit %d: %s" % (p.returncode, p.stderr[-300:])]))
            continue
        if p.returncode == 2:
            continue  # not a message trace can read: counted by the bounce suite
        for h in json.loads(p.stdout).get("hops", []):
            hops += 1
            pr = problems(h)
            if any("envelope-from clause in date" in x for x in pr):
                env_in_date += 1
            if pr:
                bad.append((f, h.get("index"), pr))
            else:
                whole += 1
    for f, i, pr in bad[:show]:
        print("  %s hop %s: %s" % (f, i, "; ".join(pr)))
    share = whole / hops if hops else 0
    print("received: %d of %d hops parsed whole (%.1f%%; goal %.0f%%), %d envelope-from "
          "clauses left in a date" % (whole, hops, 100 * share, 100 * GOAL, env_in_date))
    failed = len(bad)
    extra_fail = 0
    if hops < MIN_HOPS:
        print("FAIL only %d hops read (at least %d expected)" % (hops, MIN_HOPS))
        extra_fail += 1
    if share < GOAL or env_in_date:
        print("FAIL the share is under the goal, or a date holds an envelope-from clause")
        extra_fail += 1
    # each hop not parsed whole is listed above; under the goal they fail the suite
    print("received: %d passed, %d failed" % (whole + (1 if not extra_fail else 0),
                                              extra_fail))
    return 1 if extra_fail else 0


if __name__ == "__main__":
    sys.exit(main())
