"""The service on the nodes and the probe on the client.

Service: nsprocs.py service in a node namespace, listening on every address
of the node, so it answers on the VIP exactly while the node holds it.

Probe: build/failover-probe when it is given and exists, otherwise the
Python stand-in in nsprocs.py (same gap rules, same JSON fields).  Both run
in the client namespace until SIGTERM and then write their JSON report.
TlsService: an SMTPS stand-in (TLS handshake, then a "220 ..." banner) on
127.0.0.1 inside a node, the target of the daemon's own tls health check;
its self-signed certificate is made once per lab with openssl.

ask() is a one-shot check from the harness itself (a socket created inside
the client namespace) that returns the name of the node that answered.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

from .netns import netns_socket
from .process import wait_until

NSPROCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nsprocs.py")
SERVICE_PORT = 8080


class Service:
    """The line-answering TCP service on a host."""

    def __init__(self, host, port=SERVICE_PORT, name=None):
        self.host = host
        self.port = port
        self.proc = host.spawn([sys.executable, NSPROCS, "service", "--port", str(port),
                                "--name", name or host.name],
                               name=f"{host.name}.service")
        self.proc.wait_line(r"^ready$", 10.0)

    def stop(self):
        """Stop the service; returns the moment just before the signal."""
        moment = time.monotonic()
        self.proc.terminate_quietly()
        return moment

    def wait_client(self, after, timeout=10.0, source=None):
        """Wait for a connection (from address `source`) accepted after `after`."""
        pattern = r"^conn " + (re.escape(source) + "$" if source else "")
        return self.proc.wait_line(pattern, timeout, after)


TLS_PORT = 8465


def lab_certificate(lab):
    """(cert, key) paths of a self-signed certificate in the lab's workdir."""
    cert = os.path.join(lab.workdir, "service.crt")
    key = os.path.join(lab.workdir, "service.key")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                        "-subj", "/CN=lab.invalid", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    return cert, key


class TlsService(Service):
    """TLS on host's 127.0.0.1:port: handshake, then `banner` (default
    "220 <host> ESMTP"), then close; what a tls health check talks to."""

    def __init__(self, host, port=TLS_PORT, banner=None, bind="127.0.0.1", run=1):
        self.host = host
        self.port = port
        cert, key = lab_certificate(host.lab)
        self.proc = host.spawn([sys.executable, NSPROCS, "tls-service", "--port", str(port),
                                "--cert", cert, "--key", key, "--bind", bind,
                                "--banner", banner or f"220 {host.name} ESMTP"],
                               name=f"{host.name}.tls-service.{run}")
        self.proc.wait_line(r"^ready$", 10.0)


def format_target(address, port):
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def ask(client, address, port=SERVICE_PORT, timeout=0.2):
    """Connect from the client namespace; return the answering node name or None."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = netns_socket(client.ns, family)
    sock.settimeout(timeout)
    try:
        sock.connect((address, port))
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(64)
            if not chunk:
                break
            data += chunk
        return data.decode().strip() or None
    except OSError:
        return None
    finally:
        sock.close()


def wait_answer(client, address, expected=None, timeout=10.0, port=SERVICE_PORT):
    """Wait until the VIP answers (from node `expected` if given); return the name."""
    def answered():
        name = ask(client, address, port)
        if name and (expected is None or name == expected):
            return name
        return None
    who = f"{address} to answer" + (f" from {expected}" if expected else "")
    return wait_until(answered, timeout, who, interval=0.02)


class Probe:
    """A probe running in the client namespace until stop()."""

    def __init__(self, client, address, port=SERVICE_PORT, binary=None,
                 interval_ms=10, timeout_ms=50, name="probe"):
        self.client = client
        self.output = os.path.join(client.lab.workdir, f"{name}.{len(client.lab.procs)}.json")
        target = format_target(address, port)
        interval_ms, timeout_ms = int(round(interval_ms)), int(round(timeout_ms))
        if binary and os.access(binary, os.X_OK):
            argv = [binary, "--target", target, "--mode", "tcp",
                    "--interval", str(interval_ms), "--timeout", str(timeout_ms),
                    "--json", "--quiet", "--output", self.output]
            self.implementation = "failover-probe"
        else:
            argv = [sys.executable, NSPROCS, "probe", "--target", target,
                    "--interval", str(interval_ms), "--timeout", str(timeout_ms),
                    "--output", self.output]
            self.implementation = "python"
        self.proc = client.spawn(argv, name=f"{name}.{len(client.lab.procs)}")
        self.report = None

    def wait_first_success(self, services, timeout=10.0):
        """Wait until one of the services accepted a connection since the
        probe started; fail at once if the probe exited (bad arguments...)."""
        def reached():
            if not self.proc.alive():
                raise RuntimeError(f"probe exited {self.proc.popen.returncode}: "
                                   f"{self.proc.tail(5)}")
            return any(s.proc.find_lines(r"^conn ", self.proc.started) for s in services)
        return wait_until(reached, timeout, "the probe's first successful connection")

    def stop(self, timeout=10.0):
        """SIGTERM, wait, return the JSON report."""
        self.proc.signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        if code != 0:
            raise RuntimeError(f"probe exited {code}: {self.proc.tail(5)}")
        with open(self.output) as f:
            self.report = json.load(f)
        return self.report

    def gaps_after(self, moment):
        """Gaps of the report that ended after `moment` (mono seconds)."""
        return [g for g in self.report["gaps"] if g["end_mono"] >= moment]
