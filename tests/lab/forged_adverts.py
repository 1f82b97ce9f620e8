#!/usr/bin/env python3
"""Card j - forged and broken adverts from a host on the LAN.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VRID 51,
          VIP 10.99.0.100/24.  The client c (10.99.0.10) sends hand-made
          VRRP packets to 224.0.0.18 with a raw socket.
Faults and expectations, one after the other; after each, both nodes keep
their roles while n2 hears 5 more adverts (no transition anywhere), and
failoverd logs an rx_error with the reason named from source 10.99.0.10:
  1. priority 254, checksum wrong                        -> "checksum"
  2. priority 254, TTL 64 instead of 255                 -> "ttl"
  3. priority 254, advert interval 0                     -> "interval"
  4. priority 254, a VRRPv2 packet for this v3 router    -> "version"
  5. priority 0 from 10.99.0.10, not the master n2 follows: n2 must not
     start its skew timer (no early takeover).
  6. a flood of valid lower-priority adverts (priority 50), one every 3 ms
     for 1 s: n2, which follows n1 (priority 150), must not take it as a
     reason to take over; n1 answers with an advert and a GARP at most
     once per advert interval for this peer, so it sends at most 2 adverts
     and 1 GARP per interval during the flood (no amplification).
In the end the client is still served by n1 and every rx_error came from
the forger, none from the nodes.
"""

import sys
import time

import labcase
from labcase import VIP4, instance
from lablib import forge

FORGER = "10.99.0.10"
FLOOD_SECONDS = 1.0
# Counted where n1's cable enters the switch: GARPs leave through a packet
# socket, which no nftables hook inside n1 would see.
FROM_N1 = """
table bridge lab_from_n1 {
  chain prerouting { type filter hook prerouting priority 0;
    iifname "p-n1" ether type ip ip protocol 112 counter comment "n1_vrrp";
    iifname "p-n1" ether type arp counter comment "n1_arp"; }
}
"""


def roles_hold(case, n1, n2, since, what):
    case.vrrp_counter(case.n2).wait_at_least(5, 5.0)
    moved = [t for a in (n1, n2) for t in a.transitions("VI_1") if t["mono"] >= since]
    case.check(not moved, f"{what}: no state change on either node ({labcase.brief(moved)})")


def expect_rx_error(case, agents, reason, since, what):
    if case.impl != "failoverd":
        return
    for agent in agents:
        agent.events.wait(3.0, f"{agent.name}: rx_error {reason} from {FORGER} ({what})",
                          event="rx_error", after=since, reason=reason, source=FORGER)


def body(case):
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    forger = forge.Forger(case.client)
    steady = case.lab_time()
    bad = [("checksum", dict(checksum="bad"), "bad checksum"),
           ("ttl", dict(ttl=64), "TTL 64"),
           ("interval", dict(interval=0), "advert interval 0"),
           ("version", dict(version=2, interval=1, checksum="plain"), "VRRPv2 packet")]
    for reason, fields, what in bad:
        moment = case.lab_time()
        forger.send(FORGER, 51, 254, [VIP4], count=10, **fields)
        expect_rx_error(case, (n1, n2), reason, moment, what)
        roles_hold(case, n1, n2, moment, what)
        case.step(f"{what} at priority 254: dropped, roles kept")

    moment = case.lab_time()
    forger.send(FORGER, 51, 0, [VIP4], count=3)
    roles_hold(case, n1, n2, moment, "priority 0 from a stranger")
    case.step("priority 0 from a stranger: n2 did not take over")

    case.lab.switch.nft(FROM_N1)
    before = case.lab.switch.nft_counters()
    start = case.lab_time()
    while case.lab_time() - start < FLOOD_SECONDS:
        forger.send(FORGER, 51, 50, [VIP4])
        time.sleep(0.003)
    window = case.lab_time() - start
    after = case.lab.switch.nft_counters()
    adverts = after["n1_vrrp"] - before.get("n1_vrrp", 0)
    garps = after["n1_arp"] - before.get("n1_arp", 0)
    intervals = window / 0.1
    case.step(f"flood of lower-priority adverts for {window * 1000:.0f} ms: "
              f"n1 sent {adverts} adverts and {garps} ARP packets")
    roles_hold(case, n1, n2, start, "lower-priority flood from a stranger")
    case.check(adverts <= 2 * intervals + 3,
               f"n1 sends at most 2 adverts per interval during the flood "
               f"({adverts} in {intervals:.1f} intervals)")
    case.check(garps <= intervals + 3,
               f"n1 sends at most one GARP per interval during the flood "
               f"({garps} in {intervals:.1f} intervals)")
    forger.close()

    case.check(case.answer(VIP4, timeout=2.0) == "n1", "the client is still served by n1")
    if case.impl == "failoverd":
        strangers = [e for a in (n1, n2) for e in a.rx_errors(steady) if e.get("source") != FORGER]
        case.check(not strangers, f"rx_errors only for the forged packets ({strangers[:3]})")


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
