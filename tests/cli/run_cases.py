#!/usr/bin/env python3
"""Run the CLI cases in testdata/cases/<command>/<case>/ (or --root DIR).

A case is a folder:
  args          the command line after 'mailcheck' (shell words, one line);
                paths are relative to the repository root
  expect.rc     the exit status
  expect.json   stdout as JSON (compared as data; "time_ms" is ignored); a list
                means NDJSON, one object per line (several messages); or
  expect.txt    stdout as text, exactly
  expect.contains  stdout must contain each of its lines (for outputs too big
                to keep whole; JSON output must still parse)
  expect.stderr optional: text that stderr must contain
Neither stdout nor stderr may carry a byte a terminal acts on (a control but
tab and newline, DEL, a byte that is not UTF-8, a C1 or bidirectional control):
outside data is shown escaped.
  no-network    optional: why the case cannot be re-run against a real server
  expect.network.rc    optional: the exit status expected then, when it differs
  expect.network.json  optional: the JSON expected when the case is re-run
                against the real server, where it rightly differs (the
                DNSSEC rows of `domain` can be judged there, not offline);
                --network --update writes it when the output differs
  stdin         optional: fed to standard input (otherwise it is empty)
  stdin.py      optional: a Python program whose output is fed to standard
                input (inputs too big or too odd to commit)
Every finding code in a JSON output must be documented in docs/findings.md,
and every JSON output (each line of NDJSON) must match
docs/mailcheck.schema.json (needs python3-jsonschema; --no-schema skips).

  run_cases.py MAILCHECK [--root DIR] [--network PORT] [--update]
               [--limits SECS,MIB] [--wrap COMMAND] [-j N] [CASE_DIR...]

--network PORT re-runs every JSON case that uses --zone files without fault
directives against the DNS server on 127.0.0.1:PORT (serving the same zones)
and expects the same output. --update rewrites expect.* from the outputs.
--limits fails a case that takes longer than SECS seconds (wall) or more
than MIB MiB (peak RSS of the mailcheck process). --wrap runs mailcheck
under COMMAND (e.g. valgrind; shell words); a report of the wrapper is a
failure when its exit status is 99. -j runs N cases at once.
The last line is "cli: N passed, N failed" (or "network: ...").
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time

try:
    import jsonschema
except ImportError:  # Debian's python3-jsonschema (scripts/install-deps) is for /usr/bin/python3
    jsonschema = None
    if os.path.exists("/usr/bin/python3") and \
            os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

WRAP_ERROR = 99  # the exit status --wrap's command gives for a report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "testdata", "cases")


def strip_times(value):
    if isinstance(value, dict):
        return {k: strip_times(v) for k, v in value.items() if k != "time_ms"}
    if isinstance(value, list):
        return [strip_times(v) for v in value]
    return value


def documented_codes():
    with open(os.path.join(ROOT, "docs", "findings.md"), encoding="utf-8") as f:
        return set(re.findall(r"^### `([a-z0-9_.]+)`", f.read(), re.M))


def finding_codes(value):
    if isinstance(value, dict):
        if "code" in value and "severity" in value:
            yield value["code"]
        for v in value.values():
            yield from finding_codes(v)
    elif isinstance(value, list):
        for v in value:
            yield from finding_codes(v)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def zone_args_to_network(args, port):
    """Replace every --zone FILE by one --dns; None when the case cannot run
    against a real server (no zone, or zones with fault directives)."""
    out, zones, i = [], [], 0
    while i < len(args):
        if args[i] == "--zone" and i + 1 < len(args):
            zones.append(args[i + 1])
            i += 2
            continue
        if args[i].startswith("--zone="):
            zones.append(args[i][7:])
            i += 1
            continue
        out.append(args[i])
        i += 1
    if not zones:
        return None
    for z in zones:
        path = os.path.join(ROOT, z)
        files = [os.path.join(path, f) for f in os.listdir(path) if f.endswith(".zone")] \
            if os.path.isdir(path) else [path]
        if any(re.search(r"^\s*;!", read(f), re.M) for f in files):
            return None
    return out + ["--dns", "127.0.0.1:%d" % port, "--timeout", "2"]


def run_measured(argv, stdin, env, timeout):
    """Run argv; (returncode, stdout, stderr, seconds, peak RSS in KiB).
    The child is reaped with wait4 to get its own resource usage. stdin is
    bytes, or a generator process whose output is piped in directly (the
    harness never holds it: a forked child's peak RSS counts the parent's
    pages until it execs)."""
    start = time.monotonic()
    gen = stdin if isinstance(stdin, subprocess.Popen) else None
    p = subprocess.Popen(argv, cwd=ROOT, env=env,
                         stdin=gen.stdout if gen else subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if gen:
        gen.stdout.close()
        stdin = None
    out = {}

    def pump(name, f):
        out[name] = f.read()

    def feed():
        if stdin is None:
            return
        try:
            p.stdin.write(stdin)
        except BrokenPipeError:
            pass  # mailcheck stopped reading (an input limit): fine
        finally:
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass

    threads = [threading.Thread(target=pump, args=("out", p.stdout)),
               threading.Thread(target=pump, args=("err", p.stderr)),
               threading.Thread(target=feed)]
    for t in threads:
        t.start()
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.monotonic() - start
    killer.cancel()
    for t in threads:
        t.join()
    if gen:
        if gen.poll() is None:
            gen.kill()  # mailcheck stopped reading early
        gen.wait()
    p.returncode = os.waitstatus_to_exitcode(status)
    timed_out = seconds >= timeout
    return p.returncode, out["out"], out["err"], seconds, usage.ru_maxrss, timed_out


def case_stdin(case):
    stdin_file = os.path.join(case, "stdin")
    gen = os.path.join(case, "stdin.py")
    if os.path.exists(gen):
        return subprocess.Popen([sys.executable, gen], stdout=subprocess.PIPE, cwd=ROOT)
    return open(stdin_file, "rb").read() if os.path.exists(stdin_file) else b""


def schema_problems(validator, out):
    """What in a --json output does not match the schema."""
    problems = []
    for line in out.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue  # reported by the comparison
        for e in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))[:3]:
            problems.append("output does not match docs/mailcheck.schema.json at /%s: %s"
                            % ("/".join(map(str, e.absolute_path)), e.message[:300]))
    return problems


RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
C1_OR_BIDI = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def raw_terminal_bytes(data):
    """What in data a terminal would act on, or None."""
    m = RAW_CONTROL.search(data)
    if m:
        return "control byte %r at offset %d" % (m.group(), m.start())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "byte that is not UTF-8 at offset %d" % e.start
    m = C1_OR_BIDI.search(text)
    return "C1 or bidirectional control U+%04X" % ord(m.group()) if m else None


def run_case(mailcheck, case, codes, network_port=None, update=False, limits=None,
             wrap=None, validator=None):
    """Returns (ok, message) or None when the case does not apply."""
    args = shlex.split(read(os.path.join(case, "args")))
    if network_port is not None:
        if not (os.path.exists(os.path.join(case, "expect.json")) or
                os.path.exists(os.path.join(case, "expect.contains"))) or \
                os.path.exists(os.path.join(case, "no-network")):
            return None
        args = zone_args_to_network(args, network_port)
        if args is None:
            return None
    env = dict(os.environ, NO_COLOR="1")
    timeout = 600 if wrap else 30
    rc, stdout, stderr, seconds, kib, timed_out = run_measured(
        (wrap or []) + [mailcheck] + args, case_stdin(case), env, timeout)
    if timed_out:
        return False, "timed out after %d s" % timeout
    problems = []
    if limits and seconds > limits[0]:
        problems.append("took %.2f s (the limit is %g s)" % (seconds, limits[0]))
    if limits and kib > limits[1] * 1024:
        problems.append("peak RSS %d KiB (the limit is %g MiB)" % (kib, limits[1]))
    if wrap and rc == WRAP_ERROR:
        problems.append("%s reported errors:\n%s" % (wrap[0], stderr.decode("utf-8", "replace")))
    # outside bytes never reach a terminal raw: no control character but tab
    # and newline, no DEL, no byte that is not UTF-8, no C1 control (the
    # programs under --wrap write their own reports to stderr)
    for name, data in (("stdout", stdout), ("stderr", b"" if wrap else stderr)):
        bad = raw_terminal_bytes(data)
        if bad:
            problems.append("%s carries a raw %s" % (name, bad))
    out = stdout.decode("utf-8", "replace")
    if validator is not None and "--json" in args:
        problems += schema_problems(validator, out)
    if os.path.exists(os.path.join(case, "expect.txt")):
        out = re.sub(r"\(\d+\.\d ms\)", "(T ms)", out)  # query times vary
    err = stderr.decode("utf-8", "replace")
    rc_file = os.path.join(case, "expect.rc")
    if update and network_port is None:
        with open(rc_file, "w") as f:
            f.write("%d\n" % rc)
    want_rc = int(read(rc_file).strip())
    # against a real server the status may rightly differ too (fetches that
    # --zone does not make): expect.network.rc says so
    net_rc = os.path.join(case, "expect.network.rc")
    if network_port is not None and update:
        if rc != want_rc:
            with open(net_rc, "w") as f:
                f.write("%d\n" % rc)
        elif os.path.exists(net_rc):
            os.remove(net_rc)
    if network_port is not None and os.path.exists(net_rc):
        want_rc = int(read(net_rc).strip())
    if rc != want_rc and not (wrap and rc == WRAP_ERROR):
        problems.append("exit status %d, expected %d" % (rc, want_rc))
    if rc < 0 or "AddressSanitizer" in err or "runtime error" in err or \
            "ThreadSanitizer" in err:
        problems.append("crashed or sanitizer report:\n" + err)
    json_file = os.path.join(case, "expect.json")
    txt_file = os.path.join(case, "expect.txt")
    if os.path.exists(json_file):
        try:
            lines = [l for l in out.splitlines() if l.strip()]
            got = strip_times([json.loads(l) for l in lines] if len(lines) > 1
                              else json.loads(out))
        except ValueError as e:
            got = None
            problems.append("stdout is not one JSON object (%s):\n%s" % (e, out))
        if got is not None:
            if update and network_port is None:
                with open(json_file, "w") as f:
                    json.dump(got, f, indent=2, ensure_ascii=False)
                    f.write("\n")
            want = json.loads(read(json_file))
            # against a real server a case may rightly differ (DNSSEC can be
            # judged there): expect.network.json says how
            net_file = os.path.join(case, "expect.network.json")
            if network_port is not None and update:
                if got != want:
                    with open(net_file, "w") as f:
                        json.dump(got, f, indent=2, ensure_ascii=False)
                        f.write("\n")
                    want = got
                elif os.path.exists(net_file):
                    os.remove(net_file)
            elif network_port is not None and os.path.exists(net_file):
                want = json.loads(read(net_file))
            if got != want:
                diff = difflib.unified_diff(
                    json.dumps(want, indent=2).splitlines(),
                    json.dumps(got, indent=2).splitlines(), "expected", "got", lineterm="")
                problems.append("JSON differs:\n" + "\n".join(diff))
            for code in finding_codes(got):
                if code not in codes:
                    problems.append("finding %s is not in docs/findings.md" % code)
    elif os.path.exists(txt_file):
        if update:
            with open(txt_file, "w") as f:
                f.write(out)
        want = read(txt_file)
        if out != want:
            diff = difflib.unified_diff(want.splitlines(), out.splitlines(),
                                        "expected", "got", lineterm="")
            problems.append("text differs:\n" + "\n".join(diff))
    contains_file = os.path.join(case, "expect.contains")
    if os.path.exists(contains_file):
        if "--json" in args:
            try:
                for line in out.splitlines():
                    if line.strip():
                        json.loads(line)
            except ValueError as e:
                problems.append("stdout is not JSON (%s)" % e)
        for want in read(contains_file).splitlines():
            if want.strip() and want not in out:
                problems.append("stdout lacks %r" % want)
    err_file = os.path.join(case, "expect.stderr")
    if os.path.exists(err_file):
        want = read(err_file).strip()
        if want not in err:
            problems.append("stderr lacks %r; it was:\n%s" % (want, err))
    return (not problems), "\n".join(problems)


def all_cases(root):
    for group in sorted(os.listdir(root)):
        base = os.path.join(root, group)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            if os.path.isdir(os.path.join(base, name)):
                yield os.path.join(base, name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mailcheck")
    ap.add_argument("--network", type=int)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--root", default=CASES)
    ap.add_argument("--limits")
    ap.add_argument("--wrap")
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--no-schema", action="store_true")
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_intermixed_args()
    codes = documented_codes()
    limits = tuple(float(x) for x in opts.limits.split(",")) if opts.limits else None
    wrap = shlex.split(opts.wrap) if opts.wrap else None
    root = os.path.abspath(opts.root)
    cases = opts.cases or list(all_cases(root))
    validator = None
    if not opts.no_schema:
        if jsonschema is None:
            print("FAIL python3-jsonschema is not installed: cannot check outputs against "
                  "docs/mailcheck.schema.json (run with /usr/bin/python3, or --no-schema)")
            print("cli: 0 passed, 1 failed")
            sys.exit(1)
        with open(os.path.join(ROOT, "docs", "mailcheck.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)

    def one(case):
        if not os.path.exists(os.path.join(case, "args")):
            return False, "no args file (every case folder needs one)"
        return run_case(os.path.abspath(opts.mailcheck), case, codes, opts.network,
                        opts.update, limits, wrap, validator)

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.j)) as pool:
        results = list(pool.map(one, cases))
    for case, r in zip(cases, results):
        label = os.path.relpath(os.path.abspath(case), root)
        if r is None:
            continue
        ok, msg = r
        if ok:
            passed += 1
            print("ok   %s" % label)
        else:
            failed += 1
            print("FAIL %s\n%s" % (label, "\n".join("     " + l for l in msg.splitlines())))
    # cases found in a folder (none named): an empty or half-read folder is
    # no success -- every case folder of the tree must have been seen
    if not opts.cases and passed + failed < min(20, len(cases)):
        print("FAIL only %d of %d cases ran" % (passed + failed, len(cases)))
        failed += 1
    if not opts.cases and not cases:
        print("FAIL no case found under %s" % root)
        failed += 1
    print("%s: %d passed, %d failed" % ("network" if opts.network else "cli", passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
