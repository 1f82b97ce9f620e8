#!/usr/bin/env python3
"""Card c - the MASTER's agent is stopped (SIGTERM) and hands over at once.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24; the client probes VIP:8080 every 10 ms.
Fault:    SIGTERM to n1's agent (an operator's `systemctl stop`).
Expected: n1 logs "(VI_1) sending 0 priority", removes the VIP and exits 0;
          n2 enters MASTER with reason priority_zero_received within about
          one skew time ((256-100)/256 * 0.1 s = 61 ms; asserted < 1 s),
          i.e. well before a Master_Down_Interval (361 ms) could have
          expired; n2 holds the VIP and the probe's gap is closed.
"""

import sys

import labcase
from labcase import VIP4, instance


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    probe = case.probe(VIP4)
    case.step("SIGTERM to n1's agent")
    code = n1.stop()
    stopped = n1.stops[-1]
    case.check(code == 0, f"n1 exits 0 after SIGTERM (exit {code})")
    n1.proc.wait_line(case.lines["priority_zero"], 2.0, after=stopped)
    case.check_vip(n1, VIP4, False)
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=stopped)
    takeover = master["mono"] - stopped
    case.step(f"n2 MASTER {takeover * 1000:.0f} ms after the SIGTERM")
    case.check_reason(master, "priority_zero_received")
    case.check(takeover < 1.0, f"n2 takes over within 1 s of the SIGTERM (took {takeover:.3f}s)")
    case.check_vip(n2, VIP4, True)
    case.served("n2", after=master["mono"])
    report = case.stop_probe(probe, "n2")
    gaps = probe.gaps_after(stopped)
    case.step(f"probe ({probe.implementation}): {report['probes']} probes, "
              f"{report['failed']} failed, gaps after the stop: "
              f"{[round(g['duration_ms']) for g in gaps]} ms")
    case.check(not any(g["open"] for g in gaps), "the outage has ended (gap closed)")
    case.check(max((g["duration_ms"] for g in gaps), default=0) < 1000,
               "the outage lasts less than 1 s")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
