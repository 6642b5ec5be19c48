#!/usr/bin/env python3
"""report --db and report imaps://: reports stored in SQLite and in a real
PostgreSQL, summarised back for a period with trends, and read from a real
Dovecot IMAP server. What is expected is computed from the generated
reports (the input), never from mailcheck's output.

usage: run.py MAILCHECK [sqlite|postgresql|imap ...]"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "transport"))
sys.path.insert(0, os.path.join(HERE, ".."))
import gen  # noqa: E402
import tally  # noqa: E402
from tally import check  # noqa: E402
import servers  # noqa: E402

DAY, WEEK = 86400, 7 * 86400
MC = os.path.abspath(sys.argv[1])
PARTS = sys.argv[2:] or ["sqlite", "postgresql", "imap"]
T0 = 1790208000  # 2026-09-24 00:00 UTC, a Thursday
NOW = T0 + 75 * DAY



def mc(*args, env=None, timeout=120):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([MC, "--now", str(NOW), *args], capture_output=True, text=True,
                          env=e, timeout=timeout)


def mc_json(*args, **kw):
    r = mc("report", "--no-lookups", "--json", *args, **kw)
    try:
        return r, json.loads(r.stdout)
    except ValueError:
        return r, None


def monday(t):
    days = t // DAY
    return (days - (days + 3) % 7) * DAY


# ---- the scenario: ten weeks of daily reports ----

def scenario(d):
    """Reports into d/; returns what a reader should find in them."""
    os.makedirs(d, exist_ok=True)
    reports = []  # (org, begin, end, domain, rows)
    aligned = lambda ip, n: gen.row(ip, n, auth_dkim=[("shop.test", "s1", "pass")],
                                    auth_spf=[("shop.test", "mfrom", "pass")])
    esp = lambda n: gen.row("192.0.2.2", n, dkim="fail", spf="fail",
                            auth_spf=[("bounce.esp.test", "mfrom", "pass")],
                            auth_dkim=[("esp.test", "k1", "pass")])
    spoof = lambda n: gen.row("198.51.100.7", n, dkim="fail", spf="fail",
                              auth_spf=[("shop.test", "mfrom", "fail")], disp="quarantine")
    for day in range(70):
        begin = T0 + day * DAY
        rows = [aligned("192.0.2.1", 100 + day), esp(3 + day % 4)]
        if day < 21:
            rows.append(spoof(5))
        if day >= 65:
            rows.append(aligned("203.0.113.9", 7))
        reports.append(("daily.test", begin, begin + DAY - 1, "shop.test", rows))
        if day < 35:
            reports.append(("stopper.test", begin, begin + DAY - 1, "shop.test",
                            [aligned("192.0.2.1", 10)]))
        if day % 7 == 0:
            reports.append(("weekly.test", begin, begin + 7 * DAY - 1, "other.test",
                            [gen.row("192.0.2.50", 40, hfrom="other.test",
                                     auth_dkim=[("other.test", "o", "pass")])]))
    for i, (org, b, e, dom, rows) in enumerate(reports):
        with open(os.path.join(d, "%04d-%s.xml" % (i, org)), "w") as f:
            f.write(gen.aggregate(org, "%s-%d" % (org, i), b, e, dom, rows))
    tls = []
    for w in range(10):
        fails = [("mx1.shop.test", "certificate-expired", 4 + w)] if w in (2, 5) else []
        tls.append((T0 + w * WEEK, fails))
        with open(os.path.join(d, "tls-%02d.json" % w), "w") as f:
            f.write(gen.tls_report("tlsrep.test", "t-%d" % w, T0 + w * WEEK, "shop.test", fails))
    return reports, tls


def expect(reports, since=0, until=1 << 40, domain=None):
    chosen = [r for r in reports if since <= r[1] < until and (not domain or r[3] == domain)]
    msgs = sum(x["count"] for r in chosen for x in r[4])
    passing = sum(x["count"] for r in chosen for x in r[4]
                  if x["dkim"] == "pass" or x["spf"] == "pass")
    return dict(reports=len(chosen), messages=msgs, dmarc_pass=passing, chosen=chosen)


def trends_expected(reports, tls):
    first = min(r[1] for r in reports)
    last = max(r[2] for r in reports)
    recent = last - WEEK
    weeks = {}
    seen = {}
    for org, b, e, dom, rows in reports:
        w = weeks.setdefault(monday(b), [0, 0, 0, 0])
        for x in rows:
            p = x["count"] if x["dkim"] == "pass" or x["spf"] == "pass" else 0
            w[0] += x["count"]
            w[1] += p
            if x["ip"] != "198.51.100.7":  # the spoofing source is not legitimate
                w[2] += x["count"]
                w[3] += p
            s = seen.setdefault(x["ip"], [b, b])
            s[0], s[1] = min(s[0], b), max(s[1], b)
    new = sorted(ip for ip, (f, _) in seen.items() if f >= recent and first < recent)
    gone = sorted(ip for ip, (_, l) in seen.items() if l < recent)
    orgs = {}
    for org, b, *_ in reports:
        orgs.setdefault(org, set()).add(b // DAY)
    stopped = sorted(o for o, days in orgs.items()
                     if len(days) >= 5 and len(days) * 10 >= (max(days) - min(days) + 1) * 7
                     and max(days) * DAY < last - 4 * DAY)
    tls_weeks = sorted((monday(b), mx, n) for b, fails in tls for mx, _, n in fails)
    legit = sum(w[2] for w in weeks.values())
    legit_pass = sum(w[3] for w in weeks.values())
    ready = ("reject" if legit_pass * 100 >= legit * 99 else
             "quarantine" if legit_pass * 100 >= legit * 95 else "not_yet")
    return dict(weeks=weeks, new=new, gone=gone, stopped=stopped, tls=tls_weeks, ready=ready,
                legit=legit, legit_pass=legit_pass)


def day_of(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def comparable(j):
    """A summary without what only a file reading has (inputs not read,
    duplicates) or only the database (trends, what was stored), nor times."""
    j = dict(j)
    for k in ("unreadable", "unreadable_total", "skipped", "skipped_total", "dns", "database",
              "trends"):
        j.pop(k, None)
    j["aggregate"] = dict(j["aggregate"], duplicates=0)
    return j


def strip_inputs(x):
    if isinstance(x, dict):
        return {k: strip_inputs(v) for k, v in x.items() if k not in ("input", "what")}
    if isinstance(x, list):
        return [strip_inputs(v) for v in x]
    return x


def same_summary(name, a, b):
    a, b = strip_inputs(comparable(a)), strip_inputs(comparable(b))
    if a == b:
        check(name, True)
        return
    diff = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
    check(name, False, "differs in %s: %s / %s" % (diff, json.dumps(a.get(diff[0]))[:600],
                                                   json.dumps(b.get(diff[0]))[:600]))


# ---- one database (SQLite or PostgreSQL): the same checks ----

def check_database(kind, url, data, files, reports, tls, sql):
    """sql(query) -> rows as lists of text."""
    r, stored = mc_json("--db", url, data)
    check(f"{kind}: the reports stored (exit {r.returncode})", r.returncode in (0, 1) and stored
          and stored["database"]["aggregate_stored"] == len(reports)
          and stored["database"]["tls_stored"] == len(tls), r.stderr or (stored or {}).get(
              "database"))
    r2, again = mc_json("--db", url, data)
    check(f"{kind}: read again, stored once", again and again["database"]["aggregate_stored"] == 0
          and again["database"]["already_stored"] == len(reports) + len(tls)
          and int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0]) == len(reports)
          and int(sql("SELECT COUNT(*) FROM aggregate_row")[0][0]) ==
          sum(len(x[4]) for x in reports), (again or {}).get("database"))
    r3, back = mc_json("--db", url)
    _, direct = mc_json(data)
    check(f"{kind}: the summary from the database (exit {r3.returncode})",
          back is not None and r3.returncode in (0, 1), r3.stderr)
    if back and direct:
        same_summary(f"{kind}: the same summary as reading the files", back, direct)
        want = expect(reports)
        check(f"{kind}: totals of the generated reports",
              back["aggregate"]["messages"] == want["messages"] and
              back["aggregate"]["dmarc_pass"] == want["dmarc_pass"] and
              len(back["aggregate"]["list"]) == want["reports"],
              (back["aggregate"]["messages"], want["messages"]))
        check_trends(kind, back["trends"], trends_expected(reports, tls))
    check_periods(kind, url, reports)


def check_trends(kind, t, want):
    weeks = {w["week"]: w for w in t["weeks"]}
    exp = {day_of(k): v for k, v in want["weeks"].items()}
    bad = [k for k, v in exp.items() if k not in weeks or
           [weeks[k]["messages"], weeks[k]["dmarc_pass"], weeks[k]["legitimate"],
            weeks[k]["legitimate_pass"]] != v]
    check(f"{kind}: trends: messages and passes per week ({len(exp)} weeks)",
          not bad and all(w["messages"] == 0 for k, w in weeks.items() if k not in exp),
          [(k, weeks.get(k), exp[k]) for k in bad[:3]])
    check(f"{kind}: trends: new sources", sorted(s["ip"] for s in t["new_sources"]) ==
          want["new"], (t["new_sources"], want["new"]))
    check(f"{kind}: trends: sources gone", sorted(s["ip"] for s in t["gone_sources"]) ==
          want["gone"], (t["gone_sources"], want["gone"]))
    check(f"{kind}: trends: reporters that stopped",
          sorted(s["org"] for s in t["stopped_reporters"]) == want["stopped"],
          (t["stopped_reporters"], want["stopped"]))
    got_tls = sorted((w["week"], w["mx"], w["failures"]) for w in t["tls_failures"])
    check(f"{kind}: trends: TLS failures per MX per week",
          got_tls == [(day_of(w), mx, n) for w, mx, n in want["tls"]], (got_tls, want["tls"]))
    rd = t["readiness"]
    check(f"{kind}: readiness for p=reject", rd["ready_for"] == want["ready"] and
          rd["legitimate"] == want["legit"] and rd["legitimate_pass"] == want["legit_pass"] and
          [s["ip"] for s in rd["still_failing"]] == ["192.0.2.2"], (rd, want["ready"]))


def check_periods(kind, url, reports):
    cases = [
        ("--since/--until dates", ["--since", day_of(T0 + 14 * DAY), "--until",
                                   day_of(T0 + 28 * DAY)], T0 + 14 * DAY, T0 + 28 * DAY, None),
        ("--since 30d (before --now)", ["--since", "30d"], NOW - 30 * DAY, 1 << 40, None),
        ("--domain", ["--domain", "other.test"], 0, 1 << 40, "other.test"),
        ("--since 2w --domain", ["--since", "2w", "--domain", "shop.test"], NOW - 14 * DAY,
         1 << 40, "shop.test"),
    ]
    for name, args, since, until, domain in cases:
        want = expect(reports, since, until, domain)
        r, j = mc_json("--db", url, *args)
        ok = j is not None and j["aggregate"]["messages"] == want["messages"] and \
            j["aggregate"]["dmarc_pass"] == want["dmarc_pass"] and \
            len(j["aggregate"]["list"]) == want["reports"]
        check(f"{kind}: {name}", ok, r.stderr or (j and j["aggregate"]["messages"], want))
    r, j = mc_json("--db", url, "--since", "2000-01-01", "--until", "2000-02-01")
    check(f"{kind}: a period without reports: exit 2, said", r.returncode == 2 and
          "no report in the database" in r.stderr, r.stderr)


HOSTILE = ["x'); DROP TABLE aggregate_report; --", '"; DELETE FROM aggregate_row; \'',
           "Robert'); DROP TABLE aggregate_auth;--", "a;b;c ' OR '1'='1"]


def hostile_reports(d):
    os.makedirs(d, exist_ok=True)
    for i, s in enumerate(HOSTILE):
        rows = [gen.row("192.0.2.%d" % (i + 1), 3, hfrom=s, auth_dkim=[(s, s, "pass")])]
        with open(os.path.join(d, "h%d.xml" % i), "w") as f:
            f.write(gen.aggregate(s, s + str(i), T0 + i * DAY, T0 + i * DAY + 10, s, rows))


def check_hostile(kind, url, d, sql):
    r, j = mc_json("--db", url, d)
    got = sorted(x[0] for x in sql("SELECT org FROM aggregate_report"))
    ids = sorted(x[0] for x in sql("SELECT report_id FROM aggregate_report"))
    auth = sorted(a["domain"] for x in sql("SELECT auth FROM aggregate_kind")
                  for a in json.loads(x[0]))
    check(f"{kind}: organisation names, report IDs and domains carrying SQL stored as text",
          j and j["database"]["aggregate_stored"] == len(HOSTILE) and got == sorted(HOSTILE) and
          ids == sorted(s + str(i) for i, s in enumerate(HOSTILE)) and
          auth == sorted(s.lower() for s in HOSTILE),
          (r.stderr, got))
    r, j = mc_json("--db", url, "--domain", HOSTILE[0])
    check(f"{kind}: --domain carrying SQL chooses that domain only",
          j and j["aggregate"]["messages"] == 3, r.stderr)


def big_reports(d, n, rows_each):
    os.makedirs(d, exist_ok=True)
    reports = []
    for i in range(n):
        rows = [gen.row("10.%d.%d.%d" % (i % 250, k // 250, k % 250), 1 + k % 5,
                        dkim="pass" if k % 3 else "fail",
                        auth_dkim=[("shop.test", "s", "pass" if k % 3 else "fail")])
                for k in range(rows_each)]
        reports.append(("big.test", T0 + i * 3600, T0 + i * 3600 + 3599, "shop.test", rows))
        with open(os.path.join(d, "%04d.xml" % i), "w") as f:
            f.write(gen.aggregate("big.test", "big-%d" % i, T0 + i * 3600, T0 + i * 3600 + 3599,
                                  "shop.test", rows))
    return reports


def whole_reports(sql):
    """Every stored report has all its rows (row_count matches, messages too)."""
    bad = sql("SELECT a.id FROM aggregate_report a WHERE a.row_count <> (SELECT COUNT(*) FROM "
              "aggregate_row r WHERE r.report = a.id) OR a.messages <> (SELECT "
              "COALESCE(SUM(r.count), 0) FROM aggregate_row r WHERE r.report = a.id)")
    return not bad


def check_killed(kind, url, d, reports, sql):
    """Killed while storing: no half report; the rerun stores each once."""
    p = subprocess.Popen([MC, "report", "--no-lookups", "--db", url, d],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 60
    stored = 0
    while time.time() < end and p.poll() is None:
        try:
            stored = int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0])
        except Exception:
            stored = 0
        if stored >= 3:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    n = int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0])
    check(f"{kind}: killed while storing: some reports stored, none half ({n} of {len(reports)})",
          0 < n < len(reports) and whole_reports(sql), n)
    r, j = mc_json("--db", url, d)
    check(f"{kind}: the rerun stores the rest, each report once",
          j and j["database"]["aggregate_stored"] == len(reports) - n and
          j["database"]["already_stored"] == n and
          int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0]) == len(reports) and
          whole_reports(sql), r.stderr or (j or {}).get("database"))


# ---- a version 1 database, upgraded ----

V1 = [
    "CREATE TABLE mailcheck_schema (version INTEGER NOT NULL, applied BIGINT NOT NULL)",
    "INSERT INTO mailcheck_schema VALUES (1, 1700000000)",
    "CREATE TABLE aggregate_report (id {id}, org TEXT NOT NULL, report_id TEXT, email TEXT, "
    "begin_time BIGINT, end_time BIGINT, domain TEXT, p TEXT, sp TEXT, adkim TEXT, aspf TEXT, "
    "pct INTEGER, row_count BIGINT NOT NULL DEFAULT 0, messages BIGINT NOT NULL DEFAULT 0, "
    "dmarc_pass BIGINT NOT NULL DEFAULT 0, input TEXT, stored BIGINT NOT NULL, "
    "UNIQUE (org, report_id))",
    "CREATE TABLE aggregate_row (report BIGINT NOT NULL REFERENCES aggregate_report (id) "
    "ON DELETE CASCADE, n INTEGER NOT NULL, source_ip TEXT NOT NULL, count BIGINT NOT NULL, "
    "disposition TEXT, dkim TEXT, spf TEXT, header_from TEXT, envelope_from TEXT, "
    "reasons TEXT, PRIMARY KEY (report, n))",
    "CREATE TABLE aggregate_auth (report BIGINT NOT NULL, n INTEGER NOT NULL, "
    "k INTEGER NOT NULL, method TEXT NOT NULL, domain TEXT, detail TEXT, result TEXT, "
    "PRIMARY KEY (report, n, k), FOREIGN KEY (report, n) REFERENCES aggregate_row "
    "(report, n) ON DELETE CASCADE)",
    "CREATE TABLE tls_report (id {id}, org TEXT NOT NULL, report_id TEXT, contact TEXT, "
    "begin_time BIGINT, end_time BIGINT, json TEXT NOT NULL, input TEXT, "
    "stored BIGINT NOT NULL, UNIQUE (org, report_id))",
    "CREATE TABLE tls_policy (report BIGINT NOT NULL REFERENCES tls_report (id) "
    "ON DELETE CASCADE, policy_domain TEXT, policy_type TEXT, successes BIGINT NOT NULL, "
    "failures BIGINT NOT NULL)",
    "CREATE TABLE tls_failure (report BIGINT NOT NULL REFERENCES tls_report (id) "
    "ON DELETE CASCADE, policy_domain TEXT, mx TEXT NOT NULL, result_type TEXT, "
    "sessions BIGINT NOT NULL)",
    "CREATE TABLE failure_report (id {id}, digest TEXT NOT NULL UNIQUE, arrival BIGINT, "
    "reporter TEXT, reported_domain TEXT, source_ip TEXT, feedback_type TEXT, "
    "auth_failure TEXT, original_mail_from TEXT, dkim_domain TEXT, message {blob} NOT NULL, "
    "input TEXT, stored BIGINT NOT NULL)",
    "CREATE TABLE mailbox (url TEXT PRIMARY KEY, uidvalidity BIGINT NOT NULL, "
    "last_uid BIGINT NOT NULL, updated BIGINT NOT NULL)",
]


def v1_reports():
    """Reports whose rows carry no auth result, one, and several; domains
    with quotes and backslashes (the upgrade writes them into JSON)."""
    odd = 'we"ird\\d.test'
    out = []
    for i in range(3):
        rows = [gen.row("192.0.2.%d" % (k + 1), 5 + k + i,
                        dkim="pass" if k % 2 else "fail", spf="fail" if k % 3 else "pass",
                        hfrom="shop.test",
                        auth_dkim=[("shop.test", "s%d" % k, "pass" if k % 2 else "fail"),
                                   (odd, "x", "temperror")][:k % 3],
                        auth_spf=[("bounce.shop.test", "mfrom", "softfail")][:k % 2],
                        reasons=["forwarded"] if k == 3 else [])
                for k in range(6)]
        out.append(("v1.test", "v1-%d" % i, T0 + i * DAY, T0 + i * DAY + DAY - 1, "shop.test",
                    rows))
    return out


def lit(v):
    return "NULL" if v is None else str(v) if isinstance(v, int) else \
        "'" + str(v).replace("'", "''") + "'"


def v1_statements(reports, id_type, blob):
    out = [q.format(id=id_type, blob=blob) for q in V1]
    for i, (org, rid, begin, end, domain, rows) in enumerate(reports, 1):
        msgs = sum(r["count"] for r in rows)
        ok = sum(r["count"] for r in rows if "pass" in (r["dkim"], r["spf"]))
        out.append("INSERT INTO aggregate_report (id, org, report_id, email, begin_time, "
                   "end_time, domain, p, sp, adkim, aspf, pct, row_count, messages, dmarc_pass, "
                   "input, stored) VALUES (%s)" % ", ".join(lit(v) for v in (
                       i, org, rid, "dmarc@" + org, begin, end, domain, "none", "none", "r",
                       "r", 100, len(rows), msgs, ok, "v1.xml", 1700000000)))
        for n, r in enumerate(rows):
            out.append("INSERT INTO aggregate_row VALUES (%s)" % ", ".join(lit(v) for v in (
                i, n, r["ip"], r["count"], r["disp"], r["dkim"], r["spf"], r["hfrom"], None,
                "".join("," + t for t in r["reasons"]) or None)))
            auth = [("dkim",) + a for a in r["auth_dkim"]] + [("spf",) + a for a in r["auth_spf"]]
            for k, (method, d, detail, res) in enumerate(auth):
                out.append("INSERT INTO aggregate_auth VALUES (%s)" % ", ".join(
                    lit(v) for v in (i, n, k, method, d, detail, res)))
    return out


def check_upgrade(kind, url, run_sql, sql, tmp):
    """A version 1 database (auth results in aggregate_auth) upgraded: the
    summary as from reading the same reports' files."""
    reports = v1_reports()
    d = os.path.join(tmp, "v1-" + kind)
    os.makedirs(d, exist_ok=True)
    for org, rid, begin, end, domain, rows in reports:
        with open(os.path.join(d, rid + ".xml"), "w") as f:
            f.write(gen.aggregate(org, rid, begin, end, domain, rows))
    run_sql(v1_statements(reports, "INTEGER PRIMARY KEY" if kind == "SQLite" else
                          "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                          "BLOB" if kind == "SQLite" else "BYTEA"))
    r, j = mc_json("--db", url)
    _, files = mc_json(d)
    keys = ("ip", "messages", "dmarc_pass", "disposition", "header_from", "spf", "dkim",
            "overrides", "reporters")
    got = j and [{k: s[k] for k in keys} for s in j["sources"]]
    want = files and [{k: s[k] for k in keys} for s in files["sources"]]
    version = sql("SELECT MAX(version) FROM mailcheck_schema")[0][0]
    check(f"{kind}: a version 1 database upgraded to 2: its auth results folded, the "
          "summary as from the files", r.returncode in (0, 1) and got == want and version == "2",
          (r.stderr, version, got and want and
           [(g, w) for g, w in zip(got, want) if g != w][:1], got and len(got), want and len(want)))
    r, j = mc_json("--db", url, d)
    check(f"{kind}: the upgraded database knows its reports", j and
          j["database"]["already_stored"] == len(reports), r.stderr)


# ---- SQLite ----

def sqlite_sql(path):
    def run(q):
        c = sqlite3.connect(path, timeout=10)
        try:
            return [[str(v) for v in row] for row in c.execute(q).fetchall()]
        finally:
            c.close()
    return run


def check_sqlite(tmp, data, reports, tls):
    db = os.path.join(tmp, "reports.db")
    check_database("SQLite", "sqlite:" + db, data, None, reports, tls, sqlite_sql(db))
    v1 = os.path.join(tmp, "v1.db")

    def script(statements):
        c = sqlite3.connect(v1)
        c.executescript(";\n".join(statements) + ";")
        c.close()
    check_upgrade("SQLite", "sqlite:" + v1, script, sqlite_sql(v1), tmp)
    hdb = os.path.join(tmp, "hostile.db")
    hostile_reports(os.path.join(tmp, "hostile"))
    check_hostile("SQLite", "sqlite:" + hdb, os.path.join(tmp, "hostile"), sqlite_sql(hdb))
    big = os.path.join(tmp, "big")
    breports = big_reports(big, 40, 3000)
    kdb = os.path.join(tmp, "killed.db")
    check_killed("SQLite", "sqlite:" + kdb, big, breports, sqlite_sql(kdb))
    # locked: another program holds the write lock
    c = sqlite3.connect(db, timeout=1, isolation_level=None)
    c.execute("BEGIN EXCLUSIVE")
    t = time.time()
    r, _ = mc_json("--db", "sqlite:" + db, data)
    c.execute("ROLLBACK")
    c.close()
    check("SQLite: a locked file: exit 2 after the wait, said so",
          r.returncode == 2 and "locked" in r.stderr and time.time() - t < 30, r.stderr)
    check_disk_full(tmp, big, breports)
    check_read_only(tmp, data)
    # a database newer than this mailcheck
    c = sqlite3.connect(db)
    c.execute("INSERT INTO mailcheck_schema (version, applied) VALUES (99, 0)")
    c.commit()
    c.close()
    r, _ = mc_json("--db", "sqlite:" + db)
    check("SQLite: a schema newer than mailcheck's is refused", r.returncode == 2 and
          "schema version 99" in r.stderr, r.stderr)


def check_disk_full(tmp, big, breports):
    db = os.path.join(tmp, "full.db")
    first = os.path.join(tmp, "first")
    os.makedirs(first, exist_ok=True)
    shutil.copy(os.path.join(big, "0000.xml"), first)
    mc_json("--db", "sqlite:" + db, first)
    limit = os.path.getsize(db) // 1024 + 700
    # the file size limit stands in for a full disk: writes past it fail (EFBIG)
    cmd = "trap '' XFSZ; ulimit -f %d; exec %s --now %d report --no-lookups --db sqlite:%s %s" % (
        limit, MC, NOW, db, big)
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    sql = sqlite_sql(db)
    n = int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0])
    integrity = sql("PRAGMA integrity_check")
    check("SQLite: a full disk: exit 2, said, the database whole",
          r.returncode == 2 and "database" in r.stderr and integrity == [["ok"]] and
          whole_reports(sql) and n < len(breports), (r.returncode, r.stderr[-300:], n))
    r, j = mc_json("--db", "sqlite:" + db, big)
    check("SQLite: after the full disk, the rerun completes",
          j and int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0]) == len(breports),
          r.stderr)


