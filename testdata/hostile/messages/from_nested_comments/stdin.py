"""a From whose display part is 10,000 nested comments"""
import sys

out = sys.stdout.buffer
out.write(b"From: " + b"(" * 10000 + b"x" + b")" * 10000 + b" <a@example.com>\r\nSubject: x\r\n\r\nbody\r\n")
