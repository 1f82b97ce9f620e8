"""Building a parsed topology (topology.py) in a lablib Lab: the Site.

Mapping onto lablib's model (netns.py):
  * every switch is a bridge in the lab's one switch namespace ("sw"), set
    like lablib's br0 (STP off, forward delay 0, no multicast snooping);
  * every host is a namespace; a link to a switch is Host.add_cable (port
    "<switch>-<host>" on the bridge), a link to a peer is Lab.connect;
  * a trunk is a veth pair between two bridges of the switch namespace
    (ports "<a>-<b>", "<b>-<a>", counted as ports of both switches);
  * a host's bond (bond.py: the kernel's active-backup bond, or its
    emulation with a bridge, nftables and a carrier watcher) is built after
    the links, before the host's sysctls; Site.notes says which, for the card;
  * sysctls, routes and nftables rulesets are applied in file order after
    the links, so a ruleset may name any interface of its host;
  * services are lablib's Service (tcp) and TlsService, or labprocs.py's
    HTTP service; probes are build/failover-probe (lablib's Python stand-in
    for a plain tcp probe when the binary is missing);
  * failoverd runs as a lablib FailoverdAgent (config generated from the
    topology) or FileConfigAgent (a config file copied as it is); every
    config is checked with `failoverd -t` (check_configs) before the lab
    is built.

Agents start one at a time, those expected MASTER first, each waited for
until it shows its expected states, so the initial election is the one the
card describes and not a race; a BACKUP counts as settled once its status
names the master it follows (it has heard adverts, so it will honour that
master's priority 0).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import bond, conf
from .agents import FailoverdAgent
from .netns import LabError
from .probe import NSPROCS, Service, TlsService
from .process import LabTimeout, wait_until

LABPROCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "labprocs.py")
SWITCH_NS = "sw"


class Binaries:
    """The programs of a build directory."""

    def __init__(self, build_dir):
        self.build_dir = os.path.abspath(build_dir)
        self.failoverd = os.path.join(self.build_dir, "failoverd")
        self.failoverctl = os.path.join(self.build_dir, "failoverctl")
        self.probe = os.path.join(self.build_dir, "failover-probe")
        self._verify = None

    def missing(self, need_probe=True):
        """Names of required programs that are not executable."""
        wanted = [self.failoverd, self.failoverctl] + ([self.probe] if need_probe else [])
        return [path for path in wanted if not os.access(path, os.X_OK)]

    def has_verify(self):
        """True when this failoverctl has the verify command."""
        if self._verify is None:
            try:
                out = subprocess.run([self.failoverctl, "--help"], capture_output=True,
                                     text=True, timeout=10).stdout
            except OSError:
                out = ""
            self._verify = any(line.strip().startswith("verify") for line in out.splitlines())
        return self._verify


class FileConfigAgent(FailoverdAgent):
    """failoverd with a configuration file from the topology, used as it is
    (the lab's command line still sets node name, event log, control socket
    and pid file, which override the file's global section)."""

    def __init__(self, lab, host, binary, source):
        super().__init__(lab, host, binary, [], name=host.name)
        self.source = source

    def write_config(self):
        shutil.copyfile(self.source, self.config_path)


class Site:
    """A topology built in a Lab: hosts, agents, services and probes by name."""

    def __init__(self, topo, lab, binaries, log=None):
        self.topo = topo
        self.lab = lab
        self.bin = binaries
        self.log = log or (lambda text: None)
        self.hosts = {}             # name -> lablib Host
        self.agents = {}            # host name -> FailoverdAgent
        self.services = {}          # (host, service name) -> lablib Service
        self.switch_ports = {}      # switch -> [port names in the switch namespace]
        self.probes = {}            # name -> RunningProbe
        self.probe_reports = {}     # name -> failover-probe JSON report
        self.scenario_steps = []    # the running scenario's steps (undrop finds its drop)
        self.notes = []             # what was emulated (a bond without the driver), for the card

    # ---- building ------------------------------------------------------
    def build(self):
        """Namespaces, links, sysctls, routes, rulesets, services, configs."""
        switch = self.lab.add_switch(SWITCH_NS)
        for name in self.topo.switches:
            if name != switch.ifname:
                self.lab.add_bridge(name)
            self.switch_ports[name] = []
        for name, spec in self.topo.hosts.items():
            self.hosts[name] = self.lab.add_host(name, cabled=False)
        for link in self.topo.links:
            self._add_link(link)
        for a, b in self.topo.trunks:
            self._add_trunk(a, b)
        for name, spec in self.topo.hosts.items():
            self._configure_host(self.hosts[name], spec)
        for spec in self.topo.hosts.values():
            for service in spec.services.values():
                self.start_service(service)
        for spec in self.topo.agents():
            self._add_agent(spec)
        self.log(f"built {len(self.hosts)} hosts, {len(self.topo.switches)} switches, "
                 f"{len(self.topo.links)} links in namespaces {self.lab.prefix}-*")

    def _add_link(self, link):
        host = self.hosts[link.host]
        if link.switch is not None:
            port = host.add_cable(link.switch, link.interface, link.addresses)
            self.switch_ports[link.switch].append(port)
        else:
            self.lab.connect(host, link.interface, self.hosts[link.peer], link.peer_interface,
                             link.addresses, link.peer_addresses)
            # A GARP must update a neighbour entry at once (see netns.py).
            self.hosts[link.peer].sysctl_set(
                [(f"net.ipv4.neigh.{link.peer_interface}.locktime", 0)])
            host.sysctl_set([(f"net.ipv4.neigh.{link.interface}.locktime", 0)])

    def _add_trunk(self, a, b):
        """A cable between switches a and b: ports "a-b" and "b-a"."""
        sw = self.lab.switch
        sw.ip("link", "add", f"{a}-{b}", "type", "veth", "peer", "name", f"{b}-{a}")
        for bridge, port in ((a, f"{a}-{b}"), (b, f"{b}-{a}")):
            sw.ip("link", "set", port, "master", bridge, "up")
            self.switch_ports[bridge].append(port)

    def _configure_host(self, host, spec):
        names = spec.interfaces(self.topo)
        if names:
            host.ifname = names[0]
        if spec.bond is not None:
            self.notes.append(bond.setup(
                host, spec.bond,
                lambda argv: host.spawn(argv, name=f"{spec.name}.{spec.bond.name}-emu")))
        if spec.sysctl:
            host.sysctl_set(sorted(spec.sysctl.items()))
        self.apply_routes(spec.name)
        if spec.nftables:
            try:
                host.nft(spec.nftables)
            except LabError as err:
                raise LabError(f"{spec.key}.nftables: {err}") from None

    def apply_routes(self, name, check=True):
        """Install (or re-install) the host's routes. The kernel deletes the
        routes of an interface set down, so a link brought up again at the
        host end, or a booted node, needs them back, as its network
        configuration would do. check=False: skip routes that cannot be
        added now (their link is still down); return how many were."""
        host, skipped = self.hosts[name], 0
        for route in self.topo.hosts[name].routes:
            result = host.ip("route", "replace", *route.split(), check=check)
            skipped += result.returncode != 0
        return skipped

    def start_service(self, spec):
        """Start (or restart) service spec on its host; wait until it listens."""
        host = self.hosts[spec.host]
        runs = sum(1 for key in self.services if key == (spec.host, spec.name)) + 1
        if spec.kind == "tcp":
            service = Service(host, port=spec.port, name=spec.reply)
        elif spec.kind == "tls":
            service = TlsService(host, port=spec.port, banner=spec.banner, bind=spec.bind,
                                 run=runs)
        else:
            service = _HttpService(host, spec)
        self.services[(spec.host, spec.name)] = service
        return service

    def _add_agent(self, spec):
        host = self.hosts[spec.host]
        if spec.config_file:
            agent = FileConfigAgent(self.lab, host, self.bin.failoverd, spec.config_file)
        else:
            agent = FailoverdAgent(self.lab, host, self.bin.failoverd, spec.instances,
                                   extra_config=spec.extra)
        agent.write_config()
        self.agents[spec.host] = agent

    # ---- starting ------------------------------------------------------
    def start_order(self, initial):
        """Agents expected MASTER somewhere first, then the rest, file order."""
        def rank(name):
            states = initial.get(name, {}).values()
            return 0 if "MASTER" in states else (1 if states else 2)
        return sorted(self.agents, key=lambda name: (rank(name),
                                                     list(self.agents).index(name)))

    def start_agents(self, initial, timeout=15.0):
        """Start every agent, one after the other; wait for the initial situation."""
        deadline = time.monotonic() + timeout
        for name in self.start_order(initial):
            agent = self.agents[name]
            started = agent.start()
            self.log(f"started failoverd on {name}")
            self.wait_states(name, initial.get(name, {}), deadline, started)
        self.wait_settled(initial, deadline)

    def wait_states(self, name, states, deadline, since):
        agent = self.agents[name]

        def reached():
            self._check_alive(name)
            return all(agent.state(inst) == state for inst, state in states.items())
        wait_until(reached, max(0.1, deadline - time.monotonic()),
                   f"{name}: {_describe_states(states)} (since {since:.3f})")

    def _check_alive(self, name):
        agent = self.agents[name]
        if agent.proc and not agent.proc.alive():
            raise LabError(f"failoverd on {name} exited {agent.proc.popen.returncode}: "
                           + " | ".join(agent.log_tail(8)))

    def wait_settled(self, initial, deadline):
        """Every expected state holds and each BACKUP follows a master."""
        def settled():
            for name, states in initial.items():
                agent = self.agents[name]
                self._check_alive(name)
                if any(agent.state(i) != s for i, s in states.items()):
                    return False
                status = self.status(name)
                for inst, state in states.items():
                    if state == "BACKUP" and not status.get(inst, {}).get("master"):
                        return False
            return True
        wait_until(settled, max(0.1, deadline - time.monotonic()),
                   "the initial situation: " + "; ".join(
                       f"{n} {_describe_states(s)}" for n, s in initial.items()),
                   interval=0.02)

    def status(self, name):
        """{instance: status object} from failoverctl status --json ({} if unreachable)."""
        result = self.failoverctl(name, "status")
        if result.returncode != 0:
            return {}
        try:
            reply = json.loads(result.stdout)
        except ValueError:
            return {}
        return {inst.get("name"): inst for inst in reply.get("instances", [])}

    def failoverctl(self, name, *args):
        agent = self.agents[name]
        return subprocess.run([self.bin.failoverctl, "--socket", agent.path("sock"), "--json",
                               *args], capture_output=True, text=True, timeout=15)

    # ---- probes --------------------------------------------------------
    def start_probes(self, names, timeout=10.0):
        """Start the probes; wait until each reached a service once."""
        for name in names:
            self.probes[name] = self._start_probe(self.topo.probes[name])
        for name, probe in self.probes.items():
            self._wait_probe_success(name, probe, probe.proc.started, timeout)

    def _start_probe(self, spec):
        host = self.hosts[spec.host]
        output = os.path.join(self.lab.workdir, f"probe.{spec.name}.json")
        if os.access(self.bin.probe, os.X_OK):
            argv = [self.bin.probe, "--target", spec.target, "--mode", spec.mode,
                    "--interval", str(spec.interval_ms), "--timeout", str(spec.timeout_ms),
                    "--json", "--quiet", "--output", output]
            for option, value in (("--expect", spec.expect), ("--sni", spec.sni),
                                  ("--send", spec.send)):
                if value is not None:
                    argv += [option, value]
            implementation = "failover-probe"
        elif spec.mode == "tcp" and spec.expect is None:
            argv = [sys.executable, NSPROCS, "probe", "--target", spec.target, "--interval",
                    str(spec.interval_ms), "--timeout", str(spec.timeout_ms), "--output",
                    output]
            implementation = "python"
        else:
            raise LabError(f"{self.bin.probe} is missing, and the Python stand-in only does "
                           f"plain tcp (probe {spec.name}: mode {spec.mode})")
        return RunningProbe(spec, output, implementation,
                            host.spawn(argv, name=f"probe.{spec.name}"))

    def _wait_probe_success(self, name, probe, since, timeout):
        def reached():
            if not probe.proc.alive():
                raise LabError(f"probe {name} exited {probe.proc.popen.returncode}: "
                               + " | ".join(probe.proc.tail(5)))
            return self.served_since(since)
        wait_until(reached, timeout, f"probe {name}'s first successful connection")

    def served_since(self, since, count=1):
        """True once the services together answered `count` connections since
        `since`, not counting local ones (a node's own health checks)."""
        total = 0
        for service in self.services.values():
            total += len(service.proc.find_lines(r"^conn (?!127\.|::1$|::ffff:127\.)", since))
        return total >= count

    def stop_probes(self, settle=2.0):
        """Stop every probe once the services answered a few more connections
        (so a hand-over blip at the very end is not cut off as an open gap,
        bounded by `settle` seconds); return {name: report}."""
        since = time.monotonic()
        try:
            wait_until(lambda: self.served_since(since, 3 * max(1, len(self.probes))),
                       settle, "the probes' last connections")
        except LabTimeout:
            pass
        for name, probe in self.probes.items():
            probe.proc.signal(signal.SIGTERM)
        for name, probe in list(self.probes.items()):
            code = probe.proc.wait(10.0)
            if code != 0:
                raise LabError(f"probe {name} exited {code}: " + " | ".join(probe.proc.tail(5)))
            with open(probe.output) as f:
                self.probe_reports[name] = json.load(f)
        self.probes = {}
        return self.probe_reports


def check_configs(topo, failoverd):
    """Run `failoverd -t` on every failoverd configuration of the topology
    (generated ones written to a temporary directory first); raise
    LabError listing every refusal."""
    from .scenario import apply_overrides
    problems = []
    variants = [(spec, "") for spec in topo.agents()]
    for scenario in topo.scenarios.values():
        if scenario.overrides:
            variants += [(spec, f" (scenario {scenario.name})")
                         for spec in apply_overrides(topo, scenario).agents()
                         if spec.host in scenario.overrides]
    with tempfile.TemporaryDirectory(prefix="failover-lab-check-") as tmp:
        for spec, where in variants:
            path = spec.config_file
            if path is None:
                path = os.path.join(tmp, f"{spec.host}.failoverd.conf")
                with open(path, "w") as f:
                    f.write(config_text(spec, spec.host))
            check = subprocess.run([failoverd, "-t", "-f", path], capture_output=True,
                                   text=True, timeout=30)
            if check.returncode != 0:
                source = spec.config_file or f"the configuration generated from {spec.key}" \
                    + where
                problems.append(f"{spec.host}: failoverd -t refused {source}:\n  "
                                + (check.stderr.strip() or check.stdout.strip())
                                .replace(path, f"{spec.host}.failoverd.conf")
                                .replace("\n", "\n  "))
    if problems:
        raise LabError("\n".join(problems))


class RunningProbe:
    """A probe process and where its JSON report will be."""

    def __init__(self, spec, output, implementation, proc):
        self.spec = spec
        self.output = output
        self.implementation = implementation
        self.proc = proc


class _HttpService(Service):
    """labprocs.py http-service on a host, with lablib Service's interface."""

    def __init__(self, host, spec):        # noqa: super().__init__ would start nsprocs
        self.host = host
        self.port = spec.port
        self.proc = host.spawn([sys.executable, LABPROCS, "http-service", "--port",
                                str(spec.port), "--body", spec.reply, "--bind", spec.bind],
                               name=f"{host.name}.http-{spec.name}")
        self.proc.wait_line(r"^ready$", 10.0)


def _describe_states(states):
    return ", ".join(f"{inst} {state}" for inst, state in states.items()) or "running"


def config_text(spec, name):
    """The failoverd.conf the lab would generate for an inline AgentSpec."""
    return conf.failoverd_config(name, spec.instances, spec.extra)
