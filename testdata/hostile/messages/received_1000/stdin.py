"""1,000 Received headers, one per hop"""
import sys

out = sys.stdout.buffer
out.write(b"".join(b"Received: from h%d.example.com (h%d.example.com [192.0.2.%d]) by mx.example.com with ESMTP id %d; Wed, 18 Nov 2026 10:00:00 +0000\r\n" % (i, i, i % 250 + 1, i) for i in range(1000)) + b"From: a@example.com\r\n\r\nbody\r\n")
