#!/usr/bin/env bash
# mailcheck report on a generated year of DMARC aggregate reports for a
# large domain (bench/make_reports.py), and on one report of a million rows:
# reports/s, rows/s, peak RSS -- side by side with Python's standard
# library reading the same files (bench/py_report_reader.py).
#   bash bench/report.sh [BUILD_DIR] [DAYS] [REPORTERS] [ROWS] [BIG_ROWS]
# KEEP=1 keeps the generated reports (in /tmp/mailcheck-reports).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
days=${2:-365} reporters=${3:-12} rows=${4:-200} big=${5:-1000000}
dir=/tmp/mailcheck-reports
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT
if [ ! -f "$dir/big.xml.gz" ]; then
	rm -rf "$dir"
	python3 bench/make_reports.py "$dir" "$days" "$reporters" "$rows" "$big"
fi
n_reports=$((days * reporters))
n_rows=$((n_reports * rows))
printf '%-34s %-12s %9s %12s %12s %11s\n' input reader seconds reports/s rows/s "peak RSS"
run() { # run LABEL READER N_REPORTS N_ROWS CMD...
	local label=$1 reader=$2 nr=$3 nw=$4
	shift 4
	local out
	/usr/bin/time -o "$dir/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
	out=$(tail -1 "$dir/time")
	local secs=${out% *} kib=${out#* }
	awk -v l="$label" -v r="$reader" -v s="$secs" -v nr="$nr" -v nw="$nw" -v k="$kib" \
		'BEGIN { if (s < 0.01) s = 0.01; printf "%-34s %-12s %9.2f %12.1f %12.0f %8d KiB\n", l, r, s, nr / s, nw / s, k }'
}
run "year: $n_reports reports" mailcheck "$n_reports" "$n_rows" \
	"$build/mailcheck" --json report --no-lookups "$dir/year"
run "year: $n_reports reports" python-etree "$n_reports" "$n_rows" \
	python3 bench/py_report_reader.py "$dir/year"
run "one report of $big rows (gzip)" mailcheck 1 "$big" \
	"$build/mailcheck" report --no-lookups -q "$dir/big.xml.gz"
run "one report of $big rows (gzip)" python-etree 1 "$big" \
	python3 bench/py_report_reader.py "$dir/big.xml.gz"
