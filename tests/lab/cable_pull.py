#!/usr/bin/env python3
"""Card e - the MASTER's cable is pulled, at the node and at the switch.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24, preempt on; the client probes VIP:8080.
Fault 1:  n1's end of the cable goes down (eth0 set down in n1's namespace).
Expected: n1 logs "Kernel is reporting: interface eth0 DOWN" and enters
          FAULT (link_down) and drops the VIP; n2 enters MASTER
          (master_down_timer), holds the VIP and serves the client.
Repair:   the cable is plugged back.
Expected: n1 enters BACKUP (link_up), then MASTER again (preempt); n2 goes
          back to BACKUP; the client is served by n1.
Fault 2:  the same at the switch end (the bridge port goes down, n1's eth0
          only loses carrier), then repaired: same expectations.
In the end every gap the probe saw is closed.
"""

import sys

import labcase
from labcase import VIP4, instance


def pull_and_plug(case, n1, n2, end):
    case.step(f"cable pulled at the {end} end")
    pulled = case.n1.link_down(end)
    fault = n1.wait_state("VI_1", "FAULT", 5.0, after=pulled)
    case.step(f"n1 FAULT after {(fault['mono'] - pulled) * 1000:.0f} ms")
    case.check_reason(fault, "link_down")
    n1.wait_line(case.lines["link_down"], 2.0, after=pulled)
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=pulled)
    case.step(f"n2 MASTER after {(master['mono'] - pulled) * 1000:.0f} ms")
    case.check_reason(master, "master_down_timer")
    case.check_vip(n1, VIP4, False)
    case.check_vip(n2, VIP4, True)
    case.served("n2", after=master["mono"])

    plugged = case.n1.link_up(end)
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=plugged)
    case.check_reason(backup, "link_up")
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=plugged)
    case.step(f"cable back: n1 BACKUP after {(backup['mono'] - plugged) * 1000:.0f} ms, "
              f"MASTER after {(back['mono'] - plugged) * 1000:.0f} ms")
    case.check_reason(back, "preempt")
    n2.wait_state("VI_1", "BACKUP", 5.0, after=plugged)
    case.check_vip(n1, VIP4, True)
    case.served("n1", after=back["mono"])


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    probe = case.probe(VIP4)
    pull_and_plug(case, n1, n2, "host")
    pull_and_plug(case, n1, n2, "switch")
    report = case.stop_probe(probe, "n1")
    case.step(f"probe ({probe.implementation}): {report['probes']} probes, "
              f"{report['failed']} failed, gaps "
              f"{[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check(not any(g["open"] for g in report["gaps"]), "every outage ended")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
