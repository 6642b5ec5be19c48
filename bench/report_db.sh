#!/usr/bin/env bash
# report --db on a generated year of DMARC aggregate reports (4,380 reports,
# 876,000 rows: bench/make_reports.py): reading the files without a
# database, storing them in SQLite (and PostgreSQL, started on 127.0.0.1 by
# tests/store/servers.py, when its server is installed), and summarising
# the year back from each database. Seconds and peak RSS; the ingest rate
# beside the plain reading's.
#   bash bench/report_db.sh [BUILD_DIR] [DAYS] [REPORTERS] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
days=${2:-365} reporters=${3:-12} rows=${4:-200}
dir=$(mktemp -d /tmp/mailcheck-report-db.XXXXXX)
trap 'rm -rf "$dir"' EXIT
python3 bench/make_reports.py "$dir" "$days" "$reporters" "$rows" 10 >/dev/null
mc=$(realpath "$build/mailcheck")
printf '%-44s %9s %11s\n' step seconds "peak RSS"
run() { # run LABEL CMD...: seconds into $dir/last
	local label=$1
	shift
	/usr/bin/time -o "$dir/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
	read -r secs kib < <(tail -1 "$dir/time")
	echo "$secs" > "$dir/last"
	printf '%-44s %9.2f %8d KiB\n' "$label" "$secs" "$kib"
}
n=$((days * reporters))
run "read $n reports, no database" "$mc" report --no-lookups -q "$dir/year"
plain=$(cat "$dir/last")
run "store them in SQLite" "$mc" report --no-lookups -q --db "sqlite:$dir/y.db" "$dir/year"
awk -v p="$plain" -v s="$(cat "$dir/last")" 'BEGIN { printf "  ingest rate: %.2f of reading without a database (goal: 0.5)\n", p / s }'
run "summarise the year from SQLite" "$mc" report --no-lookups -q --db "sqlite:$dir/y.db"
run "summarise the last 30 days from SQLite" "$mc" --now 2026-12-01 report --no-lookups -q \
	--db "sqlite:$dir/y.db" --since 30d
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
	/usr/bin/python3 - "$mc" "$dir" "$plain" <<'PY'
import os, subprocess, sys, time
sys.path.insert(0, "tests/store")
import servers
mc, d, plain = sys.argv[1], sys.argv[2], float(sys.argv[3])
def run(label, *args):
    t = time.time()
    subprocess.run([mc, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = time.time() - t
    print("%-44s %9.2f" % (label, s))
    return s
with servers.Postgres() as pg:
    pg.createdb("bench")
    s = run("store them in PostgreSQL", "report", "--no-lookups", "-q", "--db", pg.url("bench"),
            d + "/year")
    print("  ingest rate: %.2f of reading without a database (goal: 0.5)" % (plain / s))
    run("summarise the year from PostgreSQL", "report", "--no-lookups", "-q", "--db",
        pg.url("bench"))
PY
fi
