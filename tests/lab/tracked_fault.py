#!/usr/bin/env python3
"""Card m - a tracked interface without a weight fails on the MASTER: FAULT.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s, VIP 10.99.0.100/24 on eth0,
          preempt on; the client probes VIP:8080.  Each node has a
          point-to-point "uplink" to a router namespace r, tracked by VI_1
          WITHOUT a weight: without its uplink a node must not serve at all.
Fault:    n1's uplink goes down (set down on n1's side).
Expected: n1 logs "(VI_1) tracker uplink failed without a weight: entering
          FAULT (interface uplink DOWN)", enters FAULT with reason
          tracker_fault, logs "sending 0 priority" (its eth0 still works, so
          it says goodbye) and drops the VIP; no priority event (no weight);
          n2 enters MASTER with reason priority_zero_received, i.e. after its
          skew time rather than a Master_Down_Interval (asserted < 1 s), and
          serves the client.
Repair:   n1's uplink comes back up.
Expected: n1 enters BACKUP with reason tracker_recovered, then MASTER with
          reason preempt (it hears n2's lower priority); n2 goes BACKUP; the
          client is served by n1 and every probe gap has closed.
"""

import sys

import labcase
from labcase import VIP4, instance

TRACK = {"interfaces": [{"name": "uplink"}]}


def body(case):
    case.add_router()
    n1, n2 = case.start_pair([instance(priority=150, track=TRACK)],
                             [instance(priority=100, track=TRACK)])
    probe = case.probe(VIP4)
    steady = case.lab_time()
    interval = n2.instance("VI_1")["advert_interval"]
    master_down = 3 * interval + (256 - 100) / 256 * interval

    pulled = case.n1.link_down("host", "uplink")
    case.step("n1's uplink down")
    fault = n1.wait_state("VI_1", "FAULT", 5.0, after=pulled)
    case.check_reason(fault, "tracker_fault")
    n1.wait_line(r"\(VI_1\) tracker uplink failed without a weight: entering FAULT "
                 r"\(interface uplink DOWN\)", 2.0, after=pulled)
    n1.wait_line(case.lines["priority_zero"], 2.0, after=pulled)
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=pulled)
    took = master["mono"] - pulled
    case.step(f"n1 FAULT after {(fault['mono'] - pulled) * 1000:.0f} ms, n2 MASTER after "
              f"{took * 1000:.0f} ms (Master_Down_Interval {master_down * 1000:.0f} ms)")
    case.check_reason(master, "priority_zero_received")
    case.check(took < 1.0, f"n2 takes over within 1 s (took {took:.3f}s)")
    case.check_vip(n1, VIP4, False)
    case.served("n2", after=master["mono"])
    case.answer(VIP4, expected="n2", timeout=3.0)
    prios = n1.events.select("priority", after=pulled)
    case.check(not prios, f"an unweighted tracker changes no priority ({prios})")

    plugged = case.n1.link_up("host", "uplink")
    case.step("n1's uplink up again")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=plugged)
    case.check_reason(backup, "tracker_recovered")
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=plugged)
    case.step(f"n1 BACKUP after {(backup['mono'] - plugged) * 1000:.0f} ms, MASTER after "
              f"{(back['mono'] - plugged) * 1000:.0f} ms")
    case.check_reason(back, "preempt")
    yielded = n2.wait_state("VI_1", "BACKUP", 5.0, after=plugged)
    case.check_reason(yielded, "higher_priority_advert")
    case.check_vip(n1, VIP4, True)
    case.answer(VIP4, expected="n1", timeout=3.0)

    report = case.stop_probe(probe, "n1")
    case.step(f"probe ({probe.implementation}): {report['probes']} probes, "
              f"{report['failed']} failed, gaps "
              f"{[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check(not any(g["open"] for g in report["gaps"]), "every outage ended")
    moves = [t["to"] for t in n1.transitions("VI_1") if t["mono"] >= steady]
    case.check(moves == ["FAULT", "BACKUP", "MASTER"], f"n1 moves FAULT, BACKUP, MASTER ({moves})")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
