import sys
sys.stdout.write("From: MAILER-DAEMON@mx.example.net\nTo: s@example.com\nSubject: Undelivered Mail\n"
                 "Content-Type: text/plain\n\nuser unknown " + "@" * (4 << 20) + "\n")
