#!/usr/bin/env python3
"""SMTP servers with STARTTLS on loopback addresses for the transport tests.

    smtp_server.py CONFIG.json

CONFIG: {"port": N, "servers": [{"address": "127.0.0.10", "name": "mx.x.test",
"mode": "good", "cert": "PEM", "key": "KEY", "tls": {...}}]}. Modes: good
(STARTTLS), nostarttls, badtls (no TLS after STARTTLS), stall (a greeting that
never ends), flood (a greeting that goes on forever), refuse (554), tlsreset
(answers the ClientHello with its ServerHello, then resets the connection),
tlsstall (never answers the ClientHello), implicit (TLS from the start, as
on port 465 (RFC 8314), then SMTP without STARTTLS). "tls" (optional) sets the server's TLS as an MTA's settings
would: "min"/"max" ("TLSv1" ... "TLSv1_3"), "ciphers" (an OpenSSL list;
"@SECLEVEL=0" lets weak keys and old versions in), "client_order" (the
client's order, not the server's), "dh" (a DH parameters file for DHE),
"groups" (one ECDH curve, "prime256v1"), "renegotiation" (let the client
renegotiate). Prints "ready" once listening;
serves until killed. Each connection is a thread; nothing is delivered
anywhere.
"""
import json
import socket
import struct
import ssl
import sys
import threading
import time


def readline(f):
    line = f.readline(1024)
    return line.decode("latin-1").strip() if line else None


def context(srv):
    """The server's TLS, as its "tls" settings say."""
    t = srv.get("tls", {})
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if "ciphers" in t:
        ctx.set_ciphers(t["ciphers"])
    if "min" in t:
        ctx.minimum_version = getattr(ssl.TLSVersion, t["min"])
    if "max" in t:
        ctx.maximum_version = getattr(ssl.TLSVersion, t["max"])
    if t.get("client_order"):
        ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    else:
        ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE
    if "dh" in t:
        ctx.load_dh_params(t["dh"])
    if "groups" in t:
        ctx.set_ecdh_curve(t["groups"])
    if t.get("renegotiation"):  # let a client renegotiate (TLS 1.2 and lower)
        # OpenSSL 3's SSL_OP_ALLOW_CLIENT_RENEGOTIATION (1 << 8): off by default
        ctx.options = (ctx.options & ~ssl.OP_NO_RENEGOTIATION) | getattr(
            ssl, "OP_ALLOW_CLIENT_RENEGOTIATION", 1 << 8)
    else:
        ctx.options |= ssl.OP_NO_RENEGOTIATION
    ctx.load_cert_chain(srv["cert"], srv["key"])
    return ctx


def session(conn, srv):
    mode, name = srv["mode"], srv["name"]
    try:
        if mode == "stall":
            conn.sendall(b"220-" + name.encode() + b" starts greeting\r\n")
            time.sleep(30)
            return
        if mode == "flood":
            line = b"220-" + b"x" * 70 + b"\r\n"
            end = time.time() + 30
            while time.time() < end:
                conn.sendall(line * 50)
            return
        if mode == "refuse":
            conn.sendall(b"554 " + name.encode() + b" no SMTP service here\r\n")
            return
        if mode == "implicit":  # RFC 8314: TLS first (465), then SMTP inside it
            try:
                conn = context(srv).wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                return
            mode = "nostarttls"
        conn.sendall(b"220 " + name.encode() + b" ESMTP test server\r\n")
        f = conn.makefile("rb")
        while True:
            cmd = readline(f)
            if cmd is None:
                return
            verb = cmd.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                ext = [name + " greets you", "PIPELINING", "SIZE 10240000"]
                if mode != "nostarttls":
                    ext.append("STARTTLS")
                reply = "".join(f"250-{e}\r\n" for e in ext[:-1]) + f"250 {ext[-1]}\r\n"
                conn.sendall(reply.encode())
            elif verb == "STARTTLS" and mode == "badtls":
                conn.sendall(b"220 2.0.0 ready to start TLS\r\nthis is not TLS at all\r\n")
                time.sleep(1)  # close only once the client has tried TLS (no reset race)
                return
            elif verb == "STARTTLS" and mode in ("tlsreset", "tlsstall"):
                conn.sendall(b"220 2.0.0 ready to start TLS\r\n")
                hello = conn.recv(16384)  # the ClientHello
                if mode == "tlsstall":
                    time.sleep(30)
                    return
                # the ServerHello record of a real handshake, then an RST
                inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
                obj = context(srv).wrap_bio(inc, out, server_side=True)
                inc.write(hello)
                try:
                    obj.do_handshake()
                except ssl.SSLError:
                    pass
                flight = out.read()
                if len(flight) >= 5:
                    conn.sendall(flight[:5 + int.from_bytes(flight[3:5], "big")])
                time.sleep(0.2)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            elif verb == "STARTTLS" and mode != "nostarttls":
                conn.sendall(b"220 2.0.0 ready to start TLS\r\n")
                ctx = context(srv)
                try:
                    conn = ctx.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client gave up on the certificate
                f = conn.makefile("rb")
            elif verb == "QUIT":
                conn.sendall(b"221 2.0.0 bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.2 not here\r\n")
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def serve(sock, srv):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=session, args=(conn, srv), daemon=True).start()


def main():
    cfg = json.load(open(sys.argv[1]))
    for srv in cfg["servers"]:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((srv["address"], cfg["port"]))
        s.listen(16)
        threading.Thread(target=serve, args=(s, srv), daemon=True).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
