#!/usr/bin/env python3
"""Card b - the MASTER node crashes (power lost) and the BACKUP takes over.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24; the client probes VIP:8080 every 10 ms.
Fault:    n1 loses power: its agent is SIGKILLed and, at the same moment, its
          cable goes dead (eth0 down in n1's namespace).
          Why both: SIGKILL alone leaves the VIP configured on a node that is
          otherwise alive, so n1 would keep answering for it next to n2 (two
          owners of one address, the client's ARP cache deciding who wins).
          A real crash takes the node's addresses off the wire with it, which
          is what the dead cable does; n1's namespace, addresses and service
          stay as they were, as on a powered-off disk.
Expected: n2 enters MASTER (master_down_timer) after it missed adverts (no
          sooner than 2 intervals after the crash: the last advert may have
          left n1 up to one interval before) and within about one
          Master_Down_Interval (361 ms; asserted < 1.86 s); n2 holds the VIP;
          the probe's gap is closed and n2's service is reached.
"""

import sys

import labcase
from labcase import instance


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    case.crash_takeover(n1, n2)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
