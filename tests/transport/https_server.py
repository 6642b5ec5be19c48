#!/usr/bin/env python3
"""An HTTPS server on 127.0.0.1 for the transport tests.

    https_server.py ROUTES.json CERTDIR

Prints its port, then serves until killed. The certificate is chosen by
the SNI name (CERTDIR/NAME.pem with NAME.key; CERTDIR/default.* otherwise);
what it answers by the Host name and path, from ROUTES.json:
{"host/path": {"status": 200, "type": "text/plain", "body": "...",
"repeat": N, "delay": S, "headers": {...}, "length": N, "chunked": true}}.
"repeat" sends the body N times (an oversize answer), "length" announces
another Content-Length, "chunked" sends it in chunks of 1 KiB without one,
"delay" stalls before the answer.
"""
import http.server
import json
import os
import socketserver
import ssl
import sys
import time


def main():
    routes = json.load(open(sys.argv[1]))
    certdir = sys.argv[2]
    contexts = {}
    for f in os.listdir(certdir):
        if f.endswith(".pem") and os.path.exists(os.path.join(certdir, f[:-4] + ".key")):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(os.path.join(certdir, f), os.path.join(certdir, f[:-4] + ".key"))
            contexts[f[:-4]] = ctx
    default = contexts["default"]

    def pick(sslobj, name, _ctx):
        if name in contexts:
            sslobj.context = contexts[name]

    default.sni_callback = pick

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            host = (self.headers.get("Host") or "").split(":")[0]
            r = routes.get(host + self.path)
            if r is None:
                r = {"status": 404, "body": "not here\n"}
            time.sleep(r.get("delay", 0))
            body = r.get("body", "").encode() * r.get("repeat", 1)
            self.send_response(r.get("status", 200))
            if r.get("type"):
                self.send_header("Content-Type", r["type"])
            for k, v in r.get("headers", {}).items():
                self.send_header(k, v)
            if r.get("chunked"):
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(r.get("length", len(body))))
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                if r.get("chunked"):
                    for i in range(0, len(body), 1024):
                        part = body[i:i + 1024]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(body)
            except OSError:
                pass
            self.close_connection = True

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client that rejects the certificate is part of the test

    srv = Server(("127.0.0.1", 0), Handler)
    srv.socket = default.wrap_socket(srv.socket, server_side=True,
                                     do_handshake_on_connect=False)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
