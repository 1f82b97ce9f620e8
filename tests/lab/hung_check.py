#!/usr/bin/env python3
"""Card q - an exec check hangs: it is killed, and the MASTER's adverts keep time.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s, VIP 10.99.0.100/24.  n1's
          VI_1 tracks an exec check "app" (weight -10, interval 0.5 s,
          timeout 0.2 s, fall 1, rise 1): /bin/sh running a script that
          exits 0, unless a flag file exists - then it starts "sleep 60" as
          a child, records its own pid (= its process group, the daemon
          starts each run in a group of its own) and the sleep's pid, and
          waits for it: a check that hangs.
Fault:    the flag is set for about 1.6 s (three or four hung runs), while
          tshark captures the adverts on the switch.
Expected: the check goes down with a track event whose detail says
          "timeout after 200 ms"; priority 150 -> 140 (n1 stays MASTER:
          140 > 100, no transition on either node); every hung run's
          process group is gone (the shell and its sleep were killed
          together), checked once the check is up again; during the hang
          n1's adverts keep their timing: the largest gap between two
          consecutive adverts of n1 stays below 2 x the advert interval
          (the daemon's loop never waits for the check).
Repair:   the flag is removed: the check comes up (track event up),
          priority 140 -> 150.
"""

import os
import sys
import time

import labcase
from labcase import instance
from lablib import capture, process_group, wait_until
from lablib.netns import process_gone

INTERVAL = 0.1
HANG_SECONDS = 1.6
SCRIPT = '''#!/bin/sh
# A health check that hangs while {flag} exists.
if [ -e {flag} ]; then
    sleep 60 &
    echo "$$ $!" >> {pids}
    wait
fi
exit 0
'''


def hung_runs(path):
    """[(pgid, sleep pid)] recorded by the hung runs."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [tuple(int(x) for x in line.split()) for line in f if line.strip()]


def body(case):
    if not capture.available():
        print("SKIP: tshark is not installed")
        sys.exit(77)
    flag = os.path.join(case.lab.workdir, "hang")
    pids = os.path.join(case.lab.workdir, "hung-pids")
    script = os.path.join(case.lab.workdir, "check-app.sh")
    with open(script, "w") as f:
        f.write(SCRIPT.format(flag=flag, pids=pids))
    check = {"name": "app", "type": "exec", "command": ["/bin/sh", script],
             "interval": 0.5, "timeout": 0.2, "rise": 1, "fall": 1}
    track = {"checks": [{"name": "app", "weight": -10}]}
    n1, n2 = case.start_pair([instance(priority=150, interval=INTERVAL, track=track)],
                             [instance(priority=100, interval=INTERVAL)],
                             extra=({"checks": [check]}, None))
    case.wait_priority(n1, "VI_1", 140, 150, 5.0)          # first run passed
    steady = case.lab_time()

    cap = capture.Capture(case.lab.switch, "br0", HANG_SECONDS + 0.4,
                          bpf="ip proto 112 and src host 10.99.0.1", name="hang-adverts")
    hang = case.lab_time()
    with open(flag, "w"):
        pass
    case.step("the check starts hanging")
    down = case.wait_track(n1, "app", "down", 5.0, after=hang)
    case.check("timeout after 200 ms" in down["detail"],
               f"the track event says the check timed out ({down['detail']!r})")
    prio = case.wait_priority(n1, "VI_1", 150, 140, 5.0, after=hang)
    case.step(f"check down after {(down['mono'] - hang) * 1000:.0f} ms ({down['detail']}); "
              f"priority 140")
    case.check(prio["tracker"] == "app", f"the priority event names the check ({prio})")
    wait_until(lambda: case.lab_time() >= hang + HANG_SECONDS, HANG_SECONDS + 1, "the hang")
    os.unlink(flag)
    released = case.lab_time()
    path = cap.wait()

    up = case.wait_track(n1, "app", "up", 5.0, after=released)
    case.wait_priority(n1, "VI_1", 140, 150, 5.0, after=released)
    case.step(f"flag removed: check up after {(up['mono'] - released) * 1000:.0f} ms, "
              "priority 150")

    runs = hung_runs(pids)
    case.check(len(runs) >= 2, f"the check hung at least twice ({runs})")
    kills = n1.events.select("track", after=hang, tracker="app", status="down")
    case.step(f"{len(runs)} hung runs: {runs}")
    survivors = {pgid: process_group(pgid) for pgid, _ in runs}
    survivors = {k: v for k, v in survivors.items() if v}
    case.check(not survivors, f"no process of a hung run survives ({survivors})")
    # A killed sleep whose shell died first is reparented and may linger
    # briefly as a zombie: that counts as gone.
    case.check(all(process_gone(sleep) for _, sleep in runs),
               "every hung run's sleep 60 was killed with its group")
    case.check(len(kills) == 1, f"one track event for the whole hang (fall/rise debounce) "
                                f"({len(kills)})")

    packets = capture.decode_vrrp(path)
    gap, count = capture.largest_gap(packets, "10.99.0.1")
    span = HANG_SECONDS + 0.4
    case.step(f"{count} adverts of n1 captured in {span:.1f} s; largest gap "
              f"{gap * 1000 if gap else 0:.1f} ms")
    case.check(count >= span / INTERVAL * 0.8,
               f"n1 kept advertising during the hang ({count} adverts in {span:.1f} s)")
    case.check(gap < 2 * INTERVAL,
               f"n1's adverts keep their timing: largest gap {gap:.3f}s < {2 * INTERVAL:.1f}s")
    for agent in (n1, n2):
        moves = [t for t in agent.transitions("VI_1") if t["mono"] >= steady]
        case.check(not moves, f"{agent.name} keeps its state ({labcase.brief(moves)})")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
