#!/usr/bin/env python3
"""Turn the test zone files into a DNS cache file for `mailauth --dns-cache`.

mailauth's cache is {name: {TYPE: answer}} with answers shaped like Node's
dns.resolve(): A/AAAA/PTR/NS/CNAME a list of strings, TXT a list of lists of
character-strings, MX a list of {exchange, priority}.  A name missing from the
cache is ENOTFOUND (NXDOMAIN); an empty list is NODATA.

The zones are read through `ldns-read-zone` (ldnsutils), which prints one
fully-qualified RR per line, so $ORIGIN, $TTL, parentheses and relative names
are ldns's business, the same parser mailcheck's --zone backend uses.
CNAMEs are chased like a resolver would (Node returns the target's records).
Wildcards cannot be expressed in this cache format and are left out; names
with a fault directive (';! timeout|servfail') are left out too (a cache miss
is the only failure the format has) and reported on stderr.

usage: zone2cache.py ZONEFILE... > cache.json
"""
import json
import re
import subprocess
import sys

TYPES = ("A", "AAAA", "MX", "TXT", "PTR", "NS", "CNAME")


def txt_strings(rdata):
    """The character-strings of a presentation-format TXT rdata."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', rdata):
        s = re.sub(r"\\(\d{3})", lambda d: chr(int(d.group(1))), m.group(1))
        out.append(re.sub(r"\\(.)", r"\1", s))
    return out


def read_zone(path, records, faults):
    text = open(path, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r"^;!\s*(timeout|servfail)\s+(\S+)", text, re.M):
        faults.add(m.group(2).rstrip(".").lower())
    out = subprocess.run(["ldns-read-zone", path], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        if not line or line.startswith(";"):
            continue
        name, _ttl, _cls, rtype, rdata = line.split(None, 4) + [""] * (5 - len(line.split(None, 4)))
        name = name.rstrip(".").lower()
        if name.startswith("*."):
            continue
        entry = records.setdefault(name, {})
        if rtype == "TXT":
            entry.setdefault("TXT", []).append(txt_strings(rdata))
        elif rtype == "MX":
            pref, host = rdata.split()
            entry.setdefault("MX", []).append(
                {"exchange": host.rstrip("."), "priority": int(pref)})
        elif rtype in ("A", "AAAA"):
            entry.setdefault(rtype, []).append(rdata.strip())
        elif rtype in ("PTR", "NS", "CNAME"):
            entry.setdefault(rtype, []).append(rdata.strip().rstrip(".").lower())


def resolve(records, name, rtype, depth=0):
    entry = records.get(name)
    if entry is None:
        return None
    if rtype in entry:
        return entry[rtype]
    if "CNAME" in entry and rtype != "CNAME" and depth < 16:
        return resolve(records, entry["CNAME"][0], rtype, depth + 1)
    return []


def main():
    records, faults = {}, set()
    for path in sys.argv[1:]:
        read_zone(path, records, faults)
    cache = {}
    for name in sorted(records):
        if name in faults:
            continue
        answers = {}
        for rtype in TYPES:
            got = resolve(records, name, rtype)
            answers[rtype] = got if got is not None else []
        cache[name] = answers
    for name in sorted(faults):
        print(f"zone2cache: {name}: fault directive, left out of the cache",
              file=sys.stderr)
    json.dump(cache, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
