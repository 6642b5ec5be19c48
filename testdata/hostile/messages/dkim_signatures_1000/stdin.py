"""1,000 DKIM-Signature headers (each a different selector)"""
import sys

out = sys.stdout.buffer
out.write(b"".join(b"DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=s%d; h=from; bh=AAAA; b=AAAA\r\n" % i for i in range(1000)) + b"From: a@example.net\r\n\r\nbody\r\n")
