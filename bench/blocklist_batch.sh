#!/usr/bin/env bash
# mailcheck blocklist over 10,000 addresses and 10 address lists, against
# NSD on 127.0.0.1, side by side with the ceiling of the same NSD for the
# same queries measured by dnsperf. The lists are stand-ins written here:
# the seven address lists of the catalogue (zen.spamhaus.org, bl.spamcop.net,
# ... list.dnswl.org) and three of --list, each with its RFC 5782 test
# entries and one address in ten listed (with a TXT reason), the addresses
# from 198.18.0.0/15 (RFC 2544's benchmark range). For 1,000 addresses and
# for N: addresses/s, DNS queries/s (those that reached the server, from
# the NDJSON "dns" logs), peak RSS of `mailcheck --json blocklist - --jobs
# J`; then dnsperf replays the N-address run's queries for 10 s. Installs
# nsd and dnsperf when missing.
#   bench/blocklist_batch.sh [BUILD_DIR] [N] [JOBS]     (N 10000, JOBS 64)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-10000}
jobs=${3:-64}
for p in nsd dnsperf; do
	command -v "$p" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$p" >/dev/null; }
done
tmp=$(mktemp -d /tmp/mailcheck-bench-blocklist.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
lists="zen.spamhaus.org bl.spamcop.net b.barracudacentral.org psbl.surriel.com dnsbl-1.uceprotect.net bl.mailspike.net list.dnswl.org own1.bl.test own2.bl.test own3.bl.test"
python3 - "$tmp" "$n" $lists <<'PY'
import sys
tmp, n, lists = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
addrs = ["198.%d.%d.%d" % (18 + i // 65536 % 2, i // 256 % 256, i % 256) for i in range(n)]
with open(tmp + "/list", "w") as f:
    f.write("\n".join(addrs) + "\n")
for k, zone in enumerate(lists):
    code = "127.0.10.0" if zone == "list.dnswl.org" else "127.0.0.2"
    z = ["$ORIGIN %s." % zone, "$TTL 300",
         "@ SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300",
         "@ NS ns1.example.com.", "2.0.0.127 A %s" % code]
    for i, a in enumerate(addrs):
        if (i + k) % 10 == 0:
            rev = ".".join(reversed(a.split(".")))
            z.append("%s A %s" % (rev, code))
            z.append('%s TXT "listed in the benchmark: see https://%s/%s"' % (rev, zone, a))
    with open("%s/%s.zone" % (tmp, zone), "w") as f:
        f.write("\n".join(z) + "\n")
PY
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); t=socket.socket(); t.bind(("127.0.0.1", s.getsockname()[1])); print(s.getsockname()[1])')
{
	cat <<CONF
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
CONF
	for z in $lists; do printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone"\n' "$z" "$z"; done
} > "$tmp/nsd.conf"
nsd -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
pid=$!
opts=(--only zen --only spamcop --only barracuda --only psbl --only uceprotect1 --only mailspike
      --only dnswl --list own1.bl.test --list own2.bl.test --list own3.bl.test
      --only own1.bl.test --only own2.bl.test --only own3.bl.test)
up=
for _ in $(seq 100); do
	rc=0
	"$build/mailcheck" --dns "127.0.0.1:$port" --timeout 0.5 blocklist --only zen 198.18.0.1 >/dev/null 2>&1 || rc=$?
	[ "$rc" -le 1 ] && up=1 && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
[ -n "$up" ] || { echo "NSD did not start:"; cat "$tmp/nsd.out"; exit 1; }

echo "mailcheck blocklist, 10 address lists, against NSD 1 thread on 127.0.0.1, --jobs $jobs, $(nproc) cores; $(date -u +%F)"
printf '%-10s %10s %12s %12s %12s %10s\n' addresses seconds addresses/s queries/s "peak RSS" listed
for count in 1000 "$n"; do
	head -n "$count" "$tmp/list" > "$tmp/list.$count"
	/usr/bin/time -f "%e %M" -o "$tmp/time.$count" "$build/mailcheck" --dns "127.0.0.1:$port" \
		--json blocklist - --jobs "$jobs" "${opts[@]}" < "$tmp/list.$count" > "$tmp/out.$count" 2>/dev/null || true
	read -r secs kib < <(tail -n1 "$tmp/time.$count")
	read -r queries listed < <(python3 -c '
import json, sys
n = listed = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    n += sum(1 for q in o.get("dns", []) if not q.get("cached"))
    listed += o.get("listed", False)
print(n, listed)' "$tmp/out.$count")
	printf '%-10s %10s %12.0f %12.0f %9s KiB %10s\n' "$count" "$secs" \
		"$(awk "BEGIN{print $count/$secs}")" "$(awk "BEGIN{print $queries/$secs}")" "$kib" "$listed"
	awk "BEGIN{print $queries/$secs}" >> "$tmp/qps"
done
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
	echo "mailcheck: $(awk "BEGIN{printf \"%.2f\", $n_qps/$ceiling}")x the queries/s of dnsperf"
fi
