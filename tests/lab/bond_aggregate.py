#!/usr/bin/env python3
"""bond_aggregate.py - the bond tracker against a real kernel's link events.

The machine has no bonding driver, so a bridge stands in for the bond: the
tracker follows any master device (bond, team, bridge) and counts its
members by carrier when they carry no bonding attributes. In one network
namespace:

    agg0 (bridge, STP off)
     |-- m1 (veth, peer p1)
     `-- m2 (veth, peer p2)

tests/net/net_driver.c `track-bond agg0 SECONDS` syncs the tracker from a
link dump and prints every tracker callback as a "track ..." line. The
checks, in order:

  - the starting point is up, 2 of 2 members
  - m1 down: degraded, "1 of 2 up", naming m1
  - m2 down too: down
  - both back up: up, 2 of 2
  - m2 released from the bridge: up, 1 of 1 ("left"); enslaved again: 2 of 2

Needs root (exits 77 otherwise). The namespace is named folt-agg<pid> and
is always deleted, also on failure or SIGTERM.
"""
import argparse
import os
import selectors
import signal
import subprocess
import sys
import time

SKIP = 77
BRIDGE = "agg0"
MEMBERS = ("m1", "m2")


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def parse_track(line):
    """'track kind=bond name=agg0 status=up up=2 total=2 detail=...' -> dict;
    detail runs to the end of the line (it has blanks)."""
    head, _, detail = line.partition(" detail=")
    words = head.split()
    fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    fields["type"] = words[0] if words else ""
    fields["detail"] = detail
    return fields


class Driver:
    """net_driver track-bond, read line by line with deadlines."""

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""
        self.lines = []
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
                raise Failure(f"timed out waiting for {what}; last lines {self.lines[-5:]}")
            if predicate(line):
                return line

    def wait_track(self, timeout, what, **want):
        def match(line):
            fields = parse_track(line)
            return fields["type"] == "track" and all(
                fields.get(k) == str(v) for k, v in want.items())
        return parse_track(self.wait_for(match, timeout, what))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


class Lab:
    def __init__(self, driver):
        self.driver_path = driver
        self.ns = f"folt-agg{os.getpid()}"
        self.created = False
        self.driver = None

    def ip(self, *args, check=True):
        return subprocess.run(["ip", "-n", self.ns, *args], check=check, capture_output=True,
                              text=True)

    def setup(self):
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        self.created = True
        self.ip("link", "set", "lo", "up")
        self.ip("link", "add", BRIDGE, "type", "bridge", "stp_state", "0")
        for i, member in enumerate(MEMBERS, 1):
            self.ip("link", "add", member, "type", "veth", "peer", "name", f"p{i}")
            self.ip("link", "set", member, "master", BRIDGE)
            self.ip("link", "set", f"p{i}", "up")
            self.ip("link", "set", member, "up")
        self.ip("link", "set", BRIDGE, "up")
        self.wait_operstate(BRIDGE, "UP", 10)

    def wait_operstate(self, dev, state, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.ip("-o", "link", "show", "dev", dev).stdout
            if f"state {state} " in out:
                return
            time.sleep(0.05)
        raise Failure(f"{dev} never reached operstate {state}")

    def start_driver(self, seconds):
        self.driver = Driver(["ip", "netns", "exec", self.ns, self.driver_path, "track-bond",
                              BRIDGE, str(seconds)])
        state = parse_track(self.driver.wait_for(lambda l: l.startswith("state "), 10,
                                                 "the synced state"))
        self.driver.wait_for(lambda l: l == "ready", 5, "ready")
        return state

    def teardown(self):
        if self.driver:
            self.driver.stop()
        if self.created:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


# -- checks ---------------------------------------------------------------
def check_start(lab):
    state = lab.start_driver(120)
    expect(state["status"] == "up" and state["up"] == "2" and state["total"] == "2",
           f"starting point {state}")


def check_one_member_down(lab):
    lab.ip("link", "set", "m1", "down")
    got = lab.driver.wait_track(5, "a degraded line", status="degraded")
    expect(got["up"] == "1" and got["total"] == "2", f"counts {got}")
    expect("1 of 2 up" in got["detail"] and "m1" in got["detail"], f"detail {got['detail']!r}")


def check_both_down(lab):
    lab.ip("link", "set", "m2", "down")
    got = lab.driver.wait_track(5, "a down line", status="down")
    expect(got["up"] == "0" and got["total"] == "2", f"counts {got}")


def check_back_up(lab):
    lab.ip("link", "set", "m1", "up")
    lab.ip("link", "set", "m2", "up")
    got = lab.driver.wait_track(10, "an up line", status="up")
    expect(got["up"] == "2" and got["total"] == "2", f"counts {got}")


def check_leave_and_join(lab):
    lab.ip("link", "set", "m2", "nomaster")
    got = lab.driver.wait_track(5, "m2 leaving", total=1)
    expect(got["status"] == "up" and got["up"] == "1", f"after leaving {got}")
    expect("m2 left" in got["detail"], f"detail {got['detail']!r}")
    lab.ip("link", "set", "m2", "master", BRIDGE)
    got = lab.driver.wait_track(10, "m2 joining again", total=2, up=2)
    expect(got["status"] == "up", f"after joining {got}")


CHECKS = [
    ("synced starting point: up, 2 of 2", check_start),
    ("one member down: degraded, 1 of 2 up", check_one_member_down),
    ("both members down: down", check_both_down),
    ("both back up: up, 2 of 2", check_back_up),
    ("a member leaves and joins again", check_leave_and_join),
]


def find_driver(given):
    if given:
        return given
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for build in sorted(d for d in os.listdir(root) if d.startswith("build")):
        for sub in ("tests/net/net_driver", "tests/lab/net/net_driver", "net_driver"):
            path = os.path.join(root, build, sub)
            if os.access(path, os.X_OK):
                return path
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--driver", default=os.environ.get("FAILOVERD_NET_DRIVER"),
                        help="path to net_driver (default: $FAILOVERD_NET_DRIVER, "
                             "else the first build*/ directory that has one)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("skipped: needs root (network namespaces)")
        return SKIP
    driver = find_driver(args.driver)
    if not driver:
        print("bond_aggregate: net_driver not found; build it or pass --driver", file=sys.stderr)
        return 1
    # SIGTERM (ctest timeout) must still run the finally: below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    lab = Lab(os.path.abspath(driver))
    failed = 0
    try:
        try:
            lab.setup()
        except (Failure, subprocess.CalledProcessError) as error:
            print(f"Bail out! setup: {error}")
            return 1
        for number, (name, check) in enumerate(CHECKS, 1):
            try:
                check(lab)
                print(f"ok {number} - {name}", flush=True)
            except Failure as error:
                failed += 1
                print(f"not ok {number} - {name}: {error}", flush=True)
                break  # each check starts where the previous one left off
    finally:
        lab.teardown()
    print(f"1..{len(CHECKS)}  ({failed} failed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
