"""100,000 header fields"""
import sys

out = sys.stdout.buffer
out.write(b"".join(b"X-H%d: v\r\n" % i for i in range(100000)) + b"From: a@example.com\r\n\r\nbody\r\n")
