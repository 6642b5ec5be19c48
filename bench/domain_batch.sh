#!/usr/bin/env bash
# mailcheck domain over a list, against NSD on 127.0.0.1, side by side with
# the ceiling of the same NSD for the same query mix measured by dnsperf.
# bench/make_domains.py writes N generated domains (MX, SPF with includes,
# DMARC, a DKIM key at a common selector; some with MTA-STS, TLS-RPT and
# BIMI; some broken) into one zone that NSD serves (response rate limiting
# off; a 4 MiB receive buffer, so that no query is lost to a full socket:
# a lost query costs mailcheck a retry 1.7 s later and dnsperf nothing). For 1,000 domains and for N: domains/s, DNS queries/s (the queries
# that reached the server, from the NDJSON "dns" logs) and peak RSS of
# `mailcheck --json domain - --jobs J`; then dnsperf replays the queries the
# N-domain run made for 10 s. Installs nsd and dnsperf when missing.
#   bench/domain_batch.sh [BUILD_DIR] [N] [JOBS]     (N 10000, JOBS 64)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-10000}
jobs=${3:-64}
for p in nsd dnsperf; do
	command -v "$p" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$p" >/dev/null; }
done
tmp=$(mktemp -d /tmp/mailcheck-bench-domain.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
/usr/bin/python3 bench/make_domains.py "$tmp" "$n"
cp testdata/zones/test.zone "$tmp/"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); t=socket.socket(); t.bind(("127.0.0.1", s.getsockname()[1])); print(s.getsockname()[1])')
cat > "$tmp/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: $port
  username: ""
  chroot: ""
  zonesdir: "$tmp"
  database: ""
  zonelistfile: "$tmp/zone.list"
  xfrdfile: "$tmp/xfrd.state"
  pidfile: "$tmp/nsd.pid"
  logfile: "$tmp/nsd.log"
  server-count: 1
  rrl-ratelimit: 0
  receive-buffer-size: 4194304
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: "bench.test"
  zonefile: "bench.test.zone"
zone:
  name: "test"
  zonefile: "test.zone"
CONF
nsd -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
pid=$!
up=
for _ in $(seq 100); do
	"$build/mailcheck" --dns "127.0.0.1:$port" --timeout 0.5 mx d0.bench.test >/dev/null 2>&1 && up=1 && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
[ -n "$up" ] || { echo "NSD did not start:"; cat "$tmp/nsd.out"; exit 1; }

echo "mailcheck domain against NSD 1 thread on 127.0.0.1, --jobs $jobs, $(nproc) cores; $(date -u +%F)"
printf '%-10s %10s %12s %12s %12s\n' domains seconds domains/s queries/s "peak RSS"
for count in 1000 "$n"; do
	head -n "$count" "$tmp/list" > "$tmp/list.$count"
	/usr/bin/time -f "%e %M" -o "$tmp/time.$count" "$build/mailcheck" --dns "127.0.0.1:$port" \
		--json domain - --jobs "$jobs" < "$tmp/list.$count" > "$tmp/out.$count" 2>/dev/null || true
	read -r secs kib < <(tail -n1 "$tmp/time.$count")
	queries=$(python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    n += sum(1 for q in o.get("dns", []) if not q.get("cached"))
print(n)' "$tmp/out.$count")
	printf '%-10s %10s %12.0f %12.0f %9s KiB\n' "$count" "$secs" \
		"$(awk "BEGIN{print $count/$secs}")" "$(awk "BEGIN{print $queries/$secs}")" "$kib"
	awk "BEGIN{print $queries/$secs}" >> "$tmp/qps"
done
# the same query mix for dnsperf: every query the N-domain run sent
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    for q in json.loads(line).get("dns", []):
        if not q.get("cached"):
            print(q["name"], q["type"])' "$tmp/out.$n" > "$tmp/queries"
dnsperf -s 127.0.0.1 -p "$port" -d "$tmp/queries" -l 10 -c 4 -T 2 -q 1000 > "$tmp/dnsperf.out" 2>&1 || true
ceiling=$(sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' "$tmp/dnsperf.out")
echo "dnsperf, same NSD, same $(wc -l < "$tmp/queries") queries, 10 s: ${ceiling:-?} queries/s"
n_qps=$(tail -n1 "$tmp/qps" 2>/dev/null || true)
if [ -n "${ceiling:-}" ] && [ -n "$n_qps" ]; then
	echo "mailcheck: $(awk "BEGIN{printf \"%.2f\", $n_qps/$ceiling}")x the queries/s of dnsperf (goal 0.5)"
fi
