"""The agents under test: failoverd and keepalived nodes.

Both kinds offer one interface so a scenario can run against either:
start / stop (SIGTERM) / kill (SIGKILL) / crash (SIGKILL + cable down, i.e.
power lost) / freeze / thaw, transitions() and wait_state().

  * failoverd: transitions come from its JSON event log (`state` events with
    `mono`, `reason`), which the daemon flushes per line; EventLog re-reads
    the file incrementally.
  * keepalived: transitions come from its `(VI_1) Entering X STATE` log lines,
    stamped with CLOCK_MONOTONIC when the harness reads them (a few ms late at
    most); it has no reasons.  keepalived forks a VRRP child whose pid is in
    the -r pid file; a crash freezes the parent first so it cannot respawn or
    signal the child, then kills both.

Each agent also records the moments the harness killed it (`deaths`), so the
merged time line knows that a SIGKILLed MASTER stopped being one then, even
though it could not log it.

A failoverd agent also answers on its control socket (<workdir>/<node>.
failoverd.sock, a file: no `ip netns exec` needed): ctl() runs failoverctl
against it (ctl_binary, set by the caller; default: failoverctl next to the
failoverd binary), ctl_json() parses its --json reply, status()/stats()/
metrics() return the daemon's answers, reload() asks for a reload through
failoverctl or SIGHUP, and control_connect() opens a raw connection for
cards that misbehave on purpose.
"""

import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import time

from . import conf
from .netns import process_gone
from .process import LabTimeout, wait_until

STATE_LINE = r"\((?P<instance>[^)]+)\) Entering (?P<state>MASTER|BACKUP|FAULT|INIT) STATE"
PRIORITY_ZERO_LINE = r"\((?P<pz_instance>[^)]+)\) (sending|sent) 0 priority"


