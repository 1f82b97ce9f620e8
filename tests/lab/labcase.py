"""Shared frame of the lab scenario tests (tests/lab/*.py).

Every scenario is a script that builds the same small site and reads like
its test card:

    switch (bridge in its own namespace)
      |-- n1  10.99.0.1/24  fd99::1/64   agent + service on :8080
      |-- n2  10.99.0.2/24  fd99::2/64   agent + service on :8080
      `-- c   10.99.0.10/24 fd99::10/64  the client: probe -> VIP:8080

run(body, description) parses the common options, skips (exit 77) without
root, builds the site, runs body(case), then checks from the merged logs
that no virtual router had two MASTERs for longer than a few advert
intervals.  Exit 0 pass, 1 fail.  On failure the work directory (configs,
logs, event logs, probe reports) is kept and its path printed.

Cards about tracking add to the site what they track: a second segment
(bridge br1, eth1 on each node, the gateway side: add_gateway_segment), a
router namespace with a point-to-point "uplink" per node (add_router), a
TLS service on 127.0.0.1 in each node (lablib.TlsService); their configs
pass `extra` (top-level checks, sync_groups) to agent()/start_pair().

Cards about operations talk to a failoverd node's control socket through
agent.ctl() / status() / stats() / reload() (failoverctl, --failoverctl or
next to the failoverd binary); require_failoverd() skips them (77) when the
card is run with --keepalived.

--keepalived PATH runs both nodes with keepalived instead of failoverd: the
same card then checks keepalived's behaviour (reason checks are skipped, it
logs none), which is how the harness itself was validated.
"""

import argparse
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

import lablib                                  # noqa: E402
from lablib import probe as lprobe             # noqa: E402
from lablib import verify                      # noqa: E402

VIP4 = "10.99.0.100"
VIP6 = "fd99::100"
GATEWAY_VIP = "10.98.0.254"

# The human log lines of each daemon for the same fact.
LINES = {
    "failoverd": {
        "priority_zero": r"\(VI_1\) sending 0 priority",
        "link_down": r"Kernel is reporting: interface eth0 DOWN",
    },
    "keepalived": {
        "priority_zero": r"\(VI_1\) (sending|sent) 0 priority",
        "link_down": r"(Netlink reports eth0 down|interface eth0 DOWN|eth0 is down)",
    },
}


def instance(name="VI_1", vrid=51, priority=150, interval=0.1, version=3, preempt=True,
             vips=(VIP4 + "/24",), **extra):
    """A virtual router in failoverd's config schema."""
    inst = {"name": name, "interface": "eth0", "vrid": vrid, "priority": priority,
            "advert_interval": float(interval), "version": version, "preempt": preempt,
            "virtual_addresses": list(vips), "garp": {"delay": 0.0, "repeat": 1}}
    inst.update(extra)
    return inst


def brief(transitions):
    """Transitions as short text for messages: 'n2 BACKUP->MASTER (preempt) @12.345'."""
    return "; ".join(f"{t['node']} {t['from']}->{t['to']} ({t['reason']}) @{t['mono']:.3f}"
                     for t in transitions) or "none"


def parse_args(description, argv=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--failoverd", default="build/failoverd",
                        help="failoverd binary (default %(default)s)")
    parser.add_argument("--probe", default="build/failover-probe",
                        help="failover-probe binary; a Python stand-in is used "
                             "if it does not exist")
    parser.add_argument("--failoverctl",
                        help="failoverctl binary (default: next to the failoverd binary)")
    parser.add_argument("--keepalived", metavar="PATH",
                        help="run both nodes with this keepalived instead of failoverd")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work directory even when the test passes")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


