#!/usr/bin/env python3
"""The peer for bench/report.sh: DMARC aggregate reports read with Python's
standard library the way small tools do it (xml.etree.ElementTree.parse of
the whole document, gzip and zipfile), summed per source IP -- the reading
parsedmarc does before its own analysis, without its DNS lookups."""
import gzip
import os
import sys
import xml.etree.ElementTree as ET
import zipfile


def docs(path):
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                yield z.read(n)
    elif path.endswith(".gz"):
        with gzip.open(path) as f:
            yield f.read()
    else:
        with open(path, "rb") as f:
            yield f.read()


def main():
    per_ip, rows, reports = {}, 0, 0
    paths = []
    for a in sys.argv[1:]:
        if os.path.isdir(a):
            paths += [os.path.join(a, n) for n in sorted(os.listdir(a))]
        else:
            paths.append(a)
    for p in paths:
        for data in docs(p):
            root = ET.fromstring(data)
            reports += 1
            for rec in root.iter("record"):
                ip = rec.findtext("row/source_ip")
                n = int(rec.findtext("row/count"))
                per_ip[ip] = per_ip.get(ip, 0) + n
                rows += 1
    print("%d reports, %d rows, %d sources" % (reports, rows, len(per_ip)))


if __name__ == "__main__":
    main()
