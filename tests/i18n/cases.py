#!/usr/bin/env python3
"""Every CLI case (testdata/cases) run again as text under LANG=ja_JP.UTF-8:
no English sentence may be left in what a person reads.

The text is each case's command without --json (machine formats -- --csv,
--prometheus, --html -- are left out, as JSON they stay English), its stdout
and stderr. Before looking, what mailcheck shows as it is found is taken
out: quoted values (「...」, "...", '...'), finding codes [a.b], URLs, a
receiver's reply quoted from a bounce (応答:), header fields shown as they
are (Authentication-Results:, the Received hops' "with ESMTP", the signed
header names), a record's own exp= text (説明:), and the words of the
system or a library after "を読めません: " or "を開けません: "
(strerror, ldns). An English
sentence is then three Latin words or more in a row, one of them a word
no name or record carries (the, is, not, of, ...).

tests/i18n/english_left lists the cases whose text still holds English,
each with what is left: a case there whose text is Japanese now fails too,
so that the list only shrinks.
  cases.py MAILCHECK BUILD_DIR    last line: "i18n cases: N passed, N failed[, N skipped]"
"""
import concurrent.futures
import glob
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from tally import check, skip  # noqa: E402
import tally  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests", "i18n"))
from english import english  # noqa: E402

MC, BUILD = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
MACHINE = {"--csv", "--prometheus", "--html"}
def left_list():
    path = os.path.join(ROOT, "tests", "i18n", "english_left")
    left = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, why = line.partition(" ")
                left[name] = why.strip()
    return left


def run_case(case):
    with open(os.path.join(case, "args")) as f:
        args = shlex.split(f.read())
    if MACHINE & set(args) or os.path.exists(os.path.join(case, "stdin.py")):
        return None
    args = [a for a in args if a != "--json"]
    stdin = b""
    if os.path.exists(os.path.join(case, "stdin")):
        with open(os.path.join(case, "stdin"), "rb") as f:
            stdin = f.read()
    env = dict(os.environ, MAILCHECK_LOCALEDIR=os.path.join(BUILD, "po"), NO_COLOR="1",
               LANG="ja_JP.UTF-8")
    for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(k, None)
    r = subprocess.run([MC] + args, cwd=ROOT, input=stdin, capture_output=True, env=env,
                       timeout=60)
    return english(r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace"))


def main():
    have = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
    if not re.search(r"^ja_JP\.utf-?8$", have, re.M | re.I):
        skip("every CLI case under LANG=ja_JP.UTF-8", "no ja_JP.UTF-8 locale")
        print(tally.line("i18n cases: "))
        return 0
    left = left_list()
    cases = sorted(glob.glob(os.path.join(ROOT, "testdata", "cases", "*", "*")))
    with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(run_case, cases))
    names = set()
    for case, lines in zip(cases, results):
        name = os.path.relpath(case, os.path.join(ROOT, "testdata", "cases"))
        names.add(name)
        if lines is None:
            continue
        if name in left:
            check("%s under ja: English left, as tests/i18n/english_left says (%s)"
                  % (name, left[name]), bool(lines),
                  "no English left: take the case out of tests/i18n/english_left")
        else:
            check("%s under ja: no English sentence" % name, not lines, lines[:5])
    stale = sorted(set(left) - names)
    check("tests/i18n/english_left names only existing cases", not stale, stale)
    print(tally.line("i18n cases: "))
    return 1 if tally.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
