#!/usr/bin/env bash
# Integration against real servers on 127.0.0.1:
#   - NSD serving testdata/zones/*.zone and testdata/hostile/zones/hostile.test.zone
#     (the same files --zone reads), at a free port: the network backend must
#     give what the zone backend gives (test_net, and every JSON CLI case and
#     hostile case re-run with --dns);
#   - --record against it, replayed with --zone (tests/record/run.py);
#   - a UDP socket that never answers: timeouts are exit status 3, and
#     concurrent queries time out together.
# Both are stopped on exit, also when tests fail.
#   run.sh BUILD_DIR [--update]   -- last line: "integration: N passed, N failed"
# --update rewrites the cases' expect.network.json from what the server gives:
# only that flag, never the environment, may turn expectations into results.
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR [--update]}" && pwd)
update=""
[ "${2:-}" = "--update" ] && update=--update
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/mailcheck-it.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); t=socket.socket(); t.bind(("127.0.0.1", s.getsockname()[1])); print(s.getsockname()[1])'
}

# --- NSD -------------------------------------------------------------------
port=$(free_port)
{
	cat <<CONF
server:
  ip-address: 127.0.0.1
  port: $port
  username: ""
  chroot: ""
  zonesdir: "$root/testdata/zones"
  database: ""
  zonelistfile: "$tmp/zone.list"
  xfrdfile: "$tmp/xfrd.state"
  pidfile: "$tmp/nsd.pid"
  logfile: "$tmp/nsd.log"
  server-count: 1
  # response rate limiting off: NSD counts every NODATA answer of a zone in
  # one bucket (200/s), and the 1,000-host MX case asks 1,000 of them at once
  rrl-ratelimit: 0
  verbosity: 1
  hide-version: yes
remote-control:
  control-enable: no
CONF
	# one zone per file: testdata/zones/<apex>.zone
	for f in "$root"/testdata/zones/*.zone; do
		z=$(basename "$f" .zone)
		printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$z" "$(basename "$f")"
	done
	# the hostile zone (loops, long chains, answers too big for UDP); its
	# sibling with fault directives is for the zone backend only
	printf 'zone:\n  name: "hostile.test"\n  zonefile: "%s"\n' "$root/testdata/hostile/zones/hostile.test.zone"
} > "$tmp/nsd.conf"
nsd -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
pids+=($!)

# --- a server that never answers --------------------------------------------
python3 -u -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
end = time.time() + 900
while time.time() < end:
    s.settimeout(1)
    try: s.recv(4096)
    except socket.timeout: pass
' > "$tmp/silent.port" &
pids+=($!)

# wait until NSD answers (SOA of example.com) and the silent port is known
ready=0
for _ in $(seq 50); do
	if [ -s "$tmp/silent.port" ] && \
	   "$build/mailcheck" --dns "127.0.0.1:$port" --timeout 0.5 mx example.com >/dev/null 2>&1; then
		ready=1; break
	fi
	sleep 0.2
done
if [ "$ready" != 1 ]; then
	echo "FAIL integration: NSD did not start on 127.0.0.1:$port"
	cat "$tmp/nsd.out" "$tmp/nsd.log" 2>/dev/null
	echo "integration: 0 passed, 1 failed"
	exit 1
fi
silent="127.0.0.1:$(cat "$tmp/silent.port")"

passed=0 failed=0
count() { # add a suite's "N passed, N failed" last line to the totals
	local line=$1 p f
	p=$(sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p' <<<"$line")
	f=$(sed -n 's/.*\b\([0-9]\+\) failed.*/\1/p' <<<"$line")
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
}

out=$(MC_TEST_DNS="127.0.0.1:$port" MC_TEST_SILENT="$silent" "$build/tests/test_net" 2>&1)
echo "$out"; count "$(tail -n1 <<<"$out")"

out=$(python3 "$root/tests/cli/run_cases.py" "$build/mailcheck" --network "$port" $update 2>&1)
echo "$out"; count "$(tail -n1 <<<"$out")"

# the hostile DNS cases against the real server, within the same limits
out=$(python3 "$root/tests/cli/run_cases.py" "$build/mailcheck" --root "$root/testdata/hostile" \
	--network "$port" --limits 2,64 2>&1)
echo "$out"; count "$(tail -n1 <<<"$out")"

# --record against the server, replayed with --zone (and against the zones)
out=$(/usr/bin/python3 "$root/tests/record/run.py" "$build/mailcheck" --dns "$port" 2>&1)
echo "$out"; count "$(tail -n1 <<<"$out")"

# A server that never answers: temperror, exit 3, within the timeout.
start=$(date +%s%N)
out=$("$build/mailcheck" --dns "$silent" --timeout 1 --json mx example.com 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 3 ] && grep -q '"mx.temperror"' <<<"$out" && grep -q '"status":"timeout"' <<<"$out" && [ $ms -lt 3000 ]; then
	echo "ok   silent server: exit 3 in $ms ms"; passed=$((passed + 1))
else
	echo "FAIL silent server: exit $rc in $ms ms: $out"; failed=$((failed + 1))
fi

echo "integration: $passed passed, $failed failed"
[ "$failed" = 0 ]
