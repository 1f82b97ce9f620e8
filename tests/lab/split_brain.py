#!/usr/bin/env python3
"""Card h - split brain healed by the MASTER's answer to a lower-priority advert.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24.
Fault:    the switch drops all VRRP between the nodes (a firewall rule gone
          wrong); ARP and the service still pass.
Expected: n2 misses n1's adverts and enters MASTER (master_down_timer); two
          MASTERs, the expected outcome of this fault (excused from the
          dual-MASTER check while the cut lasts); n2's GARP moves the
          client's ARP entry to n2, so n2 serves the client.
Repair 1: n2's adverts pass again (n1's still do not).
Expected: n1 hears n2's lower-priority adverts and, as a MASTER must, answers
          at once with its own advert and a GARP: the client's ARP entry
          returns to n1 and n1 serves it within 1 s, while n2 (still deaf to
          n1) is MASTER; n1 never leaves MASTER.
Repair 2: n1's adverts pass again.
Expected: n2 goes BACKUP (higher_priority_advert) within 3 advert intervals
          and drops the VIP; n1 keeps serving the client.
"""

import sys

import labcase
from labcase import VIP4, instance


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    cut = case.cut_vrrp(case.n1)
    case.cut_vrrp(case.n2)
    case.step("VRRP cut at the switch, both ways")
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=cut)
    case.check_reason(master, "master_down_timer")
    case.answer(VIP4, expected="n2", timeout=5.0)
    case.step("two MASTERs; the client follows n2's GARP")

    heard = case.restore_vrrp(case.n2)
    who = case.answer(VIP4, expected="n1", timeout=5.0)
    took = case.lab_time() - heard
    case.step(f"n2's adverts reach n1 again: client served by {who} after {took * 1000:.0f} ms")
    case.check(took < 1.0, f"n1 re-announces the VIP (GARP) within 1 s of hearing the "
                           f"lower-priority MASTER (took {took:.3f}s)")
    case.check(n2.state("VI_1") == "MASTER", "n2, still deaf to n1, is MASTER")

    healed = case.restore_vrrp(case.n1)
    case.excuse_dual_master(cut, healed)
    backup = n2.wait_state("VI_1", "BACKUP", 5.0, after=healed)
    took = backup["mono"] - healed
    case.step(f"all VRRP passes: n2 BACKUP after {took * 1000:.0f} ms")
    case.check_reason(backup, "higher_priority_advert")
    case.check(took < 0.3, f"n2 yields within 3 advert intervals (took {took:.3f}s)")
    late = [t for t in n1.transitions("VI_1") if t["mono"] > cut]
    case.check(not late, f"n1 stays MASTER throughout ({labcase.brief(late)})")
    case.check_vip(n2, VIP4, False)
    case.answer(VIP4, expected="n1", timeout=1.0)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
