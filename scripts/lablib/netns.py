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
    the host's own addresses;
  * more segments are more bridges in the switch namespace (add_bridge), and
    a host gets another cable to one with Host.add_cable ("eth1" -> port
    "<bridge>-<host>");
  * point-to-point links (an uplink to a router namespace) are veth pairs
    between two hosts (Lab.connect); a host can also carry dummy links and a
    spare link (Host.add_spare_link) and a bridge-backed aggregate standing
    in for a bond (Host.add_aggregate:
    bridge "agg0" whose veth members are cabled to another host, so a member
    is lost by pulling its far end, as when a switch port dies).

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


def process_group(pgid):
    """Pids of the live (non-zombie) processes in process group pgid."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is the state, fields[2] the process group (stat(5)).
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


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
        self.ports = {}             # ifname -> switch-side port, every cable
        self.peers = {}             # ifname -> (host, ifname) of a veth's far end
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
    def _far_end(self, ifname):
        """(host, ifname) at the other end of a cable or veth of ours."""
        if ifname in self.ports:
            return self.lab.switch, self.ports[ifname]
        if ifname in self.peers:
            return self.peers[ifname]
        raise LabError(f"{self.name}: {ifname} has no far end to pull")

    def link_down(self, end="host", ifname=None):
        """Pull a cable (default eth0): end='host' sets it down here, 'switch'
        (or 'far') sets down its other end (the bridge port, or the peer veth
        of a point-to-point link), so this side only loses carrier.
        Returns the moment just before the change (events may follow at once)."""
        ifname = ifname or self.ifname
        now = time.monotonic()
        if end == "host":
            self.ip("link", "set", ifname, "down")
        else:
            host, far = self._far_end(ifname)
            host.ip("link", "set", far, "down")
        return now

    def link_up(self, end="host", ifname=None):
        ifname = ifname or self.ifname
        now = time.monotonic()
        if end == "host":
            self.ip("link", "set", ifname, "up")
        else:
            host, far = self._far_end(ifname)
            host.ip("link", "set", far, "up")
        return now

    def add_cable(self, bridge, ifname, addresses=()):
        """Another cable: ifname here, port "<bridge>-<host>" on the switch's
        bridge `bridge` (see Lab.add_bridge)."""
        port = f"{bridge}-{self.name}"
        if len(port) > IFNAMSIZ:
            raise LabError(f"port name {port!r} too long")
        switch = self.lab.switch
        self.ip("link", "add", ifname, "type", "veth", "peer", "name", port,
                "netns", switch.ns)
        self.ports[ifname] = port
        self.sysctl_set([(f"net.ipv4.neigh.{ifname}.locktime", 0)])
        switch.ip("link", "set", port, "master", bridge, "up")
        self.ip("link", "set", ifname, "up")
        for cidr in addresses:
            self.add_address(cidr, ifname)
        return port

    def add_spare_link(self, ifname, up=True):
        """A link with nothing behind it (a tracked interface that never
        moves): a veth whose peer "<ifname>p" stays in this namespace, both
        ends set up or left down (no dummy driver needed)."""
        peer = f"{ifname}p"
        if len(peer) > IFNAMSIZ:
            raise LabError(f"peer name {peer!r} too long")
        self.ip("link", "add", ifname, "type", "veth", "peer", "name", peer)
        if up:
            self.ip("link", "set", peer, "up")
            self.ip("link", "set", ifname, "up")

    def add_aggregate(self, name, members, far):
        """A bridge `name` here with veth members (e.g. m1, m2) whose other
        ends ("<member>-<host>") live in host `far` and are up; the bridge is
        up once its ports forward (STP off, forward delay 0). A bond tracker
        follows it like a bond: members lost by pulling their far end."""
        self.ip("link", "add", name, "type", "bridge", "stp_state", "0",
                "forward_delay", "0")
        for member in members:
            peer = f"{member}-{self.name}"
            if len(peer) > IFNAMSIZ:
                raise LabError(f"peer name {peer!r} too long")
            self.ip("link", "add", member, "type", "veth", "peer", "name", peer,
                    "netns", far.ns)
            self.peers[member] = (far, peer)
            self.ip("link", "set", member, "master", name, "up")
            far.ip("link", "set", peer, "up")
        self.ip("link", "set", name, "up")
        from .process import wait_until
        wait_until(lambda: self.link_state(name)[0] == "UP", 10.0, f"{name} UP", interval=0.02)

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

    def mac_address(self, ifname=None):
        """The link-layer address of ifname (lower case, colon separated)."""
        out = self.ip("-j", "link", "show", "dev", ifname or self.ifname).stdout
        return json.loads(out)[0]["address"]

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

    def add_bridge(self, bridge):
        """Another segment: a bridge in the switch namespace, set like br0."""
        if self.switch is None:
            self.add_switch()
        self.switch.ip("link", "add", bridge, "type", "bridge", "stp_state", "0",
                       "forward_delay", "0", "mcast_snooping", "0")
        self.switch.ip("link", "set", bridge, "up")
        return bridge

    def connect(self, a, a_ifname, b, b_ifname, a_addresses=(), b_addresses=()):
        """A point-to-point cable (veth pair) between hosts a and b, both ends up."""
        a.ip("link", "add", a_ifname, "type", "veth", "peer", "name", b_ifname,
             "netns", b.ns)
        a.peers[a_ifname] = (b, b_ifname)
        b.peers[b_ifname] = (a, a_ifname)
        for host, ifname, addresses in ((a, a_ifname, a_addresses), (b, b_ifname, b_addresses)):
            host.ip("link", "set", ifname, "up")
            for cidr in addresses:
                host.add_address(cidr, ifname)

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
            host.ports["eth0"] = port
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
