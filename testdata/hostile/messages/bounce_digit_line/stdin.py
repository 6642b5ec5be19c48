import sys
sys.stdout.write("From: MAILER-DAEMON@mx.example.net\nTo: s@example.com\nSubject: Undelivered Mail\nContent-Type: text/plain\n\n<a@example.org>: said: " + "5" * (4 << 20) + "\n")
