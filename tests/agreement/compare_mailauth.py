#!/usr/bin/env python3
"""Agreement test: mailcheck verify against `mailauth report` (npm mailauth).

For every message of the test corpus, both tools judge the same message with
the same DNS data (mailauth reads a --dns-cache made from testdata/zones by
zone2cache.py; mailcheck reads the zone files), the same clock (pin-clock.js)
and the same SMTP identities (mailcheck's, taken from the trace, are handed to
mailauth with -i/-e/-f, so that the test compares authentication and not the
two tools' ways of picking the client out of Received).  Compared: the SPF
result, every DKIM signature's result (by d= and s=), the DMARC result, and
the ARC chain's result (testdata/lists holds list and forwarded messages
sealed by dkimpy).

A difference is a failure unless KNOWN lists it with what mailcheck says (its
result, and its reason or alignment) and the RFC reason mailcheck follows; it
passes only while mailcheck says exactly that -- a mailcheck that called a
changed body "pass" would differ from mailauth and still fail here. A KNOWN
entry that no longer differs is a failure too, so the list stays true.  Messages whose DNS depends on fault directives (timeouts), which
mailauth's cache cannot express, are left out and counted as skipped.

  compare_mailauth.py MAILCHECK MAILAUTH_BIN
  last line: "mailauth: N passed, N failed, N skipped"
"""
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "agreement")
NOW = "1795600000"
CORPUS = ["testdata/verify/*.eml", "testdata/dkim/*.eml", "testdata/trace/*.eml",
          "testdata/lists/*.eml"]

# Why mailcheck rightly differs from mailauth 4.13 (the reasons, then where).
FAIL_NOT_NEUTRAL = (
    "RFC 8601 2.7.1: a signature that was checked and did not verify (body hash "
    "mismatch, expired x=, revoked key) is 'fail'; mailauth says 'neutral'; for "
    "DMARC both are no pass")
PERMERROR_NOT_NEUTRAL = (
    "RFC 8601 2.7.1 / RFC 6376 6.1.1-6.1.2: a signature that cannot be verified "
    "for good (no key, malformed key record or signature, key type other than a=) "
    "is PERMFAIL, reported as 'permerror'; mailauth says 'neutral'")
UNSUPPORTED_ALGORITHM = (
    "RFC 6376 3.5/6.1.1: a signature whose a= the verifier does not implement "
    "(rsa-sha512) is PERMFAIL -> 'permerror'; mailauth drops it and calls the "
    "message unsigned (dkim=none)")
RSA_SHA1 = "RFC 8301 3.1: verifiers must not accept rsa-sha1 signatures; mailauth does"
FROM_NOT_SIGNED = ("RFC 6376 6.1.1: a signature whose h= lacks From is PERMFAIL; "
                   "mailauth accepts it")
IDENTITY = ("RFC 6376 6.1.1: an i= that is not d= or under it is PERMFAIL "
            "(domain mismatch); mailauth accepts it")
KEY_HASH = ("RFC 6376 6.1.2: a key whose h= excludes the signature's hash is "
            "PERMFAIL; mailauth ignores the key's h=")
WEAK_KEY = ("RFC 8301 3.2: keys under 1024 bits must not be accepted; both refuse, "
            "mailcheck as 'fail', mailauth as 'policy'")
PKCS1 = ("RFC 6376 3.6.1 names PKCS#1 RSAPublicKey for p= (dkimpy reads it too); "
         "mailauth reads only SubjectPublicKeyInfo and cannot load the key -- which "
         "mailcheck reports as dkim.key_pkcs1")
PSD = ("RFC 9989 (its DNS tree walk replaces RFC 9091): the walk finds the public suffix "
       "operator's record (_dmarc.example, psd=y) for contoso.example; mailauth "
       "follows RFC 7489 and looks only at the organizational domain")

IDN = ("RFC 8616 4 and 5: SPF and DMARC are evaluated for the A-labels of a UTF-8 domain "
       "(taro@日本語.test -> xn--wgv71a119e.test, whose SPF record lists the client and whose "
       "DMARC record applies); mailauth asks DNS for the U-labels and finds no record")

