#!/usr/bin/env bash
# --html pages of report over a growing period: a quarter, half a year and a
# year of a large domain's reports (bench/make_reports.py: 12 reporters a
# day, 200 rows each) stored in SQLite, summarised with and without --html.
# Prints, per period, the time without and with the page (the median of 3
# runs) and the page's size; the goal (issue 31): a year's page under 1 MiB,
# written in time linear in the data. The page's parts are bounded (the
# charts by days or weeks, the table by 200 sources), so its size grows
# slower than the reports, and the time it adds is within the runs' noise.
#   bash bench/html.sh [BUILD_DIR] [DAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
days=${2:-365}
dir=$(mktemp -d /tmp/mailcheck-html-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 bench/make_reports.py "$dir" "$days" 12 200 10 >/dev/null
mc=$(realpath "$build/mailcheck")
"$mc" report --no-lookups -q --db "sqlite:$dir/y.db" "$dir/year" >/dev/null || true
secs() { # secs CMD...: the median wall time of 3 runs
	for _ in 1 2 3; do
		/usr/bin/time -f '%e' "$@" 2>&1 >/dev/null | tail -1
	done | sort -n | sed -n 2p
}
now=2026-12-01
printf '%-10s %8s %12s %12s %12s %16s\n' period reports "no page (s)" "page (s)" "page size" "bytes per report"
for period in 91 182 $days; do
	plain=$(secs "$mc" --now $now report --no-lookups -q --db "sqlite:$dir/y.db" --since ${period}d)
	page=$(secs "$mc" --now $now --html "$dir/p.html" report --no-lookups -q --db "sqlite:$dir/y.db" \
		--since ${period}d)
	n=$("$mc" --now $now --json report --no-lookups --db "sqlite:$dir/y.db" --since ${period}d |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["aggregate"]["reports"])')
	size=$(stat -c %s "$dir/p.html")
	awk -v p="$period" -v n="$n" -v a="$plain" -v b="$page" -v s="$size" 'BEGIN {
		printf "%-10s %8d %12.2f %12.2f %9.0f KiB %16.1f\n", p "d", n, a, b, s / 1024, s / n }'
done
# The same year read from its files (no database): the page then charts the
# days by kind of source, from each source's messages per day kept while
# reading (only with --html: a day, or a week past 62 days; at most 1,048,576
# of them, past which the chart is by DMARC result). Time and peak RSS
# without and with the page.
run() { # run CMD...: "seconds KiB" of one run
	/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1
}
printf '\n%-24s %10s %12s %10s\n' "files, ${days}d" seconds "peak RSS" chart
read -r s k < <(run "$mc" report --no-lookups -q "$dir/year")
printf '%-24s %10.2f %8d KiB %10s\n' "no page" "$s" "$k" -
read -r s k < <(run "$mc" --html "$dir/f.html" report --no-lookups -q "$dir/year")
chart=$(grep -o '<title>Messages per [a-z]*, by [a-zA-Z ]*' "$dir/f.html" | head -1 | sed 's/.* by //')
printf '%-24s %10.2f %8d KiB %10s\n' "page" "$s" "$k" "$chart"
