#!/usr/bin/env python3
"""End-to-end tests of failoverctl against a fake failoverd.

The fake daemon is a thread serving canned replies on a Unix socket in a
temporary directory: it reads one JSON request line per connection, records
it, and answers with the reply registered for that command (or misbehaves on
purpose: closes at once, never answers, answers garbage or too much). Each
scenario runs the real failoverctl binary and checks its stdout, stderr,
exit code and the request the fake daemon received:

  status     the table: summary line, columns, values, maintenance and fault
             markers, trackers, control characters neutralised
  stats      counters per instance; non-zero rx error reasons or "none"
  json       --json prints the reply object itself (status, stats, reload,
             and an ok:false reply), before or after the command
  metrics    the Prometheus text printed as received, also a 6 MiB one
  reload     "applied: ..." and the names; invalid config: FILE:LINE lines
             on stderr, exit 4
  maintenance  request shape for one instance and "all"; output
  exits      2 without socket / closed / garbage / no "ok" / over 16 MiB,
             3 for "permission denied: ...", 4 for ok:false, 1 for every
             usage error (and then no connection at all), FAILOVERD_SOCKET
  timeout    a daemon that never answers: exit 2 after the 10 s limit
  help       --help lists the commands and exit codes, --version

Run by ctest (tests/ctl/CMakeLists.txt); standard library only.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

CLOSE = object()  # close the connection without a reply
SILENT = object()  # keep the connection open and never answer


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def check_equal(actual, expected, what):
    if actual != expected:
        raise TestFailure(f"{what}:\n  expected {expected!r}\n  got      {actual!r}")


class FakeDaemon:
    """A Unix-socket server answering each request with a canned reply.

    replies maps a command name to a dict (sent as one JSON line), bytes
    (sent as they are), CLOSE or SILENT. refuse_with, when set, is sent at
    once to every client, which is then closed with its request unread, as
    failoverd treats a peer it does not accept.
    """

    def __init__(self, path, replies, refuse_with=None):
        self.path = path
        self.replies = replies
        self.refuse_with = refuse_with
        self.requests = []
        self.connections = 0
        self._stop = threading.Event()
        self._held = []
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(path)
        self._listener.listen(8)
        self._listener.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)
        for conn in self._held:
            conn.close()
        self._listener.close()
        os.unlink(self.path)

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            self.connections += 1
            if self.refuse_with is not None:
                conn.sendall(json.dumps(self.refuse_with).encode() + b"\n")
                conn.close()
                continue
            self._answer(conn)

    def _read_line(self, conn):
        conn.settimeout(5)
        data = b""
        while b"\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        return data

    def _answer(self, conn):
        data = self._read_line(conn)
        check(data.endswith(b"\n") and data.count(b"\n") == 1,
              f"request is not one line: {data!r}")
        request = json.loads(data)
        self.requests.append(request)
        reply = self.replies.get(request.get("command"), {"ok": False, "error": "unknown command"})
        if reply is SILENT:
            self._held.append(conn)
            return
        if reply is not CLOSE:
            payload = reply if isinstance(reply, bytes) else json.dumps(reply).encode() + b"\n"
            try:
                conn.sendall(payload)
            except OSError:
                pass  # the client gave up on an oversized reply
        conn.close()


class Ctl:
    def __init__(self, binary, socket_path):
        self.binary = binary
        self.socket_path = socket_path

    def run(self, *args, socket_option=True, env=None, timeout=30):
        argv = [self.binary]
        if socket_option:
            argv += ["--socket", self.socket_path]
        argv += list(args)
        environment = {k: v for k, v in os.environ.items() if k != "FAILOVERD_SOCKET"}
        environment.update(env or {})
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                env=environment)
        return result.returncode, result.stdout, result.stderr


STATUS = {
    "ok": True, "node": "lb1", "version": "0.1.0", "pid": 4242,
    "config": "/etc/failoverd/failoverd.conf", "uptime": 3723.5,
    "instances": [
        {"name": "VI_1", "interface": "eth0", "family": "ipv4", "vrid": 51, "version": 3,
         "state": "MASTER", "priority": 150, "effective_priority": 90,
         "master": "10.0.0.1", "vips": ["192.0.2.1/32", "192.0.2.2/32", "192.0.2.3/32"],
         "since": "2026-11-22T17:40:01.123456Z", "in_state": 12.3, "reason": "preempt",
         "maintenance": False, "faults": [],
         "trackers": [{"name": "svc", "kind": "check", "status": "down", "weight": -60,
                       "detail": "connection refused"},
                      {"name": "uplink", "kind": "interface", "status": "up",
                       "detail": "eth9 up"}]},
        {"name": "VI_2", "interface": "eth1", "family": "ipv6", "vrid": 52, "version": 3,
         "state": "BACKUP", "priority": 100, "effective_priority": 100,
         "master": "fe80::1", "vips": ["2001:db8::10/64"],
         "since": "2026-11-22T17:00:00.000000Z", "in_state": 2413, "reason": "admin",
         "maintenance": True, "faults": [], "sync_group": "PEC", "trackers": []},
        {"name": "VI_3\x1b[31m", "interface": "eth2", "family": "ipv4", "vrid": 53,
         "version": 2, "state": "FAULT", "priority": 200, "effective_priority": 200,
         "vips": [], "since": "2026-11-20T00:00:00.000000Z", "in_state": 200000.0,
         "reason": "link_down", "maintenance": True, "faults": ["link", "tracker"]},
    ],
}

STATS = {
    "ok": True, "node": "lb1",
    "instances": [
        {"name": "VI_1", "adverts_sent": 3600, "adverts_received": 12, "priority_zero_sent": 0,
         "priority_zero_received": 1, "garps_sent": 10, "transitions": 3, "send_errors": 0,
         "lower_priority_replies": 2},
        {"name": "VI_2", "adverts_sent": 0, "adverts_received": 3588,
         "priority_zero_sent": 1, "priority_zero_received": 0, "garps_sent": 0,
         "transitions": 4, "send_errors": 7, "lower_priority_replies": 0},
    ],
    "interfaces": [
        {"interface": "eth0", "family": "ipv4", "received": 3612,
         "rx_errors": {"ttl": 2, "checksum": 0, "version": 0, "auth": 5}},
        {"interface": "eth1", "family": "ipv6", "received": 3588,
         "rx_errors": {"ttl": 0, "checksum": 0, "version": 0, "auth": 0}},
    ],
}

METRICS_TEXT = ("# HELP failoverd_info Node name and version.\n# TYPE failoverd_info gauge\n"
                "failoverd_info{node=\"lb1\",version=\"0.1.0\"} 1\n")

RELOAD_OK = {"ok": True, "result": "applied", "added": ["VI_9"], "removed": [],
             "changed": ["VI_1", "VI_2"], "unchanged": 197}

RELOAD_INVALID = {
    "ok": False, "result": "invalid",
    "error": "configuration /etc/failoverd/failoverd.conf is invalid; old configuration kept",
    "errors": ["/etc/failoverd/failoverd.conf:12: unknown setting 'priorty' (did you mean 'priority'?)",
               "/etc/failoverd/failoverd.conf:30: vrid 300 out of range 1..255"],
}


def row_of(stdout, first_cell):
    for line in stdout.splitlines():
        cells = line.split()
        if cells and cells[0] == first_cell:
            return cells
    raise TestFailure(f"no row for {first_cell!r} in:\n{stdout}")


def scenario_status(ctl, workdir):
    with FakeDaemon(ctl.socket_path, {"status": STATUS}) as daemon:
        code, out, err = ctl.run("status")
    check_equal(code, 0, "exit code")
    check_equal(err, "", "stderr")
    check_equal(daemon.requests, [{"command": "status"}], "requests")
    lines = out.splitlines()
    check_equal(lines[0], "node lb1, failoverd 0.1.0, pid 4242, up 1h02m, "
                "config /etc/failoverd/failoverd.conf", "summary line")
    check_equal(lines[1], "", "blank line after the summary")
    check_equal(lines[2].split(), ["INSTANCE", "IFACE", "VRID", "STATE", "PRIO(CFG/EFF)",
                                   "MASTER", "VIPS", "IN-STATE", "REASON"], "header")
    check_equal(row_of(out, "VI_1"), ["VI_1", "eth0", "51", "MASTER", "150/90", "10.0.0.1",
                                      "192.0.2.1/32,192.0.2.2/32,+1", "12.3s", "preempt"],
                "VI_1 row")
    check_equal(row_of(out, "VI_2"), ["VI_2", "eth1", "52", "BACKUP", "[maintenance]",
                                      "100/100", "fe80::1", "2001:db8::10/64", "40m13s",
                                      "admin"], "VI_2 row")
    check_equal(row_of(out, "VI_3?[31m"),
                ["VI_3?[31m", "eth2", "53", "FAULT", "[maintenance]", "[fault=link,tracker]",
                 "200/200", "-", "-", "2d07h", "link_down"], "VI_3 row")
    check("\x1b" not in out, "an escape character reached the terminal")
    # Columns line up: every cell of a column starts where its header starts.
    header = lines[2]
    for line in lines[3:6]:
        for column in ("IFACE", "STATE", "MASTER", "REASON"):
            start = header.index(column)
            check(line[start - 2:start] == "  " and line[start] != " ",
                  f"column {column} not aligned in {line!r}")
    check(all(line == line.rstrip() for line in lines), "a line ends in blanks")
    # Trackers: one row each, weight or "fault".
    tracker_header = lines.index(next(l for l in lines if l.startswith("INSTANCE  TRACKER")))
    check_equal(lines[tracker_header - 1], "", "blank line before the trackers")
    check_equal(lines[tracker_header].split(),
                ["INSTANCE", "TRACKER", "KIND", "STATUS", "WEIGHT", "DETAIL"], "tracker header")
    check_equal(lines[tracker_header + 1].split(),
                ["VI_1", "svc", "check", "down", "-60", "connection", "refused"], "svc row")
    check_equal(lines[tracker_header + 2].split(),
                ["VI_1", "uplink", "interface", "up", "fault", "eth9", "up"], "uplink row")
    check_equal(len(lines), tracker_header + 3, "line count")

    empty = {"ok": True, "node": "lb9", "version": "0.1.0", "instances": []}
    with FakeDaemon(ctl.socket_path, {"status": empty}):
        code, out, err = ctl.run("status")
    check_equal((code, out, err), (0, "node lb9, failoverd 0.1.0\n\nno instances configured\n",
                                   ""), "empty status")


def scenario_stats(ctl, workdir):
    with FakeDaemon(ctl.socket_path, {"stats": STATS}) as daemon:
        code, out, err = ctl.run("stats")
    check_equal((code, err), (0, ""), "exit code and stderr")
    check_equal(daemon.requests, [{"command": "stats"}], "requests")
    lines = out.splitlines()
    check_equal(lines[0].split(), ["INSTANCE", "ADVERTS-SENT", "ADVERTS-RECEIVED", "PRIO0-SENT",
                                   "PRIO0-RECEIVED", "GARPS-SENT", "TRANSITIONS",
                                   "SEND-ERRORS", "LOWER-PRIO-REPLIES"], "counter header")
    check_equal(row_of(out, "VI_1"), ["VI_1", "3600", "12", "0", "1", "10", "3", "0", "2"],
                "VI_1 counters")
    check_equal(row_of(out, "VI_2"), ["VI_2", "0", "3588", "1", "0", "0", "4", "7", "0"],
                "VI_2 counters")
    # Numbers are right-aligned under their header.
    header = lines[0]
    end = header.index("ADVERTS-SENT") + len("ADVERTS-SENT")
    check_equal(lines[1][:end].rstrip()[-4:], "3600", "right alignment")
    check_equal(lines[3], "", "blank line between the tables")
    check_equal(lines[4].split(), ["INTERFACE", "FAMILY", "RECEIVED", "RX-ERRORS"],
                "interface header")
    check_equal(row_of(out, "eth0"), ["eth0", "ipv4", "3612", "ttl=2", "auth=5"], "eth0 row")
    check_equal(row_of(out, "eth1"), ["eth1", "ipv6", "3588", "none"], "eth1 row")
    check_equal(len(lines), 7, "line count")


def scenario_json(ctl, workdir):
    invalid = dict(RELOAD_INVALID)
    replies = {"status": STATUS, "stats": STATS, "reload": RELOAD_OK}
    with FakeDaemon(ctl.socket_path, replies):
        for argv, expected in ((["--json", "status"], STATUS), (["status", "--json"], STATUS),
                               (["-j", "stats"], STATS), (["--json", "reload"], RELOAD_OK)):
            code, out, err = ctl.run(*argv)
            check_equal((code, err), (0, ""), f"{argv}: exit code and stderr")
            check_equal(json.loads(out), expected, f"{argv}: printed object")
            check(out.count("\n") > 10, f"{argv}: not pretty-printed")
    with FakeDaemon(ctl.socket_path, {"reload": invalid}):
        code, out, err = ctl.run("--json", "reload")
    check_equal(code, 4, "ok:false with --json: exit code")
    check_equal(json.loads(out), invalid, "ok:false with --json: printed object")
    check(invalid["error"] in err, "ok:false with --json: error on stderr")


def scenario_metrics(ctl, workdir):
    with FakeDaemon(ctl.socket_path, {"metrics": {"ok": True, "text": METRICS_TEXT}}) as daemon:
        code, out, err = ctl.run("metrics")
    check_equal((code, out, err), (0, METRICS_TEXT, ""), "metrics output")
    check_equal(daemon.requests, [{"command": "metrics"}], "requests")
    # A large reply (6 MiB, above the daemon's 4 MiB queue limit for the
    # client's 16 MiB bound to matter) arrives whole.
    big = "".join(f"failoverd_x{{instance=\"VI_{i}\"}} {i}\n" for i in range(200000))
    check(len(big) > 6 * 1024 * 1024, "big text is big")
    with FakeDaemon(ctl.socket_path, {"metrics": {"ok": True, "text": big}}):
        code, out, err = ctl.run("metrics")
    check_equal((code, err), (0, ""), "big metrics: exit code and stderr")
    check(out == big, "big metrics text differs")


def scenario_reload(ctl, workdir):
    with FakeDaemon(ctl.socket_path, {"reload": RELOAD_OK}) as daemon:
        code, out, err = ctl.run("reload")
    check_equal(daemon.requests, [{"command": "reload"}], "requests")
    check_equal((code, err), (0, ""), "exit code and stderr")
    check_equal(out, "applied: 1 added, 0 removed, 2 changed, 197 unchanged\n"
                     "added: VI_9\nchanged: VI_1, VI_2\n", "reload output")
    with FakeDaemon(ctl.socket_path, {"reload": RELOAD_INVALID}):
        code, out, err = ctl.run("reload")
    check_equal(code, 4, "invalid reload: exit code")
    check_equal(out, "", "invalid reload: stdout")
    check_equal(err.splitlines(), ["failoverctl: " + RELOAD_INVALID["error"]] +
                RELOAD_INVALID["errors"], "invalid reload: stderr lines")


def scenario_maintenance(ctl, workdir):
    replies = {"maintenance": {"ok": True, "instances": ["VI_1"], "state": "on"}}
    with FakeDaemon(ctl.socket_path, replies) as daemon:
        code, out, err = ctl.run("maintenance", "VI_1", "on")
    check_equal(daemon.requests, [{"command": "maintenance", "instance": "VI_1", "state": "on"}],
                "request")
    check_equal((code, out, err), (0, "maintenance on: VI_1\n", ""), "output")
    replies = {"maintenance": {"ok": True, "instances": ["VI_1", "VI_2"], "state": "off"}}
    with FakeDaemon(ctl.socket_path, replies) as daemon:
        code, out, err = ctl.run("maintenance", "all", "off")
    check_equal(daemon.requests, [{"command": "maintenance", "instance": "all", "state": "off"}],
                "request for all")
    check_equal((code, out, err), (0, "maintenance off: VI_1, VI_2\n", ""), "output for all")
    replies = {"maintenance": {"ok": False, "error": "no instance named 'VI_7'"}}
    with FakeDaemon(ctl.socket_path, replies):
        code, out, err = ctl.run("maintenance", "VI_7", "on")
    check_equal((code, out, err), (4, "", "failoverctl: no instance named 'VI_7'\n"),
                "unknown instance")


def expect_exit(ctl, replies, argv, code, stderr, what, **kwargs):
    with FakeDaemon(ctl.socket_path, replies) as daemon:
        got = ctl.run(*argv, **kwargs)
    check_equal(got, (code, "", stderr), what)
    return daemon


def scenario_exits(ctl, workdir):
    # 2: no socket at all, at the path given and at the one from the environment.
    missing = os.path.join(workdir, "missing.sock")
    code, out, err = Ctl(ctl.binary, missing).run("status")
    check_equal((code, out, err), (2, "", f"failoverctl: cannot connect to {missing}: "
                                          "No such file or directory (is failoverd running?)\n"),
                "missing socket")
    code, out, err = ctl.run("status", socket_option=False,
                             env={"FAILOVERD_SOCKET": missing})
    check_equal(code, 2, "missing socket from FAILOVERD_SOCKET")
    check(missing in err, "FAILOVERD_SOCKET path named")
    # 2: a socket file nobody listens on.
    stale = os.path.join(workdir, "stale.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(stale)
    listener.close()
    code, out, err = Ctl(ctl.binary, stale).run("status")
    check_equal((code, out, err), (2, "", f"failoverctl: cannot connect to {stale}: "
                                          "Connection refused (is failoverd running?)\n"),
                "refused")
    # FAILOVERD_SOCKET is used, and --socket wins over it.
    with FakeDaemon(ctl.socket_path, {"status": STATUS}) as daemon:
        code, _, _ = ctl.run("status", socket_option=False,
                             env={"FAILOVERD_SOCKET": ctl.socket_path})
        check_equal((code, daemon.connections), (0, 1), "FAILOVERD_SOCKET")
        code, _, _ = ctl.run("status", env={"FAILOVERD_SOCKET": missing})
        check_equal((code, daemon.connections), (0, 2), "--socket over FAILOVERD_SOCKET")
    path = ctl.socket_path
    expect_exit(ctl, {"status": CLOSE}, ["status"], 2,
                f"failoverctl: failoverd on {path} closed the connection without a reply\n",
                "closed without reply")
    expect_exit(ctl, {"status": b"this is not json\n"}, ["status"], 2,
                f"failoverctl: the reply from failoverd on {path} is not a JSON object\n",
                "garbage reply")
    expect_exit(ctl, {"status": b"{\"ok\":true,\"node\":\"lb1\"\n"}, ["status"], 2,
                f"failoverctl: the reply from failoverd on {path} is not a JSON object\n",
                "truncated reply")
    expect_exit(ctl, {"status": b"[1,2]\n"}, ["status"], 2,
                f"failoverctl: the reply from failoverd on {path} is not a JSON object\n",
                "array reply")
    expect_exit(ctl, {"status": {"node": "lb1"}}, ["status"], 2,
                "failoverctl: the reply from failoverd has no \"ok\" field\n", "no ok")
    huge = b"{\"ok\":true,\"text\":\"" + b"x" * (16 * 1024 * 1024) + b"\"}\n"
    expect_exit(ctl, {"metrics": huge}, ["metrics"], 2,
                "failoverctl: reply from failoverd longer than 16 MiB\n", "reply over 16 MiB")
    # Only the first line counts.
    with FakeDaemon(ctl.socket_path, {"reload": json.dumps(RELOAD_OK).encode() +
                                      b"\n{\"ok\":false}\n"}):
        code, out, _ = ctl.run("reload")
    check_equal((code, out.splitlines()[0]),
                (0, "applied: 1 added, 0 removed, 2 changed, 197 unchanged"), "first line only")
    # 3: the daemon refuses the command for this user.
    denied = {"ok": False, "error": "permission denied: reload needs uid 0"}
    expect_exit(ctl, {"reload": denied}, ["reload"], 3,
                "failoverctl: permission denied: reload needs uid 0\n", "permission denied")
    # 3: a peer the daemon does not accept is answered before its request is
    # read, and the connection closed; the answer must still be read.
    refused = {"ok": False, "error": "permission denied: failoverd accepts root"}
    with FakeDaemon(ctl.socket_path, {}, refuse_with=refused) as daemon:
        for _ in range(20):
            check_equal(ctl.run("reload"),
                        (3, "", "failoverctl: permission denied: failoverd accepts root\n"),
                        "refused peer")
        check_equal(daemon.requests, [], "requests read from a refused peer")
    # 4: any other ok:false, its error printed.
    failed = {"ok": False, "error": "instance VI_1 is not running"}
    expect_exit(ctl, {"status": failed}, ["status"], 4,
                "failoverctl: instance VI_1 is not running\n", "ok:false")
    expect_exit(ctl, {"stats": {"ok": False}}, ["stats"], 4,
                "failoverctl: the request failed (no reason given)\n", "ok:false without error")
    # 1: usage errors, and not one connection for them.
    try_help = "Try 'failoverctl --help'.\n"
    usage_cases = [
        ([], "failoverctl: no command given\n" + try_help),
        (["verify"], "failoverctl: verify: no log given\n"
                     "Usage: failoverctl [OPTIONS] verify [--tolerance SECONDS] LOG...\n"),
        (["bogus"], "failoverctl: unknown command 'bogus'\n" + try_help),
        (["--bogus", "status"], "failoverctl: unrecognized option '--bogus'\n" + try_help),
        (["status", "extra"], "failoverctl: status: wrong number of arguments\n"
                              "Usage: failoverctl [OPTIONS] status\n"),
        (["maintenance", "VI_1"], "failoverctl: maintenance: wrong number of arguments\n"
                                  "Usage: failoverctl [OPTIONS] maintenance INSTANCE|all on|off\n"),
        (["maintenance", "VI_1", "yes"],
         "failoverctl: maintenance: state must be 'on' or 'off', not 'yes'\n"),
        (["maintenance", "", "on"], "failoverctl: maintenance: empty instance name\n"),
        (["maintenance", "V" * 5000, "on"],
         "failoverctl: request longer than 4095 bytes (an argument is too long)\n"),
    ]
    with FakeDaemon(ctl.socket_path, {}) as daemon:
        for argv, stderr in usage_cases:
            check_equal(ctl.run(*argv), (1, "", stderr), f"usage error {argv}")
        check_equal(daemon.connections, 0, "connections made for usage errors")
    code, out, err = ctl.run("status", "--socket")
    check_equal((code, out), (1, ""), "--socket without a path")
    check("requires an argument" in err, "--socket without a path: message")
    long_path = "/tmp/" + "s" * 200
    code, out, err = Ctl(ctl.binary, long_path).run("status")
    check_equal((code, out), (1, ""), "socket path too long")
    check("socket path too long" in err, "socket path too long: message")


def scenario_timeout(ctl, workdir):
    with FakeDaemon(ctl.socket_path, {"reload": SILENT}) as daemon:
        start = time.monotonic()
        code, out, err = ctl.run("reload")
        elapsed = time.monotonic() - start
    check_equal(daemon.requests, [{"command": "reload"}], "request")
    check_equal((code, out, err), (2, "", f"failoverctl: no reply from failoverd on "
                                          f"{ctl.socket_path} within 10 s\n"), "timeout")
    check(9.5 <= elapsed <= 15, f"gave up after {elapsed:.1f} s, not 10")


def scenario_help(ctl, workdir):
    code, out, err = ctl.run("--help", socket_option=False)
    check_equal((code, err), (0, ""), "--help")
    for command in ("status", "stats", "metrics", "reload", "maintenance INSTANCE|all on|off"):
        check(f"\n  {command} " in out or f"\n  {command}\n" in out, f"--help lacks {command}")
    check("\n  verify [--tolerance SECONDS] LOG...\n" in out, "--help lacks verify")
    for code_line in ("  0  success", "  1  usage error", "  2  failoverd cannot be reached",
                      "  3  permission denied", "  4  failoverd refused",
                      "  5  verify found a violation"):
        check(f"\n{code_line}" in out, f"--help lacks exit code line {code_line!r}")
    for option in ("--socket PATH", "--json", "--help", "--version", "FAILOVERD_SOCKET",
                   "/run/failoverd.sock"):
        check(option in out, f"--help lacks {option}")
    code, out, err = ctl.run("-h", socket_option=False)
    check_equal(code, 0, "-h")
    code, out, err = ctl.run("--version", socket_option=False)
    check((code, err) == (0, "") and out.startswith("failoverctl ") and
          out.strip().split()[1][0].isdigit(), f"--version printed {out!r}")


SCENARIOS = {
    "status": scenario_status,
    "stats": scenario_stats,
    "json": scenario_json,
    "metrics": scenario_metrics,
    "reload": scenario_reload,
    "maintenance": scenario_maintenance,
    "exits": scenario_exits,
    "timeout": scenario_timeout,
    "help": scenario_help,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctl", required=True, help="path to the failoverctl binary")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    options = parser.parse_args()
    binary = os.path.abspath(options.ctl)
    with tempfile.TemporaryDirectory(prefix="ctl-e2e-") as workdir:
        ctl = Ctl(binary, os.path.join(workdir, "failoverd.sock"))
        try:
            SCENARIOS[options.scenario](ctl, workdir)
        except TestFailure as failure:
            print(f"FAIL {options.scenario}: {failure}", file=sys.stderr)
            return 1
    print(f"ok {options.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
