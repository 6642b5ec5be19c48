#!/usr/bin/env python3
"""--html pages opened in a real browser (Debian's chromium, headless).

Each kind of page -- a batch of domains, messages through verify (one of
them hostile: payloads in Received hosts, From, Subject and a signature's
d= and s=), a diff whose subjects are payloads -- is written by mailcheck,
then loaded by chromium: the DOM it built must hold no script, no element
that loads anything and no event handler; the document title must be the
one mailcheck wrote (every payload tries to change it); the payloads must
show as text; the console must stay silent (no error, no refused load);
the charts must be there (SVG rects of non-zero width). A screenshot of each
page is kept in BUILD/html-pages/ for a person to look at. The page holds a
Content-Security-Policy that forbids scripts and requests.

Each page is written again under LANG=ja_JP.UTF-8 and goes through the same
checks, and more: <html lang="ja">, and no English sentence in what the
page shows (tests/i18n/english.py) outside code, the payloads, and the
quotations a page marks as English (<q lang="en">: diff quotes the runs'
JSON).
  run.py MAILCHECK BUILD_DIR      last line: "html: N passed, N failed"
"""
import json
from html.parser import HTMLParser
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "i18n"))
from english import english  # noqa: E402
LOADS = re.compile(r"<(script|img|iframe|object|embed|link|audio|video|source|frame)\b", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def browse(browser, page, shot):
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--enable-logging=stderr", "--v=1", "--window-size=1200,1600"]
    dom = subprocess.run(args + ["--dump-dom", "file://" + page], capture_output=True,
                         text=True, timeout=120, errors="replace")
    subprocess.run(args + ["--screenshot=" + shot, "file://" + page], capture_output=True,
                   timeout=120)
    console = [l for l in dom.stderr.splitlines()
               if "CONSOLE" in l or "Uncaught" in l or "Refused to" in l]
    return dom.stdout, console


class Tables(HTMLParser):
    """The cells of each row of each table, as the browser built them."""

    def __init__(self):
        super().__init__()
        self.tables, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append(0)
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1] += 1


def ragged_tables(dom):
    t = Tables()
    t.feed(dom)
    return [rows for rows in t.tables if len(set(rows)) > 1]


def check_page(browser, page, shot, title, payloads, charts):
    problems = []
    with open(page, "rb") as f:
        raw = f.read()
    if len(raw) > 1 << 20:
        problems.append("page of %d bytes (more than 1 MiB)" % len(raw))
    if b"Content-Security-Policy" not in raw or b"default-src 'none'" not in raw:
        problems.append("no Content-Security-Policy forbidding requests")
    dom, console = browse(browser, page, shot)
    if not dom.strip():
        return problems + ["chromium gave no DOM"]
    m = re.search(r"<title>(.*?)</title>", dom, re.S)
    if not m or m.group(1) != title:
        problems.append("title %r, not %r: something ran" % (m.group(1) if m else None, title))
    for pattern, what in ((LOADS, "an element that runs or loads"), (HANDLER, "an event handler"),
                          (JS_URL, "a javascript: URL")):
        hit = pattern.search(dom)
        if hit:
            problems.append("%s in the DOM: %r" % (what, dom[max(0, hit.start() - 40):hit.end() + 40]))
    text = re.sub(r"<[^>]+>", "", dom).replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&amp;", "&").replace("&quot;", '"').replace("&#39;", "'")
    for p in payloads:
        if p not in text:
            problems.append("payload not shown as text: %r" % p)
    if console:
        problems.append("console: %s" % " | ".join(console[:3]))
    for rows in ragged_tables(dom):
        problems.append("a table whose rows have %r cells (a row or cell misplaced)" % rows)
    if charts:
        rects = [int(w) for w in re.findall(r'<rect[^>]*\swidth="(\d+)"', dom)]
        if not re.search(r"<svg\b", dom) or not any(w > 10 for w in rects):
            problems.append("no chart drawn (svg with bars)")
    if not os.path.exists(shot) or os.path.getsize(shot) < 1000:
        problems.append("no screenshot")
    return problems


