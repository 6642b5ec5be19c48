"""DMARC aggregate reports (RFC 7489 appendix C), SMTP TLS reports (RFC 8460)
and mails carrying them, generated for the store tests and bench/."""
import gzip
import json
import time
from email.message import EmailMessage
from xml.sax.saxutils import escape

DAY = 86400


def row(ip, count, dkim="pass", spf="pass", hfrom="shop.test", disp="none",
        auth_dkim=(), auth_spf=(), reasons=()):
    return dict(ip=ip, count=count, dkim=dkim, spf=spf, hfrom=hfrom, disp=disp,
                auth_dkim=list(auth_dkim), auth_spf=list(auth_spf), reasons=list(reasons))


def aggregate(org, rid, begin, end, domain, rows, p="none"):
    e = lambda s: escape(str(s), {'"': "&quot;"})
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feedback>\n<report_metadata>'
           f'<org_name>{e(org)}</org_name><email>dmarc@{e(org)}</email>'
           f'<report_id>{e(rid)}</report_id><date_range><begin>{begin}</begin>'
           f'<end>{end}</end></date_range></report_metadata>\n<policy_published>'
           f'<domain>{e(domain)}</domain><adkim>r</adkim><aspf>r</aspf><p>{p}</p>'
           f'<sp>{p}</sp><pct>100</pct></policy_published>\n']
    for r in rows:
        reasons = "".join(f"<reason><type>{e(t)}</type></reason>" for t in r["reasons"])
        auth = "".join(f"<dkim><domain>{e(d)}</domain><selector>{e(s)}</selector>"
                       f"<result>{res}</result></dkim>" for d, s, res in r["auth_dkim"])
        auth += "".join(f"<spf><domain>{e(d)}</domain><scope>{s}</scope><result>{res}</result>"
                        "</spf>" for d, s, res in r["auth_spf"])
        out.append(f'<record><row><source_ip>{r["ip"]}</source_ip><count>{r["count"]}</count>'
                   f'<policy_evaluated><disposition>{r["disp"]}</disposition>'
                   f'<dkim>{r["dkim"]}</dkim><spf>{r["spf"]}</spf>{reasons}</policy_evaluated>'
                   f'</row><identifiers><header_from>{e(r["hfrom"])}</header_from>'
                   f'</identifiers><auth_results>{auth}</auth_results></record>\n')
    out.append("</feedback>\n")
    return "".join(out)


def tls_report(org, rid, begin, domain, mx_failures, successes=100):
    """mx_failures: [(mx, result_type, count)]."""
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    details = [{"result-type": rt, "receiving-mx-hostname": mx, "failed-session-count": n}
               for mx, rt, n in mx_failures]
    return json.dumps({
        "organization-name": org, "report-id": rid, "contact-info": "tls@" + org,
        "date-range": {"start-datetime": iso(begin), "end-datetime": iso(begin + DAY - 1)},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": domain,
                                 "policy-string": ["version: STSv1", "mode: enforce"]},
                      "summary": {"total-successful-session-count": successes,
                                  "total-failure-session-count": sum(n for _, _, n in
                                                                     mx_failures)},
                      "failure-details": details}]})


def mail(xml, org, rid, domain, gz=True):
    """A report mail as a reporter sends it (RFC 7489 7.2.1.1)."""
    m = EmailMessage()
    m["From"] = f"noreply-dmarc@{org}"
    m["To"] = f"dmarc@{domain}"
    m["Subject"] = f"Report Domain: {domain} Submitter: {org} Report-ID: <{rid}>"
    m["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    m["Message-ID"] = f"<{rid}@{org}>"
    m.set_content("This is an aggregate report.\n")
    data = xml.encode()
    if gz:
        m.add_attachment(gzip.compress(data, mtime=0), maintype="application", subtype="gzip",
                         filename=f"{org}!{domain}!{rid}.xml.gz")
    else:
        m.add_attachment(data, maintype="text", subtype="xml", filename=f"{org}!{domain}.xml")
    return bytes(m)
