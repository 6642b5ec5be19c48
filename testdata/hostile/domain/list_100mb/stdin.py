"""a domain list of 100 MB: comment and blank lines around one domain"""
import sys

out = sys.stdout
chunk = ("# " + "x" * 97 + "\n") * 10000 + "\n" * 1000
for i in range(100):
    out.write(chunk)
    if i == 50:
        out.write("parked.test\n")
