#!/usr/bin/env python3
"""Function lengths of lib/ and cmd/ (lines between a '{' and a '}' at
column 0, the measure of issue 27): median, p90, max, how many over 60
lines, the longest ten, and the .c files over 800 lines.
  python3 scripts/function_lengths.py"""
import glob
import os
import statistics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def functions(path):
    out, start, name, prev = [], None, None, ""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("{") and start is None:
                start, name = n, prev.split("(")[0].split()[-1].lstrip("*") if "(" in prev else "?"
            elif line.startswith("}") and start is not None:
                out.append((n - start - 1, name, os.path.relpath(path, ROOT)))
                start = None
            if line.strip():
                prev = line if "(" in line else prev + " " + line.strip()
    return out


def report(folder):
    fs = [f for p in sorted(glob.glob(os.path.join(ROOT, folder, "**", "*.c"), recursive=True))
          for f in functions(p)]
    lens = sorted(f[0] for f in fs)
    p90 = lens[int(0.9 * (len(lens) - 1))]
    print("%s: %d functions, median %d, p90 %d, max %d lines; over 60 lines: %d"
          % (folder, len(lens), statistics.median(lens), p90, lens[-1],
             sum(1 for n in lens if n > 60)))
    return fs


def main():
    fs = report("lib") + report("cmd")
    print("longest:", ", ".join("%s %d (%s)" % (f[1], f[0], f[2])
                                for f in sorted(fs, reverse=True)[:10]))
    big = []
    for p in glob.glob(os.path.join(ROOT, "lib", "**", "*.c"), recursive=True) + \
            glob.glob(os.path.join(ROOT, "cmd", "*.c")):
        with open(p, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > 800:
            big.append("%s %d" % (os.path.relpath(p, ROOT), n))
    print(".c files over 800 lines: %s" % (", ".join(big) or "none"))


if __name__ == "__main__":
    main()
