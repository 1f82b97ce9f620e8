#!/usr/bin/env python3
"""Card d - the old MASTER comes back: it preempts, or with preempt=false it does not.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s, VIP 10.99.0.100/24.
Part 1:   n1's agent is stopped (SIGTERM) so n2 is MASTER, then started again
          with preempt = true.
Expected: n1 enters MASTER with reason preempt, n2 goes back to BACKUP
          (higher_priority_advert), n1 holds the VIP and the client is
          answered by n1 again.
Part 2:   n1 is stopped again (n2 MASTER) and started with preempt = false.
Expected: n1 enters BACKUP and stays there while it receives 20 of n2's
          adverts (two seconds of n2 announcing a lower priority): no MASTER
          transition on n1, n2 keeps MASTER and the VIP.
"""

import sys

import labcase
from labcase import VIP4, instance

ADVERTS = 20


def hand_over_to_n2(case, n1, n2):
    code = n1.stop()
    case.check(code == 0, f"n1 exits 0 after SIGTERM (exit {code})")
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=n1.stops[-1])
    case.check_reason(master, "priority_zero_received")
    case.answer(VIP4, expected="n2", timeout=5.0)
    case.step("n1 stopped, n2 MASTER")


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    hand_over_to_n2(case, n1, n2)

    restarted = n1.start()
    master = n1.wait_state("VI_1", "MASTER", 10.0, after=restarted)
    case.step(f"n1 restarted, MASTER again after {(master['mono'] - restarted) * 1000:.0f} ms")
    case.check_reason(master, "preempt")
    backup = n2.wait_state("VI_1", "BACKUP", 5.0, after=restarted)
    case.check_reason(backup, "higher_priority_advert")
    case.check_vip(n1, VIP4, True)
    case.answer(VIP4, expected="n1", timeout=5.0)

    hand_over_to_n2(case, n1, n2)
    case.set_instances(n1, [instance(priority=150, preempt=False)])
    counter = case.vrrp_counter(case.n1)
    restarted = n1.start()
    n1.wait_state("VI_1", "BACKUP", 10.0, after=restarted)
    case.step(f"n1 restarted with preempt=false; waiting for {ADVERTS} adverts of n2")
    counter.wait_at_least(ADVERTS, timeout=ADVERTS * 0.1 * 3 + 5)
    late = [t for t in n1.transitions("VI_1") if t["mono"] >= restarted and t["to"] == "MASTER"]
    case.check(not late, f"n1 (preempt=false) does not take MASTER back ({labcase.brief(late)})")
    case.check(n1.state("VI_1") == "BACKUP", "n1 stays BACKUP")
    case.check(n2.state("VI_1") == "MASTER", "n2 stays MASTER")
    case.check_vip(n2, VIP4, True)
    case.check_vip(n1, VIP4, False)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
