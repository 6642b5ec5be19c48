#!/usr/bin/python3
"""Batch and single side of the benchmark for dkimpy: dkim.verify() (what
dkimverify runs) over every message of an mbox in one process, keys from the
zone files (through zone2cache.py's cache). DKIM only: dkimpy has no SPF or DMARC. Prints "N pass, N messages".
  dkimpy_batch.py MBOX CACHE.json    (the cache from tests/agreement/zone2cache.py)
"""
import json
import re
import sys
import time

import dkim

time.time = lambda: 1795600000
keys = {name: "".join(ans["TXT"][0]).encode()
        for name, ans in json.load(open(sys.argv[2])).items() if ans.get("TXT")}


def dnsfunc(name, timeout=5):
    return keys.get(name.decode().rstrip(".").lower(), b"")


text = open(sys.argv[1], "rb").read()
messages = [m for m in re.split(rb"^From .*\n", text, flags=re.M) if m]
ok = sum(dkim.verify(m.replace(b"\n", b"\r\n"), dnsfunc=dnsfunc) for m in messages)
print(f"{ok} pass, {len(messages)} messages")
