#!/usr/bin/env bash
# A domain list checked in shards by GNU parallel (--pipe, several mailcheck
# processes) gives the same set of reports as one process: each report
# depends on its domain only, whatever else is in the shard or the order.
#   sharded.sh BUILD_DIR     -- last line: "sharded: N passed, N failed"
set -u
build=$(cd "${1:?usage: sharded.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d /tmp/mailcheck-shard.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then echo "ok   $name"; passed=$((passed + 1))
	else echo "FAIL $name"; failed=$((failed + 1)); fi
}
if ! command -v parallel >/dev/null; then
	echo "sharded: 0 passed, 0 failed, 1 skipped (no GNU parallel)"
	exit 0
fi
zones=(--zone testdata/zones/test.zone --zone testdata/zones/mailer.test.zone
	--zone testdata/zones/0.18.198.in-addr.arpa.zone --zone testdata/zones/113.0.203.in-addr.arpa.zone)
for d in good shop esp parked parked-open broken; do zones+=(--zone "testdata/zones/$d.test.zone"); done
# 600 lines: the test domains in a shuffled order, comments, a bad name
for i in $(seq 100); do
	printf '%s\n' good.test shop.test esp.test parked.test parked-open.test broken.test
	[ $((i % 25)) = 0 ] && printf '# comment %d\nnot..a.domain\n' "$i"
done | shuf --random-source=<(yes) > "$tmp/list"
"$build/mailcheck" "${zones[@]}" --json domain - < "$tmp/list" > "$tmp/one" 2>/dev/null
one_rc=$?
parallel --will-cite --pipe -N 37 -j 3 --keep-order "$build/mailcheck" "${zones[*]}" \
	--json domain - < "$tmp/list" > "$tmp/sharded" 2>/dev/null
# the reports, without the DNS times (they vary between runs); the errors
# name a line of their own shard, so they are counted instead
strip() { grep -v '"error":{"code"' "$1" | sed -E 's/"time_ms":[0-9.e+-]+,?//g' | sort; }
check "one process: exit status 2 (bad lines reported)" [ "$one_rc" = 2 ]
check "one process: 600 reports and 4 errors" \
	[ "$(grep -c '"command":"domain","domain"' "$tmp/one")" = 600 -a \
	  "$(grep -c '"error":{"code"' "$tmp/one")" = 4 ]
check "sharded (37 lines a shard, 3 at once): the same set of reports" \
	cmp -s <(strip "$tmp/one") <(strip "$tmp/sharded")
check "sharded: the same 4 errors" [ "$(grep -c '"error":{"code"' "$tmp/sharded")" = 4 ]
check "--order completed with 6 jobs: the same set" cmp -s <(strip "$tmp/one") \
	<("$build/mailcheck" "${zones[@]}" --json domain - --jobs 6 --order completed \
	  < "$tmp/list" 2>/dev/null > "$tmp/completed"; strip "$tmp/completed")
check "input order is kept with 8 jobs" \
	cmp -s <(grep -o '"command":"domain","domain":"[^"]*"' "$tmp/one") \
	<(grep -v '^#' "$tmp/list" | grep -v '\.\.' | sed 's/.*/"command":"domain","domain":"&"/')
echo "sharded: $passed passed, $failed failed"
[ "$failed" = 0 ]
