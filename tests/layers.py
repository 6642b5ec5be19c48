#!/usr/bin/env python3
"""The floors of lib/ (README, Layout): a room includes only rooms below it.

Every #include "room/..." and "mailcheck/X.h" of lib/ROOM/*.c and *.h is
followed through the public headers' own includes; each room it reaches
must stand on a lower floor than ROOM. Each room says what it is in
lib/ROOM/README.md: a paragraph, then "Uses: ..." and "Used by: ..." lines
that must name exactly the rooms it reaches and the rooms (and cmd) that
reach it. One line per room; the last line is "layers: N passed, N failed".
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOORS = {
    "common": 0,                                   # strings, errors, verdicts, findings, PSL
    "dns": 1,                                      # resolver, cache, zone files, DNSSEC
    "msg": 2, "net": 2,                            # messages; HTTPS and SMTP clients
    "trace": 3,                                    # Received, Authentication-Results
    "spf": 4, "dkim": 4, "dmarc": 4, "mx": 4,      # the checks
    "blocklist": 4,                                # DNS blocklists
    "verify": 5,                                   # a whole message
    "bounce": 6, "domain": 6, "feedback": 6,       # tasks built on verify and the checks
    "diff": 6,                                     # two runs compared
    "report": 7,                                   # renderers of every result
    "store": 7,                                    # reports kept in a database
}
# public headers that belong to a room of another name
PUBLIC = {"findings": "common", "status": "common", "verdict": "common",
          "requirements": "verify"}
INCLUDE = re.compile(r'#include "([a-z_]+)/([a-z_0-9]+)\.h"')


def includes(path):
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def public_closure(name, seen):
    path = os.path.join(ROOT, "include", "mailcheck", name + ".h")
    for folder, header in includes(path):
        if folder == "mailcheck" and header not in seen:
            seen.add(header)
            public_closure(header, seen)
    return seen


def reaches(paths):
    """The rooms the files include, through the public headers."""
    reached = {}
    for path in paths:
        for folder, header in includes(path):
            names = {header} | public_closure(header, set()) if folder == "mailcheck" else None
            targets = {PUBLIC.get(n, n) for n in names} if names else {folder}
            for t in targets:
                reached.setdefault(t, os.path.relpath(path, ROOT))
    return reached


def readme_problems(room, rooms, uses, cmd_uses):
    """What lib/ROOM/README.md gets wrong about the room's neighbours."""
    path = os.path.join(ROOT, "lib", room, "README.md")
    if not os.path.exists(path):
        return ["no README.md saying what the room is"]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    said = {}
    for key in ("Uses", "Used by"):
        m = re.search(r"^%s: (.*?)\.$" % key, text, re.M)
        said[key] = set(m.group(1).split(", ")) - {"nothing of the project"} if m else None
    used_by = {r for r in rooms if room in uses[r]} | ({"cmd"} if room in cmd_uses else set())
    problems = []
    if len(text.split("\n\n")) < 3:
        problems.append("README.md has no paragraph")
    if said["Uses"] != set(uses[room]):
        problems.append("README.md says it uses %s, it uses %s" % (
            sorted(said["Uses"] or []), sorted(uses[room])))
    if said["Used by"] != used_by:
        problems.append("README.md says it is used by %s, it is used by %s" % (
            sorted(said["Used by"] or []), sorted(used_by)))
    return problems


def main():
    passed = failed = 0
    rooms = sorted(d for d in os.listdir(os.path.join(ROOT, "lib"))
                   if os.path.isdir(os.path.join(ROOT, "lib", d)))
    uses = {r: set(reaches(glob.glob(os.path.join(ROOT, "lib", r, "*.[ch]")))) - {r}
            for r in rooms}
    cmd_uses = set(reaches(glob.glob(os.path.join(ROOT, "cmd", "*.[ch]"))))
    for room in rooms:
        if room not in FLOORS:
            print("FAIL %s: a room without a floor (add it to tests/layers.py and README)" % room)
            failed += 1
            continue
        reached = {}
        for path in glob.glob(os.path.join(ROOT, "lib", room, "*.[ch]")):
            for folder, header in includes(path):
                names = {header} | public_closure(header, set()) if folder == "mailcheck" else None
                targets = {PUBLIC.get(n, n) for n in names} if names else {folder}
                for t in targets - {room}:
                    reached.setdefault(t, os.path.relpath(path, ROOT))
        up = sorted(t for t in reached if FLOORS.get(t, 99) >= FLOORS[room])
        if up:
            failed += 1
            print("FAIL %s (floor %d) reaches up to %s" % (room, FLOORS[room], ", ".join(
                "%s (floor %s, from %s)" % (t, FLOORS.get(t, "?"), reached[t]) for t in up)))
        elif readme_problems(room, rooms, uses, cmd_uses):
            failed += 1
            print("FAIL %s: %s" % (room, "; ".join(readme_problems(room, rooms, uses, cmd_uses))))
        else:
            passed += 1
            print("ok   %s (floor %d): %s" % (room, FLOORS[room], ", ".join(sorted(reached)) or "nothing"))
    if passed < 14:
        failed += 1
        print("FAIL only %d rooms seen" % passed)
    print("layers: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
