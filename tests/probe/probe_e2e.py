#!/usr/bin/env python3
"""End-to-end tests of failover-probe against local servers on 127.0.0.1.

Each scenario starts a small TCP, TLS or UDP echo server in a thread, runs
the real failover-probe binary against it, and checks the report:

  tcp, tls, udp  the server is stopped for ~300 ms mid-run and restarted on
                 the same port; the report must show exactly one closed gap
                 of roughly that length (150..900 ms) with failed > 0.
  expect         a wrong --expect fails every probe (tcp, tls, udp), a right
                 one passes every probe; --fail-on-gap turns a long gap into
                 exit status 2.
  timeout        a server that accepts but never greets: every probe ends at
                 --timeout, and ticks wait for the probe in flight.
  verify         tls --ca/--sni: the right name passes, a wrong one fails.
  text           the text report and per-gap stderr line formats.
  args           wrong command lines exit 1 with a message and no report.

Run by ctest (tests/probe/CMakeLists.txt); standard library only, plus the
openssl command to make a throwaway certificate for the TLS scenarios.
"""

import argparse
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
OUTAGE_S = 0.3
GAP_MIN_MS, GAP_MAX_MS = 150.0, 900.0
BANNER = b"220 ready\r\n"
TIME_RE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
GAP_LINE_RE = re.compile(
    rf"^gap start=({TIME_RE}) end=({TIME_RE}) duration_ms=(\d+\.\d{{3}}) failed=(\d+) "
    r"reason=([a-z]+)( open=true)?$")
SUMMARY_RE = re.compile(
    r"^probes=(\d+) ok=(\d+) failed=(\d+) longest_gap_ms=(\d+\.\d{3}) gaps=(\d+)$")


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise TestFailure(f"timed out waiting for {what}")


class StreamServer:
    """TCP (or TLS) server that greets every client with a banner.

    stop() closes the listening socket, so connects are refused until
    start() binds the same port again.
    """

    def __init__(self, banner=BANNER, tls=None, greet=True):
        self.banner = banner
        self.tls = tls
        self.greet = greet
        self.port = 0
        self.hits = 0
        self._lock = threading.Lock()
        self._thread = None
        self._stop = None

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.02)
        self.port = listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(listener, self._stop),
                                        daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def count(self):
        with self._lock:
            return self.hits

    def _serve(self, listener, stop):
        with listener:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except socket.timeout:
                    continue
                with self._lock:
                    self.hits += 1
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        try:
            conn.settimeout(2.0)
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
            if self.greet:
                conn.sendall(self.banner)
            # Like a mail server: wait for the client to leave, so the banner
            # is never cut off by a reset.
            while conn.recv(1024):
                pass
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()


class UdpEchoServer:
    def __init__(self):
        self.port = 0
        self.hits = 0
        self._lock = threading.Lock()
        self._thread = None
        self._stop = None

    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.settimeout(0.02)
        self.port = sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(sock, self._stop), daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def count(self):
        with self._lock:
            return self.hits

    def _serve(self, sock, stop):
        with sock:
            while not stop.is_set():
                try:
                    data, peer = sock.recvfrom(2048)
                except socket.timeout:
                    continue
                except OSError:
                    continue
                with self._lock:
                    self.hits += 1
                try:
                    sock.sendto(data, peer)
                except OSError:
                    pass


class Probe:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir

    def start(self, args):
        return subprocess.Popen([self.binary] + args, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def run(self, args, timeout=30):
        done = subprocess.run([self.binary] + args, capture_output=True, text=True,
                              timeout=timeout)
        return done.returncode, done.stdout, done.stderr

    def run_json(self, args, expect_rc=0):
        rc, out, err = self.run(args + ["--json"])
        check(rc == expect_rc, f"exit status {rc}, expected {expect_rc}; stderr: {err}")
        return json.loads(out)


def make_certificate(workdir):
    """Self-signed certificate for CN/SAN localhost and 127.0.0.1, or None."""
    cert = os.path.join(workdir, "cert.pem")
    key = os.path.join(workdir, "key.pem")
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
             "-days", "1", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return cert, key


def tls_server_context(workdir):
    paths = make_certificate(workdir)
    if paths is None:
        return None, None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*paths)
    return context, paths[0]


