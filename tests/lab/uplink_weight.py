#!/usr/bin/env python3
"""Card l - the MASTER's uplink is cut; a weighted interface tracker hands over.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s, VIP 10.99.0.100/24 on eth0,
          preempt on; the client probes VIP:8080.  Each node also has a
          point-to-point cable "uplink" to a router namespace r (the way out
          of the site), tracked by VI_1 with weight -60.
Fault:    n1's uplink cable is pulled at the router end (n1 only loses
          carrier, as when the router's port or the cable dies).
Expected: n1 writes a track event (uplink down, "interface uplink DOWN") and
          a priority event 150 -> 90 naming uplink; n2 (100 > 90) enters
          MASTER with reason preempt within 1 s; n1 goes BACKUP
          (higher_priority_advert) and drops the VIP, and stays BACKUP while
          it hears n2's adverts (no FAULT: the uplink has a weight); the
          client is served by n2.
Repair:   the cable is plugged back in.
Expected: track event up, priority 90 -> 150, n1 preempts back (preempt)
          within 1 s, n2 BACKUP, the client is served by n1 and every probe
          gap has closed.
"""

import sys

import labcase
from labcase import VIP4, instance

TRACK = {"interfaces": [{"name": "uplink", "weight": -60}]}


def body(case):
    case.add_router()
    n1, n2 = case.start_pair([instance(priority=150, track=TRACK)],
                             [instance(priority=100, track=TRACK)])
    probe = case.probe(VIP4)
    steady = case.lab_time()

    pulled = case.n1.link_down("far", "uplink")
    case.step("n1's uplink pulled at the router end")
    track = case.wait_track(n1, "uplink", "down", 5.0, after=pulled)
    case.check(track["kind"] == "interface" and track["detail"] == "interface uplink DOWN",
               f"track event: interface uplink DOWN ({track})")
    n1.wait_line(r"Kernel is reporting: interface uplink DOWN \(tracked\)", 2.0, after=pulled)
    prio = case.wait_priority(n1, "VI_1", 150, 90, 5.0, after=pulled)
    case.check(prio["tracker"] == "uplink", f"the priority event names uplink ({prio})")
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=pulled)
    took = master["mono"] - pulled
    case.step(f"n1 priority 90 after {(prio['mono'] - pulled) * 1000:.0f} ms, "
              f"n2 MASTER after {took * 1000:.0f} ms")
    case.check_reason(master, "preempt")
    case.check(took < 1.0, f"n2 takes over within 1 s of the pull (took {took:.3f}s)")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=pulled)
    case.check_reason(backup, "higher_priority_advert")
    case.check_vip(n1, VIP4, False)
    case.served("n2", after=master["mono"])
    case.answer(VIP4, expected="n2", timeout=3.0)
    # A weighted tracker never faults: n1 still follows n2 as a BACKUP.
    counter = case.vrrp_counter(case.n1)
    counter.wait_at_least(3, 5.0)
    case.check(n1.state("VI_1") == "BACKUP", "n1 stays BACKUP, never FAULT")

    plugged = case.n1.link_up("far", "uplink")
    case.step("uplink plugged back in")
    case.wait_track(n1, "uplink", "up", 5.0, after=plugged)
    case.wait_priority(n1, "VI_1", 90, 150, 5.0, after=plugged)
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=plugged)
    took = back["mono"] - plugged
    case.step(f"n1 MASTER again after {took * 1000:.0f} ms")
    case.check_reason(back, "preempt")
    case.check(took < 1.0, f"n1 preempts back within 1 s (took {took:.3f}s)")
    yielded = n2.wait_state("VI_1", "BACKUP", 5.0, after=plugged)
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
