"""a message of 60,000 nested multiparts, never closed"""
import sys
out = [b"From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"]
for i in range(1, 60000):
    out.append(b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n" % (i - 1, i))
out.append(b"--b59999\r\n\r\nhello\r\n")
sys.stdout.buffer.write(b"".join(out))
