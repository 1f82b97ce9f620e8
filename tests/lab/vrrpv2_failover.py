#!/usr/bin/env python3
"""Card f2 - basic failover of a VRRPv2 virtual router.

Site:     n1 (150) and n2 (100), one VRRPv2 instance (IPv4), advert interval
          1 s (v2 counts whole seconds), VIP 10.99.0.100/24.
Fault:    n1 loses power (SIGKILL + cable dead), as in card b.
Expected: n1 MASTER, n2 BACKUP without the VIP; after the crash n2 enters
          MASTER (master_down_timer) after 2..5.1 s (Master_Down_Interval
          3.61 s), holds the VIP and the client's outage ends.
"""

import sys

import labcase
from labcase import VIP4, instance

V2 = dict(vrid=52, version=2, interval=1.0)


def body(case):
    n1, n2 = case.start_pair([instance(priority=150, **V2)], [instance(priority=100, **V2)])
    case.check_vip(n2, VIP4, False)
    case.crash_takeover(n1, n2)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
