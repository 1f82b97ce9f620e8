#!/usr/bin/env python3
"""Card i - the MASTER's agent freezes (SIGSTOP) and comes back (SIGCONT).

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24; the client probes VIP:8080.
Fault:    n1's agent is frozen (a VM paused, a process stuck in the kernel):
          it sends nothing, but its node still holds the VIP.  It stays
          frozen until 10 of n2's adverts have queued up for it.
Expected: n2 misses the adverts and enters MASTER (master_down_timer); its
          GARP moves the client to n2, which serves it.  n1's log cannot
          show anything while frozen, so the dual-MASTER check excuses the
          freeze.
Repair:   n1's agent is thawed; it still believes it is MASTER and has a
          backlog of n2's lower-priority adverts to read.
Expected: no restart of n1's state machine (it stays MASTER, no FAULT); n2
          hears n1's priority 150 and goes BACKUP (higher_priority_advert)
          within 0.5 s of the thaw and drops the VIP; n1 re-announces the
          VIP (its answer to n2's lower-priority adverts includes a GARP) so
          n1 serves the client again within 1 s; every probe gap is closed.
"""

import sys

import labcase
from labcase import VIP4, instance

BACKLOG = 10


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    probe = case.probe(VIP4)
    backlog = case.vrrp_counter(case.n1)
    frozen = n1.freeze()
    case.step("n1's agent frozen")
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=frozen)
    case.check_reason(master, "master_down_timer")
    case.served("n2", after=master["mono"])
    case.answer(VIP4, expected="n2")
    backlog.wait_at_least(BACKLOG, BACKLOG * 0.1 * 3 + 5)
    case.step(f"n2 MASTER; {BACKLOG} of its adverts queued for the frozen n1")

    thawed = n1.thaw()
    case.excuse_dual_master(frozen, thawed)
    backup = n2.wait_state("VI_1", "BACKUP", 5.0, after=thawed)
    took = backup["mono"] - thawed
    case.step(f"n1 thawed: n2 BACKUP after {took * 1000:.0f} ms")
    case.check_reason(backup, "higher_priority_advert")
    case.check(took < 0.5, f"n2 yields within 0.5 s of the thaw (took {took:.3f}s)")
    case.check_vip(n2, VIP4, False)
    who = case.answer(VIP4, expected="n1", timeout=3.0)
    took = case.lab_time() - thawed
    case.step(f"client served by {who} {took * 1000:.0f} ms after the thaw")
    case.check(took < 1.0, f"n1 serves the client within 1 s of the thaw (took {took:.3f}s)")
    late = [t for t in n1.transitions("VI_1") if t["mono"] > frozen]
    case.check(not late, f"n1 stays MASTER, no restart of its state machine ({labcase.brief(late)})")
    report = case.stop_probe(probe, "n1")
    case.check(not any(g["open"] for g in report["gaps"]), "every outage ended")
    case.step(f"probe gaps {[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
