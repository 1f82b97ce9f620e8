"""Namespaces, the switch, hosts and cables of a lab, and their cleanup.

A Lab owns everything it creates.  Names are "folab<pid>-<short>", so two
labs (or a lab and a colleague's test) never collide, and a later run can
tell from the pid whether a leftover namespace is orphaned.

Topology model:
  * the switch is a bridge "br0" in its own namespace (STP off, forward delay
    0, multicast snooping off: VRRP must reach every port at once);
  * a host is a namespace with loopback up and one cable "eth0" whose other
    end is port "p-<host>" on the bridge;
  * addresses are added with nodad and accept_dad=0, and IPv6 addresses are
    kept when a link goes down, so a pulled cable does not silently remove
    the host's own addresses.

Cleanup always runs: Lab.cleanup() from __exit__, from atexit, and from
SIGTERM/SIGHUP (turned into SystemExit so finally blocks run too).  It stops
the processes the lab started, kills anything else still inside its
namespaces, then deletes the namespaces (which deletes the veths and the
bridge with them).  Nothing outside those namespaces is touched.
"""

import atexit
import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PREFIX_BASE = "folab"
SKIP_EXIT = 77
IFNAMSIZ = 15
CLONE_NEWNET = 0x40000000

_active_labs = []
_handlers_installed = False


class LabError(Exception):
    """A lab operation (ip, nft, sysctl...) failed."""


def require_root():
    """Exit 77 (the ctest skip code) unless we can build namespaces."""
    if os.geteuid() != 0:
        print("SKIP: lab tests need root (network namespaces)", file=sys.stderr)
        sys.exit(SKIP_EXIT)
    for tool in ("ip",):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not found", file=sys.stderr)
            sys.exit(SKIP_EXIT)


