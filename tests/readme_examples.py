#!/usr/bin/env python3
"""The README's examples are real: every ```console block holds commands
("$ mailcheck ...", run as BUILD/mailcheck from the repository root with
NO_COLOR) each followed by its output, which must be what the command
prints now. --update rewrites the outputs in README.md.
  readme_examples.py MAILCHECK [--update]
  last line: "readme: N passed, N failed"
"""
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def run(mailcheck, command):
    args = shlex.split(command)
    assert args[0] == "mailcheck", command
    p = subprocess.run([mailcheck] + args[1:], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR="1"), timeout=60)
    return p.stdout + p.stderr


def main():
    mailcheck = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv[2:]
    text = open(README, encoding="utf-8").read()
    passed = failed = 0
    out_parts, pos = [], 0
    for block in re.finditer(r"^```console\n(.*?)^```$", text, re.M | re.S):
        body = block.group(1)
        new_body = []
        for m in re.finditer(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", body, re.M):
            command, want = m.group(1), m.group(2)
            got = run(mailcheck, command)
            if not got.endswith("\n"):
                got += "\n"
            new_body.append("$ " + command + "\n" + got)
            want = want.rstrip("\n") + "\n"  # a blank line may separate commands
            if got == want:
                print("ok   $ " + command)
                passed += 1
            else:
                print("FAIL $ " + command)
                for a, b in zip(want.splitlines() + [""] * 99, got.splitlines()):
                    if a != b:
                        print("     README: " + a[:160] + "\n     now:    " + b[:160])
                        break
                failed += 1
        out_parts.append(text[pos:block.start(1)] + "\n".join(new_body))
        pos = block.end(1)
    out_parts.append(text[pos:])
    if update:
        open(README, "w", encoding="utf-8").write("".join(out_parts))
    if passed + failed < 25:  # the README shows about 30 commands
        print("FAIL only %d examples found in README.md" % (passed + failed))
        failed += 1
    print("readme: %d passed, %d failed" % (passed, failed))
    return 1 if failed and not update else 0


if __name__ == "__main__":
    sys.exit(main())
