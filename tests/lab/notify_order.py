#!/usr/bin/env python3
"""Card p - notify scripts: every change, in order, with the right arguments.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s; each runs VI_1 (eth0, VIP
          10.99.0.100/24) and VI_GATEWAY (eth1 on bridge br1, VIP
          10.98.0.254/24) in sync group PEC.  VI_1 tracks "uplink" (a
          point-to-point cable to a router namespace) without a weight and
          "spare0" (a link that stays down) with weight -20, so the
          effective priority is 130 on n1 (80 on n2) - the PRIORITY argument
          must be that, not the configured 150.  The group shares them.
          On n1, VI_1 and PEC have notify scripts master, backup, fault, stop
          and any, each appending "START END NAME ARGS..." (CLOCK_MONOTONIC
          times) to one file; fault sleeps 0.4 s and stop 0.3 s, so a queue
          that ran scripts side by side, out of order, or not at all at
          exit would show.
Drive:    n1 starts (BACKUP, then MASTER); its uplink goes down (FAULT) and
          comes straight back, while the fault script still runs (BACKUP,
          then MASTER by preempt); then n1 gets SIGTERM.
Expected: the VI_1 lines are exactly, in this order,
            backup|any INSTANCE VI_1 BACKUP 130, master|any ... MASTER 130,
            fault|any ... FAULT 130, backup|any ... BACKUP 130,
            master|any ... MASTER 130, stop|any ... STOP 130
          matching n1's state events one for one (each script starts after
          its state event); the PEC lines are the same sequence as
          "GROUP PEC STATE 0", matching the group state derived from both
          members' events; within each queue a script starts only after the
          previous one ended (the second BACKUP happened while the fault
          script was still running, and its script waited); the STOP
          scripts ran to their end before the daemon wrote its stop event
          and exited 0.
"""

import os
import stat
import sys

import labcase
from labcase import GATEWAY_VIP, instance
from lablib import wait_until

KINDS = ("master", "backup", "fault", "stop", "any")
DELAYS = {"fault": 0.4, "stop": 0.3}
SCRIPT = '''#!/usr/bin/python3
import os, sys, time
start = time.monotonic()
kind = os.path.basename(sys.argv[0])
time.sleep({delays!r}.get(kind, 0))
line = "%.6f %.6f %s %s\\n" % (start, time.monotonic(), kind, " ".join(sys.argv[1:]))
fd = os.open({log!r}, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
os.write(fd, line.encode())
os.close(fd)
'''
STATES = ["BACKUP", "MASTER", "FAULT", "BACKUP", "MASTER", "STOP"]


