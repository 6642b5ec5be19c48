"""64 KiB of random bytes (seeded): no header field anywhere"""
import sys

out = sys.stdout.buffer
import random
random.seed(7)
out.write(bytes(random.getrandbits(8) for _ in range(65536)))
