"""A delivery status report with 5,000 recipient groups (1,000 are read)"""
import sys

head = (b"From: MAILER-DAEMON@mx.example\r\nTo: a@b.example\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\r\n\r\n"
        b"--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n")
groups = b"".join(b"Final-Recipient: rfc822; u%d@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                  b"Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n" % i for i in range(5000))
sys.stdout.buffer.write(head + groups + b"--x--\r\n")
