#!/usr/bin/env python3
"""The batch runner (cmd/batch.c) from the outside: for each command that
takes many inputs (verify, bounce, domain), --jobs 4 in input order gives
the reports of --jobs 1 in the same order, and --order completed gives the
same reports in some order -- none lost, none twice -- with the same exit
status and summary. Reports are compared as JSON without the fields that
depend on which worker's cache answered (dns[].cached, time_ms).

usage: batch_order.py MAILCHECK"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = "1795600000"
DOMAIN_ZONES = ["test.zone", "mailer.test.zone", "0.18.198.in-addr.arpa.zone",
                "113.0.203.in-addr.arpa.zone", "good.test.zone", "shop.test.zone",
                "parked.test.zone"]


def runs():
    t = lambda *p: os.path.join(ROOT, "testdata", *p)
    verify = sorted(glob.glob(t("verify", "*.eml"))) + [t("verify", "three.mbox")]
    verify = [f for f in verify if "timeout" not in os.path.basename(f)]
    bounce = sorted(glob.glob(t("bounce", "*.eml"))) + [t("bounce", "bounces.mbox"),
                                                       t("bounce", "maildir")]
    zones = []
    for z in DOMAIN_ZONES:
        zones += ["--zone", t("zones", z)]
    # more inputs than the window of 16 x jobs (64 with --jobs 4): its ring
    # of inputs is reused while others are still in flight
    domains = "good.test\nshop.test\nparked.test\nmailer.test\nbad..name\n" * 20
    return [
        ("verify", ["--zone", t("zones"), "--now", NOW], ["verify"] + verify * 8, None),
        ("bounce", ["--zone", t("zones"), "--now", NOW], ["bounce"] + bounce * 4, None),
        ("domain", zones, ["domain", "-"], domains),
    ]


def reports(out):
    def clean(o):
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items() if k not in ("cached", "time_ms")}
        if isinstance(o, list):
            return [clean(v) for v in o]
        return o
    return [json.dumps(clean(json.loads(l)), sort_keys=True) for l in out.splitlines()
            if l.strip()]


def summary(text):
    m = re.search(r"^\d+ (messages|domains): .*", text, re.M | re.S)
    return m.group(0) if m else None


def run(mailcheck, glob_opts, cmd, stdin, extra, json_out=True):
    args = [mailcheck] + glob_opts + (["--json"] if json_out else []) + cmd + extra
    p = subprocess.run(args, input=stdin.encode() if stdin else None, capture_output=True,
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8",
                                                                             "replace")


def main():
    mailcheck = sys.argv[1]
    passed = failed = 0
    for name, glob_opts, cmd, stdin in runs():
        rc1, out1, err1 = run(mailcheck, glob_opts, cmd, stdin, ["--jobs", "1"])
        rc4, out4, err4 = run(mailcheck, glob_opts, cmd, stdin, ["--jobs", "4"])
        rcc, outc, errc = run(mailcheck, glob_opts, cmd, stdin,
                              ["--jobs", "4", "--order", "completed"])
        _, text1, _ = run(mailcheck, glob_opts, cmd, stdin, ["--jobs", "1"], False)
        _, textc, _ = run(mailcheck, glob_opts, cmd, stdin,
                          ["--jobs", "3", "--order", "completed"], False)
        problems = []
        try:
            r1, r4, rc_ = reports(out1), reports(out4), reports(outc)
        except ValueError as e:
            r1, r4, rc_ = [], None, None
            problems.append("an output is not NDJSON (%s)" % e)
        if len(r1) < 70:
            problems.append("only %d reports: the inputs were not read" % len(r1))
        if r4 != r1:
            problems.append("--jobs 4 in input order differs from --jobs 1")
        if rc_ is not None and sorted(rc_) != sorted(r1):
            problems.append("--order completed: not the same reports")
        if not (rc1 == rc4 == rcc):
            problems.append("exit status %d, %d, %d" % (rc1, rc4, rcc))
        if sorted(err1.splitlines()) != sorted(errc.splitlines()):
            problems.append("standard error differs:\n%s\n---\n%s" % (err1, errc))
        # text: the summary after the reports is the same whatever the order
        s1, sc = summary(text1), summary(textc)
        if not s1 or s1 != sc:
            problems.append("the summary differs:\n%s\n---\n%s" % (s1, sc))
        if problems:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
        else:
            passed += 1
            print("ok   %s: %d reports, exit %d" % (name, len(r1), rc1))
    print("batch: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
