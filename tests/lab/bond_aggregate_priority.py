#!/usr/bin/env python3
"""Card o - a bond loses members: degraded lowers the priority, none is FAULT.

Site:     n1 (150) and n2 (130), VRRPv3 at 0.1 s, VIP 10.99.0.100/24 on eth0,
          preempt on; the client probes VIP:8080.  Each node has an
          aggregate "agg0" standing in for a bond (no bonding driver here):
          a bridge with two veth members m1 and m2 cabled to a top-of-rack
          namespace.  VI_1 tracks agg0 as a bond with weight -30 and
          min_members 1.
Fault 1:  the far end of n1's m1 goes down (one leg lost).
Expected: a track event agg0 "degraded" whose detail says "1 of 2 up" and
          names m1; priority 150 -> 120 naming agg0; 120 < 130, so n2 takes
          over with reason preempt within 1 s; n1 BACKUP
          (higher_priority_advert).
Fault 2:  the far end of m2 goes down too (the bond is dead).
Expected: track event agg0 "down"; n1 enters FAULT with reason
          tracker_fault (below min_members, weight or not); n2 stays MASTER.
Repair:   m1 comes back, then m2.
Expected: with m1: agg0 degraded again, n1 leaves FAULT for BACKUP
          (tracker_recovered) at priority 120 and n2 keeps the VIP; with m2:
          agg0 up ("2 of 2 up"), priority 120 -> 150 and n1 preempts back
          (preempt); n2 BACKUP; the client is served by n1; every probe gap
          closed.
"""

import sys

import labcase
from labcase import VIP4, instance

TRACK = {"bonds": [{"name": "agg0", "weight": -30, "min_members": 1}]}


def body(case):
    tor = case.lab.add_host("tor", cabled=False)
    for host in (case.n1, case.n2):
        host.add_aggregate("agg0", ["m1", "m2"], tor)
    n1, n2 = case.start_pair([instance(priority=150, track=TRACK)],
                             [instance(priority=130, track=TRACK)])
    probe = case.probe(VIP4)
    steady = case.lab_time()

    lost = case.n1.link_down("far", "m1")
    case.step("n1's bond leg m1 lost")
    degraded = case.wait_track(n1, "agg0", "degraded", 5.0, after=lost)
    case.check(degraded["kind"] == "bond" and "1 of 2 up" in degraded["detail"]
               and "m1" in degraded["detail"],
               f"track event: agg0 degraded, 1 of 2 up, naming m1 ({degraded['detail']!r})")
    prio = case.wait_priority(n1, "VI_1", 150, 120, 5.0, after=lost)
    case.check(prio["tracker"] == "agg0", f"the priority event names agg0 ({prio})")
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=lost)
    took = master["mono"] - lost
    case.step(f"agg0 degraded after {(degraded['mono'] - lost) * 1000:.0f} ms "
              f"({degraded['detail']}); n2 MASTER after {took * 1000:.0f} ms")
    case.check_reason(master, "preempt")
    case.check(took < 1.0, f"n2 takes over within 1 s (took {took:.3f}s)")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=lost)
    case.check_reason(backup, "higher_priority_advert")
    case.served("n2", after=master["mono"])
    case.answer(VIP4, expected="n2", timeout=3.0)

    dead = case.n1.link_down("far", "m2")
    case.step("n1's bond leg m2 lost too")
    down = case.wait_track(n1, "agg0", "down", 5.0, after=dead)
    fault = n1.wait_state("VI_1", "FAULT", 5.0, after=dead)
    case.check_reason(fault, "tracker_fault")
    case.step(f"agg0 down ({down['detail']}), n1 FAULT after "
              f"{(fault['mono'] - dead) * 1000:.0f} ms")
    case.check(n2.state("VI_1") == "MASTER", "n2 stays MASTER")

    healed = case.n1.link_up("far", "m1")
    case.wait_track(n1, "agg0", "degraded", 5.0, after=healed)
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=healed)
    case.check_reason(backup, "tracker_recovered")
    case.check(backup["event"]["priority"] == 120,
               f"n1 leaves FAULT at priority 120 ({backup['event']['priority']})")
    case.step(f"m1 back: n1 BACKUP at 120 after {(backup['mono'] - healed) * 1000:.0f} ms")
    case.check_vip(n2, VIP4, True)

    healed = case.n1.link_up("far", "m2")
    up = case.wait_track(n1, "agg0", "up", 5.0, after=healed)
    case.check("2 of 2 up" in up["detail"], f"agg0 up, 2 of 2 ({up['detail']!r})")
    case.wait_priority(n1, "VI_1", 120, 150, 5.0, after=healed)
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=healed)
    case.check_reason(back, "preempt")
    case.step(f"m2 back: n1 MASTER after {(back['mono'] - healed) * 1000:.0f} ms")
    n2.wait_state("VI_1", "BACKUP", 5.0, after=healed)
    case.check_vip(n1, VIP4, True)
    case.answer(VIP4, expected="n1", timeout=3.0)

    report = case.stop_probe(probe, "n1")
    case.step(f"probe ({probe.implementation}): {report['probes']} probes, "
              f"{report['failed']} failed, gaps "
              f"{[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check(not any(g["open"] for g in report["gaps"]), "every outage ended")
    moves = [t["to"] for t in n1.transitions("VI_1") if t["mono"] >= steady]
    case.check(moves == ["BACKUP", "FAULT", "BACKUP", "MASTER"],
               f"n1 moves BACKUP, FAULT, BACKUP, MASTER ({moves})")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
