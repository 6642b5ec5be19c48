#!/usr/bin/env bash
# mailcheck report on one aggregate report of 1,000,000 rows (gzip, a
# distinct source each, made by bench/make_reports.py): every row counted,
# the sources capped at 100,000 with the rest as "other", and the peak
# memory under 128 MiB however many rows stream through -- measured at two
# sizes: past the cap, 1,000,000 rows may take at most 10% (and 4 MiB) more
# memory than 250,000, which already hold the 100,000 sources.
#   bash tests/report/large.sh BUILD_DIR
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
dir=$(mktemp -d /tmp/mailcheck-large.XXXXXX)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
check() { # check WHAT CONDITION-STATUS
	if [ "$2" = 0 ]; then echo "ok   $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
python3 bench/make_reports.py "$dir" 0 0 0 1000000
/usr/bin/time -o "$dir/time" -f '%M' "$build/mailcheck" --json report --no-lookups \
	"$dir/big.xml.gz" > "$dir/out.json"
rc=$?
kib=$(tail -1 "$dir/time")
check "exit status 0 or 1, not 2 (got $rc)" "$([ "$rc" -le 1 ] && echo 0 || echo 1)"
python3 - "$dir/out.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
a = o["aggregate"]
assert a["rows"] == 1000000, a["rows"]
assert a["messages"] == sum(1 + i % 7 for i in range(1000000)), a["messages"]
src = o["sources"]
assert len(src) == 100001 and any(s["ip"] == "other" for s in src), len(src)
assert sum(s["messages"] for s in src) == a["messages"]
PY
check "1,000,000 rows and their messages counted, 100,000 sources and \"other\"" $?
check "peak RSS $kib KiB under 128 MiB" "$([ "$kib" -lt 131072 ] && echo 0 || echo 1)"
mkdir -p "$dir/small" && python3 bench/make_reports.py "$dir/small" 0 0 0 250000
/usr/bin/time -o "$dir/time.small" -f '%M' "$build/mailcheck" --json report --no-lookups \
	"$dir/small/big.xml.gz" > /dev/null
small=$(tail -1 "$dir/time.small")
check "flat: 1,000,000 rows $kib KiB, 250,000 rows $small KiB (at most 10% + 4 MiB more)" \
	"$([ "$kib" -le $((small * 110 / 100 + 4096)) ] && echo 0 || echo 1)"
echo "large report: $passed passed, $failed failed"
[ "$failed" = 0 ]
