"""a Subject line of 10 MB"""
import sys

out = sys.stdout.buffer
out.write(b"Subject: " + b"a" * 10_000_000 + b"\r\nFrom: a@example.com\r\n\r\nbody\r\n")
