#!/usr/bin/env bash
# mailcheck diff of two batches of N domain reports (NDJSON, as
# `mailcheck --json domain -` writes them: each domain's report is the real
# output for testdata's example.com under another name, one domain in ten
# changed in NEW -- its DMARC policy weakened, an MX host replaced, a
# finding added). Prints the time and peak RSS of the diff, beside those of
# Python reading the same two files with json.loads and nothing else (the
# floor of reading the JSON at all).
#   bench/diff.sh [BUILD_DIR] [N]      (N 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-5000}
tmp=$(mktemp -d /tmp/mailcheck-bench-diff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$build/mailcheck" --zone testdata/zones --json domain example.com > "$tmp/one.json"
python3 - "$tmp" "$n" <<'PY'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
one = json.load(open(tmp + "/one.json"))
text = json.dumps(one, separators=(",", ":"))
with open(tmp + "/old.ndjson", "w") as old, open(tmp + "/new.ndjson", "w") as new:
    for i in range(n):
        d = "d%d.example" % i
        line = text.replace("example.com", d)
        old.write(line + "\n")
        if i % 10 == 0:
            o = json.loads(line)
            o["parts"]["dmarc"] = {"status": "warning", "reason": "p=none"}
            o["dmarc"]["policy"] = "none"
            o["mx"]["hosts"][0]["host"] = "mx9." + d
            o["findings"].append({"code": "dmarc.policy_none", "severity": "warning", "message": "p=none on " + d})
            line = json.dumps(o, separators=(",", ":"))
        new.write(line + "\n")
PY
size=$(du -m "$tmp/old.ndjson" | cut -f1)
measure() { # measure LABEL COMMAND...: wall time and peak RSS
	local label=$1 out
	shift
	/usr/bin/time -o "$tmp/time" -f '%e %M' "$@" >/dev/null 2>&1 || true
	out=$(cat "$tmp/time" | tail -n1)
	printf '%-32s %6.2f s  %7.1f MiB\n' "$label" "${out% *}" "$(( ${out#* } / 1024 ))"
}
echo "two batches of $n domain reports ($size MiB each), one in ten changed"
measure "mailcheck diff" "$build/mailcheck" diff "$tmp/old.ndjson" "$tmp/new.ndjson"
measure "mailcheck --json diff" "$build/mailcheck" --json diff "$tmp/old.ndjson" "$tmp/new.ndjson"
measure "python3 json.loads (floor)" /usr/bin/python3 -c 'import json,sys
for f in sys.argv[1:]:
    [json.loads(l) for l in open(f)]' "$tmp/old.ndjson" "$tmp/new.ndjson"
