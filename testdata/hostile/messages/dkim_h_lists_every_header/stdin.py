"""50 DKIM-Signatures whose h= each names 999 header fields (the bound is
1,000), over a message of 9,000 header fields: header selection must not be
quadratic"""
import sys

out = sys.stdout.buffer
names = b":".join(b"x-f%d" % (i % 9000) + (b"\r\n\t" if i % 100 == 99 else b"")
                  for i in range(999))  # folded: physical lines stay short
out.write(b"".join(b"DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=rsa2048; h=from:" +
                   names + b"; bh=AAAA; b=AAAA\r\n" for i in range(50)))
out.write(b"".join(b"X-F%d: value %d\r\n" % (i, i) for i in range(9000)))
out.write(b"From: a@example.net\r\n\r\nbody\r\n")
