import sys
out = ["From: MAILER-DAEMON@mx.example.net\nTo: s@example.com\nSubject: Undelivered Mail\nContent-Type: text/plain\n\nReceived: from x by y"]
out += ["    with 450 5.5.5 and user unknown 4.4.4 n%d" % i for i in range(200000)]
sys.stdout.write("\n".join(out) + "\n")