def check_report_consistent(report):
    check(report["probes"] == report["ok"] + report["failed"],
          f"probes != ok + failed: {report}")
    gaps = report["gaps"]
    check(sum(g["failed"] for g in gaps) == report["failed"],
          "failed probes are not all inside gaps")
    longest = max((g["duration_ms"] for g in gaps), default=0.0)
    check(abs(report["longest_gap_ms"] - longest) < 0.0015,
          f"longest_gap_ms {report['longest_gap_ms']} != longest gap {longest}")
    for gap in gaps:
        measured = (gap["end_mono"] - gap["start_mono"]) * 1000.0
        check(abs(measured - gap["duration_ms"]) < 0.01,
              f"duration_ms {gap['duration_ms']} disagrees with mono times {measured}")
        check(gap["start"] <= gap["end"], f"gap ends before it starts: {gap}")


def check_one_outage(report, stderr_text=None):
    check_report_consistent(report)
    gaps = report["gaps"]
    check(len(gaps) == 1, f"expected exactly one gap, got {len(gaps)}: {gaps}")
    gap = gaps[0]
    check(not gap["open"], f"gap still open: {gap}")
    check(gap["failed"] > 0 and report["failed"] > 0, f"no failed probes: {report}")
    check(GAP_MIN_MS <= gap["duration_ms"] <= GAP_MAX_MS,
          f"gap {gap['duration_ms']} ms outside {GAP_MIN_MS}..{GAP_MAX_MS}")
    # The server saw 5 probes before and 5 after the outage; the last may
    # have been in flight at SIGTERM and so not counted.
    check(report["ok"] >= 8, f"too few successful probes around the outage: {report}")
    check(gap["start_mono"] - report["start_mono"] >= 0.06,
          f"the gap does not follow successful probes: {report}")
    if stderr_text is not None:
        lines = [l for l in stderr_text.splitlines() if l.startswith("gap ")]
        check(len(lines) == 1, f"expected one gap line on stderr, got: {stderr_text!r}")
        match = GAP_LINE_RE.match(lines[0])
        check(match is not None, f"bad gap line: {lines[0]!r}")
        check(float(match.group(3)) == gap["duration_ms"], "stderr and report disagree")
    print(f"one gap of {gap['duration_ms']} ms, {gap['failed']} failed probes "
          f"({gap['reason']}), {report['ok']} ok")


def outage_run(probe, server, mode, extra, workdir, quiet=False):
    """Starts server and probe, stops the server ~300 ms, stops the probe."""
    output = os.path.join(workdir, f"{mode}.json")
    server.start()
    args = ["--target", f"127.0.0.1:{server.port}", "--mode", mode, "--interval", "20",
            "--timeout", "500", "--json", "--output", output] + extra
    if quiet:
        args.append("--quiet")
    process = probe.start(args)
    try:
        wait_for(lambda: server.count() >= 5, what="first probes")
        server.stop()
        time.sleep(OUTAGE_S)
        before = server.count()
        server.start()
        wait_for(lambda: server.count() >= before + 5, what="probes after restart")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        server.stop()
    check(process.returncode == 0, f"exit status {process.returncode}; stderr: {err}")
    check(out == "", f"report went to stdout despite --output: {out!r}")
    leftovers = [n for n in os.listdir(workdir) if n.startswith(f"{mode}.json.")]
    check(not leftovers, f"temporary report files left: {leftovers}")
    with open(output, encoding="utf-8") as f:
        report = json.load(f)
    check(report["mode"] == mode and report["interval_ms"] == 20, f"header: {report}")
    return report, err


def scenario_tcp(probe, workdir):
    report, err = outage_run(probe, StreamServer(), "tcp", [], workdir)
    check_one_outage(report, err)
    check(report["gaps"][0]["reason"] == "refused", f"reason: {report['gaps'][0]}")


def scenario_tls(probe, workdir):
    context, _ = tls_server_context(workdir)
    if context is None:
        print("openssl cannot make a certificate: skipped")
        return SKIP
    report, _ = outage_run(probe, StreamServer(tls=context), "tls", ["--expect", "220"],
                           workdir, quiet=True)
    check_one_outage(report)


