#!/usr/bin/env python3
"""Every finding code the code can emit is documented in docs/findings.md,
and every documented code is still emitted somewhere (no stale entries).
Last line: "findings-doc: N passed, N failed"."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# a code is a string literal "<module>.<name>" (as given to mc_finding_add or
# a module's helper around it)
CALL = re.compile(r'"((?:mx|spf|dkim|arc|dmarc|trace|verify|bounce|blocklist|diff|dns|msg|mta_sts|tlsrpt|bimi|dane|dnssec|domain|tls|smtp(?!\.(?:mailfrom|helo)"))\.[a-z0-9_]+)"')

emitted = set()
for d in ("lib", "cmd"):
    for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
        for f in files:
            if f.endswith(".c"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    emitted |= set(CALL.findall(fh.read()))
with open(os.path.join(ROOT, "docs", "findings.md"), encoding="utf-8") as fh:
    text = fh.read()
documented = set(re.findall(r"^### `([a-z0-9_.]+)`", text, re.M))

failed = 0
for code in sorted(emitted - documented):
    print("FAIL %s is emitted but not documented in docs/findings.md" % code)
    failed += 1
for code in sorted(documented - emitted):
    print("FAIL %s is documented but no code emits it" % code)
    failed += 1
passed = len(emitted & documented)
print("findings-doc: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
