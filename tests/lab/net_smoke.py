#!/usr/bin/env python3
"""net_smoke.py - failoverd's kernel-facing layer against a real kernel.

Two network namespaces joined by a veth pair (A:va <-> B:vb). Through the
test driver tests/net/net_driver.c, which calls libfailoverd_net directly,
it checks what `ip` sees and what crosses the wire:

  - link lookup by name (ifindex, MAC, MTU, up; ENODEV for a missing link)
  - master and kinds of a bridge port and a bridge, by lookup and by event
  - VIP add / remove, IPv4 with its label, IPv6 without the tentative flag,
    a second add reporting "already present", a second remove "not present"
  - primary address selection: kernel order, VIPs skipped, secondaries last,
    IPv6 link-local only
  - a VRRP datagram crossing the veth, multicast and unicast, IPv4 and IPv6,
    arriving with TTL / hop limit 255 and the right source and destination
  - gratuitous ARP and unsolicited NA updating the peer's neighbour entry
  - link events: down, up, creation, deletion, and a resync after overrun

Needs root (exits 77 otherwise). Namespaces are named fonet-<role><pid> and
are always deleted, also on failure or SIGTERM.
"""
import argparse
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time

SKIP = 77
PAYLOAD = b"failoverd-net-smoke!"  # what net_driver sends; 20 bytes
CHECKSUM_AT = slice(6, 8)  # IPv6: the kernel writes the checksum there
FAKE_MAC = "02:00:00:00:00:99"


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def key_values(line):
    return dict(word.split("=", 1) for word in line.split() if "=" in word)


