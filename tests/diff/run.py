#!/usr/bin/env python3
"""mailcheck diff on runs before and after a change (tests/diff/cases/NAME/).

Each case names a change to tests/diff/watch.test.zone in its file `change`:
lines "- TEXT" (a zone line removed) and "+ TEXT" (a line added); and the
command in `args` (default "domain watch.test"; `args.new` when the second
run asks something else); with a file `reverse`, OLD is the changed zone and
NEW the base (the change undone: an improvement). The runner makes both zone files, runs
`mailcheck --zone testdata/zones --zone ZONE --json ARGS` on each -- the
inputs come from the zones, never from mailcheck diff's own output -- then
`mailcheck diff OLD NEW` as text and with --json, and compares them with
expect.txt, expect.json (the file names replaced by OLD and NEW) and the
exit status with expect.rc. --update writes the expectations.
  run.py MAILCHECK [--update] [CASE...]
  last line: "diff: N passed, N failed"
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def changed_zone(base, change):
    lines = base.splitlines()
    for c in change.splitlines():
        if c.startswith("- "):
            if c[2:] not in lines:
                raise ValueError("change removes a line the zone does not have: " + c)
            lines.remove(c[2:])
        elif c.startswith("+ "):
            lines.append(c[2:])
    return "\n".join(lines) + "\n"


def run(mc, args):
    p = subprocess.run([mc] + args, cwd=ROOT, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, NO_COLOR="1"))
    return p.returncode, p.stdout, p.stderr


def read(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path, encoding="utf-8") as f:
        return f.read()


def one(mc, case, update, tmp):
    base = read(os.path.join(HERE, "watch.test.zone"))
    args = shlex.split(read(os.path.join(case, "args"), "domain watch.test"))
    args_new = shlex.split(read(os.path.join(case, "args.new"), "")) or args
    change = read(os.path.join(case, "change"), "")
    outs = []
    runs = [("OLD", base, args), ("NEW", changed_zone(base, change), args_new)]
    if os.path.exists(os.path.join(case, "reverse")):  # the change undone: OLD has it
        runs = [("OLD", runs[1][1], args), ("NEW", base, args_new)]
    for name, zone, a in runs:
        zpath = os.path.join(tmp, name + ".zone")
        with open(zpath, "w") as f:
            f.write(zone)
        rc, out, err = run(mc, ["--zone", "testdata/zones", "--zone", zpath, "--json"] + a)
        if not out.strip():
            return ["%s run wrote nothing (exit %d): %s" % (name, rc, err.strip()[:200])]
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(out)
        outs.append(path)
    problems = []
    rc_t, text, err_t = run(mc, ["diff"] + outs)
    rc_j, js, _ = run(mc, ["--json", "diff"] + outs)
    text = text.replace(outs[0], "OLD").replace(outs[1], "NEW")
    try:
        got_json = json.loads(js.replace(json.dumps(outs[0])[1:-1], "OLD")
                              .replace(json.dumps(outs[1])[1:-1], "NEW"))
    except ValueError:
        return ["diff --json wrote no JSON: %s" % js[:200]]
    if rc_t != rc_j:
        problems.append("exit %d as text but %d with --json" % (rc_t, rc_j))
    if update:
        with open(os.path.join(case, "expect.txt"), "w") as f:
            f.write(text)
        with open(os.path.join(case, "expect.json"), "w") as f:
            f.write(json.dumps(got_json, indent=2, ensure_ascii=False) + "\n")
        with open(os.path.join(case, "expect.rc"), "w") as f:
            f.write("%d\n" % rc_t)
        return problems
    if text != read(os.path.join(case, "expect.txt"), ""):
        problems.append("text differs:\n" + text)
    want = json.loads(read(os.path.join(case, "expect.json"), "null"))
    if got_json != want:
        problems.append("JSON differs:\n" + json.dumps(got_json, indent=1)[:3000])
    if str(rc_t) != read(os.path.join(case, "expect.rc"), "").strip():
        problems.append("exit %d, expected %s" % (rc_t, read(os.path.join(case, "expect.rc"), "?").strip()))
    return problems


def main():
    mc = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv[2:]
    chosen = [a for a in sys.argv[2:] if not a.startswith("--")]
    cases = chosen or sorted(os.path.join(HERE, "cases", c) for c in os.listdir(os.path.join(HERE, "cases")))
    passed = failed = 0
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            problems = one(mc, case, update, tmp)
        name = os.path.basename(case.rstrip("/"))
        if problems:
            failed += 1
            print("FAIL %s\n     %s" % (name, "\n     ".join(problems)))
        else:
            passed += 1
            print("ok   %s" % name)
    print("diff: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
