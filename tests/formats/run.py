#!/usr/bin/env python3
"""--csv and --prometheus, read back by strict readers.

CSV (Python's csv module): every row has the header's columns; no cell
begins with =, +, -, @, a tab or a CR (a spreadsheet would run it) unless
it begins with '; the rows say what the JSON of the same run says (result
and parts of domain, listings of blocklist, messages per source of report).
Prometheus: the text format read line by line by the reader below -- HELP
and TYPE before a family's samples, each family in one group, metric and
label names by the grammar, label values with only the three escapes, no
series twice, values that parse -- and the gauges match the JSON. The file
is replaced whole: no temporary file left beside it.
  run.py MAILCHECK      last line: "formats: N passed, N failed"
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
PART = {"pass": 0, "warning": 1, "not_published": 1, "error": 2, "temperror": 3, "not_checked": 3}
RESULT = {"pass": 0, "fail": 2, "temperror": 3}


def run(mc, args, stdin=""):
    p = subprocess.run([mc] + args, cwd=ROOT, input=stdin, capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, NO_COLOR="1"))
    return p.returncode, p.stdout, p.stderr


def read_csv(text, problems):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        problems.append("no CSV at all")
        return []
    header = rows[0]
    for r in rows[1:]:
        if len(r) != len(header):
            problems.append("a row of %d cells under %d columns: %r" % (len(r), len(header), r))
        for c in r:
            if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
                problems.append("a cell a spreadsheet would run: %r" % c)
    return [dict(zip(header, r)) for r in rows[1:]]


def unescape(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), v)


def read_prometheus(text, problems):
    """{(family, frozenset(labels)): value}, by the text format's rules."""
    samples, declared, done, current = {}, {}, set(), None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if len(parts) < 4 or not NAME.match(parts[2]):
                problems.append("line %d: bad %s" % (n, line))
                continue
            if parts[2] in done:
                problems.append("line %d: family %s split in two groups" % (n, parts[2]))
            if line.startswith("# TYPE ") and parts[3] not in ("gauge", "counter", "untyped"):
                problems.append("line %d: type %s" % (n, parts[3]))
            declared.setdefault(parts[2], set()).add(parts[1])
            if current and current != parts[2]:
                done.add(current)
            current = parts[2]
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$", line)
        if not m:
            problems.append("line %d: not a sample: %r" % (n, line))
            continue
        name, labels, value = m.group(1), m.group(3) or "", m.group(4)
        if name != current or declared.get(name) != {"HELP", "TYPE"}:
            problems.append("line %d: sample of %s outside its group (HELP and TYPE first)" % (n, name))
        pairs = LABEL.findall(labels)
        rebuilt = ",".join('%s="%s"' % p for p in pairs)
        if rebuilt != labels:
            problems.append("line %d: labels do not parse: %r" % (n, labels))
        try:
            v = float(value)
        except ValueError:
            problems.append("line %d: value %r" % (n, value))
            continue
        key = (name, frozenset((k, unescape(x)) for k, x in pairs))
        if key in samples:
            problems.append("line %d: series twice: %r" % (n, line))
        samples[key] = v
    if not text.endswith("\n"):
        problems.append("the file does not end with a newline")
    return samples


def gauge(samples, family, **labels):
    return samples.get((family, frozenset(labels.items())))


def check_domain(mc, tmp):
    problems = []
    names = "example.com\ngood.test\n=1+2.example\n-cmd.example\n@sum.example\n"
    prom = os.path.join(tmp, "domains.prom")
    rc, out, err = run(mc, ["--zone", "testdata/zones", "--csv", "--prometheus", prom,
                            "domain", "-"], names)
    _, js, _ = run(mc, ["--zone", "testdata/zones", "--json", "domain", "-"], names)
    rows = read_csv(out, problems)
    reports = [j for j in map(json.loads, js.splitlines()) if "domain" in j]  # not the error objects
    if [r["domain"].lstrip("'") for r in rows] != [j["domain"] for j in reports]:
        problems.append("CSV rows %r, JSON %r" % ([r["domain"] for r in rows],
                                                  [j["domain"] for j in reports]))
    for r, j in zip(rows, reports):
        if r["result"] != j["result"]:
            problems.append("%s: CSV result %s, JSON %s" % (j["domain"], r["result"], j["result"]))
        for part, p in j["parts"].items():
            if r.get(part) != p["status"]:
                problems.append("%s %s: CSV %s, JSON %s" % (j["domain"], part, r.get(part), p["status"]))
    if os.listdir(tmp) != ["domains.prom"]:
        problems.append("files beside the metrics: %r" % os.listdir(tmp))
    with open(prom) as f:
        samples = read_prometheus(f.read(), problems)
    for j in reports:
        if gauge(samples, "mailcheck_result", command="domain", domain=j["domain"]) != RESULT[j["result"]]:
            problems.append("%s: mailcheck_result is not %s" % (j["domain"], j["result"]))
        for part, p in j["parts"].items():
            if gauge(samples, "mailcheck_part_status", domain=j["domain"], part=part) != PART[p["status"]]:
                problems.append("%s %s: gauge is not %s" % (j["domain"], part, p["status"]))
    return problems


