#!/usr/bin/env bash
# How testdata/trace/postfix_genuine_*.eml were made: a real Postfix (Debian
# 12, "Local only") on this machine, as root. Not run by the tests: it
# installs and reconfigures the system's MTA. Each message is the one
# Postfix wrote into the local mailbox (mbox, with its "From " line).
#   1. sendmail from a web application's user -> local delivery
#   2. SMTP on 127.0.0.1 to the same host     -> local delivery over loopback
set -euo pipefail
echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
echo "postfix postfix/mailname string web1.example.com" | debconf-set-selections
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
id alice >/dev/null 2>&1 || useradd -m alice
postconf -e "myhostname = web1.example.com" "mydestination = web1.example.com, example.com, localhost" \
	"inet_interfaces = loopback-only" "maillog_file = /var/log/postfix.log"
postfix start || postfix reload
out=$(cd "$(dirname "$0")/../.." && pwd)/testdata/trace

: > /var/mail/alice
printf 'From: Shop <shop@example.com>\nTo: alice@example.com\nSubject: Your order\n\nThank you for your order.\n' |
	su -s /bin/sh nobody -c "/usr/sbin/sendmail -t"
sleep 2
cp /var/mail/alice "$out/postfix_genuine_sendmail.eml"

: > /var/mail/alice
/usr/bin/python3 - <<'PY'
import smtplib
s = smtplib.SMTP("127.0.0.1", 25)
s.ehlo("web1.example.com")
s.sendmail("shop@example.com", ["alice@example.com"],
           "From: Shop <shop@example.com>\r\nTo: alice@example.com\r\nSubject: Order shipped\r\n\r\n"
           "Your order has shipped.\r\n")
s.quit()
PY
sleep 2
cp /var/mail/alice "$out/postfix_genuine_smtp_loopback.eml"
postfix stop
