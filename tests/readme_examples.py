#!/usr/bin/env python3
"""The README's examples are real: every ```console block holds commands
("$ mailcheck ...", run as BUILD/mailcheck from the repository root with
NO_COLOR; "$ rm -f /tmp/mailcheck-readme..." clears a database the next
example makes) each followed by its output, which must be what the command
prints now -- a command that ends in "; echo $?" shows its exit status on
its last line, which must be the status now. Every ```json block must parse
and be what the command named in the comment above it writes
(<!-- $ mailcheck ... -->; the block may leave members out and end a list
with "..."). --update rewrites the console outputs in README.md.
README.ja.md, the Japanese README, is checked the same way (its examples
run under LANG=ja_JP.UTF-8 as they say), and begins with the same two
set-up commands as README.md.
  readme_examples.py MAILCHECK [--update]
  last line: "readme: N passed, N failed"
"""
import json
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
README_JA = os.path.join(ROOT, "README.ja.md")


def run(mailcheck, command):
    """What the command prints; with a trailing "; echo $?", its exit status
    on a last line too, as a shell would print it."""
    status = command.endswith("; echo $?")
    args = shlex.split(command[:-len("; echo $?")] if status else command)
    if args[:2] == ["rm", "-f"]:  # a fresh database for the example after it
        for path in args[2:]:
            assert path.startswith("/tmp/mailcheck-readme"), command
            if os.path.exists(path):
                os.remove(path)
        return ""
    # the language as the example says (LANG=... before the command), else C
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANG", "LANGUAGE") and not k.startswith("LC_")}
    env.update(NO_COLOR="1", LANG="C",
               MAILCHECK_LOCALEDIR=os.path.join(os.path.dirname(mailcheck), "po"))
    while args and re.match(r"^(LANG|LANGUAGE|LC_[A-Z]+)=", args[0]):
        k, v = args.pop(0).split("=", 1)
        env[k] = v
    assert args[0] == "mailcheck", command
    p = subprocess.run([mailcheck] + args[1:], cwd=ROOT, capture_output=True, text=True,
                       env=env, timeout=60)
    out = p.stdout + p.stderr
    if status:
        out += ("" if not out or out.endswith("\n") else "\n") + "%d\n" % p.returncode
    return out


def subset(want, got):
    """Whether the README's JSON (which may leave members out, and end a list
    with "...") is what mailcheck writes."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and subset(v, got[k]) for k, v in want.items())
    if isinstance(want, list):
        items = [w for w in want if w != "..."]
        if not isinstance(got, list) or len(items) > len(got) or \
                (len(items) == len(want) and len(want) != len(got)):
            return False
        return all(subset(w, g) for w, g in zip(items, got))
    if isinstance(want, float) or isinstance(got, float):
        return True  # times (time_ms) vary
    return want == got


def json_blocks(mailcheck, text):
    """Each ```json block after an HTML comment naming its command
    (<!-- $ mailcheck ... -->) must be what that command writes; every
    block must parse. Yields (ok, label, why)."""
    for m in re.finditer(r"(?:<!-- \$ (mailcheck [^\n]*?) -->\n+)?^```json\n(.*?)^```$",
                         text, re.M | re.S):
        command, body = m.group(1), m.group(2)
        label = "json block at line %d" % (text.count("\n", 0, m.start(2)) + 1)
        try:
            want = json.loads(body)
        except ValueError as e:
            yield False, label, "does not parse: %s" % e
            continue
        if not command:
            yield False, label, "names no command (<!-- $ mailcheck ... --> above it)"
            continue
        out = run(mailcheck, command)
        try:
            got = json.loads(out.splitlines()[0])
        except (ValueError, IndexError):
            yield False, label, "%s wrote no JSON: %s" % (command, out[:200])
            continue
        yield subset(want, got), "%s (%s)" % (label, command), "differs from what it writes"


def check_file(mailcheck, path, update):
    """The console and JSON blocks of one README; returns (passed, failed)."""
    text = open(path, encoding="utf-8").read()
    name = os.path.basename(path)
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
                print("ok   %s: $ %s" % (name, command))
                passed += 1
            else:
                print("FAIL %s: $ %s" % (name, command))
                for a, b in zip(want.splitlines() + [""] * 99, got.splitlines()):
                    if a != b:
                        print("     README: " + a[:160] + "\n     now:    " + b[:160])
                        break
                failed += 1
        out_parts.append(text[pos:block.start(1)] + "\n".join(new_body))
        pos = block.end(1)
    out_parts.append(text[pos:])
    for ok, label, why in json_blocks(mailcheck, text):
        if ok:
            print("ok   %s: %s" % (name, label))
            passed += 1
        else:
            print("FAIL %s: %s: %s" % (name, label, why))
            failed += 1
    if update:
        open(path, "w", encoding="utf-8").write("".join(out_parts))
    return passed, failed


def setup_commands(path):
    """The first ```sh block: the two set-up commands, without comments."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^```sh\n(.*?)^```$", text, re.M | re.S)
    return [line.split("#")[0].strip() for line in m.group(1).splitlines()] if m else []


def main():
    mailcheck = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv[2:]
    passed, failed = check_file(mailcheck, README, update)
    if passed + failed < 25:  # the README shows about 30 commands
        print("FAIL only %d examples found in README.md" % (passed + failed))
        failed += 1
    if os.path.exists(README_JA):
        p, f = check_file(mailcheck, README_JA, update)
        if p + f < 6:
            print("FAIL only %d examples found in README.ja.md" % (p + f))
            f += 1
        same = setup_commands(README_JA) == setup_commands(README) and setup_commands(README)
        print("%s README.ja.md begins with README.md's two set-up commands"
              % ("ok  " if same else "FAIL"))
        passed, failed = passed + p + bool(same), failed + f + (not same)
    else:
        print("FAIL no README.ja.md")
        failed += 1
    print("readme: %d passed, %d failed" % (passed, failed))
    return 1 if failed and not update else 0


if __name__ == "__main__":
    sys.exit(main())
