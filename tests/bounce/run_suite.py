#!/usr/bin/python3
"""Real bounces (../shared/suites/bounces: 542 messages from sisimai's
set-of-emails with the sisimai suites' expected status per recipient):
every message through `mailcheck --json bounce`, which must read it
without a crash (exit 0, 1, or 2 with a clear word for what is no bounce);
then, on the rows whose expected status is a code found in the message
(sisimai's X.0.9NN placeholders are not codes), mailcheck's status for that
recipient must agree on at least 95% of them. Disagreements are listed.
Every status mailcheck gives keeps RFC 3463's grammar (class 2/4/5, subject
0-7, a detail of 1-3 digits) and no failed recipient is empty. Of the
messages sisimai reads as bounces (a reason other than feedback, vacation,
delivered), at least RECOGNISED are bounces for mailcheck too (kind dsn or
text), and at least RECIPIENTS of their recipients are found; where sisimai's
reason has a counterpart among mailcheck's categories (CAUSES), at least
CAUSE_GOAL of the rows agree. The goals sit just under what is reached, so
that a regression fails.
  run_suite.py MAILCHECK SUITE_DIR [-v]
  last line: "bounces: N passed, N failed"
"""
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys

GOAL = 0.95
RECOGNISED = 0.98   # 494 of 502 (98.4%) on 2026-12-04
RECIPIENTS = 0.97   # 516 of 529 (97.5%)
STATUS = re.compile(r"^[245]\.[0-7]\.\d{1,3}$")
# sisimai's reason -> the categories of mailcheck's that say the same; the
# other reasons (filtered, blocked, rejected, ...) name policies each tool
# cuts its own way and are not compared
CAUSES = {
    "userunknown": {"mailbox_unknown", "mailbox_disabled"},  # 5.2.1 is both in practice
    "mailboxfull": {"mailbox_full"},
    "hostunknown": {"domain_unknown", "null_mx"},
    "expired": {"expired", "network"},  # given up after the server did not answer
    "mesgtoobig": {"too_large"},
    "exceedlimit": {"too_large"},
    "suspend": {"mailbox_disabled"},
    "hasmoved": {"mailbox_moved"},
}
CAUSE_GOAL = 0.78  # 218 of 272 (80.1%) on 2026-12-04
NOT_BOUNCES = {"feedback", "vacation", "delivered"}


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# offline: the check of a returned original asks DNS; the test zones answer
# (NXDOMAIN for the suite's anonymised names) instead of the network
ZONES = os.path.join(ROOT, "testdata", "zones")


def run(mailcheck, path):
    p = subprocess.run([mailcheck, "--zone", ZONES, "--json", "bounce", path],
                       capture_output=True, timeout=30)
    out = None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("command") == "bounce" and "recipients" in obj:
            out = obj
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def main():
    mailcheck, suite = sys.argv[1], sys.argv[2]
    verbose = "-v" in sys.argv
    folder = os.path.join(suite, "maildir")
    files = sorted(os.listdir(folder))
    expected = collections.defaultdict(dict)
    with open(os.path.join(suite, "expected.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            col = line.rstrip("\n").split("\t")
            expected[col[0]][int(col[1])] = col
    passed = failed = 0
    agree = counted = 0
    bounces = recognised = rcpt_want = rcpt_got = cause_rows = cause_ok = 0
    misses = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(files, pool.map(lambda f: run(mailcheck, os.path.join(folder, f)),
                                           files)))
    for name in files:
        rc, out, err = results[name]
        raw = open(os.path.join(folder, name), "rb").read()
        if rc not in (0, 1, 2) or (rc != 2 and out is None) or (rc == 2 and not err.strip()):
            failed += 1
            print("FAIL %s: exit %d, %s" % (name, rc, err.strip()[:200]))
            continue
        ours = (out or {}).get("recipients", [])
        bad = [r["status"] for r in ours if r.get("status") and not STATUS.match(r["status"])]
        empty = [r for r in ours if r.get("action") == "failed" and not r.get("recipient")]
        if bad or empty:
            failed += 1
            print("FAIL %s: %s" % (name, "statuses outside RFC 3463's grammar %s" % bad if bad
                                   else "%d failed recipients without an address" % len(empty)))
            continue
        passed += 1
        rows = expected.get(name, {})
        for idx, col in rows.items():
            if col[4] in CAUSES:
                cause_rows += 1
                got = ours[idx - 1].get("category") if idx - 1 < len(ours) else None
                cause_ok += got in CAUSES[col[4]]
        if rows and not {c[4] for c in rows.values()} <= NOT_BOUNCES:
            bounces += 1
            recognised += (out or {}).get("kind") in ("dsn", "text")
            want = [c for c in rows.values() if c[4] not in NOT_BOUNCES]
            rcpt_want += len(want)
            rcpt_got += min(len(want), len([r for r in ours if r.get("recipient")]))
        for idx, col in sorted(expected.get(name, {}).items()):
            status = col[2]
            if not status or re.match(r"^\d\.0\.9\d\d$", status) or \
                    status.encode() not in raw:
                continue
            counted += 1
            got = ours[idx - 1]["status"] if idx - 1 < len(ours) else None
            if got == status:
                agree += 1
            else:
                misses.append("%s #%d: expected %s (%s), mailcheck %s" % (
                    name, idx, status, col[4], got))
    rate = agree / counted if counted else 0
    print("read: %d of %d messages without a crash" % (passed, len(files)))
    print("status agreement: %d of %d rows whose code is in the message (%.1f%%, goal %d%%)"
          % (agree, counted, 100 * rate, 100 * GOAL))
    for m in misses if verbose or len(misses) < 40 else misses[:40]:
        print("  differs: " + m)
    if len(misses) >= 40 and not verbose:
        print("  ... %d more (-v)" % (len(misses) - 40))
    if rate >= GOAL:
        passed += 1
    else:
        failed += 1
        print("FAIL agreement %.1f%% is under the goal" % (100 * rate))
    print("recognised: %d of %d bounces (%.1f%%, goal %.0f%%); recipients found: %d of %d "
          "(%.1f%%, goal %.0f%%)" % (recognised, bounces, 100 * recognised / max(bounces, 1),
                                      100 * RECOGNISED, rcpt_got, rcpt_want,
                                      100 * rcpt_got / max(rcpt_want, 1), 100 * RECIPIENTS))
    print("cause: %d of %d rows whose sisimai reason a category of mailcheck's names "
          "(%.1f%%, goal %.0f%%)" % (cause_ok, cause_rows, 100 * cause_ok / max(cause_rows, 1),
                                      100 * CAUSE_GOAL))
    for ok, what in ((bounces >= 500 and recognised >= RECOGNISED * bounces, "recognised"),
                     (rcpt_want and rcpt_got >= RECIPIENTS * rcpt_want, "recipients"),
                     (cause_rows >= 250 and cause_ok >= CAUSE_GOAL * cause_rows, "cause")):
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s under the goal (or the set was not read whole)" % what)
    print("bounces: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
