#!/usr/bin/env python3
"""Card g - unicast VRRP: the pair works where multicast cannot pass.

Site:     n1 (150) and n2 (100), VRRPv3 at 0.1 s, VIP 10.99.0.100/24, each
          configured with unicast = { source = own address; peers = ( other ) }.
          The switch drops every IPv4 packet to 224.0.0.18 (nftables, bridge
          family) and counts VRRP packets it forwards.
Expected: n1 MASTER, n2 BACKUP (n2 can only stay BACKUP by hearing n1's
          unicast adverts: 20 of them reach it); the switch forwarded unicast
          VRRP and dropped no multicast VRRP (the agents send none);
          after n1 loses power (SIGKILL + cable dead) n2 takes over as in card b.
"""

import sys

import labcase
from labcase import instance

ADVERTS = 20
SWITCH_RULES = """
table bridge lab_unicast {
  chain forward {
    type filter hook forward priority 0;
    ether type ip ip daddr 224.0.0.18 counter drop comment "vrrp_multicast";
    ether type ip ip protocol 112 counter comment "vrrp_unicast";
  }
}
"""


def unicast(source, peer):
    return instance(unicast={"source": source, "peers": [peer]})


def body(case):
    case.lab.switch.nft(SWITCH_RULES)
    first = [dict(unicast("10.99.0.1", "10.99.0.2"), priority=150)]
    second = [dict(unicast("10.99.0.2", "10.99.0.1"), priority=100)]
    counter = case.vrrp_counter(case.n2)
    n1, n2 = case.start_pair(first, second)
    counter.wait_at_least(ADVERTS, timeout=ADVERTS * 0.1 * 3 + 5)
    case.check(n2.state("VI_1") == "BACKUP", "n2 stays BACKUP on unicast adverts alone")
    case.check(n1.state("VI_1") == "MASTER", "n1 stays MASTER")
    counters = case.lab.switch.nft_counters()
    case.step(f"switch counters: {counters}")
    case.check(counters.get("vrrp_unicast", 0) >= ADVERTS, "the switch forwards unicast VRRP")
    case.check(counters.get("vrrp_multicast", 0) == 0, "no agent sends multicast VRRP")
    case.crash_takeover(n1, n2)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
