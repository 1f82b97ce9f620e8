#!/usr/bin/env python3
"""Small programs the lab runs inside namespaces (run by path, stdlib only).

  nsprocs.py service --port P --name N
      A TCP service on every address of the namespace (IPv4 and IPv6): each
      connection gets one line, the node name, so a client can tell which
      node owns the VIP.  Prints "ready" once it listens, then "conn ADDR"
      for each connection, so the harness can see when a probe got through.

  nsprocs.py tls-service --port P --cert FILE --key FILE --banner TEXT [--bind A]
      A TLS service (an SMTPS stand-in) on one address (default 127.0.0.1):
      each connection gets the TLS handshake, then one banner line (e.g.
      "220 n1 ESMTP") and is closed. Prints "ready" once it listens and
      "conn ADDR" for each connection whose banner was sent.

  nsprocs.py probe --target HOST:PORT --interval MS --timeout MS --output FILE
      A stand-in for build/failover-probe (used only when that binary is not
      built), with the same rules and the same JSON report: probes start on a
      fixed grid, one in flight at a time; success = connection established;
      a gap is a run of failed probes, from the start of the first failed
      probe to the start of the next successful one; SIGTERM ends the run
      and the report is written atomically.
"""

import argparse
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time


def run_service(args):
    server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    server.bind(("::", args.port))
    server.listen(1024)
    print("ready", flush=True)
    answer = (args.name + "\n").encode()
    while True:
        conn, peer = server.accept()
        print(f"conn {peer[0].removeprefix('::ffff:')}", flush=True)
        try:
            conn.sendall(answer)
        except OSError:
            pass
        conn.close()


def run_tls_service(args):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((args.bind, args.port))
    server.listen(1024)
    banner = (args.banner + "\r\n").encode()
    printing = threading.Lock()
    print("ready", flush=True)

    def serve(conn, peer):
        conn.settimeout(5.0)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(banner)
            with printing:
                print(f"conn {peer[0]}", flush=True)
        except (OSError, ssl.SSLError):
            conn.close()

    while True:
        conn, peer = server.accept()
        threading.Thread(target=serve, args=(conn, peer), daemon=True).start()


def _parse_target(target):
    host, _, port = target.rpartition(":")
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return family, host, int(port)


def _probe_once(family, host, port, timeout):
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((host, port))
        return None
    except socket.timeout:
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    except OSError:
        return "unreachable"
    finally:
        sock.close()


class GapTracker:
    """Same definition of a gap as failover-probe's gaps.c."""

    def __init__(self):
        self.probes = self.ok = self.failed = 0
        self.gaps = []
        self.current = None

    def record(self, start, finish, failure):
        self.probes += 1
        if failure is None:
            self.ok += 1
            if self.current:
                self.current["end_mono"] = start
                self.gaps.append(self.current)
                self.current = None
            return
        self.failed += 1
        if self.current is None:
            self.current = {"start_mono": start, "failed": 0, "reason": failure,
                            "open": False}
        self.current["failed"] += 1
        self.current["last_end"] = finish

    def finish(self):
        if self.current:
            self.current["open"] = True
            self.current["end_mono"] = self.current["last_end"]
            self.gaps.append(self.current)
            self.current = None
        for gap in self.gaps:
            gap.pop("last_end", None)
            gap["duration_ms"] = round((gap["end_mono"] - gap["start_mono"]) * 1000.0, 3)


def run_probe(args):
    family, host, port = _parse_target(args.target)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    interval = args.interval / 1000.0
    timeout = (args.timeout or args.interval) / 1000.0
    tracker = GapTracker()
    began = time.monotonic()
    tick = began
    while not stop["now"]:
        if args.duration and time.monotonic() - began >= args.duration:
            break
        start = time.monotonic()
        failure = _probe_once(family, host, port, timeout)
        finish = time.monotonic()
        if stop["now"]:
            break
        tracker.record(start, finish, failure)
        tick += interval
        while tick < time.monotonic():
            tick += interval
        delay = tick - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    tracker.finish()
    longest = max((g["duration_ms"] for g in tracker.gaps), default=0.0)
    report = {"target": args.target, "mode": "tcp", "interval_ms": args.interval,
              "timeout_ms": args.timeout or args.interval, "start_mono": began,
              "end_mono": time.monotonic(), "probes": tracker.probes, "ok": tracker.ok,
              "failed": tracker.failed, "longest_gap_ms": longest, "gaps": tracker.gaps,
              "implementation": "lablib-python"}
    tmp = args.output + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f)
    os.rename(tmp, args.output)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    svc = sub.add_parser("service", help="answer each TCP connection with a line")
    svc.add_argument("--port", type=int, required=True)
    svc.add_argument("--name", required=True)
    tls = sub.add_parser("tls-service", help="TLS handshake, then a banner line")
    tls.add_argument("--port", type=int, required=True)
    tls.add_argument("--cert", required=True)
    tls.add_argument("--key", required=True)
    tls.add_argument("--banner", required=True)
    tls.add_argument("--bind", default="127.0.0.1")
    prb = sub.add_parser("probe", help="probe HOST:PORT and report gaps as JSON")
    prb.add_argument("--target", required=True)
    prb.add_argument("--interval", type=float, default=10.0, help="ms between probes")
    prb.add_argument("--timeout", type=float, default=0.0, help="ms per probe")
    prb.add_argument("--duration", type=float, default=0.0, help="seconds (0: until SIGTERM)")
    prb.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    if args.command == "service":
        run_service(args)
    elif args.command == "tls-service":
        run_tls_service(args)
    else:
        run_probe(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
