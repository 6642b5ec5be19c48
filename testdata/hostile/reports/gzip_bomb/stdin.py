"""gzip: <feedback><report_metadata><org_name> then 200 MB of 'a' (one text
node: libxml2's 10 MB text limit, no XML_PARSE_HUGE)"""
import sys, zlib
c = zlib.compressobj(9, zlib.DEFLATED, 31)
out = [c.compress(b"<feedback><report_metadata><org_name>")]
chunk = b"a" * (1 << 20)
for _ in range(200):
    out.append(c.compress(chunk))
out.append(c.flush())
sys.stdout.buffer.write(b"".join(out))
