"""Signed test zones for the DNSSEC checks, made at test time with
ldns-keygen and ldns-signzone: a test root, a TLD "test." (NSEC3) and
domains under it, each a situation a validator must tell apart."""
import os
import subprocess
import time


def _run(*args, cwd):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def keygen(d, zone, alg="ECDSAP256SHA256", bits=None):
    args = ["ldns-keygen", "-k", "-a", alg] + (["-b", str(bits)] if bits else []) + [zone]
    base = _run(*args, cwd=d)
    return base  # K<zone>.+alg+tag: .key (DNSKEY), .private, .ds


def sign(d, zone, text, key, nsec3=False, inception=None, expiration=None):
    f = f"{zone.rstrip('.') or 'root'}.unsigned"
    open(f"{d}/{f}", "w").write(text)
    args = ["ldns-signzone", "-o", zone]
    if nsec3:
        args += ["-n", "-s", "abcd", "-t", "2"]
    if inception:
        args += ["-i", inception]
    if expiration:
        args += ["-e", expiration]
    _run(*args, f, key, cwd=d)
    return open(f"{d}/{f}.signed").read()


def ds(d, key):
    return open(f"{d}/{key}.ds").read().strip()


def soa(zone):
    return (f"$ORIGIN {zone}\n$TTL 300\n@ SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n"
            "@ NS ns.test.\n")


def mail_zone(zone, extra=""):
    """A domain's records: MX, its address, SPF, DMARC, TLSA of the MX host."""
    return soa(zone) + (
        "@ MX 10 mx\nmx A 127.0.0.1\n@ TXT \"v=spf1 mx -all\"\n"
        "_dmarc TXT \"v=DMARC1; p=reject\"\n" + extra)


def build(d, unsigned, signed=None):
    """Zone texts by apex, and the trust anchor file. unsigned: apex -> text of
    zones delegated from test. without DS (served as they are); signed: apex
    -> text of zones signed and delegated with DS."""
    os.makedirs(d, exist_ok=True)
    day = 86400
    fmt = lambda t: time.strftime("%Y%m%d%H%M%S", time.gmtime(t))
    now = time.time()
    zones = {}
    children = {
        # name: (zone text, signing options, DS in the parent: "own", "other", None)
        "sec.test.": (mail_zone("sec.test."), {}, "own"),
        "nsec3.test.": (mail_zone("nsec3.test."), {"nsec3": True}, "own"),
        "expired.test.": (mail_zone("expired.test."),
                          {"inception": fmt(now - 60 * day), "expiration": fmt(now - 30 * day)}, "own"),
        "soon.test.": (mail_zone("soon.test."), {"expiration": fmt(now + 3 * day)}, "own"),
        "badds.test.": (mail_zone("badds.test."), {}, "other"),
        "old.test.": (mail_zone("old.test."), {"alg": "RSASHA1"}, "own"),
        "unsigned.test.": (mail_zone("unsigned.test."), None, None),
        # signed, but its parent publishes no DS: an island of security
        # (RFC 4033 3), secure only from an anchor of its own (island.anchor)
        "island.test.": (mail_zone("island.test."), {}, None),
    }
    for apex, text in (signed or {}).items():
        children[apex] = (text, {}, "own")
    tld = soa("test.") + "ns A 127.0.0.1\n"
    for apex, (text, opts, dsmode) in children.items():
        tld += f"{apex} NS ns.test.\n"
        if opts is None:
            zones[apex] = text
            continue
        opts = dict(opts)
        key = keygen(d, apex, alg=opts.pop("alg", "ECDSAP256SHA256"))
        zones[apex] = sign(d, apex, text, key, **opts)
        if apex == "island.test.":
            open(f"{d}/island.anchor", "w").write(open(f"{d}/{key}.key").read())
            # a key of the right name that the zone does not hold
            open(f"{d}/island-wrong.anchor", "w").write(open(f"{d}/{keygen(d, apex)}.key").read())
        if dsmode == "own":
            tld += ds(d, key) + "\n"
        elif dsmode == "other":
            tld += ds(d, keygen(d, apex)) + "\n"
    for apex in unsigned:
        tld += f"{apex} NS ns.test.\n"
    tkey = keygen(d, "test.")
    zones["test."] = sign(d, "test.", tld, tkey, nsec3=True)
    root = ("$ORIGIN .\n$TTL 300\n. SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n"
            ". NS ns.test.\ntest. NS ns.test.\nns.test. A 127.0.0.1\n" + ds(d, tkey) + "\n")
    rkey = keygen(d, ".")
    zones["."] = sign(d, ".", root, rkey)
    anchor = f"{d}/root.anchor"
    open(anchor, "w").write(open(f"{d}/{rkey}.key").read())
    zones.update(unsigned)
    return zones, anchor