class EventLog:
    """Incremental reader of a JSON-lines event log."""

    def __init__(self, path):
        self.path = path
        self.events = []
        self.bad_lines = []
        self._offset = 0
        self._partial = b""

    def poll(self):
        """Read what was appended since the last poll; return the event list."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return self.events
        self._offset += len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        for raw in lines:
            if not raw.strip():
                continue
            try:
                self.events.append(json.loads(raw))
            except ValueError:
                self.bad_lines.append(raw.decode("utf-8", "replace"))
        return self.events

    def select(self, event=None, after=None, **fields):
        """Events of a kind (and field values) with mono >= after."""
        found = []
        for ev in self.poll():
            if event is not None and ev.get("event") != event:
                continue
            if after is not None and ev.get("mono", 0) < after:
                continue
            if all(ev.get(k) == v for k, v in fields.items()):
                found.append(ev)
        return found

    def wait(self, timeout, what, event=None, after=None, **fields):
        """Wait for the first matching event and return it."""
        def first():
            found = self.select(event, after, **fields)
            return found[0] if found else None
        return wait_until(first, timeout, what)


class Agent:
    """Common part of a VRRP agent running on one lab host."""

    kind = "agent"

    def __init__(self, lab, host, binary, instances, name=None):
        self.lab = lab
        self.host = host
        self.binary = binary
        self.instances = [dict(inst) for inst in instances]
        self.name = name or host.name
        self.proc = None
        self.procs = []
        self.deaths = []        # mono of SIGKILLs sent by the harness
        self.stops = []         # mono of SIGTERMs sent by the harness
        self.workdir = lab.workdir
        self.config_path = os.path.join(self.workdir, f"{self.name}.{self.kind}.conf")

    def __repr__(self):
        return f"{type(self).__name__}({self.name})"

    def path(self, suffix):
        return os.path.join(self.workdir, f"{self.name}.{self.kind}.{suffix}")

    def instance(self, name):
        return next(i for i in self.instances if i["name"] == name)

    # ---- lifetime ------------------------------------------------------
    def write_config(self):
        raise NotImplementedError

    def command(self):
        raise NotImplementedError

    def start(self):
        """Write the config and start the agent. Returns the start time."""
        self.write_config()
        run = len(self.procs) + 1
        self.proc = self.host.spawn(self.command(), name=f"{self.name}.{self.kind}.{run}")
        self.procs.append(self.proc)
        return self.proc.started

    def stop(self, timeout=10.0):
        """SIGTERM and wait for the exit; return the exit code."""
        self.stops.append(self.proc.signal(signal.SIGTERM))
        return self.proc.wait(timeout)

    def pids(self):
        """Every process of the agent, the main one last."""
        return [self.proc.pid]

    def _kill_frozen(self, moment):
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.deaths.append(moment)
        self.proc.wait(5.0)
        for pid in self.pids()[:-1]:
            wait_until(lambda pid=pid: process_gone(pid), 5.0, f"{self.name} pid {pid} to die")

    def _freeze_all(self):
        moment = time.monotonic()
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        return moment

    def kill(self):
        """SIGKILL the agent (the node stays up). Returns the time.
        All its processes are frozen first, so none can react to the others'
        death (keepalived's parent would respawn or stop its VRRP child)."""
        moment = self._freeze_all()
        self._kill_frozen(moment)
        return moment

    def crash(self):
        """Power loss: the agent stops and the node's cable goes dead together.
        Frozen first, so the agent neither sends another advert nor sees the
        link go down; then the cable; then SIGKILL. Returns the freeze time."""
        moment = self._freeze_all()
        self.host.link_down("host")
        self._kill_frozen(moment)
        return moment

    def freeze(self):
        """SIGSTOP every process of the agent; returns the time."""
        return self._freeze_all()

    def thaw(self):
        """SIGCONT every process of the agent; returns the time."""
        moment = time.monotonic()
        for pid in reversed(self.pids()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        return moment

    # ---- what it did ---------------------------------------------------
    def transitions(self, instance=None):
        """[{mono, node, instance, from, to, reason}] in order."""
        raise NotImplementedError

    def state(self, instance):
        trans = self.transitions(instance)
        return trans[-1]["to"] if trans else None

    def wait_state(self, instance, state, timeout, after=None):
        """Wait until the agent logs a transition of instance to state (after `after`)."""
        def reached():
            for tr in self.transitions(instance):
                if tr["to"] == state and (after is None or tr["mono"] >= after):
                    return tr
            return None
        return wait_until(reached, timeout, f"{self.name} {instance} -> {state}")

    def wait_line(self, pattern, timeout, after=None):
        return self.proc.wait_line(pattern, timeout, after)

    def find_lines(self, pattern, after=None):
        found = []
        for proc in self.procs:
            found += proc.find_lines(pattern, after)
        return found

    def stop_times(self):
        """Moments the agent is known to have stopped being anything (deaths, exits)."""
        times = list(self.deaths)
        times += [p.ended for p in self.procs if p.ended is not None]
        return sorted(times)

    def has_vip(self, address):
        return self.host.has_address(address, self.instance_interface(address))

    def instance_interface(self, address):
        for inst in self.instances:
            if any(v.split("/")[0] == address.split("/")[0] for v in inst["virtual_addresses"]):
                return inst["interface"]
        return self.host.ifname

    def log_tail(self, count=40):
        return self.proc.tail(count) if self.proc else []


class CtlResult:
    """One failoverctl run: exit code, stdout, stderr, seconds it took."""

    def __init__(self, argv, code, stdout, stderr, seconds):
        self.argv = argv
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds

    def __repr__(self):
        return (f"CtlResult({' '.join(self.argv[1:])}: exit {self.code} in "
                f"{self.seconds * 1000:.0f} ms, stdout {self.stdout[:200]!r}, "
                f"stderr {self.stderr[:200]!r})")

    def json(self):
        """The reply object printed by --json (ValueError if it is not one)."""
        return json.loads(self.stdout)


class FailoverdAgent(Agent):
    """failoverd, driven through its command line, event log, stderr and
    control socket."""

    kind = "failoverd"

    def __init__(self, lab, host, binary, instances, name=None, extra_config=None,
                 ctl_binary=None):
        super().__init__(lab, host, binary, instances, name)
        self.extra_config = extra_config
        self.event_log_path = self.path("events.jsonl")
        self.events = EventLog(self.event_log_path)
        self.socket_path = self.path("sock")
        self.ctl_binary = ctl_binary or os.path.join(os.path.dirname(binary), "failoverctl")

    # ---- control socket ------------------------------------------------
    def ctl(self, *args, timeout=20.0):
        """Run `failoverctl --socket <ours> ARGS...` (in the harness's own
        namespace: the socket is a file); return a CtlResult."""
        argv = [self.ctl_binary, "--socket", self.socket_path, *args]
        started = time.monotonic()
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise LabTimeout(f"{' '.join(argv)} did not exit within {timeout:g}s")
        return CtlResult(argv, done.returncode, done.stdout, done.stderr,
                         time.monotonic() - started)

    def ctl_json(self, *args, expect_code=0, timeout=20.0):
        """failoverctl --json ARGS: the reply object; fails unless the exit
        code is expect_code."""
        result = self.ctl("--json", *args, timeout=timeout)
        if result.code != expect_code:
            raise AssertionError(f"{self.name}: failoverctl {' '.join(args)} exits "
                                 f"{expect_code} ({result})")
        return result.json()

    def status(self):
        return self.ctl_json("status")

    def stats(self):
        return self.ctl_json("stats")

    def metrics(self):
        """The Prometheus text of `failoverctl metrics`."""
        result = self.ctl("metrics")
        if result.code != 0:
            raise AssertionError(f"{self.name}: failoverctl metrics exits 0 ({result})")
        return result.stdout

    def reload(self, via="failoverctl", rewrite=True):
        """Write the config again (unless rewrite is False) and reload: via
        "failoverctl" (returns the CtlResult of `--json reload`) or "sighup"
        (returns the moment the signal was sent)."""
        if rewrite:
            self.write_config()
        if via == "sighup":
            return self.proc.signal(signal.SIGHUP)
        return self.ctl("--json", "reload")

    def control_connect(self, timeout=2.0):
        """A raw connection to the control socket (blocking, with timeout).
        The connect itself is blocking with SO_SNDTIMEO: a Unix socket whose
        listen backlog is full makes a non-blocking connect fail with EAGAIN
        at once, where a client would simply wait to be accepted."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        whole = int(timeout)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
                        struct.pack("ll", whole, int((timeout - whole) * 1e6)))
        try:
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        sock.settimeout(timeout)
        return sock

    def wait_reload(self, timeout, after, **fields):
        """Wait for the reload event written at or after `after`."""
        return self.events.wait(timeout, f"{self.name} reload event {fields or ''}",
                                "reload", after, **fields)

    def write_config(self):
        with open(self.config_path, "w") as f:
            f.write(conf.failoverd_config(self.name, self.instances, self.extra_config))

    def command(self):
        return [self.binary, "-f", self.config_path, "-n", "-l", "--no-syslog",
                "--event-log", self.event_log_path, "--node-name", self.name,
                "--pid-file", self.path("pid"),
                "--control-socket", self.path("sock")]

    def transitions(self, instance=None):
        found = []
        for ev in self.events.select("state"):
            if instance is not None and ev.get("instance") != instance:
                continue
            found.append({"mono": ev.get("mono"), "node": self.name,
                          "instance": ev.get("instance"), "from": ev.get("from"),
                          "to": ev.get("to"), "reason": ev.get("reason"), "event": ev})
        return found

    def stop_times(self):
        times = super().stop_times()
        times += [ev["mono"] for ev in self.events.select("stop") if "mono" in ev]
        return sorted(times)

    def rx_errors(self, after=None):
        return self.events.select("rx_error", after)


class KeepalivedAgent(Agent):
    """keepalived (VRRP only), state read from its console log.  extra_config
    takes failoverd's top-level `checks` (exec checks become vrrp_scripts)."""

    kind = "keepalived"

    def __init__(self, lab, host, binary, instances, name=None, extra_config=None):
        super().__init__(lab, host, binary, instances, name)
        self.extra_config = extra_config

    def write_config(self):
        with open(self.config_path, "w") as f:
            f.write(conf.keepalived_config(self.name, self.instances, self.extra_config))

    def command(self):
        return [self.binary, "-n", "-l", "-D", "--vrrp", "-f", self.config_path,
                "-p", self.path("pid"), "-r", self.path("vrrp.pid"),
                "-c", self.path("check.pid")]

    def transitions(self, instance=None):
        found = []
        current = {}
        for mono, text, match in self.find_lines(f"{STATE_LINE}|{PRIORITY_ZERO_LINE}"):
            name = match.group("instance") or match.group("pz_instance")
            # keepalived logs no transition when it stops: its priority-0
            # advert is where it stops being MASTER.
            state = match.group("state") or "INIT"
            if instance is not None and name != instance:
                continue
            if not match.group("state") and current.get(name) != "MASTER":
                continue
            found.append({"mono": mono, "node": self.name, "instance": name,
                          "from": current.get(name, "INIT"), "to": state,
                          "reason": None if match.group("state") else "shutdown",
                          "event": text})
            current[name] = state
        return found

    def start(self):
        # A SIGKILLed keepalived leaves its pid files; a stale (or zombie) pid
        # in them would make the next start refuse to run.
        for suffix in ("pid", "vrrp.pid", "check.pid"):
            if os.path.exists(self.path(suffix)):
                os.unlink(self.path(suffix))
        return super().start()

    def vrrp_child_pid(self):
        try:
            with open(self.path("vrrp.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def pids(self):
        child = self.vrrp_child_pid()
        return ([child] if child else []) + [self.proc.pid]

    def wait_ready(self, timeout=10.0):
        return wait_until(self.vrrp_child_pid, timeout, "keepalived vrrp child pid file")


__all__ = ["CtlResult", "EventLog", "FailoverdAgent", "KeepalivedAgent", "LabTimeout", "STATE_LINE"]