# (message, aspect) -> (what mailcheck says: its result, and for DKIM its
# reason, for DMARC its alignment; why that is right and mailauth differs).
# A difference passes only while mailcheck says exactly that.
KNOWN = {
    ("utf8_from.eml", "spf"): ("pass", IDN),
    ("utf8_from.eml", "dmarc"): ("pass (spf_aligned True, dkim_aligned False)", IDN),
    ("body_changed.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    ("esp_body_changed.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    ("expiring.eml", "dkim d=example.net s=rsa2048"): ("fail (expired)", FAIL_NOT_NEUTRAL),
    ("expired_after_arrival.eml", "dkim d=example.net s=rsa2048"): ("fail (expired)", FAIL_NOT_NEUTRAL),
    ("key_revoked.eml", "dkim d=example.net s=revoked"): ("fail (key_revoked)", FAIL_NOT_NEUTRAL),
    ("key_pkcs1.eml", "dkim d=example.net s=pkcs1"): ("pass", PKCS1),
    ("key_pkcs1.eml", "dmarc"): ("pass (spf_aligned False, dkim_aligned True)", PKCS1),
    ("key_garbage.eml", "dkim d=example.net s=garbage"): ("permerror (key_syntax)", PERMERROR_NOT_NEUTRAL),
    ("key_type.eml", "dkim d=example.net s=edkey"): ("permerror (key_type_mismatch)", PERMERROR_NOT_NEUTRAL),
    ("malformed.eml", "dkim d=example.net s=rsa2048"): ("permerror (syntax)", PERMERROR_NOT_NEUTRAL),
    ("no_key.eml", "dkim d=example.net s=missing"): ("permerror (key_not_found)", PERMERROR_NOT_NEUTRAL),
    ("unsupported_algorithm.eml", "dkim d=example.net s=rsa2048"): ("permerror (unsupported_algorithm)", UNSUPPORTED_ALGORITHM),
    ("rsa_sha1.eml", "dkim d=example.net s=rsa2048"): ("fail (rsa_sha1)", RSA_SHA1),
    ("rsa_sha1.eml", "dmarc"): ("fail (spf_aligned False, dkim_aligned False)", RSA_SHA1),
    ("opendkim_rsa_sha1.eml", "dkim d=example.net s=rsa2048"): ("fail (rsa_sha1)", RSA_SHA1),
    ("opendkim_rsa_sha1.eml", "dmarc"): ("fail (spf_aligned False, dkim_aligned False)", RSA_SHA1),
    ("from_not_signed.eml", "dkim d=example.net s=rsa2048"): ("fail (from_not_signed)", FROM_NOT_SIGNED),
    ("from_not_signed.eml", "dmarc"): ("fail (spf_aligned False, dkim_aligned False)", FROM_NOT_SIGNED),
    ("identity_mismatch.eml", "dkim d=example.net s=rsa2048"): ("fail (identity_mismatch)", IDENTITY),
    ("identity_mismatch.eml", "dmarc"): ("fail (spf_aligned False, dkim_aligned False)", IDENTITY),
    ("key_hash.eml", "dkim d=example.net s=sha1only"): ("permerror (key_type_mismatch)", KEY_HASH),
    ("key_hash.eml", "dmarc"): ("fail (spf_aligned False, dkim_aligned False)", KEY_HASH),
    ("weak_key.eml", "dkim d=example.net s=rsa768"): ("fail (weak_key)", WEAK_KEY),
    ("outlook_to_exchange.eml", "dmarc"): ("fail (spf_aligned False, dkim_aligned False)", PSD),
    ("list_footer.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    ("list_unsealed.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    ("list_from_rewritten.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    ("list_then_forwarder.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    ("arc_broken.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
    # a CR that ends no line in the body: hashed (RFC 6376, dkimpy, mailauth: no pass);
    # libopendkim drops it and passes (dkim.receivers_disagree with --compare)
    ("lone_cr_in_body.eml", "dkim d=example.net s=rsa2048"): ("fail (body_hash_mismatch)", FAIL_NOT_NEUTRAL),
}


def mailcheck_json(mailcheck, zones, path):
    args = [mailcheck, "--now", NOW, "--json"]
    for z in zones:
        args += ["--zone", z]
    p = subprocess.run(args + ["verify", path], capture_output=True, text=True,
                       cwd=ROOT)
    if p.returncode == 2 or not p.stdout.strip():
        raise RuntimeError(f"mailcheck exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def mailauth_json(mailauth, cache, path, mc):
    args = ["node", "--require", os.path.join(HERE, "pin-clock.js"), mailauth,
            "report", "--dns-cache", cache, "--mta", "mailcheck.test"]
    if mc.get("ip"):
        args += ["--client-ip", mc["ip"]]
    if mc.get("helo"):
        args += ["--helo", mc["helo"]]
    if mc.get("mail_from"):
        args += ["--sender", mc["mail_from"]]
    env = dict(os.environ, MAILCHECK_NOW=NOW)
    p = subprocess.run(args + [path], capture_output=True, text=True, cwd=ROOT,
                       env=env)
    if p.returncode != 0:
        raise RuntimeError(f"mailauth exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return json.loads(p.stdout)


def results(mc, ma):
    """{aspect: (mailcheck's, mailauth's)} for one message."""
    out = {}
    # with the envelope sender unknown (no Return-Path) mailcheck evaluates no
    # SPF, and mailauth, given no sender, would guess the null sender <>
    if mc.get("ip") and not mc.get("envelope_unknown"):
        spf = mc.get("spf") or {}
        out["spf"] = (spf.get("result"), ma["spf"]["status"]["result"], spf.get("result"))
    sigs = {}
    for s in (mc.get("dkim") or {}).get("signatures", []):
        key = f"dkim d={s.get('domain')} s={s.get('selector')}"
        # what mailcheck says: its result, with its reason
        sigs[key] = [s.get("result"), None,
                     s.get("result") + (f" ({s['reason']})" if s.get("reason") else "")]
    for s in ma["dkim"]["results"]:
        if s["status"]["result"] == "none" and not s.get("signingDomain"):
            continue  # mailauth's "no signature" row
        key = f"dkim d={s.get('signingDomain')} s={s.get('selector')}"
        sigs.setdefault(key, [None, None, None])[1] = s["status"]["result"]
    for key, triple in sigs.items():
        out[key] = tuple(triple)
    dmarc = mc.get("dmarc") or {}
    out["dmarc"] = (dmarc.get("result"), (ma.get("dmarc") or {}).get("status", {}).get("result"),
                    "%s (spf_aligned %s, dkim_aligned %s)" % (
                        dmarc.get("result"), dmarc.get("spf_aligned"), dmarc.get("dkim_aligned")))
    arc = ((mc.get("dkim") or {}).get("arc") or {}).get("result")
    out["arc"] = (arc, ((ma.get("arc") or {}).get("status") or {}).get("result"), arc)
    return out


def main():
    mailcheck, mailauth = sys.argv[1], sys.argv[2]
    zones = sorted(glob.glob(os.path.join(ROOT, "testdata/zones/*.zone")))
    faults = set()
    for z in zones:
        for line in open(z, encoding="utf-8", errors="replace"):
            if line.startswith(";!"):
                faults.add(line.split()[2].rstrip(".").lower())
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        subprocess.run([sys.executable, os.path.join(HERE, "zone2cache.py")] + zones,
                       stdout=f, stderr=subprocess.DEVNULL, check=True)
        cache = f.name
    messages = sorted(p for pat in CORPUS for p in glob.glob(os.path.join(ROOT, pat)))

    def judge(path):
        mc = mailcheck_json(mailcheck, zones, path)
        asked = {q.get("name", "").rstrip(".").lower() for q in mc.get("dns", [])}
        if asked & faults:
            return path, None, sorted(asked & faults)
        return path, results(mc, mailauth_json(mailauth, cache, path, mc)), None

    passed = failed = skipped = 0
    seen_known = set()
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, res, fault in pool.map(judge, messages):
            name = os.path.relpath(path, ROOT)
            if res is None:
                print(f"skip {name}: its DNS has fault directives ({', '.join(fault)})")
                skipped += 1
                continue
            for aspect, (ours, theirs, detail) in sorted(res.items()):
                known = KNOWN.get((os.path.basename(path), aspect))
                if known:
                    seen_known.add((os.path.basename(path), aspect))
                if ours == theirs and not known:
                    print(f"ok {name} {aspect}: {ours}")
                    passed += 1
                elif ours != theirs and known and detail != known[0]:
                    # a known difference holds only for what mailcheck is
                    # known to say: its result and reason, not any other
                    print(f"FAIL {name} {aspect}: mailcheck says {detail}, the known "
                          f"difference is for {known[0]} ({known[1]})")
                    failed += 1
                elif ours != theirs and known:
                    print(f"ok {name} {aspect}: mailcheck {detail}, mailauth {theirs} "
                          f"(KNOWN: {known[1]})")
                    passed += 1
                elif known:
                    print(f"FAIL {name} {aspect}: listed as KNOWN but both say {ours}")
                    failed += 1
                else:
                    print(f"FAIL {name} {aspect}: mailcheck {ours}, mailauth {theirs}")
                    failed += 1
    for key in sorted(set(KNOWN) - seen_known):
        print(f"FAIL KNOWN {key}: not compared (message or aspect gone)")
        failed += 1
    os.unlink(cache)
    if passed + failed < 150:  # the corpus gives about 170 comparisons
        print(f"FAIL only {passed + failed} comparisons made")
        failed += 1
    print(f"mailauth: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
