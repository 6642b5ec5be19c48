#!/usr/bin/env python3
"""Write the zone files of the hostile DNS cases (testdata/hostile/zones/):
hostile.test (loops, long chains, huge answers; served by NSD in the
integration test too) and faults.hostile.test (a timeout or SERVFAIL at each
step, through ';!' directives, so zone backend only). The files are
committed; run this after changing it.
  make_zones.py
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "hostile", "zones")
HEAD = """; {apex} -- written by tests/hostile/make_zones.py; do not edit by hand.
$ORIGIN {apex}.
$TTL 3600
@           SOA   ns1.example.com. hostmaster.example.com. 2026120201 7200 3600 1209600 3600
@           NS    ns1.example.com.
"""


def txt(text):
    """A TXT rdata: the text in character-strings of at most 255 bytes."""
    parts = [text[i:i + 255] for i in range(0, len(text), 255)]
    return "( " + "\n              ".join('"%s"' % p for p in parts) + " )"


def hostile():
    z = [HEAD.format(apex="hostile.test")]
    z.append("; SPF include loop: a -> b -> a (RFC 7208 4.6.4: the 10-lookup limit ends it)")
    z.append('loop-a      TXT   "v=spf1 include:loop-b.hostile.test -all"')
    z.append('loop-b      TXT   "v=spf1 include:loop-a.hostile.test -all"')
    z.append("; an include chain 11 deep: one lookup too many")
    for i in range(11):
        z.append('chain%-5d  TXT   "v=spf1 include:chain%d.hostile.test -all"' % (i, i + 1))
    z.append('chain11     TXT   "v=spf1 ip4:192.0.2.1 -all"')
    z.append("; 100 includes in one record (2,600 bytes in 11 strings)")
    z.append("many        TXT   " + txt("v=spf1 " + " ".join(
        "include:i%d.hostile.test" % i for i in range(100)) + " -all"))
    for i in range(100):
        z.append('i%-9d  TXT   "v=spf1 ip4:198.51.100.%d -all"' % (i, i + 1))
    z.append("; a valid record of 4,000+ bytes in many strings (too big for UDP: TCP)")
    z.append("big         TXT   " + txt("v=spf1 " + " ".join(
        "ip4:203.0.113.%d" % i for i in range(1, 255)) + " ?all"))
    z.append("; CNAME loop, and a CNAME chain longer than resolvers follow (16 links here)")
    z.append("cname-a     CNAME cname-b")
    z.append("cname-b     CNAME cname-a")
    for i in range(20):
        z.append("long%-6d  CNAME long%d" % (i, i + 1))
    z.append("long20      A     192.0.2.20")
    z.append('long20      TXT   "v=spf1 ip4:192.0.2.20 -all"')
    z.append("; MX loops: an MX host that is a CNAME loop, and a domain that is its own MX")
    z.append("mx-loop     MX    10 cname-a")
    z.append("self        MX    10 self")
    z.append("; MX to 1,000 hosts, each with an address")
    for i in range(1000):
        z.append("wide        MX    %d h%d.wide" % (i % 50, i))
    for i in range(1000):
        z.append("h%d.wide   A     192.0.2.%d" % (i, i % 250 + 1))
    z.append("; mailcheck domain: a DKIM key at every selector anyone asks (a wildcard),")
    z.append("; an MTA-STS and a BIMI record of 4,000+ bytes, 40 TLS-RPT records")
    z.append("*._domainkey.wild TXT  \"v=DKIM1; k=ed25519; p=OeHkDG3LuWSwli3PchjqVY75K8YACER+2i8hiCy4Rvw=\"")
    z.append("wild        MX    10 h1.wide")
    z.append("_mta-sts.wild TXT " + txt("v=STSv1; id=1; " + "; ".join(
        "ext%d=%s" % (i, "x" * 40) for i in range(90))))
    z.append("default._bimi.wild TXT " + txt("v=BIMI1; l=https://wild.hostile.test/" +
                                              "a" * 4000 + ".svg"))
    for i in range(40):
        z.append('_smtp._tls.wild TXT "v=TLSRPTv1; rua=mailto:r%d@wild.hostile.test"' % i)
    z.append("; SPF through a long CNAME chain and through a CNAME loop")
    z.append('via-long    TXT   "v=spf1 a:long0.hostile.test -all"')
    z.append('via-loop    TXT   "v=spf1 a:cname-a.hostile.test -all"')
    z.append("; terminal control sequences in records (clear, red, window title, BEL)")
    z.append('term        TXT   "v=spf1 \\027[2J\\027[31mred\\027]0;pwned\\007 -all"')
    z.append('_dmarc.term TXT   "v=DMARC1; p=none; rua=mailto:\\027[2J\\027]0:pwned\\007r@term.hostile.test"')
    z.append('term        MX    10 \\027[2Jmx.term.hostile.test.')
    z.append('sel._domainkey.term TXT "v=DKIM1; k=rsa; n=\\027[2J\\027]0:pwned\\007; p=MIGfMA0"')
    z.extend(blocklists())
    return "\n".join(z) + "\n"


def blocklists():
    """DNS blocklists that answer badly (mailcheck blocklist --list ZONE):
    10,000 codes for one address, a 64 KiB TXT reason, loopback and garbage
    codes and terminal controls; and a domain whose SPF record names 1,000
    addresses and 50 a/mx terms."""
    z = ["; blocklists: many.bl answers 10,000 A records for its test entry and for 198.51.100.66"]
    for name in ("2.0.0.127.many.bl", "66.100.51.198.many.bl"):
        for i in range(10000):
            z.append("%s A 127.0.%d.%d" % (name, i // 250, i % 250 + 1))
    z.append("; bigtxt.bl: a 64 KiB TXT reason with terminal controls")
    z.append("2.0.0.127.bigtxt.bl A 127.0.0.2")
    z.append("66.100.51.198.bigtxt.bl A 127.0.0.2")
    z.append("66.100.51.198.bigtxt.bl TXT ( " + "\n              ".join(
        '"\\027[2J\\027]0;pwned\\007%s"' % ("x" * 240) for _ in range(256)) + " )")
    z.append("; garbage.bl: loopback, zero, broadcast and private addresses as codes")
    z.append("2.0.0.127.garbage.bl A 127.0.0.2")
    for a in ("127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.1", "127.255.255.255"):
        z.append("66.100.51.198.garbage.bl A %s" % a)
    z.append("; spf-wide: an SPF record naming 1,000 single addresses and 50 a/mx terms")
    z.append("spf-wide    TXT   " + txt("v=spf1 " + " ".join(
        "ip4:198.51.100.%d ip4:203.0.113.%d/32" % (i % 250, i % 250) for i in range(500)) + " " +
        " ".join("a:h%d.wide.hostile.test mx:wide.hostile.test" % i for i in range(25)) + " -all"))
    z.append("spf-wide    MX    10 h1.wide")
    return z


def faults():
    z = [HEAD.format(apex="faults.hostile.test")]
    z.append("; a fault at each step of each check")
    z.append(";! timeout spf-timeout.faults.hostile.test TXT")
    z.append('include     TXT   "v=spf1 include:inner.faults.hostile.test -all"')
    z.append(";! servfail inner.faults.hostile.test TXT")
    z.append('a-mech      TXT   "v=spf1 a:host.faults.hostile.test -all"')
    z.append(";! timeout host.faults.hostile.test A")
    z.append("mx-target   MX    10 mxhost.faults.hostile.test.")
    z.append(";! servfail mxhost.faults.hostile.test A")
    z.append(";! timeout mx-timeout.faults.hostile.test MX")
    z.append(";! timeout _dmarc.dmarc-timeout.faults.hostile.test TXT")
    z.append(";! servfail _dmarc.faults.hostile.test TXT")
    z.append(";! timeout sel._domainkey.faults.hostile.test TXT")
    z.append("; mailcheck domain: a timeout at MTA-STS, and at the MX")
    z.append("sts-timeout MX    0 .")
    z.append(";! timeout _mta-sts.sts-timeout.faults.hostile.test TXT")
    return "\n".join(z) + "\n"


os.makedirs(OUT, exist_ok=True)
for apex, text in (("hostile.test", hostile()), ("faults.hostile.test", faults())):
    with open(os.path.join(OUT, apex + ".zone"), "w") as f:
        f.write(text)
