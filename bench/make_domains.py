#!/usr/bin/env python3
"""Write a zone of N generated domains for bench/domain_batch.sh:
DIR/bench.test.zone (d0.bench.test ... with realistic records) and DIR/list
(the domain names, one a line).

Every domain has MX records (two of 50 shared mail hosts), an SPF record with
an include, a DMARC record (none, quarantine or reject, some with rua=) and a
DKIM key at a common selector (google, selector1 or default); a third
publish MTA-STS and TLS-RPT, a tenth BIMI; one in twenty is broken (an SPF
syntax error, two DMARC records, an MX host without address).
  make_domains.py DIR N
"""
import os
import sys

KEY = ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs5LbN5ZAiU3BuPTPAolstDzORSJ0fKqX"
       "dXwOm+9N4Y4yNuYtysShyrjHTCHBGuqqtNQa9AgCCd5wuK9FJtzbmQkzvA2YITRWoX5/se8gFeHy"
       "qHId41tQY8GZIhVTRt9UxcH0Pwc5s3gwdSYvJuT+/S9WEnftzizKZ/3QAu+28sh/K+iGhuH/B1ru"
       "5WFYcsZfizm7OXp6nAF+kjFfe2njdgTbZ1GymGZwA7D7IaK2jLG/v2l3Sl1LTqetNPhnMBir1gVG"
       "6AikWUj2srQyXOTCNS2Aue9Qes1W7Cu8OaT8tz3tEeabPcIzbbIa7/qDm/ScslU7uaAIhWr6YyzC"
       "CeKlWwIDAQAB")


def txt(text):
    parts = [text[i:i + 255] for i in range(0, len(text), 255)]
    return "( " + " ".join('"%s"' % p for p in parts) + " )"


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    z = ["$ORIGIN bench.test.", "$TTL 3600",
         "@ SOA ns1.bench.test. hostmaster.bench.test. 2026120301 7200 3600 1209600 3600",
         "@ NS ns1.bench.test.", "ns1 A 198.18.1.53",
         '_spf.esp TXT "v=spf1 ip4:198.18.2.0/24 ip4:198.18.3.0/24 -all"']
    for h in range(50):
        z.append("mx%d.mail A 198.18.1.%d" % (h, h + 1))
    selectors = ["google", "selector1", "default"]
    policies = ["none", "quarantine", "reject"]
    names = []
    for i in range(n):
        d = "d%d" % i
        names.append(d + ".bench.test")
        broken = i % 20 == 19
        z.append("%s MX 10 mx%d.mail" % (d, i % 50))
        z.append("%s MX 20 %s" % (d, "nohost.mail" if broken else "mx%d.mail" % ((i + 1) % 50)))
        z.append('%s TXT "v=spf1 mx include:_spf.esp.bench.test %s"'
                 % (d, "ip4:300.1.1.1 -all" if broken else "~all"))
        rua = "; rua=mailto:dmarc@%s.bench.test" % d if i % 2 else ""
        z.append('_dmarc.%s TXT "v=DMARC1; p=%s%s"' % (d, policies[i % 3], rua))
        if broken:
            z.append('_dmarc.%s TXT "v=DMARC1; p=none"' % d)
        z.append("%s._domainkey.%s TXT %s" % (selectors[i % 3], d,
                                              txt("v=DKIM1; k=rsa; p=" + KEY)))
        if i % 3 == 0:
            z.append('_mta-sts.%s TXT "v=STSv1; id=2026%d"' % (d, i))
            z.append("mta-sts.%s A 198.18.1.80" % d)
            z.append('_smtp._tls.%s TXT "v=TLSRPTv1; rua=mailto:tls@%s.bench.test"' % (d, d))
        if i % 10 == 0:
            z.append('default._bimi.%s TXT "v=BIMI1; l=https://%s.bench.test/logo.svg"' % (d, d))
    with open(os.path.join(out, "bench.test.zone"), "w") as f:
        f.write("\n".join(z) + "\n")
    with open(os.path.join(out, "list"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
