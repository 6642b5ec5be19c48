#!/usr/bin/env bash
# What `meson install` puts on a machine, checked from a DESTDIR:
# the program, the library (shared and static) with its headers and
# pkg-config file (a program of somebody else's is built with it and run),
# the man page (mandoc -T lint), the bash completion (asked for completions),
# the zsh completion (loaded by compinit), and the JSON schema.
#   run.sh BUILD_DIR      -- last line: "install: N passed, N failed"
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/mailcheck-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # check NAME COMMAND...: one line, counted
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok   $name"; passed=$((passed + 1))
	else
		echo "FAIL $name"; sed 's/^/     /' <<<"$out" | tail -20; failed=$((failed + 1))
	fi
}

if ! meson install -C "$build" --destdir "$tmp/dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"; echo "install: 0 passed, 1 failed"; exit 1
fi
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
libdir=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="libdir"][0])')
d=$tmp/dest$prefix
[[ $libdir = /* ]] && lib=$tmp/dest$libdir || lib=$d/$libdir

for f in bin/mailcheck include/mailcheck/verify.h include/mailcheck/dns.h \
	share/man/man1/mailcheck.1 share/man/ja/man1/mailcheck.1 \
	share/bash-completion/completions/mailcheck \
	share/zsh/site-functions/_mailcheck share/mailcheck/mailcheck.schema.json \
	share/locale/ja/LC_MESSAGES/mailcheck.mo; do
	check "installed $f" test -s "$d/$f"
done
check "installed the shared and static library" bash -c "ls '$lib'/libmailcheck.so.0 && ls '$lib'/libmailcheck.a"
check "installed mailcheck runs" bash -c "'$d/bin/mailcheck' --version | grep -q '^mailcheck '"
# its Japanese catalogue, where the program looks for it (here: in DESTDIR)
if locale -a 2>/dev/null | grep -qi '^ja_JP\.utf-\?8$'; then
	check "installed mailcheck answers in Japanese under LANG=ja_JP.UTF-8" bash -c \
		"cd '$root' && LANG=ja_JP.UTF-8 LC_ALL= LANGUAGE= MAILCHECK_LOCALEDIR='$d/share/locale' \
		'$d/bin/mailcheck' --zone testdata/zones mx example.com | grep -q 'MXホスト'"
fi
# domain, bounce and report run in the helper, found from the program's own
# place (bin/../libexec/mailcheck), so also in a DESTDIR or a moved tree
check "installed the helper in libexec/mailcheck" test -x "$d/libexec/mailcheck/mailcheck-helper"
check "installed mailcheck runs domain, bounce and report through its helper" bash -c "
	'$d/bin/mailcheck' --zone '$root/testdata/zones' --json domain example.com | grep -q '\"command\":\"domain\"' &&
	'$d/bin/mailcheck' bounce '$root/testdata/bounce/qmail_unknown.eml' | grep -q 'does not exist' &&
	'$d/bin/mailcheck' report --no-lookups '$root/testdata/reports' >/dev/null; [ \$? -le 1 ]"
check "installed mailcheck loads no library it does not use (libcurl, GMime, libxml2, libzip)" bash -c "
	! ldd '$d/bin/mailcheck' | grep -E 'libcurl|libgmime|libxml2|libzip|libglib'"

pc=$lib/pkgconfig/mailcheck.pc
check "pkg-config file" test -s "$pc"
# the .pc file as it would read had the prefix been the DESTDIR one
mkdir -p "$tmp/pc" && sed "s|^prefix=.*|prefix=$d|" "$pc" > "$tmp/pc/mailcheck.pc"
export PKG_CONFIG_PATH=$tmp/pc
consumer() {
	local cflags libs
	cflags=$(pkg-config --cflags mailcheck) || return 1
	libs=$(pkg-config --libs mailcheck) || return 1
	cc -Wall -Wextra -Werror $cflags "$root/tests/install/consumer.c" -o "$tmp/consumer" $libs || return 1
	out=$(LD_LIBRARY_PATH=$lib "$tmp/consumer" "$root/testdata/zones/example.com.zone" example.com) || return 1
	[ "$out" = "example.com mx 2" ] || { echo "consumer printed: $out"; return 1; }
}
check "a program built with pkg-config --cflags --libs mailcheck runs" consumer
static_consumer() {
	local cflags libs
	cflags=$(pkg-config --cflags mailcheck) || return 1
	# the card libraries themselves shared (their static closure needs
	# libdb-dev and more); what the .pc lists as private, and the archive
	libs="$(pkg-config --print-requires-private mailcheck | awk '{print $1}' | xargs pkg-config --libs)"
	libs+=" $(sed -n 's/^Libs.private: //p' "$tmp/pc/mailcheck.pc")"
	cc $cflags "$root/tests/install/consumer.c" -o "$tmp/consumer-static" "$lib/libmailcheck.a" $libs || return 1
	"$tmp/consumer-static" "$root/testdata/zones/example.com.zone" example.com | grep -qx "example.com mx 2"
}
check "a program linked with libmailcheck.a and the private libraries of the .pc runs" static_consumer

if command -v mandoc >/dev/null; then
	check "man page: mandoc -T lint" bash -c "mandoc -T lint -W warning '$d/share/man/man1/mailcheck.1'"
	# the Japanese page loads groff's ja.tmac (line breaks between Japanese
	# characters), a request mandoc declines: that line aside, it is clean
	check "Japanese man page: mandoc -T lint" bash -c "! mandoc -T lint -W warning \
		'$d/share/man/ja/man1/mailcheck.1' 2>&1 | grep -v 'skipping insecure request: mso' | grep ."
fi
# the Japanese page as man shows it in a Japanese locale: Japanese, its lines
# broken within 80 columns
ja_man() {
	local out
	out=$(LANG=ja_JP.UTF-8 MANWIDTH=80 man -l "$d/share/man/ja/man1/mailcheck.1" 2>/dev/null) || return 1
	grep -q '送信ドメイン認証' <<<"$out" || return 1
	python3 -c '
import sys, unicodedata
wide = lambda l: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
sys.exit(any(wide(l) > 80 and not l.lstrip().startswith("mailcheck ") for l in sys.stdin.read().splitlines()))' <<<"$out"
}
if command -v man >/dev/null; then
	check "Japanese man page shown by man (ja_JP.UTF-8), lines within 80 columns" ja_man
fi

complete_words() { # complete_words WORD...: what bash completes for the last word
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mailcheck; echo "${COMPREPLY[*]}"' \
		_ "$d/share/bash-completion/completions/mailcheck" "$@"
}
bash_completion() {
	[ "$(complete_words mailcheck "")" = "mx spf dkim dmarc trace verify domain bounce report blocklist diff smtp" ] || return 1
	[ "$(complete_words mailcheck smtp example.com --net)" = "--net-timeout" ] || return 1
	[ "$(complete_words mailcheck bl)" = "blocklist" ] || return 1
	[ "$(complete_words mailcheck di)" = "diff" ] || return 1
	[ "$(complete_words mailcheck verify --li)" = "--links" ] || return 1
	[ "$(complete_words mailcheck blocklist 192.0.2.1 --dqs)" = "--dqs-key" ] || return 1
	[ "$(complete_words mailcheck verify --no-b)" = "--no-blocklists" ] || return 1
	[ "$(complete_words mailcheck bo)" = "bounce" ] || return 1
	[ "$(complete_words mailcheck verify --jo)" = "--jobs" ] || return 1
	[ "$(complete_words mailcheck dkim --comp)" = "--compare" ] || return 1
	[ "$(complete_words mailcheck domain example.com --jo)" = "--jobs" ] || return 1
	[ "$(complete_words mailcheck domain - --order c)" = "completed" ] || return 1
	[ "$(complete_words mailcheck --zone x.zone ve)" = "verify" ] || return 1
	[ "$(complete_words mailcheck verify --mail)" = "--mail-from" ] || return 1
	[ "$(complete_words mailcheck spf example.com 192.0.2.1 --se)" = "--sender" ] || return 1
	[ "$(complete_words mailcheck dkim --sel)" = "--selector" ] || return 1
	[ "$(complete_words mailcheck --js)" = "--json" ] || return 1
}
check "bash completion: commands, global and per-command options" bash_completion
if command -v zsh >/dev/null; then
	check "zsh completion loads (compinit)" zsh -f -c "fpath=('$d/share/zsh/site-functions' \$fpath); autoload -U compinit; compinit -u -d '$tmp/zcompdump'; [[ \${_comps[mailcheck]} == _mailcheck ]]"
fi
check "JSON schema is a valid 2020-12 schema" python3 -c "
import json, jsonschema, sys
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))" "$d/share/mailcheck/mailcheck.schema.json"

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
