"""diff of 10,000 mx reports (NEW on standard input) against a file of one:
every NEW report is named as only in NEW, each with 10 findings kept"""
import json
import sys

finding = [{"code": "mx.ptr_missing", "severity": "warning", "message": "m %d" % i} for i in range(10)]
for i in range(10000):
    sys.stdout.write(json.dumps({"schema_version": 1, "command": "mx", "domain": "d%d.example" % i,
                                 "result": "pass", "reason": "mx", "null_mx": False, "implicit": False,
                                 "hosts": [{"preference": 10, "host": "mx.d%d.example" % i,
                                            "canonical": None, "addresses": ["192.0.2.1"]}],
                                 "findings": finding, "dns": []}, separators=(",", ":")) + "\n")