def scenario_udp(probe, workdir):
    """UDP echo, stopped by --duration instead of a signal."""
    server = UdpEchoServer()
    server.start()
    args = ["--target", f"127.0.0.1:{server.port}", "--mode", "udp", "--interval", "20",
            "--timeout", "500", "--duration", "2.5", "--json", "--quiet"]
    started = time.monotonic()
    process = probe.start(args)
    try:
        wait_for(lambda: server.count() >= 5, what="first probes")
        server.stop()
        time.sleep(OUTAGE_S)
        server.start()
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        server.stop()
    elapsed = time.monotonic() - started
    check(process.returncode == 0, f"exit status {process.returncode}; stderr: {err}")
    check(2.4 <= elapsed <= 8.0, f"--duration 2.5 took {elapsed:.2f} s")
    report = json.loads(out)
    check_one_outage(report)
    check(report["probes"] <= 126, f"more probes than ticks in 2.5 s: {report['probes']}")
    check(report["gaps"][0]["reason"] == "refused", f"reason: {report['gaps'][0]}")


def check_all_failed(report, count, reason):
    check_report_consistent(report)
    check(report["probes"] == count and report["ok"] == 0 and report["failed"] == count,
          f"expected {count} failed probes: {report}")
    check(len(report["gaps"]) == 1 and report["gaps"][0]["open"],
          f"expected one open gap: {report['gaps']}")
    check(report["gaps"][0]["reason"] == reason, f"reason: {report['gaps'][0]}")


def check_all_ok(report, count):
    check(report["probes"] == count and report["ok"] == count and not report["gaps"],
          f"expected {count} good probes: {report}")


def scenario_expect(probe, workdir):
    context, _ = tls_server_context(workdir)
    servers = [("tcp", StreamServer())]
    if context is not None:
        servers.append(("tls", StreamServer(tls=context)))
    for mode, server in servers:
        server.start()
        try:
            base = ["--target", f"127.0.0.1:{server.port}", "--mode", mode, "--interval", "20",
                    "--timeout", "1000", "--count", "5"]
            check_all_ok(probe.run_json(base + ["--expect", "220 re"]), 5)
            check_all_failed(probe.run_json(base + ["--expect", "554"]), 5, "mismatch")
            probe.run_json(base + ["--expect", "554", "--fail-on-gap", "1"], expect_rc=2)
            probe.run_json(base + ["--expect", "554", "--fail-on-gap", "100000"])
            probe.run_json(base + ["--expect", "220", "--fail-on-gap", "0"])
        finally:
            server.stop()
        print(f"{mode}: --expect checked")
    echo = UdpEchoServer()
    echo.start()
    try:
        base = ["--target", f"127.0.0.1:{echo.port}", "--mode", "udp", "--interval", "20",
                "--timeout", "1000", "--count", "5", "--send", "hello\\n"]
        check_all_ok(probe.run_json(base + ["--expect", "hel"]), 5)
        check_all_failed(probe.run_json(base + ["--expect", "help"]), 5, "mismatch")
    finally:
        echo.stop()
    print("udp: --expect checked")


