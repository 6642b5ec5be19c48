"""zip: 20 members, each an aggregate report that opens and then holds
5 MiB of whitespace in one text node (past the 4 MiB without an element):
three such members in a row end the archive"""
import io, sys, zipfile
buf = io.BytesIO()
body = b"<feedback><report_metadata><org_name>x" + b" " * (5 << 20) + b"</org_name>"
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for i in range(20):
        z.writestr(zipfile.ZipInfo("r%03d.xml" % i, (2026, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
sys.stdout.buffer.write(buf.getvalue())
