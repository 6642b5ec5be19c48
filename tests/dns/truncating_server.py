#!/usr/bin/env python3
"""A small DNS server on 127.0.0.1 that answers every UDP query truncated
(TC=1) and then fails the TCP retry in one of several ways, as firewalls and
broken nameservers do.

  truncating_server.py PORT_FILE --tcp close|refuse|silent|ok [--records]
                       [--whole] [--ad | --ad-under SUFFIX]

It binds a free port for UDP and TCP on 127.0.0.1 and writes the port to
PORT_FILE once it is ready. --tcp says what a TCP connection gets:
  close   accepted, then closed without an answer
  refuse  refused (the port is bound but not listening: the kernel resets)
  silent  accepted, read, never answered
  ok      the full answer (so that the test proves the happy path too)
--records puts the records in the truncated UDP answer as well (a partial
answer that must not be used as if it were complete). --whole answers over
UDP in full (no TC), and --ad sets the AD bit as a validating resolver does
for signed zones (for the DNSSEC rows of `mailcheck domain`); --ad-under
sets it only for names under SUFFIX (a signed zone beside unsigned ones). Answers are
made up from the question: TXT gets an SPF, DMARC or DKIM record by the
name, A 192.0.2.1, MX "10 mx.<name>", TLSA at _25._tcp names "3 1 1 <hash>".
It stops when killed.
"""
import argparse
import select
import socket
import struct
import sys


def parse_question(msg):
    """(id, flags, qname wire bytes, qtype, end offset) or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if qd != 1:
        return None
    i = 12
    while i < len(msg) and msg[i] != 0:
        if msg[i] & 0xC0:
            return None
        i += 1 + msg[i]
    if i + 5 > len(msg):
        return None
    qname = msg[12:i + 1]
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return qid, flags, qname, qtype, i + 5


def name_text(wire):
    labels, i = [], 0
    while wire[i]:
        labels.append(wire[i + 1:i + 1 + wire[i]].decode("ascii", "replace").lower())
        i += 1 + wire[i]
    return ".".join(labels)


def name_wire(text):
    out = b""
    for label in text.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def txt_rdata(text):
    data = text.encode()
    out = b""
    for k in range(0, len(data), 255):
        chunk = data[k:k + 255]
        out += bytes([len(chunk)]) + chunk
    return out


def records(name, qtype):
    """The answer records (type, rdata) made up for a question."""
    if qtype == 16:
        if name.startswith("_dmarc."):
            return [(16, txt_rdata("v=DMARC1; p=reject"))]
        if "._domainkey." in name:
            return [(16, txt_rdata("v=DKIM1; k=rsa; p=" + "A" * 392))]
        return [(16, txt_rdata("v=spf1 ip4:192.0.2.0/24 " + " ".join(
            "ip4:198.51.100.%d" % k for k in range(40)) + " -all"))]
    if qtype == 1:
        return [(1, socket.inet_aton("192.0.2.1"))]
    if qtype == 15:
        return [(15, struct.pack("!H", 10) + name_wire("mx." + name))]
    if qtype == 52 and name.startswith("_25._tcp."):
        return [(52, bytes([3, 1, 1]) + bytes(range(32)))]
    return []


AD = False  # --ad
AD_UNDER = None  # --ad-under


def answer(query, truncated, with_records):
    q = parse_question(query)
    if not q:
        return None
    qid, qflags, qname, qtype, end = q
    rrs = records(name_text(qname), qtype) if (with_records or not truncated) else []
    flags = 0x8000 | 0x0400 | (qflags & 0x0100)  # QR, AA, RD copied
    if truncated:
        flags |= 0x0200  # TC
    name = name_text(qname)
    if AD or (AD_UNDER and (name == AD_UNDER or name.endswith("." + AD_UNDER))):
        flags |= 0x0020  # AD: the answer is authenticated (RFC 4035 3.2.3)
    out = struct.pack("!HHHHHH", qid, flags, 1, len(rrs), 0, 0) + query[12:end]
    for rtype, rdata in rrs:
        out += b"\xc0\x0c" + struct.pack("!HHIH", rtype, 1, 300, len(rdata)) + rdata
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port_file")
    ap.add_argument("--tcp", choices=["close", "refuse", "silent", "ok"], required=True)
    ap.add_argument("--records", action="store_true")
    ap.add_argument("--whole", action="store_true")
    ap.add_argument("--ad", action="store_true")
    ap.add_argument("--ad-under")
    args = ap.parse_args()
    global AD, AD_UNDER
    AD = args.ad
    AD_UNDER = args.ad_under

    # a UDP port whose TCP twin is free too (another process's connection
    # may hold it): tried again with another
    for attempt in range(50):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind(("127.0.0.1", port))
            break
        except OSError:
            udp.close()
            tcp.close()
            if attempt == 49:
                raise
    if args.tcp != "refuse":
        tcp.listen(64)
    with open(args.port_file, "w") as f:
        f.write("%d\n" % port)
    held = []  # silent: connections kept open, never answered
    watch = [udp] + ([tcp] if args.tcp != "refuse" else [])
    while True:
        ready, _, _ = select.select(watch, [], [], 1.0)
        for s in ready:
            if s is udp:
                msg, peer = udp.recvfrom(4096)
                out = answer(msg, not args.whole, args.records)
                if out:
                    udp.sendto(out, peer)
                continue
            conn, _ = tcp.accept()
            if args.tcp == "close":
                conn.close()
            elif args.tcp == "silent":
                held.append(conn)
                del held[:-200]
            else:
                conn.settimeout(2)
                try:
                    head = conn.recv(2)
                    want = struct.unpack("!H", head)[0]
                    msg = b""
                    while len(msg) < want:
                        chunk = conn.recv(want - len(msg))
                        if not chunk:
                            break
                        msg += chunk
                    out = answer(msg, False, True)
                    if out:
                        conn.sendall(struct.pack("!H", len(out)) + out)
                except (OSError, struct.error):
                    pass
                conn.close()


if __name__ == "__main__":
    sys.exit(main())
