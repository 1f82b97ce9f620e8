#!/usr/bin/env python3
"""Programs failover-lab runs inside namespaces that nsprocs.py lacks (stdlib only).

  labprocs.py http-service --port P --body TEXT [--bind ADDRESS]
      A plain HTTP/1.0 service: every GET answers 200 with TEXT and a
      newline (e.g. "ok lb1", so a client sees which node holds the VIP).
      It binds ADDRESS (default "::", which also takes IPv4), prints "ready"
      once it listens and "conn ADDR" for each connection it accepts -- the
      same lines as nsprocs.py's services, so the lab waits on them alike.
"""

import argparse
import http.server
import socket
import sys


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b"ok\n"

    def do_GET(self):                     # noqa: N802 -- the http.server API
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format, *args):   # noqa: A002 -- silence per-request logs
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, bind, port):
        self.address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET
        super().__init__((bind, port), _Handler)

    def verify_request(self, request, client_address):
        # Announced on accept: a probe that only connects is a client too.
        print(f"conn {client_address[0].removeprefix('::ffff:')}", flush=True)
        return True

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def run_http_service(args):
    _Handler.body = (args.body + "\n").encode()
    server = _Server(args.bind, args.port)
    print("ready", flush=True)
    server.serve_forever()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    http = sub.add_parser("http-service", help="answer every GET with 200 and a text")
    http.add_argument("--port", type=int, required=True)
    http.add_argument("--body", required=True)
    http.add_argument("--bind", default="::")
    args = parser.parse_args(argv)
    run_http_service(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
