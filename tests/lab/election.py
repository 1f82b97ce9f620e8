#!/usr/bin/env python3
"""Card a - healthy pair: the higher priority wins and owns the VIP.

Site:     n1 (priority 150) and n2 (priority 100) on one switch, VRRPv3,
          advert interval 0.1 s, VIP 10.99.0.100/24, client c.
Fault:    none; both agents are started together.
Expected: n1 enters MASTER (master_down_timer) and holds the VIP; n2 ends in
          BACKUP without the VIP (start-up jitter of a few ms may let n2 win
          the very first election; it must then yield at once, which the
          dual-MASTER check bounds, and never become MASTER again); the
          client reaches the service on the VIP and n1 answers; the roles
          stay put while n2 receives 20 of n1's adverts.
"""

import sys

import labcase
from labcase import VIP4, instance

ADVERTS = 20


def body(case):
    n1 = case.agent(case.n1, [instance(priority=150)])
    n2 = case.agent(case.n2, [instance(priority=100)])
    counter = case.vrrp_counter(case.n2)
    case.step("starting n1 (150) and n2 (100)")
    n1.start()
    n2.start()
    master = n1.wait_state("VI_1", "MASTER", 10.0)
    case.check_reason(master, "master_down_timer")
    n2.wait_state("VI_1", "BACKUP", 10.0)
    case.check(case.answer(VIP4, timeout=5.0) == "n1", "the VIP is answered by n1")
    case.step(f"n1 MASTER; waiting for n2 to receive {ADVERTS} adverts")
    counter.wait_at_least(ADVERTS, timeout=20 * ADVERTS * 0.1 + 5)
    case.check(n1.state("VI_1") == "MASTER", "n1 is still MASTER")
    case.check(n2.state("VI_1") == "BACKUP", "n2 is still BACKUP")
    late = [t for t in n2.transitions("VI_1")
            if t["to"] == "MASTER" and t["mono"] > master["mono"]]
    case.check(not late, f"n2 does not enter MASTER once n1 is MASTER ({labcase.brief(late)})")
    case.check_vip(n1, VIP4, True)
    case.check_vip(n2, VIP4, False)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
