#!/usr/bin/env python3
"""Card f1 - basic failover of an IPv6 virtual router (VRRPv3 over IPv6).

Site:     n1 (150) and n2 (100), one VRRPv3 IPv6 instance at 0.1 s, VIP
          fd99::100/64 (adverts to ff02::12 from the link-local address);
          the client probes [fd99::100]:8080.
Fault:    n1 loses power (SIGKILL + cable dead), as in card b.
Expected: election as in card a (n1 MASTER, n2 BACKUP, the VIP answered by
          n1 after n1's unsolicited neighbour advertisement); after the crash
          n2 enters MASTER (master_down_timer) within about a
          Master_Down_Interval, holds the VIP and the client's outage ends.
"""

import sys

import labcase
from labcase import VIP6, instance

V6 = dict(vrid=61, vips=(VIP6 + "/64",))


def body(case):
    n1, n2 = case.start_pair([instance(priority=150, **V6)], [instance(priority=100, **V6)],
                             vip=VIP6)
    case.check_vip(n2, VIP6, False)
    case.crash_takeover(n1, n2, vip=VIP6)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
