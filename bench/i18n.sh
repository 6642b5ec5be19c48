#!/usr/bin/env bash
# What the Japanese costs: the same calls by the build before gettext came
# in (REF, default the parent of f36b73f) under LANG=C, by this build under
# LANG=C, and by this build under LANG=ja_JP.UTF-8 -- the median wall time of
# RUNS runs (after 3 warm-up runs, the three interleaved so that the
# machine's drift hits them alike) and the peak RSS, for one small offline
# check of each command, and for batches where the text is most of the work:
# verify of a directory of messages, bounce of the real bounces (when
# ../shared/suites is there) and domain of a list of names. The goal (issue
# 28): no measurable cost under LANG=C (within the runs' own spread).
#   bench/i18n.sh [BUILD_DIR] [REF]   (RUNS=N, default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ref=${2:-f36b73f~1}
refname=$(git rev-parse --short "$ref")
refdir=build-ref-$refname
if [ ! -x "$refdir/mailcheck" ]; then
	src=$(mktemp -d /tmp/mailcheck-ref.XXXXXX)
	git worktree add -f --detach "$src" "$ref" >/dev/null 2>&1
	meson setup "$refdir" "$src" >/dev/null
	ninja -C "$refdir" >/dev/null
	git worktree remove --force "$src"
fi
bash scripts/build "$build" >/dev/null
exec /usr/bin/python3 - "$build" "$refdir" "${RUNS:-15}" "${MAILCHECK_SUITES:-../shared/suites}" <<'PY'
import glob, os, statistics, subprocess, sys, time

build, refdir, runs, suites = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
z = ["--zone", "testdata/zones"]
bounces = os.path.join(suites, "bounces", "maildir")
messages = sorted(glob.glob("testdata/verify/*.eml"))
cases = [
    ("mx", z + ["mx", "example.com"]),
    ("spf", z + ["spf", "example.com", "192.0.2.1"]),
    ("dkim", z + ["--now", "1795600000", "dkim", "testdata/dkim/body_changed.eml"]),
    ("dmarc", z + ["dmarc", "nodmarc.test"]),
    ("verify", z + ["verify", "testdata/verify/esp_body_changed.eml"]),
    ("domain", z + ["domain", "shop.test"]),
    ("verify x%d" % len(messages), z + ["--now", "1795600000", "-q", "verify"] + messages),
    ("domain x40", z + ["-q", "domain"] + ["good.test", "broken.test", "shop.test",
                                            "esp.test"] * 10),
]
if os.path.isdir(bounces):
    files = sorted(glob.glob(os.path.join(bounces, "*.eml")))
    cases.append(("bounce x%d" % len(files), z + ["-q", "bounce"] + files))

def env(lang):
    e = dict(os.environ, LANG=lang, NO_COLOR="1",
             MAILCHECK_LOCALEDIR=os.path.abspath(os.path.join(build, "po")))
    for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        e.pop(k, None)
    return e

def once(argv, lang):
    t0 = time.perf_counter()
    rc = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env(lang))
    return time.perf_counter() - t0, rc

def peak_rss(argv, lang):
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, env=env(lang))
    return int(p.stderr.strip().splitlines()[-1]) / 1024.0

runs_of = [(os.path.join(refdir, "mailcheck"), "C"), (os.path.join(build, "mailcheck"), "C"),
           (os.path.join(build, "mailcheck"), "ja_JP.UTF-8")]
print("%-13s %20s %20s %20s %8s %8s" % ("command", "before gettext, C", "now, C",
                                        "now, ja_JP.UTF-8", "C/ref", "ja/C"))
for name, args in cases:
    times = [[] for _ in runs_of]
    codes = set()
    for i in range(runs + 3):
        for k, (binary, lang) in enumerate(runs_of):
            t, rc = once([binary] + args, lang)
            codes.add(rc)
            if i >= 3:
                times[k].append(t)
    if len(codes) > 1 or codes & {2, 124, 134, 139}:  # the same verdict each time
        print("%-13s exit statuses %s: the reference may not read this input"
              % (name, sorted(codes)))
        continue
    med = [statistics.median(t) * 1000 for t in times]
    spread = max(statistics.pstdev(t) * 1000 for t in times)
    rss = [max(peak_rss([b] + args, lang) for _ in range(3)) for b, lang in runs_of]
    print("%-13s %9.1f ms %5.1f MiB %9.1f ms %5.1f MiB %9.1f ms %5.1f MiB %7.2fx %7.2fx"
          "   (spread %.1f ms)" % (name, med[0], rss[0], med[1], rss[1], med[2], rss[2],
                                   med[1] / med[0], med[2] / med[1], spread))
PY