def scenario_timeout(probe, workdir):
    """A listener that never accepts: connect succeeds, the banner never comes."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    try:
        started = time.monotonic()
        report = probe.run_json(["--target", f"127.0.0.1:{port}", "--expect", "220",
                                 "--interval", "50", "--timeout", "100", "--count", "4"])
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    check_all_failed(report, 4, "timeout")
    gap = report["gaps"][0]
    # Four probes of 100 ms each, back to back: the 50 ms ticks wait for them.
    check(390 <= gap["duration_ms"] <= 1500, f"4 timeouts of 100 ms took {gap['duration_ms']} ms")
    check(elapsed < 5, f"run took {elapsed:.2f} s")
    print(f"4 timeouts in {gap['duration_ms']} ms")


def scenario_verify(probe, workdir):
    context, cert = tls_server_context(workdir)
    if context is None:
        print("openssl cannot make a certificate: skipped")
        return SKIP
    server = StreamServer(tls=context)
    server.start()
    try:
        base = ["--target", f"127.0.0.1:{server.port}", "--mode", "tls", "--interval", "20",
                "--timeout", "1000", "--count", "3", "--ca", cert]
        check_all_ok(probe.run_json(base), 3)
        check_all_ok(probe.run_json(base + ["--sni", "localhost", "--expect", "220"]), 3)
        check_all_failed(probe.run_json(base + ["--sni", "wrong.example"]), 3, "certificate")
        rc, _, err = probe.run(base + ["--ca", os.path.join(workdir, "missing.pem")])
        check(rc == 1 and "--ca" in err, f"missing CA file: exit {rc}, {err!r}")
    finally:
        server.stop()
    print("--ca / --sni verification checked")


def free_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def scenario_text(probe, workdir):
    server = StreamServer()
    server.start()
    try:
        rc, out, err = probe.run(["--target", f"127.0.0.1:{server.port}", "--interval", "20",
                                  "--count", "3"])
    finally:
        server.stop()
    check(rc == 0 and err == "", f"exit {rc}, stderr {err!r}")
    match = SUMMARY_RE.match(out.strip())
    check(match is not None, f"bad summary: {out!r}")
    check(match.groups() == ("3", "3", "0", "0.000", "0"), f"summary: {out!r}")

    rc, out, err = probe.run(["--target", f"127.0.0.1:{free_port()}", "--interval", "20",
                              "--count", "3"])
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 2, f"exit {rc}, report {out!r}")
    gap = GAP_LINE_RE.match(lines[0])
    check(gap is not None, f"bad gap line: {lines[0]!r}")
    check(gap.group(4) == "3" and gap.group(5) == "refused" and gap.group(6),
          f"gap line: {lines[0]!r}")
    summary = SUMMARY_RE.match(lines[1])
    check(summary is not None, f"bad summary: {lines[1]!r}")
    check(summary.group(1, 2, 3, 5) == ("3", "0", "3", "1"), f"summary: {lines[1]!r}")
    check(summary.group(4) == gap.group(3), "longest gap differs from the only gap")
    print("text report format checked")


BAD_ARGS = [
    [],
    ["--count", "3"],
    ["--target", "127.0.0.1"],
    ["--target", "127.0.0.1:0"],
    ["--target", "127.0.0.1:70000"],
    ["--target", "::1:80"],
    ["--target", "[::1:80"],
    ["--target", "127.0.0.1:80", "--mode", "icmp"],
    ["--target", "127.0.0.1:80", "--interval", "0"],
    ["--target", "127.0.0.1:80", "--interval", "abc"],
    ["--target", "127.0.0.1:80", "--timeout", "-5"],
    ["--target", "127.0.0.1:80", "--duration", "1", "--count", "5"],
    ["--target", "127.0.0.1:80", "--count", "0"],
    ["--target", "127.0.0.1:80", "--send", "x"],
    ["--target", "127.0.0.1:80", "--sni", "example.org"],
    ["--target", "127.0.0.1:80", "--fail-on-gap", "soon"],
    ["--target", "127.0.0.1:80", "--no-such-option"],
    ["--target", "127.0.0.1:80", "stray"],
    ["--target"],
]


def scenario_args(probe, workdir):
    for args in BAD_ARGS:
        rc, out, err = probe.run(args, timeout=5)
        check(rc == 1, f"{args}: exit status {rc}, expected 1")
        check(err.startswith("failover-probe: ") and out == "",
              f"{args}: stdout {out!r}, stderr {err!r}")
    rc, out, _ = probe.run(["--help"])
    check(rc == 0 and "--fail-on-gap" in out, "--help")
    for promise in ("start of the first successful probe", "that tick waits", "--timeout"):
        check(promise in " ".join(out.split()), f"--help does not explain: {promise}")
    rc, out, _ = probe.run(["--version"])
    check(rc == 0 and out.startswith("failover-probe "), "--version")
    print(f"{len(BAD_ARGS)} wrong command lines rejected")


SCENARIOS = {
    "tcp": scenario_tcp,
    "tls": scenario_tls,
    "udp": scenario_udp,
    "expect": scenario_expect,
    "timeout": scenario_timeout,
    "verify": scenario_verify,
    "text": scenario_text,
    "args": scenario_args,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe", required=True, help="path to the failover-probe binary")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    options = parser.parse_args()
    probe_binary = os.path.abspath(options.probe)
    with tempfile.TemporaryDirectory(prefix="probe-e2e-") as workdir:
        try:
            result = SCENARIOS[options.scenario](Probe(probe_binary, workdir), workdir)
        except TestFailure as failure:
            print(f"FAIL {options.scenario}: {failure}", file=sys.stderr)
            return 1
    return result or 0


if __name__ == "__main__":
    sys.exit(main())
