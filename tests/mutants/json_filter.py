#!/usr/bin/env python3
"""A mailcheck made wrong on purpose: runs the real binary and rewrites its
JSON (one object a line) by one named mutation, to show that a suite notices.
  json_filter.py MUTATION REAL_MAILCHECK ARGS...
"""
import json
import subprocess
import sys


def first_signature_only(o):
    if "signatures" in o:
        o["signatures"] = o["signatures"][:1]


def no_signatures(o):
    if "signatures" in o:
        o["signatures"] = []


def status_from_ip(o):
    # a status read out of an IP address, as "[209.85.244.200]" once gave
    for r in o.get("recipients", []):
        if r.get("status"):
            r["status"] = "4.244.200"


def every_bounce_no_bounce(o):
    if o.get("command") == "bounce" and "recipients" in o:
        o.clear()
        o.update({"schema_version": 1, "command": "bounce",
                  "error": {"code": "input", "message": "is no bounce"}})


def pass_everything(o):
    # body changed, key revoked, malformed: all called a pass
    for s in o.get("signatures", []) + (o.get("dkim") or {}).get("signatures", []):
        s["result"], s["reason"] = "pass", None
    if isinstance(o.get("dmarc"), dict):
        o["dmarc"]["result"] = "pass"


def flip_dmarc(o):
    d = o.get("dmarc")
    if isinstance(d, dict) and d.get("result") in ("pass", "fail"):
        d["result"] = "fail" if d["result"] == "pass" else "pass"


def finding_twice(o):
    if o.get("findings"):
        o["findings"].insert(0, dict(o["findings"][0]))


def skip_trust_boundary(o):
    # the client taken from the newest hop instead of the trust boundary
    t = o.get("trace") if isinstance(o.get("trace"), dict) else o
    if isinstance(t, dict) and t.get("boundary"):
        t["boundary"] = None


MUTATIONS = {f.__name__: f for f in (first_signature_only, no_signatures, status_from_ip,
                                      every_bounce_no_bounce, pass_everything, flip_dmarc,
                                      finding_twice, skip_trust_boundary)}


def main():
    mutate, real, args = MUTATIONS[sys.argv[1]], sys.argv[2], sys.argv[3:]
    p = subprocess.run([real] + args, capture_output=True)
    sys.stderr.buffer.write(p.stderr)
    rc = p.returncode
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            print(line)
            continue
        mutate(o)
        if "error" in o and o.get("command") == "bounce":
            rc = 2
        print(json.dumps(o, ensure_ascii=False, separators=(",", ":")))
    sys.exit(rc)


if __name__ == "__main__":
    main()
