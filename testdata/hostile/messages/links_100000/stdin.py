"""verify --links on 100,000 links to 100,000 domains, every dot an HTML
character reference, in 200 base64 HTML parts, and a 1 MB host name"""
import base64
import sys

head = (b"From: a@example.com\r\nTo: b@example.org\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n")
out = [head]
for part in range(200):
    html = b"".join(b'<a href="https://h%d&#46;d%d&#x2e;example/">x</a>\n' % (i, i)
                    for i in range(part * 500, part * 500 + 500))
    out.append(b"--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    out.append(base64.encodebytes(html).replace(b"\n", b"\r\n"))
out.append(b"--b\r\nContent-Type: text/plain\r\n\r\nhttps://" + b"a" * 1000000 + b".example/\r\n")
out.append(b"--b--\r\n")
sys.stdout.buffer.write(b"".join(out))
