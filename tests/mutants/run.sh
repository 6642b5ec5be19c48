#!/usr/bin/env bash
# Every mutant must be caught: each is a mailcheck made wrong in one way (a
# wrapper around the real binary, tests/mutants/json_filter.py, or a script
# below), run through the suite that claims to notice; the suite must fail.
# Not part of every CI run (a minute or two); run before resolving.
#   bash tests/mutants/run.sh [BUILD_DIR]    last line: "mutants: N caught, N missed"
set -uo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:-build}" && pwd)
suites=${MAILCHECK_SUITES:-../shared/suites}
tmp=$(mktemp -d /tmp/mailcheck-mutants.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
caught=0 missed=0
mutant() { # mutant NAME BODY: a wrapper script standing for mailcheck
	printf '#!/bin/sh\n%s\n' "$2" > "$tmp/$1"
	chmod +x "$tmp/$1"
}
filter() { # filter MUTATION: a wrapper rewriting the real JSON
	mutant "$1" "exec python3 $PWD/tests/mutants/json_filter.py $1 $build/mailcheck \"\$@\""
}
expect_caught() { # expect_caught MUTANT SUITE...: the suite must fail against it
	local name=$1
	shift
	if "$@" > "$tmp/$name.log" 2>&1; then
		echo "MISSED $name: $(tail -n1 "$tmp/$name.log")"; missed=$((missed + 1))
	else
		echo "caught $name: $(tail -n1 "$tmp/$name.log")"; caught=$((caught + 1))
	fi
}
filter first_signature_only
filter no_signatures
filter status_from_ip
filter every_bounce_no_bounce
filter pass_everything
filter flip_dmarc
filter finding_twice
filter skip_trust_boundary
# the batch runner: reports of --jobs 4 written last first; one report of
# --order completed lost
mutant jobs_reversed 'case "$*" in *"--jobs 4"*) case "$*" in *completed*) ;; *) out=$('"$build"'/mailcheck "$@"); rc=$?; printf "%s\n" "$out" | tac; exit $rc;; esac;; esac; exec '"$build"'/mailcheck "$@"'
mutant completed_drops_one 'case "$*" in *completed*) out=$('"$build"'/mailcheck "$@"); rc=$?; printf "%s\n" "$out" | sed "\$d"; exit $rc;; esac; exec '"$build"'/mailcheck "$@"'
# diff that never says worse; CSV without the formula guard; a Prometheus
# file with a series written twice
mutant diff_never_worse 'case " $* " in *" diff "*) '"$build"'/mailcheck "$@"; exit 0;; esac; exec '"$build"'/mailcheck "$@"'
mutant csv_formulas 'case " $* " in *" --csv "*) '"$build"'/mailcheck "$@" | sed "s/\(^\|,\)'"'"'/\1/g"; exit 0;; esac; exec '"$build"'/mailcheck "$@"'
mutant prometheus_twice 'f=; p=; for a in "$@"; do [ "$p" = --prometheus ] && f=$a; p=$a; done; '"$build"'/mailcheck "$@"; rc=$?; [ -n "$f" ] && [ -f "$f" ] && tail -n1 "$f" >> "$f"; exit $rc'
# a recording that loses NODATA (the names that exist without the type asked)
mutant record_drops_nodata 'f=; p=; for a in "$@"; do [ "$p" = --record ] && f=$a; p=$a; done; '"$build"'/mailcheck "$@"; rc=$?; [ -n "$f" ] && [ -f "$f" ] && sed -i "/HINFO/d" "$f"; exit $rc'
# a page that lets outside markup through unescaped
mutant html_unescaped 'f=; p=; for a in "$@"; do [ "$p" = --html ] && f=$a; p=$a; done; '"$build"'/mailcheck "$@"; rc=$?; [ -n "$f" ] && [ -f "$f" ] && sed -i "s/\&lt;/</g; s/\&gt;/>/g; s/\&quot;/\"/g; s/\&#39;/'"'"'/g" "$f"; exit $rc'
# report --db: a summary from the database a message off, a week of the
# trends lost, readiness always "reject"
jqm() { # jqm NAME FILTER: mailcheck's --json output rewritten by jq
	mutant "$1" 'out=$('"$build"'/mailcheck "$@"); rc=$?; case "$out" in "{"*) printf "%s\n" "$out" | jq -c '"'$2'"';; *) printf "%s\n" "$out";; esac; exit $rc'
}
jqm db_message_off 'if .trends then .aggregate.messages += 1 else . end'
jqm db_week_lost 'if .trends then .trends.weeks |= .[1:] else . end'
jqm db_always_ready 'if .trends then .trends.readiness.ready_for = "reject" else . end'
# a summary from the database whose rows lost their auth results
jqm db_auth_lost 'if .trends then .sources |= map(.dkim = []) else . end'
# smtp: a suite the server accepts left out; TLS 1.0 said accepted where it is not
jqm smtp_suite_lost 'if .command == "smtp" and (.servers | length) > 0 then .servers[0].cipher_suites |= .[1:] else . end'
jqm smtp_tls10_added 'if .command == "smtp" and (.servers | length) > 0 then .servers[0].versions |= map(if .version == "TLSv1" then .accepted = true else . end) else . end'
# a mailbox reader that waits on a silent server far past --net-timeout
mutant imap_waits 'case "$*" in *"--net-timeout 2"*imaps://*) sleep 35;; esac; exec '"$build"'/mailcheck "$@"'
# Japanese: JSON that follows the locale (a translated message leaks in); a
# program that ignores the locale; a bounce read without its charset
mutant i18n_json_translated 'case "$LANG $*" in ja*--json*) out=$('"$build"'/mailcheck "$@"); rc=$?; printf "%s\n" "$out" | sed "s/\"message\":\"/\"message\":\"警告 /"; exit $rc;; esac; exec '"$build"'/mailcheck "$@"'
mutant i18n_ignores_locale 'LANG=C LC_ALL=C exec '"$build"'/mailcheck "$@"'
mutant bounce_charset_lost 'case "$*" in *bounce*jp_*) out=$('"$build"'/mailcheck "$@"); rc=$?; printf "%s\n" "$out" | sed "s/応答: .*/応答: \x1b\$B/"; exit $rc;; esac; exec '"$build"'/mailcheck "$@"'
mutant leak "$build/mailcheck \"\$@\"; rc=\$?; echo '==1==ERROR: LeakSanitizer: detected memory leaks' >&2; exit 23"

expect_caught first_signature_only /usr/bin/python3 tests/dkim/compare_dkimpy.py "$tmp/first_signature_only"
expect_caught no_signatures /usr/bin/python3 tests/dkim/compare_dkimpy.py "$tmp/no_signatures"
expect_caught first_signature_only python3 tests/dkim/compare_opendkim.py "$tmp/first_signature_only"
expect_caught no_signatures python3 tests/dkim/compare_opendkim.py "$tmp/no_signatures"
if mailauth=$(bash scripts/install-mailauth 2>/dev/null); then
	expect_caught pass_everything python3 tests/agreement/compare_mailauth.py "$tmp/pass_everything" "$mailauth"
	expect_caught flip_dmarc python3 tests/agreement/compare_mailauth.py "$tmp/flip_dmarc" "$mailauth"
fi
# the CLI cases compare whole JSON outputs: a finding written twice, a trace
# without its trust boundary
expect_caught finding_twice python3 tests/cli/run_cases.py -j 2 "$tmp/finding_twice" testdata/cases/verify/*
expect_caught skip_trust_boundary python3 tests/cli/run_cases.py -j 2 "$tmp/skip_trust_boundary" testdata/cases/trace/*
expect_caught diff_never_worse /usr/bin/python3 tests/diff/run.py "$tmp/diff_never_worse"
expect_caught csv_formulas /usr/bin/python3 tests/formats/run.py "$tmp/csv_formulas"
expect_caught prometheus_twice /usr/bin/python3 tests/formats/run.py "$tmp/prometheus_twice"
expect_caught record_drops_nodata /usr/bin/python3 tests/record/run.py "$tmp/record_drops_nodata"
if command -v chromium >/dev/null; then
	expect_caught html_unescaped /usr/bin/python3 tests/html/run.py "$tmp/html_unescaped" "$build"
fi
for m in db_message_off db_week_lost db_always_ready db_auth_lost; do
	expect_caught $m /usr/bin/python3 tests/store/run.py "$tmp/$m" sqlite
done
expect_caught imap_waits /usr/bin/python3 tests/store/run.py "$tmp/imap_waits" imap
expect_caught i18n_json_translated python3 tests/i18n/run.py "$tmp/i18n_json_translated" "$build"
expect_caught i18n_ignores_locale python3 tests/i18n/run.py "$tmp/i18n_ignores_locale" "$build"
expect_caught bounce_charset_lost python3 tests/i18n/run.py "$tmp/bounce_charset_lost" "$build"
expect_caught smtp_suite_lost /usr/bin/python3 tests/tls/run.py "$tmp/smtp_suite_lost"
expect_caught smtp_tls10_added /usr/bin/python3 tests/tls/run.py "$tmp/smtp_tls10_added"
expect_caught jobs_reversed /usr/bin/python3 tests/cli/batch_order.py "$tmp/jobs_reversed"
expect_caught completed_drops_one /usr/bin/python3 tests/cli/batch_order.py "$tmp/completed_drops_one"
if [ -d "$suites/bounces" ]; then
	expect_caught status_from_ip python3 tests/bounce/run_suite.py "$tmp/status_from_ip" "$suites/bounces"
	expect_caught every_bounce_no_bounce python3 tests/bounce/run_suite.py "$tmp/every_bounce_no_bounce" "$suites/bounces"
fi
if [ -d "$suites/reports/samples" ]; then
	expect_caught leak python3 tests/report/run_suite.py "$tmp/leak" "$suites/reports/samples"
fi
echo "mutants: $caught caught, $missed missed"
[ "$missed" = 0 ]
