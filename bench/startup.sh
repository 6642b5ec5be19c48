#!/usr/bin/env bash
# Start-up cost of one call, side by side with an earlier build: the median
# wall time and the peak RSS of 20 runs (after 3 warm-up runs) of --version
# and one small check of each command that runs in the mailcheck program
# itself (mx, spf, dkim, dmarc, trace, verify of one message, offline), and of
# domain, bounce and report (which run in mailcheck-helper), with the number
# of shared libraries each program loads. The goal (issue 24): within 1.2x of
# REF's time and under 10 MiB for the first seven.
#   bench/startup.sh [BUILD_DIR] [REF]   (REF: a commit, default 1b2a86b,
#   built once into build-ref-REF; RUNS=N for another number of runs)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ref=${2:-1b2a86b}
refdir=build-ref-$ref
if [ ! -x "$refdir/mailcheck" ]; then
	src=$(mktemp -d /tmp/mailcheck-ref.XXXXXX)
	git worktree add -f --detach "$src" "$ref" >/dev/null 2>&1
	meson setup "$refdir" "$src" >/dev/null
	ninja -C "$refdir" mailcheck >/dev/null
	git worktree remove --force "$src"
fi
bash scripts/build "$build"
exec /usr/bin/python3 - "$build/mailcheck" "$refdir/mailcheck" "${RUNS:-20}" <<'PY'
import os, statistics, subprocess, sys, time

new, old, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
z = ["--zone", "testdata/zones"]
cases = [
    ("--version", ["--version"]),
    ("mx", z + ["mx", "example.com"]),
    ("spf", z + ["spf", "example.com", "192.0.2.1"]),
    ("dkim", z + ["--now", "1795600000", "dkim", "testdata/dkim/body_changed.eml"]),
    ("dmarc", z + ["dmarc", "example.com"]),
    ("trace", ["trace", "testdata/trace/php_local.eml"]),
    ("verify", z + ["verify", "testdata/verify/esp_body_changed.eml"]),
    ("domain", z + ["domain", "example.com"]),
    ("bounce", z + ["bounce", "testdata/bounce/qmail_unknown.eml"]),
    ("report", ["report", "--no-lookups", "testdata/reports"]),
]

def once(argv):
    """Wall time of one run (s) and its exit status."""
    t0 = time.perf_counter()
    rc = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, rc

def peak_rss(argv):
    """Peak RSS (MiB) by GNU time, whose small child execs the program: the
    RSS a forked Python would carry into the child is not counted."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024.0

def measure(binaries, args):
    """Runs of the binaries interleaved (the machine's drift hits both alike):
    per binary the median time (ms) and the largest peak RSS, or None."""
    times = {b: [] for b in binaries}
    for i in range(runs + 3):
        for b in binaries:
            t, rc = once([b] + args)
            if rc not in (0, 1):
                return {b: None for b in binaries}
            if i >= 3:
                times[b].append(t)
    return {b: (statistics.median(times[b]) * 1000, max(peak_rss([b] + args) for _ in range(5)))
            for b in binaries}

def libs(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return len(out.splitlines())

helper = os.path.join(os.path.dirname(new), "mailcheck-helper")
print("shared libraries loaded: mailcheck %d, mailcheck-helper %d; %s: %d"
      % (libs(new), libs(helper) if os.path.exists(helper) else 0, old, libs(old)))
print("%-10s %20s %20s %7s  %s" % ("command", "reference", "now", "ratio", "goal"))
for name, args in cases:
    own = name not in ("domain", "bounce", "report")
    m = measure([old, new] if own else [new], args)  # REF may not have the command
    a, b = m.get(old), m[new]
    if not own and b:
        print("%-10s %20s %9.1f ms %5.1f MiB          (runs in mailcheck-helper)" % (name, "", *b))
        continue
    if not a or not b:
        print("%-10s %20s %20s" % (name, a and "%.1f ms %.1f MiB" % a or "-",
                                   b and "%.1f ms %.1f MiB" % b or "failed"))
        continue
    ok = b[0] <= 1.2 * a[0] and b[1] < 10
    print("%-10s %9.1f ms %5.1f MiB %9.1f ms %5.1f MiB %6.2fx  %s"
          % (name, a[0], a[1], b[0], b[1], b[0] / a[0], "met" if ok else "NOT met"))
PY
