#!/usr/bin/env python3
"""Card k - the service behind the VIP dies on the MASTER; its health check hands over.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s, VIP 10.99.0.100/24, preempt
          on; the client probes VIP:8080.  Each node runs an SMTPS stand-in
          on 127.0.0.1:8465 inside its own namespace (TLS, then the banner
          "220 <node> ESMTP") and checks it: tls check "smtps", expect "220",
          interval 0.05 s, fall 1, rise 1, tracked by VI_1 with weight -60.
Fault:    the SMTPS service on n1 (the MASTER) is stopped.
Expected: n1's check goes down (track event "smtps" down) and n1 writes a
          priority event 150 -> 90 naming the tracker; n2 (100 > 90) enters
          MASTER with reason preempt within about one check interval plus
          one advert interval plus its skew (asserted < 1 s after the stop);
          n1 goes BACKUP (higher_priority_advert) and drops the VIP; the
          client is served by n2.
Repair:   the service on n1 is started again.
Expected: the check comes up (track event up), priority 90 -> 150, n1
          preempts back (reason preempt) within 1 s and n2 returns to
          BACKUP; the client is served by n1; every probe gap closed.
          Neither node has any other transition meanwhile (no flapping on
          a check running 20 times a second).
"""

import sys

import labcase
from labcase import VIP4, instance
from lablib import TlsService

CHECK = {"name": "smtps", "type": "tls", "address": "127.0.0.1", "port": 8465,
         "expect": "220", "interval": 0.05, "timeout": 0.05, "rise": 1, "fall": 1}
TRACK = {"checks": [{"name": "smtps", "weight": -60}]}


def body(case):
    tls = {name: TlsService(host) for name, host in (("n1", case.n1), ("n2", case.n2))}
    extra = {"checks": [CHECK]}
    n1, n2 = case.start_pair([instance(priority=150, track=TRACK)],
                             [instance(priority=100, track=TRACK)], extra=(extra, extra))
    case.wait_priority(n1, "VI_1", 90, 150, 5.0)       # the first check succeeded
    case.wait_priority(n2, "VI_1", 40, 100, 5.0)
    probe = case.probe(VIP4)
    steady = case.lab_time()

    stopped = tls["n1"].stop()
    case.step("SMTPS service on n1 stopped")
    down = case.wait_track(n1, "smtps", "down", 5.0, after=stopped)
    prio = case.wait_priority(n1, "VI_1", 150, 90, 5.0, after=stopped)
    case.check(prio["tracker"] == "smtps", f"the priority event names the check ({prio})")
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=stopped)
    took = master["mono"] - stopped
    case.step(f"n1 check down ({down['detail']}) after {(down['mono'] - stopped) * 1000:.0f} ms, "
              f"priority 90 after {(prio['mono'] - stopped) * 1000:.0f} ms, "
              f"n2 MASTER after {took * 1000:.0f} ms")
    case.check_reason(master, "preempt")
    case.check(took < 1.0, f"n2 takes over within 1 s of the service stop (took {took:.3f}s)")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=stopped)
    case.check_reason(backup, "higher_priority_advert")
    case.check(backup["event"]["priority"] == 90,
               f"n1 goes BACKUP with its effective priority 90 ({backup['event']['priority']})")
    case.check_vip(n1, VIP4, False)
    case.served("n2", after=master["mono"])
    case.answer(VIP4, expected="n2", timeout=3.0)

    restarted = case.lab_time()
    tls["n1"] = TlsService(case.n1, run=2)
    case.step("SMTPS service on n1 started again")
    case.wait_track(n1, "smtps", "up", 5.0, after=restarted)
    case.wait_priority(n1, "VI_1", 90, 150, 5.0, after=restarted)
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=restarted)
    took = back["mono"] - restarted
    case.step(f"n1 MASTER again {took * 1000:.0f} ms after the service restart")
    case.check_reason(back, "preempt")
    case.check(took < 1.0, f"n1 preempts back within 1 s (took {took:.3f}s)")
    yielded = n2.wait_state("VI_1", "BACKUP", 5.0, after=restarted)
    case.check_reason(yielded, "higher_priority_advert")
    case.check_vip(n1, VIP4, True)
    case.answer(VIP4, expected="n1", timeout=3.0)

    report = case.stop_probe(probe, "n1")
    case.step(f"probe ({probe.implementation}): {report['probes']} probes, "
              f"{report['failed']} failed, gaps "
              f"{[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check(not any(g["open"] for g in report["gaps"]), "every outage ended")
    for agent, expected in ((n1, ["BACKUP", "MASTER"]), (n2, ["MASTER", "BACKUP"])):
        moves = [t for t in agent.transitions("VI_1") if t["mono"] >= steady]
        case.check([t["to"] for t in moves] == expected,
                   f"{agent.name} moves exactly {expected} ({labcase.brief(moves)})")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
