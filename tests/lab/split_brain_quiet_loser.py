#!/usr/bin/env python3
"""Card h2 - split brain where the loser yields before the winner hears it.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24.
Fault:    the switch drops all VRRP between the nodes; n2 enters MASTER and
          its GARP moves the client's ARP entry to n2 (as in card h).
Repair:   n1's adverts pass first, n2's a moment later (or: n1's advert is
          simply the first to cross when the cable is healed, which happens
          in about half of all real repairs).
Expected: n2 goes BACKUP at n1's first advert and drops the VIP, so it never
          sends the lower-priority advert that would make n1 answer with a
          GARP.  The client must still be served by n1 within 1 s of the
          repair: someone has to re-announce the VIP (for example the
          yielding MASTER sending one last advert that n1 answers with a
          GARP, or n1 re-announcing when it learns a peer had been MASTER).
          Otherwise the client keeps sending to n2's MAC until its ARP entry
          expires (tens of seconds), a silent outage after the split brain
          is "over".
"""

import sys

import labcase
from labcase import VIP4, instance


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    cut = case.cut_vrrp(case.n1)
    case.cut_vrrp(case.n2)
    case.step("VRRP cut at the switch, both ways")
    n2.wait_state("VI_1", "MASTER", 5.0, after=cut)
    case.answer(VIP4, expected="n2", timeout=5.0)
    case.step("two MASTERs; the client follows n2's GARP")

    repaired = case.restore_vrrp(case.n1)
    backup = n2.wait_state("VI_1", "BACKUP", 5.0, after=repaired)
    case.check_reason(backup, "higher_priority_advert")
    case.restore_vrrp(case.n2)
    case.excuse_dual_master(cut, backup["mono"])
    case.step(f"n1's adverts pass: n2 BACKUP after {(backup['mono'] - repaired) * 1000:.0f} ms; "
              "n2's pass too")
    case.check_vip(n2, VIP4, False)
    who = case.answer(VIP4, expected="n1", timeout=3.0)
    took = case.lab_time() - repaired
    case.step(f"client served by {who} {took * 1000:.0f} ms after the repair")
    case.check(took < 1.0, f"n1 serves the client within 1 s of the repair (took {took:.3f}s)")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
