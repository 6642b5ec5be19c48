"""1,000 ARC sets (instances 1 to 1,000): RFC 8617 allows 50, and the chain
must fail on its structure without verifying a thousand seals"""
import sys

out = sys.stdout.buffer
for i in range(1000, 0, -1):
    out.write(b"ARC-Seal: i=%d; a=rsa-sha256; cv=%s; d=example.net; s=rsa2048; b=AAAA\r\n"
              % (i, b"none" if i == 1 else b"pass"))
    out.write(b"ARC-Message-Signature: i=%d; a=rsa-sha256; c=relaxed/relaxed; d=example.net; "
              b"s=rsa2048; h=from; bh=AAAA; b=AAAA\r\n" % i)
    out.write(b"ARC-Authentication-Results: i=%d; mx.example.net; spf=pass\r\n" % i)
out.write(b"From: a@example.net\r\n\r\nbody\r\n")