def check_blocklist(mc, tmp):
    problems = []
    prom = os.path.join(tmp, "lists.prom")
    args = ["--zone", "testdata/zones", "blocklist", "listed.rep.test", "127.0.0.2", "192.0.2.1"]
    rc, out, _ = run(mc, ["--csv", "--prometheus", prom] + args)
    _, js, _ = run(mc, ["--json"] + args)
    rows = read_csv(out, problems)
    reports = [json.loads(l) for l in js.splitlines()]
    with open(prom) as f:
        samples = read_prometheus(f.read(), problems)
    for r, j in zip(rows, reports):
        listed = [h for h in j["results"] if h["state"] == "listed"]
        if int(r["listed_blocking"]) != j["listed_blocking"] or r["result"] != j["result"]:
            problems.append("%s: CSV %r, JSON %s/%s" % (j["input"], r, j["result"], j["listed_blocking"]))
        for h in listed:
            if ("%s %s (" % (h["list"], h["target"])) not in r["listings"]:
                problems.append("%s: listing %s %s not in the CSV" % (j["input"], h["list"], h["target"]))
            if gauge(samples, "mailcheck_blocklist_listed", input=j["input"], list=h["list"],
                     target=h["target"]) != 1:
                problems.append("%s: no listed gauge for %s %s" % (j["input"], h["list"], h["target"]))
        n = sum(1 for k in samples if k[0] == "mailcheck_blocklist_listed" and ("input", j["input"]) in k[1])
        if n != len(listed):
            problems.append("%s: %d listed gauges, %d listings" % (j["input"], n, len(listed)))
    return problems


def check_report(mc, tmp):
    problems = []
    rc, out, _ = run(mc, ["--zone", "testdata/zones", "--csv", "report", "testdata/reports/"])
    _, js, _ = run(mc, ["--zone", "testdata/zones", "--json", "report", "testdata/reports/"])
    rows = read_csv(out, problems)
    sources = json.loads(js)["sources"]
    got = [(r["ip"], int(r["messages"]), int(r["dmarc_pass"])) for r in rows]
    want = [(s["ip"], s["messages"], s["dmarc_pass"]) for s in sources]
    if got != want:
        problems.append("CSV sources %r, JSON %r" % (got[:5], want[:5]))
    return problems


FORMULAS = ["=HYPERLINK(\"http://x.example/\",\"click\")", "+1+2", "-3+4", "@SUM(1)", "\tx", "a,\"b\"\nc"]


def hostile_report(tmp):
    """An aggregate report anyone could send, whose header_from values are
    spreadsheet formulas, quotes, commas and line ends."""
    rows = "".join(
        "<record><row><source_ip>192.0.2.%d</source_ip><count>%d</count><policy_evaluated>"
        "<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>"
        "<identifiers><header_from>%s</header_from></identifiers><auth_results><spf><domain>x.example"
        "</domain><result>fail</result></spf></auth_results></record>"
        % (i + 1, 10 + i, f.replace("&", "&amp;").replace("<", "&lt;"))
        for i, f in enumerate(FORMULAS))
    path = os.path.join(tmp, "hostile.xml")
    with open(path, "w") as f:
        f.write("<?xml version=\"1.0\"?><feedback><report_metadata><org_name>=cmd|' /C calc'!A0"
                "</org_name><report_id>1</report_id><date_range><begin>1795564800</begin><end>1795651199"
                "</end></date_range></report_metadata><policy_published><domain>esp.test</domain><p>none"
                "</p></policy_published>" + rows + "</feedback>")
    return path


def check_hostile_report(mc, tmp):
    problems = []
    rc, out, err = run(mc, ["--zone", "testdata/zones", "--csv", "report", "--no-lookups",
                            hostile_report(tmp)])
    rows = read_csv(out, problems)
    cells = " ".join(r["header_from"] for r in rows).lower()
    for f in FORMULAS:
        if f.strip() and f.split("(")[0].strip("\t").lower() not in cells:
            problems.append("header_from %r missing from the CSV: %r" % (f, cells[:300]))
    if len(rows) != len(FORMULAS):
        problems.append("%d rows for %d sources (a line end in a cell split a row?)" % (len(rows), len(FORMULAS)))
    return problems


def check_refusals(mc, tmp):
    problems = []
    for args, text in ((["--csv", "mx", "example.com"], "--csv is for"),
                       (["--prometheus", os.path.join(tmp, "x.prom"), "mx", "example.com"], "--prometheus is for"),
                       (["--csv", "--json", "blocklist", "192.0.2.1"], "cannot be used together"),
                       (["--zone", "testdata/zones", "--prometheus", "/nonexistent/dir/x.prom",
                         "blocklist", "192.0.2.1"], "cannot write /nonexistent/dir/x.prom")):
        rc, out, err = run(mc, args)
        if rc != 2 or text not in err:
            problems.append("%s: exit %d, %r" % (" ".join(args), rc, err.strip()[:200]))
    return problems


def main():
    mc = os.path.abspath(sys.argv[1])
    passed = failed = 0
    for name, check in (("domain --csv --prometheus", check_domain),
                        ("blocklist --csv --prometheus", check_blocklist),
                        ("report --csv", check_report),
                        ("report --csv of a hostile report", check_hostile_report),
                        ("refusals", check_refusals)):
        with tempfile.TemporaryDirectory() as tmp:
            problems = check(mc, tmp)
        if problems:
            failed += 1
            print("FAIL %s\n     %s" % (name, "\n     ".join(problems[:20])))
        else:
            passed += 1
            print("ok   %s" % name)
    print("formats: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
