"""An mbox of three messages whose second breaks the header line limit: the
first and third are still verified, the second is reported by number."""
import sys

out = sys.stdout.buffer
out.write(b"From a@example.com Wed Nov 18 10:00:00 2026\nFrom: a@example.com\n\nbody\n\n")
out.write(b"From b@example.com Wed Nov 18 10:00:00 2026\nSubject: " + b"x" * 100000 + b"\n\nbody\n\n")
out.write(b"From c@example.org Wed Nov 18 10:00:00 2026\nFrom: c@example.org\n\nbody\n")
