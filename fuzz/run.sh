#!/usr/bin/env bash
# Build the fuzz targets (clang, libFuzzer, ASan+UBSan) and run each for
# SECS seconds (default 60) on seeds from testdata, JOBS at once (default:
# one per CPU), after replaying every input kept in fuzz/regressions/TARGET/.
# Crashes are written to fuzz/artifacts/: once fixed, keep each (and any input
# that reproduces a fixed bug) in fuzz/regressions/TARGET/. Last line: "fuzz: N
# passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
suites=${MAILCHECK_SUITES:-../shared/suites}  # seeds from the shared data, when present
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null || exit 1
fi
ninja -C "$dir" >/dev/null || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
mkdir -p fuzz/artifacts
work=$(mktemp -d /tmp/mailcheck-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fuzz_zone" "$work/fuzz_dns_answer" "$work/fuzz_domain" "$work/fuzz_spf" "$work/fuzz_msg" "$work/fuzz_address" "$work/fuzz_dkim_key" "$work/fuzz_dkim_verify" "$work/fuzz_dkim_differential" "$work/fuzz_dmarc" "$work/fuzz_trace" "$work/fuzz_verify" "$work/fuzz_policy_records" "$work/fuzz_sts_policy" "$work/fuzz_smtp_reply" "$work/fuzz_svg" "$work/fuzz_bounce" "$work/fuzz_blocklist" "$work/fuzz_links" "$work/fuzz_diff" "$work/fuzz_report_xml" "$work/fuzz_report_tls" "$work/fuzz_report_mail" "$work/fuzz_imap" "$work/fuzz_store" "$work/fuzz_rpki"
cp testdata/zones/*.zone testdata/zones/bad/*.zone "$work/fuzz_zone/"
printf 'example.com' > "$work/fuzz_domain/1"
printf 'a..b' > "$work/fuzz_domain/2"
printf 'Alice <a@example.com>, "B, b" <b@x.example>' > "$work/fuzz_address/1"
cp "$suites"/dkim/rfc8463/*.eml "$work/fuzz_msg/" 2>/dev/null || true
find testdata -name '*.eml' -size -64k -exec cp {} "$work/fuzz_msg/" \; 2>/dev/null || true
cp testdata/dkim/*.eml testdata/lists/*.eml "$work/fuzz_dkim_verify/"
cp testdata/dkim/*.eml testdata/lists/*.eml "$work/fuzz_dkim_differential/"
grep -oh '"v=DKIM1[^)]*' testdata/zones/_domainkey.example.net.zone | tr -d '"' | tr -d '\n' > "$work/fuzz_dkim_key/1" || true
grep -oh '"v=DMARC1[^"]*"' testdata/zones/*.zone | tr -d '"' | awk '{print > "'"$work"'/fuzz_dmarc/" NR}'
cp testdata/trace/*.eml "$work/fuzz_trace/"
# real Received chains: the shared bounces' (read in place, when present)
find "$suites"/bounces/maildir -name 'lhost-*.eml' -size -16k -exec cp {} "$work/fuzz_trace/" \; 2>/dev/null || true
# seed MTA-STS, TLS-RPT and BIMI records from the test zones
grep -oh '"v=\(STSv1\|TLSRPTv1\|BIMI1\)[^"]*"' testdata/zones/*.zone | tr -d '"' | awk '{print > "'"$work"'/fuzz_policy_records/" NR}'
printf 'version: STSv1\nmode: enforce\nmx: mx.example.com\nmx: *.example.net\nmax_age: 604800\n' > "$work/fuzz_sts_policy/1"
printf '<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 10 10"><title>T</title><rect href="#a" style="fill:url(#g)"/></svg>' > "$work/fuzz_svg/1"
printf '250-mx.example.com hello\r\n250-PIPELINING\r\n250 STARTTLS\r\n' > "$work/fuzz_smtp_reply/1"
printf '220 mx.example.com ESMTP\r\n' > "$work/fuzz_smtp_reply/2"
printf 'version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n' > "$work/fuzz_sts_policy/2"
cp testdata/verify/*.eml testdata/verify/three.mbox "$work/fuzz_verify/"
cp testdata/bounce/*.eml "$work/fuzz_bounce/"
# links: text (first byte below 64), HTML (below 128), whole messages
printf '\001see https://www.example.com/a and www.example.org' > "$work/fuzz_links/text"
printf '\100<a href="https://promo&#46;shady&#x2E;example/o">x</a>' > "$work/fuzz_links/html"
for m in testdata/verify/links.eml testdata/verify/esp_signed.eml; do
	{ printf '\200'; cat "$m"; } > "$work/fuzz_links/$(basename "$m")"
done
# diff: two runs of --json, OLD and NEW split at a NUL byte
for f in testdata/diff/*.json testdata/diff/*.ndjson; do
	{ cat "$f"; printf '\000'; cat testdata/diff/mx_example.com.json; } > "$work/fuzz_diff/$(basename "$f")"
done
# blocklist answers (first byte below 128: a list, then A records) and SPF
# records (first byte 128 or more) to read for the addresses to look up
printf '\000\177\000\000\002\177\000\000\004' > "$work/fuzz_blocklist/1"
printf '\005\177\000\000\012' > "$work/fuzz_blocklist/2"
grep -oh '"v=spf1[^"]*"' testdata/zones/*.zone | tr -d '"' | head -20 | awk '{printf "\200%s", $0 > "'"$work"'/fuzz_blocklist/spf" NR}'
cp "$suites"/bounces/maildir/*.eml "$work/fuzz_bounce/" 2>/dev/null || true
# reports: ours, and the real samples (read in place when present)
find testdata/reports -name '*.xml' -exec cp {} "$work/fuzz_report_xml/" \;
find "$suites"/reports/samples -name '*.xml' -size -64k -exec cp {} "$work/fuzz_report_xml/" \; 2>/dev/null || true
find testdata/reports "$suites"/reports/samples -name '*.json' -size -64k -exec cp {} "$work/fuzz_report_tls/" \; 2>/dev/null || true
find testdata/reports "$suites"/reports/samples -type f -size -64k -exec cp {} "$work/fuzz_report_mail/" \; 2>/dev/null || true
# IMAP responses, and aggregate reports to store and give back
printf '* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* 12 EXISTS\r\n' > "$work/fuzz_imap/examine"
printf '\003* SEARCH 2 84 882 4294967295 4294967296\r\n* SEARCH 7\r\n' > "$work/fuzz_imap/search"
printf '\002* ESEARCH (TAG "A4") UID COUNT 9 ALL 1:3,9,20:15\r\n' > "$work/fuzz_imap/esearch"
find testdata/reports testdata/report-weeks -name '*.xml' -size -16k -exec cp {} "$work/fuzz_store/" \;
# VRP files and Team Cymru origin answers
printf '{"roas":[{"asn":"AS64500","prefix":"127.0.0.0/24","maxLength":24,"ta":"t"},{"asn":64501,"prefix":"2001:db8::/32","maxLength":48}]}' > "$work/fuzz_rpki/vrps"
printf '13335 | 1.1.1.0/24 | AU | apnic | 2011-08-11' > "$work/fuzz_rpki/origin"
printf '64500 64501 | 2001:db8::/32 | ZZ | test | 2026-01-01' > "$work/fuzz_rpki/moas"
# seed SPF records from the test zones
grep -oh '"v=spf1[^"]*"' testdata/zones/*.zone | tr -d '"' | awk '{print > "'"$work"'/fuzz_spf/" NR}'
# card libraries' own leaks, each explained in the file
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# libldns has no frame pointers: unwind fully so the suppressed frame is seen
export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
cp testdata/hostile/dns-answer-*.bin "$work/fuzz_dns_answer/" 2>/dev/null || true
targets="fuzz_zone fuzz_dns_answer fuzz_domain fuzz_spf fuzz_msg fuzz_address fuzz_dkim_key fuzz_dkim_verify fuzz_dkim_differential fuzz_dmarc fuzz_trace fuzz_verify fuzz_policy_records fuzz_sts_policy fuzz_smtp_reply fuzz_svg fuzz_bounce fuzz_blocklist fuzz_links fuzz_diff fuzz_report_xml fuzz_report_tls fuzz_report_mail fuzz_imap fuzz_store fuzz_rpki"
# every input a fuzzer once found (fuzz/regressions/TARGET/): replayed
# first, each once, so a bug once found fails every run until it is fixed;
# then they seed the corpus too
replay_failed=0 replayed=0
for t in $targets; do mkdir -p "$work/$t"; done  # a target without seeds starts empty
for t in $targets; do
	[ -d "fuzz/regressions/$t" ] || continue
	set -- fuzz/regressions/"$t"/*
	[ -f "$1" ] || continue
	if "$dir/fuzz/$t" -timeout=5 -rss_limit_mb=512 "$@" >"$work/$t.replay" 2>&1; then
		replayed=$((replayed + $#))
	else
		echo "FAIL $t: a kept regression input fails again"; tail -40 "$work/$t.replay"
		replay_failed=$((replay_failed + 1))
	fi
	cp "$@" "$work/$t/"
done
echo "ok   regressions replayed: $replayed inputs"
run_target() { # run_target NAME: fuzz it, its exit status into $work/NAME.rc
	"$dir/fuzz/$1" -max_total_time="$secs" -print_final_stats=1 -max_len=65536 -timeout=5 -rss_limit_mb=512 \
		-artifact_prefix=fuzz/artifacts/ "$work/$1" >"$work/$1.log" 2>&1
	echo $? > "$work/$1.rc"
}
# JOBS targets at once (default: one per CPU)
jobs=${JOBS:-$(nproc)}
running=0
for t in $targets; do
	run_target "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
passed=0 failed=$replay_failed
[ "$replay_failed" = 0 ] && passed=1
for t in $targets; do
	if [ "$(cat "$work/$t.rc" 2>/dev/null)" = 0 ]; then
		echo "ok   $t ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | awk '{print $2}') runs)"
		passed=$((passed + 1))
	else
		echo "FAIL $t"; tail -40 "$work/$t.log"; failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]
