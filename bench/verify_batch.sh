#!/usr/bin/env bash
# verify throughput and single-message cost. Generates N messages of about
# 4 KB (half rsa-2048, half ed25519 signed by dkimpy, with a Received chain
# from the test provider), verifies them as one mbox on one core with the
# zone files (offline), and one message alone; prints messages/second,
# wall time and peak RSS.
#   bench/verify_batch.sh [BUILD_DIR] [N]     (KEEP=1: keep the generated corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-10000}
tmp=$(mktemp -d /tmp/mailcheck-bench.XXXXXX)
[ -n "${KEEP:-}" ] && echo "keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$tmp" "$n" <<'PY'
import sys, time, dkim, base64, subprocess
tmp, n = sys.argv[1], int(sys.argv[2])
time.time = lambda: 1795000000
rsa = open("testdata/dkim/keys/rsa2048.pem", "rb").read()
der = subprocess.run(["openssl", "pkey", "-in", "testdata/dkim/keys/ed25519.pem", "-outform", "DER"],
                     capture_output=True, check=True).stdout
ed = base64.b64encode(der[-32:])
body = b"".join(b"Line %d of a newsletter body, long enough to be realistic text.\r\n" % i for i in range(55))
with open(tmp + "/batch.mbox", "wb") as f:
    for i in range(n):
        head = (b"From: News <news@example.net>\r\nTo: user%d@example.com\r\nSubject: Issue %d\r\n"
                b"Date: Wed, 18 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%d@example.net>\r\n\r\n" % (i, i, i))
        msg = head + body
        if i % 2:
            sig = dkim.sign(msg, b"ed25519", b"example.net", ed, signature_algorithm=b"ed25519-sha256",
                            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        else:
            sig = dkim.sign(msg, b"rsa2048", b"example.net", rsa,
                            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        full = (b"Return-Path: <bounce@bounces.mailer.test>\r\nReceived: from o5.out.mailer.test "
                b"(o5.out.mailer.test [203.0.113.5]) by mx.example.com (Postfix) with ESMTPS id X%d;"
                b" Wed, 18 Nov 2026 10:00:03 +0000\r\n" % i) + sig + msg
        if i == 0:
            open(tmp + "/one.eml", "wb").write(full)
        f.write(b"From bounce@bounces.mailer.test Wed Nov 18 10:00:03 2026\n" + full.replace(b"\r\n", b"\n") + b"\n")
PY
zones="--zone testdata/zones/example.com.zone --zone testdata/zones/mailer.test.zone --zone testdata/zones/_domainkey.example.net.zone --zone testdata/zones/example.net.zone --zone testdata/zones/113.0.203.in-addr.arpa.zone"
size=$(du -h "$tmp/batch.mbox" | cut -f1)
/usr/bin/time -f "%e %M" -o "$tmp/t" taskset -c 0 "$build/mailcheck" $zones --now 1795600000 --json verify "$tmp/batch.mbox" > "$tmp/out" || true
read -r secs kib < "$tmp/t"
pass=$(grep -c '"result":"pass","ip"' "$tmp/out" || true)
echo "batch: $n messages ($size mbox), $pass pass, ${secs} s on one core, $(awk "BEGIN{printf \"%.0f\", $n/$secs}") messages/s, peak RSS ${kib} KiB"
best=999
for i in 1 2 3 4 5; do
	/usr/bin/time -f "%e %M" -o "$tmp/t1" "$build/mailcheck" $zones --now 1795600000 --json verify "$tmp/one.eml" > /dev/null || true
	read -r s1 k1 < "$tmp/t1"
	best=$(awk "BEGIN{print ($s1 < $best) ? $s1 : $best}")
done
echo "single message: best of 5 ${best} s wall, peak RSS ${k1} KiB"