def check_read_only(tmp, data):
    if os.getuid() != 0:
        return
    d = tempfile.mkdtemp(dir=tmp)
    db = os.path.join(d, "ro.db")
    mc_json("--db", "sqlite:" + db, data)
    os.chmod(d, 0o755)
    r = subprocess.run(["runuser", "-u", "nobody", "--", MC, "report", "--no-lookups", "--db",
                        "sqlite:" + db, data], capture_output=True, text=True, timeout=60)
    check("SQLite: a database mailcheck may not write: exit 2, said", r.returncode == 2 and
          "database" in r.stderr, r.stderr)


# ---- PostgreSQL ----

def check_pipeline_error(pg, data):
    """A statement that fails inside a report's pipeline (a CHECK constraint
    the rows break): exit 2 with the server's words, nothing of the report
    stored, no hang; without the constraint the rerun stores everything."""
    pg.createdb("refuses")
    sql = lambda q: pg.sql("refuses", q)
    mc_json("--db", pg.url("refuses"))  # an empty summary: the schema made
    sql("ALTER TABLE aggregate_row ADD CONSTRAINT small_counts CHECK (count < 2)")
    r, _ = mc_json("--db", pg.url("refuses"), data, timeout=60)
    n = int(sql("SELECT COUNT(*) FROM aggregate_report")[0][0])
    rows = int(sql("SELECT COUNT(*) FROM aggregate_row")[0][0])
    check("PostgreSQL: a statement refused inside a report's pipeline: exit 2, said, no "
          "half report", r.returncode == 2 and "small_counts" in r.stderr and rows == 0 and
          n == 0, (r.returncode, r.stderr[-300:], n, rows))
    sql("ALTER TABLE aggregate_row DROP CONSTRAINT small_counts")
    r, j = mc_json("--db", pg.url("refuses"), data)
    check("PostgreSQL: then, without the constraint, every report stored",
          j is not None and j["database"]["aggregate_stored"] > 0 and
          int(sql("SELECT COUNT(*) FROM aggregate_row")[0][0]) > 0, r.stderr)


