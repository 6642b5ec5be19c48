"""a line of 1 MB between two domains"""
import sys

sys.stdout.write("parked.test\n" + "a" * 1_000_000 + "\nparked.test\n")
