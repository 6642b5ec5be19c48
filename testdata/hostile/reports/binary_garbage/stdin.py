"""64 KiB of bytes that are no report and no message"""
import sys
sys.stdout.buffer.write(bytes((i * 7919) % 256 for i in range(65536)))
