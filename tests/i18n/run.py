#!/usr/bin/env python3
"""mailcheck in Japanese: the catalogue checked, and the program run under
LANG=ja_JP.UTF-8 and LANG=C.

- po/ja.po passes msgfmt -c (each translation's format takes the English
  message's arguments) with no untranslated or fuzzy message;
- every message of the files in po/POTFILES (extracted again, as
  `ninja mailcheck-pot` does) is in po/ja.po, and none is there that no
  longer exists;
- under LANG=ja_JP.UTF-8 the text is Japanese (the verdict, the headline,
  the findings and their fixes), the JSON byte for byte the JSON under
  LANG=C; LANGUAGE=ja without a Japanese locale changes nothing (as in GNU
  programs, the locale must exist);
- LANG=C output holds no Japanese.
Skipped (counted) when the ja_JP.UTF-8 locale or gettext's tools are missing.
  run.py MAILCHECK BUILD_DIR      last line: "i18n: N passed, N failed[, N skipped]"
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from tally import check, skip  # noqa: E402
import tally  # noqa: E402

MC, BUILD = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def keywords():
    """xgettext's arguments, as po/meson.build gives them."""
    with open(os.path.join(ROOT, "po", "meson.build")) as f:
        text = f.read()
    return re.findall(r"'(--[a-z-]+=[^']*)'", text)


def catalogue():
    po = os.path.join(ROOT, "po", "ja.po")
    r = subprocess.run(["msgfmt", "-c", "--statistics", "-o", "/dev/null", po],
                       capture_output=True, text=True)
    check("po/ja.po: msgfmt -c (%s)" % r.stderr.strip().splitlines()[-1:],
          r.returncode == 0 and "untranslated" not in r.stderr and "fuzzy" not in r.stderr,
          r.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "mailcheck.pot")
        r = subprocess.run(["xgettext", "--files-from=po/POTFILES", "--directory=.",
                            "--output=" + pot] + [k for k in keywords()
                                                  if not k.startswith("--msgid-bugs")],
                           cwd=ROOT, capture_output=True, text=True)
        if r.returncode:
            check("the messages extracted from po/POTFILES", False, r.stderr)
            return
        # each message of the sources in the catalogue; none there in excess
        missing = subprocess.run(["msgcmp", po, pot], capture_output=True, text=True)
        check("every message of the files in po/POTFILES is in po/ja.po",
              missing.returncode == 0, missing.stderr)
        extra = subprocess.run(["msgcomm", "--less-than=2", "--no-wrap", "-u", po, pot],
                               capture_output=True, text=True)
        stale = [m for m in re.findall(r'^msgid "(.+)"$', extra.stdout, re.M)]
        check("no message in po/ja.po that the sources no longer have", not stale, stale[:5])


def run(args, lang, **env):
    e = dict(os.environ, MAILCHECK_LOCALEDIR=os.path.join(BUILD, "po"), NO_COLOR="1")
    for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        e.pop(k, None)
    e["LANG"] = lang
    e.update(env)
    return subprocess.run([MC] + args, cwd=ROOT, capture_output=True, text=True, env=e,
                          timeout=60)