def shown_english(raw, payloads):
    """The lines of a page's visible text that hold an English sentence."""
    text = raw.decode("utf-8", "replace")
    text = re.sub(r"<(style|code|q lang=\"en\"|desc)\b[^>]*>.*?</(style|code|q|desc)>", " ", text,
                  flags=re.S)
    text = re.sub(r"<(br|li|tr|td|th|h\d|p|title|text|ul|table|section)\b[^>]*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .replace("&#39;", "'").replace("&amp;", "&")
    for p in payloads:
        text = text.replace(p, " ")
    return english(text)


def japanese():
    have = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout
    return re.search(r"^ja_JP\.utf-?8$", have, re.M | re.I) is not None


def run(mc, args, lang=None):
    env = dict(os.environ, NO_COLOR="1")
    if lang:
        for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            env.pop(k, None)
        env.update(LANG=lang, MAILCHECK_LOCALEDIR=os.path.join(os.path.dirname(mc), "po"))
    return subprocess.run([mc] + args, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)


def main():
    mc, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    browser = chromium()
    if not browser:
        print("FAIL no chromium (scripts/install-deps installs it)")
        print("html: 0 passed, 1 failed")
        return 1
    shots = os.path.join(build, "html-pages")
    os.makedirs(shots, exist_ok=True)
    passed = failed = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        # a diff whose subjects are payloads: the JSON anyone could hand it
        with open(os.path.join(ROOT, "testdata/diff/mx_example.com.json")) as f:
            mx = json.loads(f.read())
        old, new = dict(mx), dict(mx)
        old["domain"] = "<script>document.title='PWNED'</script>"
        new["domain"] = old["domain"]
        new["result"] = "fail"
        new["hosts"] = [{"preference": 10, "host": "\"><img src=x onerror=alert(1)>", "canonical": None,
                         "addresses": ["javascript:alert(1)"]}]
        for name, o in (("old.json", old), ("new.json", new)):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(json.dumps(o) + "\n")
        # an aggregate report anyone could send, its From domain a payload
        payload = "<script>document.title='PWNED'</script>.example"
        with open(os.path.join(tmp, "hostile.xml"), "w") as f:
            f.write("<?xml version=\"1.0\"?><feedback><report_metadata><org_name>\"&gt;&lt;img src=x "
                    "onerror=alert(1)&gt;</org_name><report_id>1</report_id><date_range><begin>"
                    "1795564800</begin><end>1795651199</end></date_range></report_metadata>"
                    "<policy_published><domain>esp.test</domain><p>none</p></policy_published>"
                    "<record><row><source_ip>192.0.2.1</source_ip><count>5</count>"
                    "<policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail"
                    "</spf></policy_evaluated></row><identifiers><header_from>%s</header_from>"
                    "</identifiers><auth_results><spf><domain>x.example</domain><result>fail"
                    "</result></spf></auth_results></record></feedback>"
                    % payload.replace("&", "&amp;").replace("<", "&lt;"))
        # a database of ten weeks of reports, one of them hostile, and an SMTP
        # TLS report whose MX host name is a payload: the page over time
        mx_payload = "<img src=x onerror=document.title='PWNED'>.mx.test"
        with open(os.path.join(tmp, "tls-hostile.json"), "w") as f:
            f.write(json.dumps({
                "organization-name": "<script>x</script>", "report-id": "h-1",
                "date-range": {"start-datetime": "2026-11-20T00:00:00Z",
                               "end-datetime": "2026-11-20T23:59:59Z"},
                "policies": [{"policy": {"policy-type": "sts", "policy-domain": "esp.test"},
                              "summary": {"total-successful-session-count": 10,
                                          "total-failure-session-count": 3},
                              "failure-details": [{"result-type": "certificate-expired",
                                                   "receiving-mx-hostname": mx_payload,
                                                   "failed-session-count": 3}]}]}))
        db = "sqlite:" + os.path.join(tmp, "reports.db")
        stored = run(mc, ["report", "--no-lookups", "--db", db, "testdata/report-weeks",
                          os.path.join(tmp, "hostile.xml"), os.path.join(tmp, "tls-hostile.json")])
        if stored.returncode not in (0, 1):
            print("FAIL storing the reports for the report-db page: " + stored.stderr[:200])
            failed += 1
        # kind, arguments, payloads (shown as text in every language), words
        # the English page shows, the same on the Japanese page, charts
        pages = [
            ("report", ["--zone", "testdata/zones", "report", "--no-lookups", "testdata/reports/",
                        os.path.join(tmp, "hostile.xml")], [payload.lower()],
             ["Messages by kind of source"], ["送信元の種類ごとのメール数"], True),
            ("report-db", ["report", "--no-lookups", "--db", db], [payload.lower(), mx_payload],
             ["Ready for p=reject?", "Messages per week: the legitimate sources' mail",
              "SMTP TLS failed sessions per week, by MX host", "Yahoo: 20 reports"],
             ["p=rejectにできるか", "週ごとのメール数: 正規の送信元のメール",
              "週ごとのSMTP TLSの失敗セッション数(MXホスト別)", "Yahoo: レポート20件"], True),
            ("domain", ["--zone", "testdata/zones", "domain", "example.com", "good.test", "names.test"],
             ["sp\\032ace.names.test", "mx1.example.com"], ["What to change"], ["変更すべきこと"],
             True),
            ("verify", ["--zone", "testdata/zones", "verify", "testdata/html/hostile.eml",
                        "testdata/verify/three.mbox"],
             ["\"><img src=x onerror=document.title='PWNED'>", "<script>x</script>.example",
              "mx.example.net<svg/onload=alert(1)>", "javascript:alert"],
             ["Signatures", "Delay at each hop"], ["署名", "各ホップの遅延"], True),
            ("diff", ["diff", os.path.join(tmp, "old.json"), os.path.join(tmp, "new.json")],
             ["<script>document.title='PWNED'</script>", "\"><img src=x onerror=alert(1)>"],
             ["1 compared: 1 worse"], ["1件を比較: 悪化1件"],
             False),
        ]
        langs = [None] + (["ja_JP.UTF-8"] if japanese() else [])
        if len(langs) == 1:
            skipped += len(pages)
            print("skip the pages in Japanese: no ja_JP.UTF-8 locale")
        for (kind, args, payloads, en, ja, charts), lang in [(p, l) for l in langs for p in pages]:
            name = kind + ("-ja" if lang else "")
            page = os.path.join(tmp, name + ".html")
            p = run(mc, ["--html", page] + args, lang)
            if not os.path.exists(page):
                problems = ["no page written (exit %d): %s" % (p.returncode, p.stderr[:200])]
            else:
                problems = check_page(browser, page, os.path.join(shots, name + ".png"),
                                      "mailcheck " + kind.split("-")[0],
                                      payloads + (ja if lang else en), charts)
                if lang:
                    with open(page, "rb") as f:
                        raw = f.read()
                    if b'<html lang="ja">' not in raw:
                        problems.append('no <html lang="ja">')
                    problems += ["English on the Japanese page: %r" % line
                                 for line in shown_english(raw, payloads)[:5]]
            if problems:
                failed += 1
                print("FAIL %s page\n     %s" % (name, "\n     ".join(problems)))
            else:
                passed += 1
                print("ok   %s page (screenshot %s)" % (name, os.path.join(shots, name + ".png")))
    print("html: %d passed, %d failed%s" % (passed, failed,
                                           ", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