class Background:
    """A driver process whose stdout is read line by line with deadlines."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""
        self.lines = []  # every line read so far
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def next_line(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        text = line.decode()
        self.lines.append(text)
        return text

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.0, deadline - time.monotonic()))
            if line is None:
                raise Failure(f"timed out waiting for {what}; got {self.lines[-5:]}")
            if predicate(line):
                return line

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.selector.close()
        self.proc.stdout.close()
        self.proc.stderr.close()


class Lab:
    def __init__(self, driver):
        self.driver_path = driver
        self.a = f"fonet-a{os.getpid()}"
        self.b = f"fonet-b{os.getpid()}"
        self.created = []
        self.background = []

    # -- plumbing ---------------------------------------------------------
    def ip(self, ns, *args, check=True):
        result = subprocess.run(["ip", "-n", ns, *args], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise Failure(f"ip -n {ns} {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def ip_json(self, ns, *args):
        return json.loads(self.ip(ns, "-j", *args) or "[]")

    def run_driver(self, ns, *args, rc=0):
        argv = ["ip", "netns", "exec", ns, self.driver_path, *args]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if result.returncode != rc:
            raise Failure(f"net_driver {' '.join(args)}: exit {result.returncode}, "
                          f"expected {rc}: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout.strip() if rc == 0 else result.stderr.strip()

    def start_driver(self, ns, *args):
        proc = Background(["ip", "netns", "exec", ns, self.driver_path, *args])
        self.background.append(proc)
        proc.wait_for(lambda line: line == "ready", 10, f"{args[0]} to be ready")
        return proc

    def stop_driver(self, proc):
        proc.stop()
        self.background.remove(proc)

    def addresses(self, ns, dev, family):
        links = self.ip_json(ns, "addr", "show", "dev", dev)
        return [a for link in links for a in link.get("addr_info", []) if a["family"] == family]

    def link_local(self, ns, dev, exclude=()):
        for a in self.addresses(ns, dev, "inet6"):
            if a["scope"] == "link" and a["local"] not in exclude:
                return a
        return None

    def mac(self, ns, dev):
        return self.ip_json(ns, "link", "show", "dev", dev)[0]["address"]

    def ifindex(self, ns, dev):
        return self.ip_json(ns, "link", "show", "dev", dev)[0]["ifindex"]

    def neighbour_mac(self, ns, dev, address):
        for n in self.ip_json(ns, "neigh", "show", "dev", dev):
            if n.get("dst") == address:
                return n.get("lladdr")
        return None

    @staticmethod
    def wait_until(predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise Failure(f"timed out waiting for {what}")
            time.sleep(0.05)

    # -- topology ---------------------------------------------------------
    def setup(self):
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "add", ns], check=True)
            self.created.append(ns)
            self.ip(ns, "link", "set", "lo", "up")
        # B answers at once; A keeps DAD on so "VIPs skip DAD" means something.
        subprocess.run(["ip", "netns", "exec", self.b, "sysctl", "-qw",
                        "net.ipv6.conf.all.accept_dad=0",
                        "net.ipv6.conf.default.accept_dad=0"], check=True)
        subprocess.run(["ip", "link", "add", "va", "netns", self.a, "type", "veth",
                        "peer", "name", "vb", "netns", self.b], check=True)
        self.ip(self.a, "link", "set", "va", "up")
        self.ip(self.b, "link", "set", "vb", "up")
        self.ip(self.a, "addr", "add", "10.0.0.1/24", "dev", "va")
        self.ip(self.b, "addr", "add", "10.0.0.2/24", "dev", "vb")
        self.wait_link_locals()

    def wait_link_locals(self):
        def ready(ns, dev):
            a = self.link_local(ns, dev)
            return a is not None and not a.get("tentative")
        self.wait_until(lambda: ready(self.a, "va") and ready(self.b, "vb"), 15,
                        "link-local addresses to finish DAD")

    def teardown(self):
        for proc in list(self.background):
            proc.stop()
        for ns in self.created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


# -- checks ---------------------------------------------------------------
def check_link_lookup(lab):
    info = key_values(lab.run_driver(lab.a, "link", "va"))
    link = lab.ip_json(lab.a, "link", "show", "dev", "va")[0]
    expect(info["name"] == "va", f"name {info['name']}")
    expect(int(info["ifindex"]) == link["ifindex"], f"ifindex {info['ifindex']} vs {link['ifindex']}")
    expect(info["mac"] == link["address"], f"mac {info['mac']} vs {link['address']}")
    expect(int(info["mtu"]) == link["mtu"], f"mtu {info['mtu']} vs {link['mtu']}")
    expect(info["up"] == "1", "va is up, driver says down")
    error = lab.run_driver(lab.a, "link", "fonope0", rc=1)
    expect("No such device" in error, f"missing link: {error}")


def check_link_kinds(lab):
    """Master and kinds (IFLA_MASTER, IFLA_LINKINFO) on lookups and events."""
    lab.ip(lab.a, "link", "add", "fobr0", "type", "bridge")
    try:
        lab.ip(lab.a, "link", "add", "fok0", "type", "veth", "peer", "name", "fok1")
        watch = lab.start_driver(lab.a, "watch", "fok0", "30")
        lab.ip(lab.a, "link", "set", "fok0", "master", "fobr0")
        bridge = lab.ifindex(lab.a, "fobr0")
        watch.wait_for(lambda l: key_values(l).get("master") == str(bridge), 5,
                       "an event for fok0 joining fobr0")
        port = key_values(lab.run_driver(lab.a, "link", "fok0"))
        expect(port["master"] == str(bridge), f"fok0 master {port['master']}, not {bridge}")
        expect(port["kind"] == "veth", f"fok0 kind {port['kind']!r}")
        expect(port["slave_kind"] == "bridge", f"fok0 slave kind {port['slave_kind']!r}")
        expect(port["bond_slave"] == "0", "a bridge port read as a bonding slave")
        master = key_values(lab.run_driver(lab.a, "link", "fobr0"))
        expect(master["kind"] == "bridge" and master["master"] == "0", f"fobr0: {master}")
        expect(master["slave_kind"] == "", f"fobr0 slave kind {master['slave_kind']!r}")
        lab.ip(lab.a, "link", "set", "fok0", "nomaster")
        line = watch.wait_for(lambda l: l.startswith("event ") and
                              key_values(l).get("master") == "0", 5, "fok0 leaving fobr0")
        expect(key_values(line)["slave_kind"] == "", f"released port: {line}")
        lab.stop_driver(watch)
    finally:
        lab.ip(lab.a, "link", "del", "fok0", check=False)
        lab.ip(lab.a, "link", "del", "fobr0", check=False)


def check_vip_ipv4(lab):
    try:
        expect(lab.run_driver(lab.a, "vip-add", "va", "192.0.2.51/32", "va:vr51") == "added",
               "first add")
        found = [a for a in lab.addresses(lab.a, "va", "inet") if a["local"] == "192.0.2.51"]
        expect(len(found) == 1, f"192.0.2.51 not on va: {lab.addresses(lab.a, 'va', 'inet')}")
        expect(found[0]["prefixlen"] == 32, f"prefix length {found[0]['prefixlen']}")
        expect(found[0].get("label") == "va:vr51", f"label {found[0].get('label')}")
        expect(lab.run_driver(lab.a, "vip-add", "va", "192.0.2.51/32", "va:vr51")
               == "already present", "second add")
        expect(lab.run_driver(lab.a, "vip-present", "va", "192.0.2.51") == "present", "present")
        expect(lab.run_driver(lab.a, "vip-remove", "va", "192.0.2.51/32") == "removed", "remove")
        gone = [a for a in lab.addresses(lab.a, "va", "inet") if a["local"] == "192.0.2.51"]
        expect(not gone, "192.0.2.51 still on va after remove")
        expect(lab.run_driver(lab.a, "vip-remove", "va", "192.0.2.51/32") == "not present",
               "second remove")
        expect(lab.run_driver(lab.a, "vip-present", "va", "192.0.2.51") == "absent", "absent")
    finally:
        lab.ip(lab.a, "addr", "del", "192.0.2.51/32", "dev", "va", check=False)


def check_vip_ipv6(lab):
    # A control address added the ordinary way must be tentative, or the
    # namespace does no DAD and "not tentative" below would prove nothing.
    lab.ip(lab.a, "addr", "add", "2001:db8:ffff::1/64", "dev", "va")
    try:
        expect(lab.run_driver(lab.a, "vip-add", "va", "2001:db8::51/64") == "added", "first add")
        by_address = {a["local"]: a for a in lab.addresses(lab.a, "va", "inet6")}
        expect(by_address.get("2001:db8:ffff::1", {}).get("tentative"),
               "control address not tentative: DAD is off, the check means nothing")
        vip = by_address.get("2001:db8::51")
        expect(vip is not None, f"2001:db8::51 not on va: {list(by_address)}")
        expect(vip["prefixlen"] == 64, f"prefix length {vip['prefixlen']}")
        expect(not vip.get("tentative"), "VIP is tentative (added without IFA_F_NODAD?)")
        expect(lab.run_driver(lab.a, "vip-add", "va", "2001:db8::51/64") == "already present",
               "second add")
        expect(lab.run_driver(lab.a, "vip-remove", "va", "2001:db8::51/64") == "removed", "remove")
        left = [a["local"] for a in lab.addresses(lab.a, "va", "inet6")]
        expect("2001:db8::51" not in left, "VIP still on va after remove")
        expect(lab.run_driver(lab.a, "vip-remove", "va", "2001:db8::51/64") == "not present",
               "second remove")
    finally:
        lab.ip(lab.a, "addr", "del", "2001:db8:ffff::1/64", "dev", "va", check=False)
        lab.ip(lab.a, "addr", "del", "2001:db8::51/64", "dev", "va", check=False)


def check_primary_ipv4(lab):
    # The real address re-added after a VIP: the VIP comes first in kernel order.
    lab.ip(lab.a, "addr", "del", "10.0.0.1/24", "dev", "va")
    try:
        expect(lab.run_driver(lab.a, "vip-add", "va", "10.0.0.100/32", "va:vr1") == "added", "add")
        lab.ip(lab.a, "addr", "add", "10.0.0.1/24", "dev", "va")
        lab.ip(lab.a, "addr", "add", "10.0.0.3/24", "dev", "va")  # a secondary
        order = [a["local"] for a in lab.addresses(lab.a, "va", "inet")]
        expect(order == ["10.0.0.100", "10.0.0.1", "10.0.0.3"], f"kernel order {order}")
        got = lab.run_driver(lab.a, "primary", "va", "4")
        expect(got == "10.0.0.100", f"no skip list: {got}, expected the first address")
        got = lab.run_driver(lab.a, "primary", "va", "4", "10.0.0.100/32")
        expect(got == "10.0.0.1", f"VIP skipped: {got}, expected 10.0.0.1")
        got = lab.run_driver(lab.a, "primary", "va", "4", "10.0.0.100", "10.0.0.1")
        expect(got == "10.0.0.3", f"only a secondary left: {got}")
    finally:
        lab.run_driver(lab.a, "vip-remove", "va", "10.0.0.100/32")
        lab.ip(lab.a, "addr", "del", "10.0.0.3/24", "dev", "va", check=False)
        if "10.0.0.1" not in [a["local"] for a in lab.addresses(lab.a, "va", "inet")]:
            lab.ip(lab.a, "addr", "add", "10.0.0.1/24", "dev", "va")


def check_primary_ipv6(lab):
    own = lab.link_local(lab.a, "va")["local"]
    lab.ip(lab.a, "addr", "add", "2001:db8:1::1/64", "dev", "va", "nodad")
    try:
        # A link-local VIP (VRRPv3 IPv6 has one); the kernel lists it first.
        expect(lab.run_driver(lab.a, "vip-add", "va", "fe80::51/64") == "added", "add")
        first = lab.link_local(lab.a, "va")["local"]
        expect(first == "fe80::51", f"kernel order: first link-local is {first}")
        got = lab.run_driver(lab.a, "primary", "va", "6")
        expect(got == "fe80::51", f"no skip list: {got}")
        got = lab.run_driver(lab.a, "primary", "va", "6", "fe80::51/64")
        expect(got == own, f"VIP skipped: {got}, expected {own} (global 2001:db8:1::1 never)")
    finally:
        lab.run_driver(lab.a, "vip-remove", "va", "fe80::51/64")
        lab.ip(lab.a, "addr", "del", "2001:db8:1::1/64", "dev", "va", check=False)


def datagram(lab, family, unicast, source=None):
    if family == "4":
        destination = "10.0.0.2" if unicast else "224.0.0.18"
    else:
        destination = lab.link_local(lab.b, "vb")["local"] if unicast else "ff02::12"
    extra = [destination] if unicast else []
    if source:
        extra.append(source)  # pinned: not what the kernel would pick
    elif family == "4":
        source = "10.0.0.1"
    else:
        source = lab.link_local(lab.a, "va")["local"]
    receiver = lab.start_driver(lab.b, "recv", "vb", family, "5000")
    sent = key_values(lab.run_driver(lab.a, "send", "va", family, *extra))
    expect(sent["source"] == source, f"sender chose source {sent['source']}, expected {source}")
    line = receiver.wait_for(lambda l: l.startswith("source=") or l == "timeout", 10, "a datagram")
    lab.stop_driver(receiver)
    expect(line != "timeout", "nothing arrived")
    got = key_values(line)
    expect(got["source"] == source, f"source {got['source']}, expected {source}")
    expect(got["destination"] == destination, f"destination {got['destination']}")
    expect(got["ttl"] == "255", f"TTL / hop limit {got['ttl']}")
    expect(got["len"] == str(len(PAYLOAD)), f"length {got['len']}")
    expect(got["truncated"] == "0", "truncated")
    expect(int(got["ifindex"]) == lab.ifindex(lab.b, "vb"), f"ifindex {got['ifindex']}")
    data = bytearray(bytes.fromhex(got["data"]))
    if family == "6":
        expect(data[CHECKSUM_AT] != b"\0\0", "no checksum written at offset 6")
        data[CHECKSUM_AT] = PAYLOAD[CHECKSUM_AT]
    expect(bytes(data) == PAYLOAD, f"payload {bytes(data)!r}")


def check_pinned_source(lab):
    """IP_PKTINFO / IPV6_PKTINFO choose the source, not the routing table."""
    lab.ip(lab.a, "addr", "add", "10.0.0.3/24", "dev", "va")
    lab.ip(lab.a, "addr", "add", "fe80::3/64", "dev", "va", "nodad")
    try:
        datagram(lab, "4", True, source="10.0.0.3")
        datagram(lab, "6", True, source="fe80::3")
    finally:
        lab.ip(lab.a, "addr", "del", "10.0.0.3/24", "dev", "va", check=False)
        lab.ip(lab.a, "addr", "del", "fe80::3/64", "dev", "va", check=False)


def check_announce(lab, vip, prefix):
    mac = lab.mac(lab.a, "va")
    expect(lab.run_driver(lab.a, "vip-add", "va", f"{vip}/{prefix}") == "added", "add")
    try:
        lab.ip(lab.b, "neigh", "replace", vip, "lladdr", FAKE_MAC, "dev", "vb", "nud", "stale")
        expect(lab.neighbour_mac(lab.b, "vb", vip) == FAKE_MAC, "peer entry not planted")
        expect(lab.run_driver(lab.a, "garp", "va", vip) == "sent", "garp")
        lab.wait_until(lambda: lab.neighbour_mac(lab.b, "vb", vip) == mac, 3,
                       f"peer's entry for {vip} to become {mac} "
                       f"(is {lab.neighbour_mac(lab.b, 'vb', vip)})")
    finally:
        lab.run_driver(lab.a, "vip-remove", "va", f"{vip}/{prefix}")
        lab.ip(lab.b, "neigh", "del", vip, "dev", "vb", check=False)


def check_link_events(lab):
    watch = lab.start_driver(lab.a, "watch", "all", "60")

    def event(name, **want):
        def match(line):
            kv = key_values(line)
            return line.startswith("event ") and kv.get("name") == name and all(
                kv.get(k) == str(v) for k, v in want.items())
        return match

    lab.ip(lab.a, "link", "set", "va", "down")
    watch.wait_for(event("va", up=0, deleted=0), 5, "va down")
    lab.ip(lab.a, "link", "set", "va", "up")
    watch.wait_for(event("va", up=1, deleted=0), 5, "va up")
    up_at = len(watch.lines) - 1
    lab.ip(lab.a, "link", "add", "fox0", "type", "veth", "peer", "name", "foy0")
    watch.wait_for(event("fox0", deleted=0), 5, "fox0 created")
    lab.ip(lab.a, "link", "del", "fox0")
    watch.wait_for(event("foy0", deleted=1), 5, "foy0 deleted")
    # AF_INET6 link messages (no carrier) must not have read as "va down".
    late = [l for l in watch.lines[up_at:] if event("va", up=0)(l)]
    expect(not late, f"va reported down after it came up: {late}")

    # Overrun: freeze the watcher, flood its socket, and expect a resync
    # (lo never changes, so an lo event after the overrun is the resync).
    lab.ip(lab.a, "link", "add", "foz0", "type", "veth", "peer", "name", "foz1")
    batch = "".join(f"link set foz0 mtu {1400 + i % 2 * 100}\n" for i in range(3000))
    watch.proc.send_signal(signal.SIGSTOP)
    try:
        subprocess.run(["ip", "-n", lab.a, "-batch", "-"], input=batch, text=True, check=True,
                       capture_output=True)
    finally:
        watch.proc.send_signal(signal.SIGCONT)
    line = watch.wait_for(lambda l: event("lo")(l) and key_values(l)["overruns"] != "0", 10,
                          "a resync report after the overrun")
    expect(key_values(line)["deleted"] == "0", "resync reported lo as deleted")
    lab.stop_driver(watch)
    lab.wait_link_locals()


CHECKS = [
    ("link lookup by name", check_link_lookup),
    ("link master and kinds: bridge port, bridge", check_link_kinds),
    ("IPv4 VIP add/remove with label", check_vip_ipv4),
    ("IPv6 VIP add/remove without DAD", check_vip_ipv6),
    ("IPv4 primary address skips VIPs", check_primary_ipv4),
    ("IPv6 primary address is the own link-local", check_primary_ipv6),
    ("IPv4 multicast advert crosses the veth", lambda lab: datagram(lab, "4", False)),
    ("IPv4 unicast advert crosses the veth", lambda lab: datagram(lab, "4", True)),
    ("IPv6 multicast advert crosses the veth", lambda lab: datagram(lab, "6", False)),
    ("IPv6 unicast advert crosses the veth", lambda lab: datagram(lab, "6", True)),
    ("source address pinned per packet", check_pinned_source),
    ("gratuitous ARP updates the peer", lambda lab: check_announce(lab, "10.0.0.100", 32)),
    ("unsolicited NA updates the peer", lambda lab: check_announce(lab, "2001:db8:1::100", 64)),
    ("link events: down, up, create, delete, overrun", check_link_events),
]


def find_driver(given):
    if given:
        return given
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for build in sorted(d for d in os.listdir(root) if d.startswith("build")):
        for sub in ("tests/net/net_driver", "net_driver"):
            path = os.path.join(root, build, sub)
            if os.access(path, os.X_OK):
                return path
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--driver", default=os.environ.get("FAILOVERD_NET_DRIVER"),
                        help="path to net_driver (default: $FAILOVERD_NET_DRIVER, "
                             "else the first build*/ directory that has one)")
    parser.add_argument("-k", "--keyword", help="run only checks whose name contains this")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("skipped: needs root (network namespaces)")
        return SKIP
    driver = find_driver(args.driver)
    if not driver:
        print("net_smoke: net_driver not found; build it or pass --driver", file=sys.stderr)
        return 1
    # SIGTERM (ctest timeout) must still run the finally: below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    checks = [(n, f) for n, f in CHECKS if not args.keyword or args.keyword in n]
    lab = Lab(os.path.abspath(driver))
    failed = 0
    try:
        try:
            lab.setup()
        except (Failure, subprocess.CalledProcessError) as error:
            print(f"Bail out! setup: {error}")
            return 1
        for number, (name, check) in enumerate(checks, 1):
            try:
                check(lab)
                print(f"ok {number} - {name}", flush=True)
            except Failure as error:
                failed += 1
                print(f"not ok {number} - {name}: {error}", flush=True)
    finally:
        lab.teardown()
    print(f"1..{len(checks)}  ({failed} failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
