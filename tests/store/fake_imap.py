"""An IMAP server on 127.0.0.1 (implicit TLS) that speaks enough of RFC 9051
for libcurl to log in, select and fetch -- and then misbehaves as told, so
that the tests see mailcheck stop with a clear error instead of hanging or
growing without bound.

  with FakeImap(cert, key, "stall_search") as f: ... f.port ...

Modes:
  garbage_greeting  bytes that are no IMAP greeting
  no_greeting       TLS, then silence
  stall_search      answers until UID SEARCH, then silence
  huge_search       a SEARCH answer of 20 MB in one line
  bad_search        SEARCH answers of words, zeros and numbers past 32 bits
  cut_fetch         a message announced as 5,000 bytes, cut after 100
  trickle_fetch     a message announced as 100,000 bytes, one byte a second
  huge_literal      a message announced as 2**40 bytes, sent as fast as it goes
  ok                a well-behaved server with one report
"""
import re
import socket
import ssl
import threading
import time


class FakeImap:
    def __init__(self, cert, key, mode, message=b""):
        self.mode = mode
        self.message = message
        self.ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.commands = []

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.sock.close()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _silence(self, seconds=60):
        self.stop.wait(seconds)

    def _serve(self, raw):
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        try:
            self._talk(conn)
        except (ssl.SSLError, OSError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _talk(self, conn):
        mode = self.mode
        if mode == "garbage_greeting":
            conn.sendall(b"\x00\xff\x1b[31mHELLO THERE\r\n" * 3)
            self._silence(5)
            return
        if mode == "no_greeting":
            self._silence()
            return
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1 ESEARCH MOVE] fake ready\r\n")
        f = conn.makefile("rb")
        while not self.stop.is_set():
            line = f.readline(65536)
            if not line:
                return
            self.commands.append(line.decode("latin-1").strip())
            m = re.match(rb"(\S+) (UID )?(\S+)(.*)\r?\n", line, re.I)
            if not m:
                continue
            tag, uid, verb, rest = m.group(1), m.group(2), m.group(3).upper(), m.group(4)
            if not self._answer(conn, tag, bool(uid), verb, rest):
                return

    def _answer(self, conn, tag, uid, verb, rest):
        mode = self.mode
        ok = tag + b" OK done\r\n"
        if verb == b"CAPABILITY":
            conn.sendall(b"* CAPABILITY IMAP4rev1 ESEARCH MOVE\r\n" + ok)
        elif verb == b"LOGIN":
            conn.sendall(ok)
        elif verb in (b"SELECT", b"EXAMINE"):
            conn.sendall(b"* FLAGS (\\Seen)\r\n* 1 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n"
                         b"* OK [UIDNEXT 2] n\r\n" + ok)
        elif verb == b"SEARCH" and uid:
            return self._search(conn, tag, rest)
        elif verb == b"FETCH" and uid:
            return self._fetch(conn, tag)
        elif verb == b"LOGOUT":
            conn.sendall(b"* BYE\r\n" + ok)
            return False
        else:
            conn.sendall(tag + b" BAD what\r\n")
        return True

    def _search(self, conn, tag, rest):
        mode = self.mode
        esearch = b"RETURN" in rest.upper()
        if mode == "stall_search":
            self._silence()
            return False
        if mode == "huge_search":
            conn.sendall(b"* SEARCH" + b" 1" * (10 << 20) + b"\r\n" + tag + b" OK done\r\n")
            return True
        if mode == "bad_search":
            if esearch:
                conn.sendall(b'* ESEARCH (TAG "' + tag + b'") UID COUNT 3 ALL 0:99999999999,x'
                             b'\r\n' + tag + b" OK done\r\n")
            else:
                conn.sendall(b"* SEARCH 0 abc 99999999999999999999999 -5 1\r\n" + tag +
                             b" OK done\r\n")
            return True
        if esearch:
            conn.sendall(b'* ESEARCH (TAG "' + tag + b'") UID COUNT 1 ALL 1\r\n' + tag +
                         b" OK done\r\n")
        else:
            conn.sendall(b"* SEARCH 1\r\n" + tag + b" OK done\r\n")
        return True

    def _fetch(self, conn, tag):
        mode = self.mode
        head = b"* 1 FETCH (UID 1 BODY[] {%d}\r\n"
        if mode == "cut_fetch":
            conn.sendall(head % 5000 + b"x" * 100)
            return False
        if mode == "trickle_fetch":
            conn.sendall(head % 100000)
            while not self.stop.is_set():
                conn.sendall(b"x")
                time.sleep(1)
            return False
        if mode == "huge_literal":
            conn.sendall(head % (1 << 40))
            chunk = b"x" * (1 << 20)
            while not self.stop.is_set():
                conn.sendall(chunk)  # until the client goes
            return False
        conn.sendall(head % len(self.message) + self.message + b")\r\n" + tag + b" OK done\r\n")
        return True
