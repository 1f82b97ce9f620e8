#!/usr/bin/python3
"""Local servers for test_check.c, on 127.0.0.1 only.

  check_server.py banner CERT KEY TEXT   implicit TLS: sends "TEXT sni=NAME\\r\\n"
                                         (NAME: the SNI received, or "none"), closes
  check_server.py http [--tls CERT KEY]  HTTP/1.0: /ok 200 "status: ok", /fail 503,
                                         /slow 200 after 300 ms, /host echoes Host

Prints the port it listens on (one line on stdout), then serves until killed.
"""
import argparse
import http.server
import socket
import ssl
import sys
import time


def tls_context(cert, key, sni_seen=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if sni_seen is not None:
        def remember(_sock, name, _ctx):
            sni_seen[0] = name or "none"
        ctx.sni_callback = remember
    return ctx


def serve_banner(args):
    sni_seen = ["none"]
    ctx = tls_context(args.cert, args.key, sni_seen)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        conn.settimeout(5)
        sni_seen[0] = "none"
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(f"{args.text} sni={sni_seen[0]}\r\n".encode())
        except (OSError, ssl.SSLError):
            conn.close()


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/ok":
            self.answer(200, "status: ok\n")
        elif self.path == "/fail":
            self.answer(503, "down\n")
        elif self.path == "/slow":
            time.sleep(0.3)
            self.answer(200, "status: ok\n")
        elif self.path == "/host":
            self.answer(200, f"Host={self.headers.get('Host')}\n")
        else:
            self.answer(404, "no such page\n")

    def log_message(self, *args):
        pass


def serve_http(args):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls:
        server.socket = tls_context(*args.tls).wrap_socket(server.socket, server_side=True)
    server.handle_error = lambda request, address: None
    print(server.server_address[1], flush=True)
    server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    banner = sub.add_parser("banner", help="implicit-TLS banner server")
    banner.add_argument("cert")
    banner.add_argument("key")
    banner.add_argument("text")
    web = sub.add_parser("http", help="HTTP or HTTPS server")
    web.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    try:
        serve_banner(args) if args.mode == "banner" else serve_http(args)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
