#!/usr/bin/env bash
# DKIM on a large message: mailcheck streams the body (memory must not grow
# with body size); dkimpy reads the whole message. Prints wall time and peak
# RSS for a small and a 100 MB message, side by side.
#   bench/dkim_large.sh [BUILD_DIR] [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
mb=${2:-100}
tmp=$(mktemp -d /tmp/mailcheck-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
zone=testdata/zones/_domainkey.example.net.zone
now=1795600000

/usr/bin/python3 - "$tmp" "$mb" <<'PY'
import sys, time, dkim
tmp, mb = sys.argv[1], int(sys.argv[2])
time.time = lambda: 1795000000
key = open("testdata/dkim/keys/rsa2048.pem", "rb").read()
head = (b"From: Alice <alice@example.net>\r\nTo: bob@example.com\r\nSubject: big\r\n"
        b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\n\r\n")
line = b"The quick brown fox jumps over the lazy dog 0123456789 abcdefghij\r\n"
for name, size in (("small", 1000), ("large", mb * 1024 * 1024)):
    body = line * (size // len(line) + 1)
    msg = head + body
    sig = dkim.sign(msg, b"rsa2048", b"example.net", key, include_headers=[b"from", b"to", b"subject", b"date"])
    with open("%s/%s.eml" % (tmp, name), "wb") as f:
        f.write(sig + msg)
PY

measure() { # measure LABEL COMMAND...: "seconds peak-KiB"
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
	cat "$tmp/time"
}
dkimpy_verify() {
	/usr/bin/python3 - "$1" "$zone" <<'PY'
import re, sys, time, dkim
time.time = lambda: 1795600000
text = open(sys.argv[2]).read()
key = "".join(re.findall(r'"([^"]*)"', re.search(r"^rsa2048\s+TXT\s+\((.*?)\)", text, re.M | re.S).group(1)))
ok = dkim.verify(open(sys.argv[1], "rb").read(), dnsfunc=lambda n, timeout=5: key.encode())
sys.exit(0 if ok else 1)
PY
}
export -f dkimpy_verify
export zone

printf "%-10s %-12s %10s %12s\n" "message" "verifier" "seconds" "peak RSS"
for m in small large; do
	size=$(du -h "$tmp/$m.eml" | cut -f1)
	read -r s k < <(measure "$build/mailcheck" --zone "$zone" --now $now --json dkim "$tmp/$m.eml")
	grep -q '"result":"pass"' <(sed -n 1p /dev/null; "$build/mailcheck" --zone "$zone" --now $now --json dkim "$tmp/$m.eml") \
		|| echo "WARNING: mailcheck did not verify the $m message"
	printf "%-10s %-12s %10s %9d KiB\n" "$m ($size)" "mailcheck" "$s" "$k"
	read -r s k < <(measure bash -c "dkimpy_verify $tmp/$m.eml")
	printf "%-10s %-12s %10s %9d KiB\n" "$m ($size)" "dkimpy" "$s" "$k"
done