def write_scripts(case):
    folder = os.path.join(case.lab.workdir, "notify")
    os.makedirs(folder)
    log = os.path.join(case.lab.workdir, "notify.log")
    for kind in KINDS:
        path = os.path.join(folder, kind)
        with open(path, "w") as f:
            f.write(SCRIPT.format(delays=DELAYS, log=log))
        os.chmod(path, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return {kind: os.path.join(folder, kind) for kind in KINDS}, log


def read_lines(log):
    if not os.path.exists(log):
        return []
    lines = []
    with open(log) as f:
        for raw in f:
            start, end, kind, *args = raw.split()
            lines.append({"start": float(start), "end": float(end), "kind": kind, "args": args})
    return lines


def routers(priority, notify=None):
    track = {"interfaces": [{"name": "uplink"}, {"name": "spare0", "weight": -20}]}
    vi1 = instance(name="VI_1", priority=priority, track=track)
    if notify:
        vi1["notify"] = notify
    return [vi1, instance(name="VI_GATEWAY", vrid=52, priority=priority, interface="eth1",
                          vips=[GATEWAY_VIP + "/24"])]


def expected_lines(changes, head):
    """[(kind, args)] for a list of (STATE, priority): own script, then any."""
    found = []
    for state, priority in changes:
        args = head + [state, str(priority)]
        found += [(state.lower(), args), ("any", args)]
    return found


def group_changes(agent):
    """[(STATE, mono)] of the whole group, from both members' state events
    in log order: FAULT if any member is, else the state all agree on."""
    members = {"VI_1": "INIT", "VI_GATEWAY": "INIT"}
    group, changes = "INIT", []
    for ev in agent.events.select("state"):
        if ev["instance"] not in members:
            continue
        members[ev["instance"]] = ev["to"]
        states = set(members.values())
        now = "FAULT" if "FAULT" in states else (states.pop() if len(states) == 1 else None)
        if now is not None and now != group:
            group = now
            changes.append(("STOP" if now == "INIT" else now, ev["mono"]))
    return changes


def check_queue(case, lines, what):
    for before, after in zip(lines, lines[1:]):
        case.check(after["start"] >= before["end"],
                   f"{what}: '{after['kind']} {' '.join(after['args'])}' starts after "
                   f"'{before['kind']} {' '.join(before['args'])}' ended "
                   f"({after['start']:.3f} < {before['end']:.3f})")


def body(case):
    case.add_gateway_segment()
    case.add_router()
    for host in (case.n1, case.n2):
        host.add_spare_link("spare0", up=False)
    scripts, log = write_scripts(case)
    group = {"name": "PEC", "instances": ["VI_1", "VI_GATEWAY"]}
    extra1 = {"sync_groups": [dict(group, notify=dict(scripts))]}
    extra2 = {"sync_groups": [group]}
    n1, n2 = case.start_pair(routers(150, dict(scripts)), routers(100), extra=(extra1, extra2))

    pulled = case.n1.link_down("host", "uplink")
    fault = n1.wait_state("VI_1", "FAULT", 5.0, after=pulled)
    case.check_reason(fault, "tracker_fault")
    plugged = case.n1.link_up("host", "uplink")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=plugged)
    case.check_reason(backup, "tracker_recovered")
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=plugged)
    n1.wait_state("VI_GATEWAY", "MASTER", 5.0, after=plugged)
    case.step("n1: MASTER -> FAULT -> BACKUP -> MASTER")
    # Both queues have caught up with the last MASTER before the stop.
    wait_until(lambda: len([ln for ln in read_lines(log) if ln["args"][2:3] == ["MASTER"]]) >= 8,
               10.0, "the notify lines of the second MASTER")

    code = n1.stop(timeout=20.0)
    case.check(code == 0, f"n1 exits 0 after SIGTERM (exit {code})")
    stop_event = n1.events.wait(2.0, "n1's stop event", "stop")
    lines = read_lines(log)
    for line in lines:
        case.step(f"notify {line['start'] - case.t0:7.3f}-{line['end'] - case.t0:7.3f}s "
                  f"{line['kind']:>6} {' '.join(line['args'])}")

    # The instance's queue.
    mine = [ln for ln in lines if ln["args"][:2] == ["INSTANCE", "VI_1"]]
    events = [ev for ev in n1.events.select("state", instance="VI_1")]
    changes = [("STOP" if ev["to"] == "INIT" else ev["to"], ev["priority"]) for ev in events]
    case.check(changes == [(s, 130) for s in STATES],
               f"n1's VI_1 went {STATES} at effective priority 130 ({changes})")
    got = [(ln["kind"], ln["args"]) for ln in mine]
    case.check(got == expected_lines(changes, ["INSTANCE", "VI_1"]),
               f"VI_1's notify lines are exactly its state changes, own script then any "
               f"({got})")
    for number, ev in enumerate(events):
        for line in mine[2 * number:2 * number + 2]:
            case.check(line["start"] >= ev["mono"],
                       f"'{line['kind']} {' '.join(line['args'])}' runs after its state event")
    check_queue(case, mine, "VI_1's queue")
    fault_script = mine[4]
    case.check(events[3]["mono"] < fault_script["end"] <= mine[6]["start"],
               "the BACKUP after the FAULT happened while the fault script ran, and its "
               "script waited for it")

    # The group's queue.
    group = [ln for ln in lines if ln["args"][:2] == ["GROUP", "PEC"]]
    derived = group_changes(n1)
    case.check([s for s, _ in derived] == STATES,
               f"the group as a whole went {STATES} ({derived})")
    got = [(ln["kind"], ln["args"]) for ln in group]
    case.check(got == expected_lines([(s, 0) for s in STATES], ["GROUP", "PEC"]),
               f"PEC's notify lines: GROUP PEC STATE 0 for each group change ({got})")
    for number, (_, mono) in enumerate(derived):
        for line in group[2 * number:2 * number + 2]:
            case.check(line["start"] >= mono,
                       f"'{line['kind']} {' '.join(line['args'])}' runs after the group change")
    check_queue(case, group, "PEC's queue")

    # The STOP scripts ran to their end before the daemon wrote "stop" and exited.
    for line in lines:
        if line["args"][2] == "STOP":
            case.check(line["end"] <= stop_event["mono"],
                       f"'{line['kind']} {' '.join(line['args'])}' ended before the stop event "
                       f"({line['end']:.3f} > {stop_event['mono']:.3f})")
    case.check(len(lines) == len(mine) + len(group), "no other notify lines")
    case.step(f"{len(mine)} instance and {len(group)} group lines, in order; stop scripts "
              f"done {(stop_event['mono'] - max(ln['end'] for ln in lines)) * 1000:.0f} ms "
              f"before the stop event")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