def sh(argv, check=True, input_text=None, timeout=30):
    """Run argv, capture its output; raise LabError on failure if check."""
    result = subprocess.run(argv, input=input_text, capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise LabError(f"{' '.join(argv)}: exit {result.returncode}: "
                       f"{result.stderr.strip() or result.stdout.strip()}")
    return result


def _setns(fd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


@contextlib.contextmanager
def in_netns(ns):
    """Run the body with the calling thread inside network namespace ns."""
    with open("/proc/thread-self/ns/net") as here, open(f"/run/netns/{ns}") as there:
        _setns(there.fileno())
        try:
            yield
        finally:
            _setns(here.fileno())


def netns_socket(ns, family=socket.AF_INET, kind=socket.SOCK_STREAM, proto=0):
    """A socket living in namespace ns (a socket keeps the namespace it was born in)."""
    with in_netns(ns):
        return socket.socket(family, kind, proto)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _netns_list():
    out = sh(["ip", "-j", "netns", "list"], check=False).stdout.strip()
    if not out:
        return []
    try:
        return [entry["name"] for entry in json.loads(out)]
    except (ValueError, KeyError):
        return [line.split()[0] for line in out.splitlines() if line.strip()]


def _netns_kill_all(ns, grace=2.0):
    """SIGKILL every process still in ns and wait until they are gone."""
    out = sh(["ip", "netns", "pids", ns], check=False).stdout.split()
    pids = [int(p) for p in out if p.isdigit()]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if os.path.exists(f"/proc/{p}") and not _is_zombie(p)]
        time.sleep(0.01)


def process_gone(pid):
    """True once pid has exited (a zombie counts as gone)."""
    return not os.path.exists(f"/proc/{pid}") or _is_zombie(pid)


def _is_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _netns_delete(ns):
    _netns_kill_all(ns)
    sh(["ip", "netns", "del", ns], check=False)


def cleanup_stale():
    """Delete namespaces left by labs whose process no longer exists."""
    for ns in _netns_list():
        match = re.match(rf"^{PREFIX_BASE}(\d+)-", ns)
        if match and not _pid_alive(int(match.group(1))):
            _netns_delete(ns)


def _cleanup_all():
    for lab in list(_active_labs):
        lab.cleanup()


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    atexit.register(_cleanup_all)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    _handlers_installed = True


class Host:
    """One network namespace with a cable (eth0) to the lab switch."""

    def __init__(self, lab, name, ns):
        self.lab = lab
        self.name = name
        self.ns = ns
        self.ifname = "eth0"
        self.port = None            # switch-side name of the cable, if cabled
        self.ipv4 = []
        self.ipv6 = []

    def __repr__(self):
        return f"Host({self.name})"

    def ip(self, *args, check=True):
        return sh(["ip", "-n", self.ns, *args], check=check)

    def run(self, argv, check=True, input_text=None, timeout=30):
        return sh(["ip", "netns", "exec", self.ns, *argv], check=check,
                  input_text=input_text, timeout=timeout)

    def sysctl_set(self, pairs):
        """Set a list of (key, value) sysctls inside this namespace."""
        self.run(["sysctl", "-q", "-w", *[f"{k}={v}" for k, v in pairs]])

    # ---- cable ---------------------------------------------------------
    def link_down(self, end="host"):
        """Pull the cable: end='host' sets eth0 down here, 'switch' the bridge port.
        Returns the moment just before the change (events may follow at once)."""
        now = time.monotonic()
        if end == "host":
            self.ip("link", "set", self.ifname, "down")
        else:
            self.lab.switch.ip("link", "set", self.port, "down")
        return now

    def link_up(self, end="host"):
        now = time.monotonic()
        if end == "host":
            self.ip("link", "set", self.ifname, "up")
        else:
            self.lab.switch.ip("link", "set", self.port, "up")
        return now

    # ---- addresses -----------------------------------------------------
    def add_address(self, cidr, ifname=None):
        ifname = ifname or self.ifname
        extra = ["nodad"] if ":" in cidr else []
        self.ip("addr", "add", cidr, "dev", ifname, *extra)
        (self.ipv6 if ":" in cidr else self.ipv4).append(cidr.split("/")[0])

    def del_address(self, cidr, ifname=None):
        self.ip("addr", "del", cidr, "dev", ifname or self.ifname)

    def addresses(self, ifname=None):
        """Addresses on ifname as 'addr/plen' strings (link-local included)."""
        out = self.ip("-j", "addr", "show", "dev", ifname or self.ifname).stdout
        result = []
        for link in json.loads(out or "[]"):
            for info in link.get("addr_info", []):
                result.append(f"{info['local']}/{info['prefixlen']}")
        return result

    def has_address(self, address, ifname=None):
        """True if address (with or without /plen) is on ifname."""
        bare = address.split("/")[0]
        return any(a.split("/")[0] == bare for a in self.addresses(ifname))

    def link_state(self, ifname=None):
        out = self.ip("-j", "link", "show", "dev", ifname or self.ifname).stdout
        link = json.loads(out)[0]
        return link.get("operstate"), link.get("flags", [])

    # ---- firewall ------------------------------------------------------
    def nft(self, ruleset):
        """Load an nftables ruleset (text) into this namespace."""
        self.run(["nft", "-f", "-"], input_text=ruleset)

    def nft_counters(self):
        """{comment: packets} for every rule of the ruleset that has a comment and a counter."""
        data = json.loads(self.run(["nft", "-j", "list", "ruleset"]).stdout)
        counters = {}
        for item in data.get("nftables", []):
            rule = item.get("rule")
            if not rule or "comment" not in rule:
                continue
            for expr in rule.get("expr", []):
                if "counter" in expr:
                    counters[rule["comment"]] = expr["counter"]["packets"]
        return counters

    def spawn(self, argv, name, **kwargs):
        from .process import Proc
        proc = Proc(self.ns, argv, name=name,
                    log_path=os.path.join(self.lab.workdir, f"{name}.log"), **kwargs)
        self.lab.procs.append(proc)
        return proc


class VrrpCounter:
    """VRRP packets (IP protocol 112, v4 and v6) arriving at a host, counted by
    an nftables rule in that host: lets a check wait for "n adverts heard"
    instead of sleeping."""

    def __init__(self, host, table="lab_count"):
        self.host = host
        host.nft(f"table inet {table} {{\n"
                 "  chain input { type filter hook input priority -10;\n"
                 "    meta l4proto 112 counter comment \"vrrp_in\"; }\n"
                 "}\n")

    def count(self):
        return self.host.nft_counters().get("vrrp_in", 0)

    def wait_at_least(self, more, timeout):
        """Wait until `more` VRRP packets than now have arrived."""
        from .process import wait_until
        target = self.count() + more
        wait_until(lambda: self.count() >= target, timeout,
                   f"{more} VRRP packets at {self.host.name}", interval=0.02)


class Lab:
    """A set of namespaces (switch + hosts) and the processes running in them."""

    def __init__(self, name="lab", workdir=None, keep_workdir=False):
        _install_handlers()
        cleanup_stale()
        self.name = name
        self.prefix = f"{PREFIX_BASE}{os.getpid()}"
        self.workdir = workdir or tempfile.mkdtemp(prefix=f"{self.prefix}-{name}-")
        os.makedirs(self.workdir, exist_ok=True)
        self.keep_workdir = keep_workdir
        self.namespaces = []
        self.procs = []
        self.hosts = {}
        self.switch = None
        self.cleaned = False
        _active_labs.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def _new_ns(self, short):
        ns = f"{self.prefix}-{short}"
        sh(["ip", "netns", "add", ns])
        self.namespaces.append(ns)
        return ns

    def add_switch(self, name="sw"):
        """The bridge every host is cabled to, in its own namespace."""
        ns = self._new_ns(name)
        self.switch = Host(self, name, ns)
        self.switch.ifname = "br0"
        self.switch.sysctl_set([("net.ipv6.conf.all.disable_ipv6", 1),
                                ("net.ipv6.conf.default.disable_ipv6", 1)])
        self.switch.ip("link", "set", "lo", "up")
        self.switch.ip("link", "add", "br0", "type", "bridge", "stp_state", "0",
                       "forward_delay", "0", "mcast_snooping", "0")
        self.switch.ip("link", "set", "br0", "up")
        return self.switch

    def add_host(self, name, addresses=(), cabled=True):
        """A namespace with eth0 cabled to the switch and the given addresses."""
        port = f"p-{name}"
        if len(port) > IFNAMSIZ:
            raise LabError(f"host name {name!r} too long for an interface name")
        ns = self._new_ns(name)
        host = Host(self, name, ns)
        self.hosts[name] = host
        host.sysctl_set([("net.ipv6.conf.all.accept_dad", 0),
                         ("net.ipv6.conf.default.accept_dad", 0),
                         ("net.ipv6.conf.all.keep_addr_on_down", 1),
                         ("net.ipv6.conf.default.keep_addr_on_down", 1),
                         ("net.ipv4.ip_local_port_range", "10000 65000")])
        host.ip("link", "set", "lo", "up")
        if cabled:
            if self.switch is None:
                self.add_switch()
            host.ip("link", "add", "eth0", "type", "veth", "peer", "name", port,
                    "netns", self.switch.ns)
            host.port = port
            # A GARP must update the client's ARP entry even right after an
            # earlier update (the locktime would otherwise ignore it).
            host.sysctl_set([("net.ipv4.neigh.eth0.locktime", 0)])
            self.switch.ip("link", "set", port, "master", "br0", "up")
            host.ip("link", "set", "eth0", "up")
            for cidr in addresses:
                host.add_address(cidr)
        return host

    def cleanup(self):
        """Stop our processes, empty and delete our namespaces. Idempotent."""
        if self.cleaned:
            return
        old = {sig: signal.signal(sig, signal.SIG_IGN)
               for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            for proc in reversed(self.procs):
                proc.terminate_quietly()
            for ns in reversed(self.namespaces):
                _netns_delete(ns)
            self.cleaned = True
            if self in _active_labs:
                _active_labs.remove(self)
            if not self.keep_workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)
