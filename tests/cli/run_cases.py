#!/usr/bin/env python3
"""Run the CLI cases in testdata/cases/<command>/<case>/.

A case is a folder:
  args          the command line after 'mailcheck' (shell words, one line);
                paths are relative to the repository root
  expect.rc     the exit status
  expect.json   stdout as JSON (compared as data; "time_ms" is ignored); a list
                means NDJSON, one object per line (several messages); or
  expect.txt    stdout as text, exactly
  expect.stderr optional: text that stderr must contain
  no-network    optional: why the case cannot be re-run against a real server
  stdin         optional: fed to standard input (otherwise it is empty)
Every finding code in a JSON output must be documented in docs/findings.md.

  run_cases.py MAILCHECK [--network PORT] [--update] [CASE_DIR...]

--network PORT re-runs every JSON case that uses --zone files without fault
directives against the DNS server on 127.0.0.1:PORT (serving the same zones)
and expects the same output. --update rewrites expect.* from the outputs.
The last line is "cli: N passed, N failed" (or "network: ...").
"""
import argparse
import difflib
import json
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "testdata", "cases")


def strip_times(value):
    if isinstance(value, dict):
        return {k: strip_times(v) for k, v in value.items() if k != "time_ms"}
    if isinstance(value, list):
        return [strip_times(v) for v in value]
    return value


def documented_codes():
    with open(os.path.join(ROOT, "docs", "findings.md"), encoding="utf-8") as f:
        return set(re.findall(r"^### `([a-z0-9_.]+)`", f.read(), re.M))


def finding_codes(value):
    if isinstance(value, dict):
        if "code" in value and "severity" in value:
            yield value["code"]
        for v in value.values():
            yield from finding_codes(v)
    elif isinstance(value, list):
        for v in value:
            yield from finding_codes(v)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def zone_args_to_network(args, port):
    """Replace every --zone FILE by one --dns; None when the case cannot run
    against a real server (no zone, or zones with fault directives)."""
    out, zones, i = [], [], 0
    while i < len(args):
        if args[i] == "--zone" and i + 1 < len(args):
            zones.append(args[i + 1])
            i += 2
            continue
        if args[i].startswith("--zone="):
            zones.append(args[i][7:])
            i += 1
            continue
        out.append(args[i])
        i += 1
    if not zones:
        return None
    for z in zones:
        if re.search(r"^\s*;!", read(os.path.join(ROOT, z)), re.M):
            return None
    return out + ["--dns", "127.0.0.1:%d" % port, "--timeout", "2"]


def run_case(mailcheck, case, codes, network_port=None, update=False):
    """Returns (ok, message) or None when the case does not apply."""
    args = shlex.split(read(os.path.join(case, "args")))
    if network_port is not None:
        if not os.path.exists(os.path.join(case, "expect.json")) or \
                os.path.exists(os.path.join(case, "no-network")):
            return None
        args = zone_args_to_network(args, network_port)
        if args is None:
            return None
    env = dict(os.environ, NO_COLOR="1")
    stdin_file = os.path.join(case, "stdin")
    stdin = open(stdin_file, "rb").read() if os.path.exists(stdin_file) else b""
    try:
        p = subprocess.run([mailcheck] + args, cwd=ROOT, capture_output=True,
                           timeout=30, env=env, input=stdin)
    except subprocess.TimeoutExpired:
        return False, "timed out after 30 s"
    out = p.stdout.decode("utf-8", "replace")
    if os.path.exists(os.path.join(case, "expect.txt")):
        out = re.sub(r"\(\d+\.\d ms\)", "(T ms)", out)  # query times vary
    err = p.stderr.decode("utf-8", "replace")
    problems = []
    rc_file = os.path.join(case, "expect.rc")
    if update and network_port is None:
        with open(rc_file, "w") as f:
            f.write("%d\n" % p.returncode)
    want_rc = int(read(rc_file).strip())
    if p.returncode != want_rc:
        problems.append("exit status %d, expected %d" % (p.returncode, want_rc))
    if p.returncode < 0 or "AddressSanitizer" in err or "runtime error" in err:
        problems.append("crashed or sanitizer report:\n" + err)
    json_file = os.path.join(case, "expect.json")
    txt_file = os.path.join(case, "expect.txt")
    if os.path.exists(json_file):
        try:
            lines = [l for l in out.splitlines() if l.strip()]
            got = strip_times([json.loads(l) for l in lines] if len(lines) > 1
                              else json.loads(out))
        except ValueError as e:
            got = None
            problems.append("stdout is not one JSON object (%s):\n%s" % (e, out))
        if got is not None:
            if update and network_port is None:
                with open(json_file, "w") as f:
                    json.dump(got, f, indent=2, ensure_ascii=False)
                    f.write("\n")
            want = json.loads(read(json_file))
            if got != want:
                diff = difflib.unified_diff(
                    json.dumps(want, indent=2).splitlines(),
                    json.dumps(got, indent=2).splitlines(), "expected", "got", lineterm="")
                problems.append("JSON differs:\n" + "\n".join(diff))
            for code in finding_codes(got):
                if code not in codes:
                    problems.append("finding %s is not in docs/findings.md" % code)
    elif os.path.exists(txt_file):
        if update:
            with open(txt_file, "w") as f:
                f.write(out)
        want = read(txt_file)
        if out != want:
            diff = difflib.unified_diff(want.splitlines(), out.splitlines(),
                                        "expected", "got", lineterm="")
            problems.append("text differs:\n" + "\n".join(diff))
    err_file = os.path.join(case, "expect.stderr")
    if os.path.exists(err_file):
        want = read(err_file).strip()
        if want not in err:
            problems.append("stderr lacks %r; it was:\n%s" % (want, err))
    return (not problems), "\n".join(problems)


def all_cases():
    for command in sorted(os.listdir(CASES)):
        base = os.path.join(CASES, command)
        for name in sorted(os.listdir(base)):
            yield os.path.join(base, name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mailcheck")
    ap.add_argument("--network", type=int)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_intermixed_args()
    codes = documented_codes()
    passed = failed = 0
    for case in opts.cases or all_cases():
        label = os.path.relpath(case, CASES)
        if not os.path.exists(os.path.join(case, "args")):
            print("FAIL %s: no args file (every case folder needs one)" % label)
            failed += 1
            continue
        r = run_case(os.path.abspath(opts.mailcheck), case, codes, opts.network, opts.update)
        if r is None:
            continue
        ok, msg = r
        if ok:
            passed += 1
            print("ok   %s" % label)
        else:
            failed += 1
            print("FAIL %s\n%s" % (label, "\n".join("     " + l for l in msg.splitlines())))
    print("%s: %d passed, %d failed" % ("network" if opts.network else "cli", passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