def program():
    have = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
    if not re.search(r"^ja_JP\.utf-?8$", have, re.M | re.I):
        skip("mailcheck under LANG=ja_JP.UTF-8", "no ja_JP.UTF-8 locale (scripts/install-deps "
             "makes it)")
        return
    cases = [
        (["--zone", "testdata/zones", "mx", "example.com"],
         ["合格", "example.comのメールは2台のMXホストで受け取ります"]),
        (["--zone", "testdata/zones", "mx", "nomx.test"],
         ["不合格", "nomx.testは存在しません", "エラー:", "対処:", "[mx.nxdomain]"]),
        (["--zone", "testdata/zones", "spf", "example.com", "192.0.2.1"],
         ["不合格  example.comは192.0.2.1からの送信を許可していません",
          "「-all」より前に「ip4:192.0.2.1」を追加してください", "[spf.fail]"]),
        # a Japanese rental server's PHP mail: the provider by its Japanese name
        (["--zone", "testdata/zones", "spf", "shop.example.jp", "153.121.56.211"],
         ["153.121.56.211はさくらのレンタルサーバのサーバーです",
          "「include:_spf.sakura.ne.jp」を追加してください"]),
        (["--zone", "testdata/zones", "spf", "example.com"],
         ["SPFレコードは有効です", "includeの構成:", "[参照2回]"]),
        (["--zone", "testdata/zones/_domainkey.example.net.zone", "--now", "1795600000", "dkim",
          "testdata/dkim/body_changed.eml"],
         ["DKIM署名1個のうち0個が検証に通りました", "本文が変わりました", "33バイトが追加されています",
          "[dkim.body_hash_mismatch]"]),
        (["--zone", "testdata/zones", "verify", "testdata/verify/esp_body_changed.eml"],
         ["example.netからのメールは認証されていません", "example.netのDMARCは失敗しました",
          "ポリシーは受信側に受信拒否を求めています", "example.netのDKIM署名が壊れました"]),
        (["--zone", "testdata/zones", "--now", "1795600000", "verify",
          "testdata/lists/list_footer.eml"],
         ["このメールはメーリングリストlists.testのdev.lists.test(Mailman)を経由しています",
          "リストによる件名へのタグ[dev]の追加、本文への139バイトのフッターの追加で",
          "[verify.list_modified]"]),
        (["--zone", "testdata/zones", "--now", "1795600000", "dkim", "testdata/lists/arc_broken.eml"],
         ["ARCチェーン: fail (1セット)", "ARCチェーンはインスタンス1で失敗しました",
          "最新のメッセージ署名(インスタンス1、d=lists.test)が検証に通りません", "[arc.fail]"]),
        (["--zone", "testdata/zones", "domain", "shop.test"],
         ["shop.testのメール設定にエラーはありません(警告を確認してください)",
          "1台、最優先はmail.shop.test、逆引きに不備あり", "_mta-stsレコードなし",
          "[mx.ptr_mismatch]", "対処:"]),
        (["--zone", "testdata/zones", "-q", "domain", "good.test", "broken.test"],
         ["2件のドメイン: エラーなし1件、エラーあり1件", "項目", "未公開",
          "指摘(警告とエラー)と、それがあるドメインの数:"]),
        (["--zone", "testdata/zones", "blocklist", "web.rep.test"],
         ["web.rep.testは、受信側がメールの拒否に使うブロックリスト1個に掲載されています",
          "掲載(拒否)", "掲載なし", "203.0.113.50 (暗黙のMX)", "[blocklist.listed]",
          "PBLからの削除を申請してください"]),
        (["--zone", "testdata/zones", "report", "testdata/reports/esp.test"],
         ["集計レポート3件", "esp.testのポリシー: p=quarantine", "通数", "送信元",
          "Mailchimp (PTR mail57.mcsv.net)はesp.testとして400通を送り",
          "不明なサーバー192.0.2.99はesp.testとして40通を送り、すべてに失敗しています",
          "SPFレコードにinclude:servers.mcsv.netを追加したうえで", "p=quarantineかp=reject"]),
        (["--zone", "testdata/zones", "--now", "1795600000", "report", "testdata/reports/tls"],
         ["SMTP TLSレポート", "成功したセッション"]),
        (["--zone", "testdata/zones", "domain", "--requirements", "gmail", "shop.test"],
         ["大量送信者向けの要件 gmail: 9件中0件を満たしていません", "送信ドメインでSPFかDKIMに合格する",
          "メールごとの性質です", "出典:"]),
        (["verify", "testdata/trace/php_local.eml"],
         ["このメールはローカル配送されたため、送信ドメイン認証が行われていません",
          "[trace.local_delivery]"]),
        (["trace", "testdata/trace/php_local.eml"],
         ["ローカル配送  受信サーバーはSPF、DKIM、DMARCを確認していません", "このメールはローカル配送されました",
          "[trace.local_delivery]"]),
        # bounces: a carrier's refusal written in ISO-2022-JP, a PHP app's bounce
        # at the web server's user, a batch and its summary
        (["--zone", "testdata/zones", "bounce", "testdata/bounce/jp_carrier_iso2022jp.eml"],
         ["不合格  1件の宛先で配送に失敗しました", "応答: 送信先のメールアドレスが存在しません。",
          "docomoがtaro@docomo.ne.jpへの配送を拒否しました: 宛先のメールアドレスが存在しません",
          "なりすまし規制", "[bounce.carrier_filter]"]),
        (["--zone", "testdata/zones", "bounce", "testdata/bounce/php_www_data.eml"],
         ["戻ってきた元のメール(ヘッダーのみ)を受信側と同じように確認した結果",
          "ローカルのメールボックスに届き、誰にも読まれません", "[bounce.to_system_user]"]),
        (["bounce", "testdata/bounce/jp_sjis_full.eml", "testdata/bounce/jp_dsn_eucjp.eml"],
         ["メールボックスの容量がいっぱいです", "2通: 配送失敗のあるもの2通",
          "配送に失敗した宛先(ステータス、分類、相手先ごと):"]),
        (["--zone", "testdata/zones", "dmarc", "nodmarc.test"],
         ["nodmarc.testにはDMARCレコードがありません", "[dmarc.none]",
          "対処: _dmarc.nodmarc.testにTXTレコード"]),
    ]
    # domain's table lines up by display width: every reason starts in one column
    r = run(["--zone", "testdata/zones", "domain", "shop.test"], "ja_JP.UTF-8")
    starts = set()
    for line in r.stdout.splitlines()[1:14]:
        m = re.match(r"^  (\S+ +\S+ +)\S", line)
        if m:
            starts.add(sum(2 if ord(c) > 0x2e80 else 1 for c in m.group(1)))
    check("domain's parts table lines up in Japanese (by display width)", len(starts) == 1,
          r.stdout)
    # labels line up by display width: each value starts in the same column
    r = run(["--zone", "testdata/zones", "spf", "example.com", "203.0.113.9"], "ja_JP.UTF-8")
    columns = set()
    for line in r.stdout.splitlines()[1:5]:
        m = re.match(r"^  (\S+:)( +)", line)
        if m:
            columns.add(sum(2 if ord(c) > 0x2e80 else 1 for c in m.group(1)) + len(m.group(2)))
    check("spf's labels line up in Japanese (by display width)", len(columns) == 1, r.stdout)
    for args, words in cases:
        ja, c = run(args, "ja_JP.UTF-8"), run(args, "C")
        check("LANG=ja_JP.UTF-8 mailcheck %s: Japanese, exit status as in C" % " ".join(args[2:]),
              all(w in ja.stdout for w in words) and ja.returncode == c.returncode,
              (ja.returncode, c.returncode, ja.stdout, [w for w in words if w not in ja.stdout]))
        # a reply quoted from the input may be Japanese in any language
        own = re.sub(r"(?m)^ *reply: .*$", "", c.stdout + c.stderr)
        check("LANG=C mailcheck %s: no Japanese (quoted replies aside)" % " ".join(args[2:]),
              not JAPANESE.search(own), c.stdout)
        jj, jc = run(["--json"] + args, "ja_JP.UTF-8"), run(["--json"] + args, "C")
        timeless = lambda s: re.sub(r'"time_ms":[0-9.]+', '"time_ms":0', s)
        check("mailcheck --json %s: the same bytes in Japanese and in C (times aside)"
              % " ".join(args[2:]), timeless(jj.stdout) == timeless(jc.stdout) and
              jj.stdout.startswith("{"), (jj.stdout[:200], jc.stdout[:200]))
    # --help: the overview and every command's help in Japanese, the prose
    # within 80 columns (a Japanese character takes two)
    overview = run(["--help"], "ja_JP.UTF-8").stdout
    commands = re.findall(r"(?m)^  ([a-z]+) +\S", overview.split("コマンド:")[-1].split("オプション")[0])
    check("mailcheck --help in Japanese lists the commands",
          overview.startswith("使い方: mailcheck [OPTIONS] COMMAND") and len(commands) >= 11,
          overview[:400])
    wide = lambda line: sum(2 if ord(ch) > 0x2e80 else 1 for ch in line)
    for name in commands:
        r = run([name, "--help"], "ja_JP.UTF-8")
        long = [line for line in r.stdout.splitlines() if JAPANESE.search(line) and
                wide(line) > 80 and not line.startswith("使い方:")]
        check("mailcheck %s --help in Japanese" % name,
              r.stdout.startswith("使い方: mailcheck " + name) and "終了ステータス:" in r.stdout
              and not long and r.returncode == 0, long or r.stdout[:300])
    # report --db: the weeks' table lined up by display width, the trends in Japanese
    with tempfile.TemporaryDirectory() as tmp:
        db = "sqlite:" + os.path.join(tmp, "r.db")
        run(["--zone", "testdata/zones", "--now", "2026-12-05", "report", "-q", "--db", db,
             "testdata/report-weeks"], "C")
        r = run(["--zone", "testdata/zones", "--now", "2026-12-05", "report", "--db", db,
                 "--since", "4w"], "ja_JP.UTF-8")
        rows = [line for line in r.stdout.splitlines() if re.match(r"^    (週の初日|2026-)", line)]
        ends = {sum(2 if ord(c) > 0x2e80 else 1 for c in line) for line in rows}
        check("report --db in Japanese: the weeks, the trends and the readiness, lined up",
              "週ごと(月曜始まり、UTC):" in r.stdout and "準備状況" in r.stdout and
              "直近7日間のレポートで初めて見えた送信元" in r.stdout and len(rows) >= 3 and
              len(ends) == 1, r.stdout[-1500:])
    # errors: in Japanese on stderr, English in --json's error object; a
    # system error's words (strerror) stay English, never "?" for the
    # characters a C LC_CTYPE cannot show
    errors = [
        (["mx", "exa mple.com"], "ドメイン「exa mple.com」は無効です"),
        (["--zone", "/nonexistent/zones", "mx", "example.com"],
         "ゾーンファイル「/nonexistent/zones」を読めません: No such file or directory"),
        (["spf", "--bogus", "example.com"], "「--bogus」というオプションはありません"),
        (["verify", "/nonexistent/message.eml"], "「/nonexistent/message.eml」を読めません"),
    ]
    for args, words in errors:
        ja, c = run(args, "ja_JP.UTF-8"), run(args, "C")
        check("LANG=ja_JP.UTF-8 mailcheck %s: the error in Japanese, exit 2" % " ".join(args),
              words in ja.stderr and ja.stderr.startswith("mailcheck: エラー: ") and
              ja.returncode == c.returncode == 2 and "?" not in ja.stderr.split(":", 2)[2][:3],
              (ja.returncode, ja.stderr))
        jj, jc = run(["--json"] + args, "ja_JP.UTF-8"), run(["--json"] + args, "C")
        check("mailcheck --json %s: the error object the same bytes in Japanese and in C"
              % " ".join(args), jj.stdout == jc.stdout and '"error"' in jj.stdout and
              not JAPANESE.search(jj.stdout), (jj.stdout, jc.stdout))
    # the language follows the locale: LANGUAGE alone, without a Japanese
    # locale, is not enough (gettext ignores it under C)
    r = run(cases[0][0], "C", LANGUAGE="ja")
    check("LANGUAGE=ja under LANG=C: English", not JAPANESE.search(r.stdout), r.stdout)
    r = run(cases[0][0], "ja_JP.UTF-8", LC_MESSAGES="C")
    check("LC_MESSAGES=C under LANG=ja_JP.UTF-8: English", not JAPANESE.search(r.stdout),
          r.stdout)
    r = run(cases[0][0], "C", LC_ALL="ja_JP.UTF-8")
    check("LC_ALL=ja_JP.UTF-8 under LANG=C: Japanese", JAPANESE.search(r.stdout), r.stdout)


def main():
    if not shutil.which("msgfmt") or not shutil.which("xgettext"):
        skip("the catalogue", "no gettext tools (scripts/install-deps installs them)")
    else:
        catalogue()
    program()
    print(tally.line("i18n: "))
    return 1 if tally.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