class Case:
    """One scenario run: the site, its agents and the checks made so far."""

    def __init__(self, args, lab):
        self.args = args
        self.lab = lab
        self.impl = "keepalived" if args.keepalived else "failoverd"
        self.lines = LINES[self.impl]
        self.agents = []
        self.t0 = time.monotonic()
        self.tolerance = {}        # instance -> allowed dual-MASTER seconds
        self.counters = {}
        self.excused = []          # windows where two MASTERs are expected

    # ---- site ----------------------------------------------------------
    def require_failoverd(self, what="this card"):
        """Skip (77) when the implementation under test is not failoverd."""
        if self.impl != "failoverd":
            print(f"SKIP: {what} needs failoverd's control socket")
            sys.exit(77)

    def build_site(self, services=True):
        self.lab.add_switch()
        self.n1 = self.lab.add_host("n1", ["10.99.0.1/24", "fd99::1/64"])
        self.n2 = self.lab.add_host("n2", ["10.99.0.2/24", "fd99::2/64"])
        self.client = self.lab.add_host("c", ["10.99.0.10/24", "fd99::10/64"])
        self.services = {}
        if services:
            self.services = {"n1": lprobe.Service(self.n1), "n2": lprobe.Service(self.n2)}

    def add_gateway_segment(self):
        """The gateway side: bridge br1 on the switch, eth1 on n1 (10.98.0.1)
        and n2 (10.98.0.2)."""
        self.lab.add_bridge("br1")
        self.n1.add_cable("br1", "eth1", ["10.98.0.1/24"])
        self.n2.add_cable("br1", "eth1", ["10.98.0.2/24"])

    def add_router(self):
        """A router namespace r with a point-to-point cable to each node:
        "uplink" on the node, "up-<node>" on the router."""
        self.router = self.lab.add_host("r", cabled=False)
        for number, host in ((1, self.n1), (2, self.n2)):
            self.lab.connect(host, "uplink", self.router, f"up-{host.name}",
                             [f"10.97.{number}.2/30"], [f"10.97.{number}.1/30"])
        return self.router

    def agent(self, host, instances, kind=None, extra=None):
        """An agent of the implementation under test (or `kind`) on host;
        extra: more top-level settings (checks, sync_groups)."""
        kind = kind or self.impl
        if kind == "keepalived":
            binary = self.args.keepalived or "keepalived"
            agent = lablib.KeepalivedAgent(self.lab, host, binary, instances,
                                           extra_config=extra)
        else:
            binary = os.path.abspath(self.args.failoverd)
            if not os.access(binary, os.X_OK):
                raise AssertionError(f"failoverd binary {binary} not found")
            ctl = os.path.abspath(self.args.failoverctl) if self.args.failoverctl else None
            agent = lablib.FailoverdAgent(self.lab, host, binary, instances,
                                          extra_config=extra, ctl_binary=ctl)
        self.agents.append(agent)
        self.set_instances(agent, instances)
        return agent

    def set_instances(self, agent, instances):
        """(Re)configure an agent; takes effect at its next start."""
        agent.instances = [dict(inst) for inst in instances]
        for inst in instances:
            allowed = 3 * inst["advert_interval"]
            self.tolerance[inst["name"]] = max(self.tolerance.get(inst["name"], 0), allowed)

    def vrrp_counter(self, host):
        """The VRRP packet counter of a host (installed on first use)."""
        if host.name not in self.counters:
            self.counters[host.name] = lablib.VrrpCounter(host)
        return self.counters[host.name]

    def start_pair(self, first, second, vip=VIP4, extra=(None, None)):
        """Start n1 with instances `first` and n2 with `second` (and the
        top-level settings extra[0], extra[1]); wait for the steady state
        n1 MASTER / n2 BACKUP with the VIP answered by n1."""
        n1 = self.agent(self.n1, first, extra=extra[0])
        n2 = self.agent(self.n2, second, extra=extra[1])
        name = first[0]["name"]
        interval = first[0]["advert_interval"]
        n1.start()
        n1.wait_state(name, "MASTER", 10.0 + 5 * interval)
        counter = self.vrrp_counter(self.n2)
        n2.start()
        n2.wait_state(name, "BACKUP", 10.0)
        # Steady means n2 follows n1: it has heard n1's adverts (a BACKUP
        # that never heard a master rightly ignores its priority 0).
        counter.wait_at_least(3, 10.0 + 10 * interval)
        self.answer(vip, expected="n1", timeout=10.0)
        self.step(f"steady: n1 MASTER, n2 BACKUP, {vip} answered by n1")
        return n1, n2

    def probe(self, address=VIP4, interval_ms=10, timeout_ms=50):
        """Start the client's probe and wait until it reached the service once."""
        probe = lprobe.Probe(self.client, address, binary=self.args.probe,
                             interval_ms=interval_ms, timeout_ms=timeout_ms)
        probe.wait_first_success(self.services.values())
        return probe

    def stop_probe(self, probe, node, count=3, timeout=5.0):
        """Stop the probe once `node` has served `count` of its connections
        from now on, so a blip of the last hand-over cannot be cut off by
        the stop and read as an outage that never ended; return the report."""
        since = time.monotonic()
        service = self.services[node]
        lablib.wait_until(lambda: len(service.proc.find_lines(r"^conn ", since)) >= count,
                          timeout, f"{count} probes served by {node}")
        return probe.stop()

    def served(self, node, after, timeout=10.0):
        """Wait until node's service accepted a connection after `after`."""
        return self.services[node].wait_client(after, timeout)

    def answer(self, address=VIP4, expected=None, timeout=10.0):
        """Wait until the client gets an answer on address (from `expected`)."""
        return lprobe.wait_answer(self.client, address, expected, timeout)

    def wait_priority(self, agent, name, before, after_value, timeout, after=None):
        """Wait for agent's `priority` event of instance name from `before` to
        `after_value` (written at or after `after`); return it."""
        return agent.events.wait(timeout, f"{agent.name} {name} priority {before} -> "
                                 f"{after_value}", "priority", after, instance=name,
                                 **{"from": before, "to": after_value})

    def wait_track(self, agent, tracker, status, timeout, after=None):
        """Wait for agent's `track` event of tracker reaching status; return it."""
        return agent.events.wait(timeout, f"{agent.name} tracker {tracker} {status}", "track",
                                 after, tracker=tracker, status=status)

    def crash_takeover(self, n1, n2, vip=VIP4, name="VI_1"):
        """Card b's core: n1 (MASTER) loses power, n2 must take over and serve.

        Checks n2's MASTER reason (master_down_timer), that it waited for
        missed adverts (>= 2 intervals after the crash: the last advert may
        have left up to one interval before it) and took over within a
        generous bound (Master_Down_Interval + 1.5 s), that n2 holds the VIP
        and that the client's outage ended.  Returns (takeover s, report)."""
        interval = n2.instance(name)["advert_interval"]
        master_down = 3 * interval + (256 - n2.instance(name)["priority"]) / 256 * interval
        probe = self.probe(vip)
        self.step(f"crash n1: SIGKILL + cable dead")
        crashed = n1.crash()
        master = n2.wait_state(name, "MASTER", master_down + 10.0, after=crashed)
        takeover = master["mono"] - crashed
        self.step(f"n2 MASTER {takeover * 1000:.0f} ms after the crash "
                  f"(Master_Down_Interval {master_down * 1000:.0f} ms)")
        self.check_reason(master, "master_down_timer")
        self.check(takeover >= 2 * interval,
                   f"n2 waits for missed adverts (took over after {takeover:.3f}s)")
        self.check(takeover < master_down + 1.5,
                   f"n2 takes over within {master_down + 1.5:.2f} s (took {takeover:.3f}s)")
        self.check_vip(n2, vip, True)
        self.served("n2", after=master["mono"])
        report = self.stop_probe(probe, "n2")
        gaps = probe.gaps_after(crashed)
        self.step(f"probe ({probe.implementation}): {report['probes']} probes, "
                  f"{report['failed']} failed, gaps after the crash: "
                  f"{[round(g['duration_ms']) for g in gaps]} ms")
        self.check(gaps, "the probe sees an outage after the crash")
        self.check(not any(g["open"] for g in gaps), "the outage has ended (gap closed)")
        limit = (master_down + 2.0) * 1000
        self.check(max(g["duration_ms"] for g in gaps) < limit,
                   f"the outage lasts less than {limit:.0f} ms")
        return takeover, report

    # ---- reporting and checks -------------------------------------------
    @staticmethod
    def lab_time():
        """Now, on the clock of the logs (CLOCK_MONOTONIC)."""
        return time.monotonic()

    def step(self, text):
        print(f"[{time.monotonic() - self.t0:7.3f}s] {text}", flush=True)

    def check(self, condition, message):
        """Assert an expectation; message says what must hold."""
        if not condition:
            raise AssertionError(message)
        if self.args.verbose:
            self.step(f"ok: {message}")

    def check_reason(self, transition, *reasons):
        """Check a transition's reason (failoverd only: keepalived logs none)."""
        if transition.get("reason") is None and self.impl == "keepalived":
            return
        self.check(transition.get("reason") in reasons,
                   f"{transition['node']} {transition['instance']} -> {transition['to']} "
                   f"with reason {' or '.join(reasons)} (got {transition.get('reason')!r})")

    def check_vip(self, agent, address, present):
        has = agent.has_vip(address)
        self.check(has == present, f"{agent.name} {'holds' if present else 'does not hold'} "
                                   f"{address}")

    def check_no_dual_master(self):
        worst_of_all = (-1.0, None)
        for name, allowed in self.tolerance.items():
            overlaps = verify.dual_master_overlaps(self.agents, name, excused=self.excused)
            worst = max((o[2] for o in overlaps), default=0.0)
            self.check(worst <= allowed,
                       f"{name}: never two MASTERs at once for more than {allowed:.3f}s "
                       f"(longest {worst:.3f}s: {overlaps})")
            if len(self.tolerance) <= 10:
                self.step(f"{name}: longest dual-MASTER overlap {worst * 1000:.1f} ms "
                          f"(allowed {allowed * 1000:.0f} ms)")
            worst_of_all = max(worst_of_all, (worst, name), key=lambda w: w[0])
        if len(self.tolerance) > 10:
            self.step(f"{len(self.tolerance)} instances: longest dual-MASTER overlap "
                      f"{worst_of_all[0] * 1000:.1f} ms ({worst_of_all[1]})")

    def cut_vrrp(self, sender):
        """The switch drops VRRP sent by host `sender` (ARP and service pass)."""
        address = sender.ipv4[0]
        self.lab.switch.nft(f"table bridge lab_cut_{sender.name} {{\n"
                            "  chain forward { type filter hook forward priority 0;\n"
                            f"    ether type ip ip saddr {address} ip protocol 112 drop; }}\n"
                            "}\n")
        return time.monotonic()

    def restore_vrrp(self, sender):
        """Undo cut_vrrp(sender); returns the moment just before."""
        moment = time.monotonic()
        self.lab.switch.run(["nft", "delete", "table", "bridge", f"lab_cut_{sender.name}"])
        return moment

    def check_event_logs(self):
        """Every failoverd event log is well-formed and its transitions legal."""
        for agent in self.agents:
            if isinstance(agent, lablib.FailoverdAgent):
                problems = verify.event_log_problems(agent)
                self.check(not problems, f"{agent.name}'s event log is well-formed and its "
                                         f"transitions legal ({problems[:5]})")

    def excuse_dual_master(self, start, end):
        """Two MASTERs are the expected result of the fault between start and end."""
        self.excused.append((start, end))

    def check_no_rx_errors(self):
        for agent in self.agents:
            if isinstance(agent, lablib.FailoverdAgent):
                errors = agent.rx_errors()
                self.check(not errors, f"{agent.name} logs no rx_error ({errors[:3]})")

    def dump(self):
        print("--- merged timeline ---")
        for line in verify.describe_timeline(self.agents, origin=self.t0):
            print(line)
        for agent in self.agents:
            print(f"--- {agent.name} ({agent.kind}) last log lines ---")
            for line in agent.log_tail(25):
                print(f"    {line}")


def run(body, description, argv=None):
    """Run a scenario body(case) in a fresh lab; exit 0 pass, 1 fail, 77 skip."""
    args = parse_args(description, argv)
    lablib.require_root()
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    status = 1
    with lablib.Lab(name, keep_workdir=args.keep) as lab:
        case = Case(args, lab)
        try:
            case.build_site()
            body(case)
            case.check_no_dual_master()
            case.check_event_logs()
            status = 0
        except (AssertionError, lablib.LabError) as err:
            print(f"FAIL: expected: {err}")
            case.dump()
            lab.keep_workdir = True
        except Exception:                                  # noqa: BLE001
            traceback.print_exc()
            case.dump()
            lab.keep_workdir = True
        elapsed = time.monotonic() - case.t0
        if lab.keep_workdir:
            print(f"work directory kept: {lab.workdir}")
    print(f"{'PASS' if status == 0 else 'FAIL'}: {name} ({elapsed:.1f}s, {case.impl})")
    return status