def check_postgresql(tmp, data, reports, tls):
    with servers.Postgres() as pg:
        for name in ("reports", "hostile", "killed", "twice", "v1"):
            pg.createdb(name)
        check_upgrade("PostgreSQL", pg.url("v1"),
                      lambda statements: pg.sql("v1", ";\n".join(statements)),
                      lambda q: pg.sql("v1", q), tmp)
        check_database("PostgreSQL", pg.url("reports"), data, None, reports, tls,
                       lambda q: pg.sql("reports", q))
        hostile_reports(os.path.join(tmp, "hostile-pg"))
        check_hostile("PostgreSQL", pg.url("hostile"), os.path.join(tmp, "hostile-pg"),
                      lambda q: pg.sql("hostile", q))
        big = os.path.join(tmp, "big-pg")
        breports = big_reports(big, 40, 3000)
        check_killed("PostgreSQL", pg.url("killed"), big, breports,
                     lambda q: pg.sql("killed", q))
        # two machines storing the same reports at once
        procs = [subprocess.Popen([MC, "report", "--no-lookups", "--json", "--db",
                                   pg.url("twice"), data], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [json.loads(p.communicate()[0] or "null") for p in procs]
        n = int(pg.sql("twice", "SELECT COUNT(*) FROM aggregate_report")[0][0])
        check("PostgreSQL: two runs at once store each report once",
              all(outs) and n == len(reports) and
              sum(o["database"]["aggregate_stored"] for o in outs) == len(reports),
              [o and o["database"] for o in outs])
        check_pipeline_error(pg, data)
        r, _ = mc_json("--db", "postgresql://postgres@127.0.0.1:%d/none" % pg.port)
        check("PostgreSQL: a database that does not exist: exit 2, said", r.returncode == 2 and
              "PostgreSQL" in r.stderr, r.stderr)


# ---- IMAP ----

ZONE = "$ORIGIN test.\n$TTL 300\n@ SOA ns.test. h.test. 1 1 1 1 1\nimap A 127.0.0.1\n"


def deliver_reports(dv, reports, start=0, gz=True):
    for i, (org, b, e, dom, rows) in enumerate(reports):
        rid = "%s-m%d" % (org, start + i)
        dv.deliver(gen.mail(gen.aggregate(org, rid, b, e, dom, rows), org, rid, dom, gz=gz),
                   "%d.%06d.mailcheck" % (T0, start + i))


def flags(name):
    """The Maildir flags of a file name ("S" seen, "T" deleted, ...)."""
    return name.split(":2,", 1)[1] if ":2," in name else ""


def unflagged(names):
    """The messages, whether in new/ or cur/ (Dovecot moves them to cur/ when
    the mailbox is opened: its own bookkeeping, not a flag)."""
    return sorted(n.split("/", 1)[1].split(":2,", 1)[0] for n in names)


def check_imap(tmp, reports):
    import pki
    ca = pki.CA(os.path.join(tmp, "ca"))
    cert = ca.leaf(os.path.join(tmp, "imap"), "imap.test", ["imap.test"])
    zone = os.path.join(tmp, "imap.zone")
    with open(zone, "w") as f:
        f.write(ZONE)
    env = {"MAILCHECK_IMAP_PASSWORD": "s3cret"}
    with servers.Dovecot(cert, os.path.join(tmp, "imap.key")) as dv:
        some = reports[:30]
        deliver_reports(dv, some)
        dv.deliver(b"From: a@b.test\r\nSubject: hello\r\n\r\nnot a report\r\n", "0.plain.x")
        url = "imaps://reports@imap.test:%d/INBOX" % dv.imaps
        base = ["--zone", zone, "report", "--no-lookups", "--json", "--allow-private",
                "--ca-file", ca.pem]
        before = dv.files()
        r = mc(*base, url, env=env)
        j = json.loads(r.stdout) if r.stdout.startswith("{") else None
        # the same messages as files
        mdir = os.path.join(tmp, "as-files")
        shutil.copytree(dv.maildir, mdir)
        _, direct = mc_json(mdir)
        check("IMAP: imaps:// read (exit %d)" % r.returncode, j is not None and
              j["aggregate"]["messages"] == expect(some)["messages"], r.stderr)
        if j and direct:
            same_summary("IMAP: the same summary as the Maildir read as files", j, direct)
        check("IMAP: read only: no message flagged (seen), moved or deleted",
              unflagged(dv.files()) == unflagged(before) and
              all(flags(f) == "" for f in dv.files()), (before[:3], dv.files()[:3]))
        r = mc(*base, url.replace("imaps://", "imap://").replace(str(dv.imaps), str(dv.imap)),
               env=env)
        check("IMAP: imap:// with STARTTLS", r.stdout.startswith("{") and
              json.loads(r.stdout)["aggregate"]["messages"] == expect(some)["messages"],
              r.stderr)
        check_imap_db(tmp, dv, base, url, env, reports)
        check_imap_refusals(dv, base, url, env, zone)
        check_move(dv, base, url, env)
    check_imap_many(tmp, cert, ca, zone, env)
    check_imap_hostile(tmp, cert, ca, zone)


def check_imap_db(tmp, dv, base, url, env, reports):
    db = "sqlite:" + os.path.join(tmp, "imap.db")
    r = mc(*base, "--db", db, url, env=env)
    j = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    check("IMAP --db: the mailbox's reports stored",
          j.get("database", {}).get("aggregate_stored") == 30, r.stderr)
    r = mc("--zone", base[1], "report", "--no-lookups", "--allow-private", "--ca-file",
           base[-1], "--db", db, url, env=env)
    check("IMAP --db: the next run reads no message again (exit 0)", r.returncode == 0 and
          "no new message" in r.stdout, (r.returncode, r.stdout[:200], r.stderr))
    deliver_reports(dv, reports[30:32], start=30)
    r = mc(*base, "--db", db, url, env=env)
    j = json.loads(r.stdout) if r.stdout.startswith("{") else {}
    check("IMAP --db: then only the new messages",
          j.get("database", {}).get("aggregate_stored") == 2 and
          j["aggregate"]["messages"] == expect(reports[30:32])["messages"], r.stderr)


def check_imap_refusals(dv, base, url, env, zone):
    r = mc(*base, url, env={"MAILCHECK_IMAP_PASSWORD": "wrong"})
    check("IMAP: a wrong password: exit 2, said", r.returncode == 2 and "login" in r.stderr,
          r.stderr)
    private = [a for a in base if a != "--allow-private"]
    r = mc(*private, url, env=env)
    check("IMAP: a loopback host refused without --allow-private", r.returncode == 2 and
          "--allow-private" in r.stderr, r.stderr)
    r = mc(*base, url.replace("reports@", "reports:s3cret@"), env=env)
    check("IMAP: a password in the URL refused", r.returncode == 2 and
          "MAILCHECK_IMAP_PASSWORD" in r.stderr, r.stderr)
    r = mc("--zone", zone, "report", "--no-lookups", "--allow-private", url, env=env)
    check("IMAP: a certificate no trusted CA signed: exit 2", r.returncode == 2 and
          "certificate" in r.stderr.lower(), r.stderr)
    r = mc(*base, "imaps://imap.test:%d/INBOX" % dv.imaps, env=env)
    check("IMAP: a URL without a user: exit 2, said", r.returncode == 2 and "user" in r.stderr,
          r.stderr)


def check_move(dv, base, url, env):
    r = subprocess.run(["doveadm", "-c", os.path.join(dv.dir, "dovecot.conf"), "mailbox",
                        "create", "-u", dv.user, "Processed"], capture_output=True, text=True)
    n = len(dv.files())
    r = mc(*base, "--move-to", "Processed", url, env=env)
    check("IMAP --move-to: every message read moved there", r.returncode in (0, 1) and
          not dv.files() and len(dv.files("Processed")) == n, (r.stderr, dv.files()[:3]))


def peak_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_watched(cmd, env, timeout=120):
    """(exit status, stdout, stderr, seconds, peak MiB) of cmd: its own peak
    (VmHWM), read while it runs -- the rusage of a child forked from this
    Python counts this Python's pages too."""
    t = time.time()
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        p = subprocess.Popen(cmd, stdout=so, stderr=se, env=dict(os.environ, **env))
        rss = 0
        while p.poll() is None:
            rss = max(rss, peak_kib(p.pid) // 1024)
            if time.time() - t > timeout:
                p.kill()
            time.sleep(0.01)
        so.seek(0)
        se.seek(0)
        return p.returncode, so.read(), se.read(), time.time() - t, rss


# what each misbehaving server must give: exit 2, within the time, and words
HOSTILE_IMAP = [
    ("garbage_greeting", "a greeting of garbage", "timed out"),
    ("no_greeting", "a server that never greets", "timed out"),
    ("stall_search", "a server that stops answering at UID SEARCH", "timeout"),
    ("huge_search", "a SEARCH answer of 20 MB in one line", "large"),
    ("bad_search", "SEARCH answers of words, zeros and numbers past 32 bits", "cut short"),
    ("cut_fetch", "a message cut off mid-way", "remaining"),
    ("trickle_fetch", "a message coming a byte a second", "too slow"),
    ("huge_literal", "a message announced as 2**40 bytes", "larger than 64 MiB"),
]


def check_imap_hostile(tmp, cert, ca, zone):
    """Servers that misbehave: each a clear error, exit 2, bounded in time
    (--net-timeout 2) and memory; the same fake server behaving reads its
    report (so that the failures are the misbehaviour, not the fake)."""
    import fake_imap
    msg = gen.mail(gen.aggregate("fake.test", "fake-1", T0, T0 + DAY - 1, "shop.test",
                                 [gen.row("192.0.2.9", 4)]), "fake.test", "fake-1", "shop.test")
    env = {"MAILCHECK_IMAP_PASSWORD": "pw"}

    def run(mode):
        with fake_imap.FakeImap(cert, os.path.join(tmp, "imap.key"), mode, msg) as f:
            return run_watched([MC, "--zone", zone, "report", "--no-lookups", "--json",
                                "--allow-private", "--net-timeout", "2", "--ca-file", ca.pem,
                                "imaps://u@imap.test:%d/INBOX" % f.port], env)
    code, out, err, secs, mib = run("ok")
    j = json.loads(out) if out.startswith("{") else {}
    check("IMAP fake server: behaving, its report read", code == 0 and
          j.get("aggregate", {}).get("messages") == 4, err or out[:200])
    for mode, what, words in HOSTILE_IMAP:
        code, out, err, secs, mib = run(mode)
        check("IMAP: %s: exit 2, said, in %.1f s and %d MiB" % (what, secs, mib),
              code == 2 and "IMAP" in err and words in err and secs < 30 and mib < 100,
              (code, err[-300:]))


def check_imap_many(tmp, cert, ca, zone, env):
    """2,000 messages read one at a time: memory stays flat."""
    n = 2000
    with servers.Dovecot(cert, os.path.join(tmp, "imap.key")) as dv:
        rows = [gen.row("192.0.2.%d" % (k + 1), k + 1) for k in range(20)]
        for i in range(n):
            rid = "many-%d" % i
            dv.deliver(gen.mail(gen.aggregate("many.test", rid, T0 + i * 60, T0 + i * 60 + 59,
                                              "shop.test", rows), "many.test", rid, "shop.test"),
                       "%d.%06d.many" % (T0, i))
        url = "imaps://reports@imap.test:%d/INBOX" % dv.imaps
        cmd = [MC, "--zone", zone, "report", "--no-lookups", "--json", "--allow-private",
               "--ca-file", ca.pem, url]
        _, out, err, secs, rss = run_watched(cmd, env)
        j = json.loads(out) if out.startswith("{") else {}
        check("IMAP: a mailbox of %d messages read whole in %.1f s, peak memory %d MiB "
              "(under 100)" % (n, secs, rss),
              j.get("aggregate", {}).get("messages") == n * sum(range(1, 21)) and rss < 100,
              err or out[:300])


def main():
    tmp = tempfile.mkdtemp(prefix="mc-store-")
    try:
        data = os.path.join(tmp, "data")
        reports, tls = scenario(data)
        if "sqlite" in PARTS:
            check_sqlite(tmp, data, reports, tls)
        if "postgresql" in PARTS:
            if servers.pg_bin():
                check_postgresql(tmp, data, reports, tls)
            else:
                check("PostgreSQL: a server to test with (package postgresql)", False)
        if "imap" in PARTS:
            if shutil.which("dovecot"):
                check_imap(tmp, [r for r in reports if r[0] == "daily.test"])
            else:
                check("IMAP: a server to test with (package dovecot-imapd)", False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(tally.line())
    sys.exit(1 if tally.failed() else 0)


if __name__ == "__main__":
    main()
