#!/usr/bin/env python3
"""Every option a command's --help names is taken before the command too.

main.c knows each command's options from its table (to take them before the
command name); the commands parse them from their own lists. This checks the
two agree: for every command, every --option of its --help text is accepted
as `mailcheck --option=x COMMAND --help` (exit 0), and an option it does not
name is refused there (exit 2). Last line: "options: N passed, N failed".

  options_before.py MAILCHECK
"""
import re
import subprocess
import sys

GLOBAL = {"--json", "--dns", "--zone", "--timeout", "--now", "--authserv-id", "--verbose",
          "--quiet", "--no-color", "--help", "--version"}


def run(mc, *args):
    p = subprocess.run([mc, *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def main():
    mc = sys.argv[1]
    _, usage = run(mc, "--help")
    commands = re.findall(r"^  ([a-z]+) +\S", usage.split("Commands:")[1].split("Options")[0], re.M)
    passed = failed = 0
    seen = set()
    for cmd in commands:
        _, text = run(mc, cmd, "--help")
        options = sorted(set(re.findall(r"(--[a-z][a-z-]*)", text)) - GLOBAL)
        seen.update(options)
        for opt in options:
            rc, out = run(mc, opt + "=x", cmd, "--help")
            if rc == 0:
                passed += 1
            else:
                failed += 1
                print("FAIL %s: %s before it: exit %d: %s" % (cmd, opt, rc, out.strip()[:200]))
    # refused before a command that does not take it
    for cmd in commands:
        _, text = run(mc, cmd, "--help")
        for opt in sorted(seen - set(re.findall(r"(--[a-z][a-z-]*)", text)))[:3]:
            rc, out = run(mc, opt + "=x", cmd, "--help")
            if rc == 2 and "is not an option of '%s'" % cmd in out:
                passed += 1
            else:
                failed += 1
                print("FAIL %s: %s (not its option) before it: exit %d" % (cmd, opt, rc))
    if passed < 30:
        failed += 1
        print("FAIL only %d options seen: the help texts were not read" % passed)
    print("options: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
