"""a report whose rows have bad addresses and counts (and one good row)"""
import sys
rows = []
for ip, n in (("not-an-ip", "3"), ("192.0.2.1", "-5"), ("192.0.2.2", "99999999999999999999"),
              ("192.0.2.3", "7")):
    rows.append("<record><row><source_ip>%s</source_ip><count>%s</count><policy_evaluated>"
                "<disposition>none</disposition><dkim>pass</dkim><spf>pass</spf>"
                "</policy_evaluated></row></record>" % (ip, n))
sys.stdout.write("<feedback><report_metadata><org_name>x</org_name><report_id>1</report_id>"
                 "</report_metadata>" + "".join(rows) + "</feedback>\n")
