#!/usr/bin/env python3
"""Card u - configuration changes applied by reload act at once, and only where they should.

Site:     n1 and n2, VRRPv3 at 0.1 s, two virtual routers: VI_1 (VRID 51,
          VIPs 10.99.0.100, .101, .102 /24) and VI_2 (VRID 52, VIP
          10.99.0.110/24), n1 150 and n2 100 on both: n1 MASTER of both.
Step 1:   n2's VI_1 priority is raised to 200 by reload.
Expected: reload event changed [VI_1]; n2 preempts (reason preempt) within
          1 s, n1 goes BACKUP (higher_priority_advert), the client is
          served by n2; VI_2 is untouched (no event on either node).
Step 2:   VI_1 is removed from n2's file (n2 is its MASTER) and n2 reloaded.
Expected: reload event removed [VI_1]; n2 logs "(VI_1) sending 0 priority",
          leaves VI_1 (reason shutdown) and drops its VIPs; n1 takes over
          with reason priority_zero_received within 1 s (well before a
          Master_Down_Interval would) and serves the client.
Step 3:   VI_1 (priority 100) is added back to n2's file, reload.
Expected: reload event added [VI_1]; it starts: INIT -> BACKUP (startup),
          follows n1 (status master 10.99.0.1) and stays BACKUP.
Step 4:   VI_1's VIPs become .100, .101, .103 (.102 dropped, .103 new) on
          both nodes, n2 then n1 reloaded, while tshark captures ARP.
Expected: n1 (MASTER) writes vip add .103 and vip remove .102 and nothing
          for .100 and .101; it sends a gratuitous ARP for .103 and none for
          the addresses it kept; no state event on either node; the client
          reaches .103 on n1 and still .100.  n2's only receive errors are
          the adverts for VRID 51 it heard while it had no VI_1 (vrid) and
          those of the few milliseconds between the two reloads of step 4
          (addresses).
"""

import sys

import labcase
from labcase import VIP4, instance
from lablib import capture

VIP_2 = "10.99.0.110"
OLD_VIPS = ("10.99.0.100/24", "10.99.0.101/24", "10.99.0.102/24")
NEW_VIPS = ("10.99.0.100/24", "10.99.0.101/24", "10.99.0.103/24")


def vi1(priority, vips=OLD_VIPS):
    return instance(priority=priority, vips=vips)


def vi2(priority):
    return instance(name="VI_2", vrid=52, priority=priority, vips=(VIP_2 + "/24",))


def reload(case, agent, instances, **expect):
    """Give agent a new instance list, reload by failoverctl, check the
    reply and the reload event; return the moment before the reload."""
    case.set_instances(agent, instances)
    since = case.lab_time()
    result = agent.reload()
    case.check(result.code == 0, f"{agent.name}: failoverctl reload exits 0 ({result})")
    event = agent.wait_reload(5.0, since)
    lists = {k: event.get(k) for k in ("added", "removed", "changed")}
    wanted = {k: expect.get(k, []) for k in ("added", "removed", "changed")}
    case.check(event.get("result") == "applied" and lists == wanted,
               f"{agent.name}: reload event applied with {wanted} ({event})")
    return since


def untouched(case, agents, name, since):
    for agent in agents:
        events = [e for e in agent.events.select(after=since)
                  if e.get("instance") == name and e["event"] in ("state", "vip", "priority")]
        case.check(not events, f"{agent.name}: {name} untouched ({events[:3]})")


def body(case):
    case.require_failoverd()
    n1, n2 = case.start_pair([vi1(150), vi2(150)], [vi1(100), vi2(100)])
    n1.wait_state("VI_2", "MASTER", 5.0)
    n2.wait_state("VI_2", "BACKUP", 5.0)
    case.vrrp_counter(case.n2).wait_at_least(10, 5.0)
    begin = case.lab_time()

    # Step 1: the BACKUP's priority raised above the MASTER's.
    since = reload(case, n2, [vi1(200), vi2(100)], changed=["VI_1"])
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=since)
    took = master["mono"] - since
    case.check_reason(master, "preempt")
    case.check(took < 1.0, f"n2 preempts within 1 s of the reload (took {took:.3f}s)")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=since)
    case.check_reason(backup, "higher_priority_advert")
    case.answer(VIP4, expected="n2", timeout=3.0)
    case.step(f"step 1: n2 priority 200 by reload, MASTER (preempt) after {took * 1000:.0f} ms")

    # Step 2: the MASTER's instance removed.
    since = reload(case, n2, [vi2(100)], removed=["VI_1"])
    n2.wait_line(r"\(VI_1\) sending 0 priority", 2.0, after=since)
    left = n2.wait_state("VI_1", "INIT", 2.0, after=since)
    case.check_reason(left, "shutdown")
    took_over = n1.wait_state("VI_1", "MASTER", 5.0, after=since)
    took = took_over["mono"] - since
    case.check_reason(took_over, "priority_zero_received")
    case.check(took < 1.0, f"n1 takes over within 1 s of the removal (took {took:.3f}s)")
    for vip in OLD_VIPS:
        case.check_vip(n2, vip, False)
        case.check_vip(n1, vip, True)
    case.answer(VIP4, expected="n1", timeout=3.0)
    case.step(f"step 2: VI_1 removed from n2 by reload: priority 0, n1 MASTER "
              f"(priority_zero_received) after {took * 1000:.0f} ms")
    removed = case.lab_time()

    # Step 3: an instance added.
    since = reload(case, n2, [vi1(100), vi2(100)], added=["VI_1"])
    started = n2.wait_state("VI_1", "BACKUP", 5.0, after=since)
    case.check_reason(started, "startup")
    case.check(started["event"]["from"] == "INIT", f"VI_1 starts from INIT ({started})")
    case.vrrp_counter(case.n2).wait_at_least(10, 5.0)
    got = next(i for i in n2.status()["instances"] if i["name"] == "VI_1")
    case.check((got["state"], got.get("master")) == ("BACKUP", "10.99.0.1"),
               f"n2's new VI_1 follows n1 ({got})")
    case.check(n2.state("VI_1") == "BACKUP" and n1.state("VI_1") == "MASTER",
               "n2's new VI_1 stays BACKUP, n1 stays MASTER")
    added = case.lab_time()
    case.step("step 3: VI_1 added back to n2 by reload: started, BACKUP")

    # Step 4: the MASTER's VIPs changed (on both nodes: adverts carry them).
    cap = capture.Capture(case.lab.switch, "br0", 2.0, bpf="arp", name="vip-change")
    since = reload(case, n2, [vi1(100, NEW_VIPS), vi2(100)], changed=["VI_1"])
    reload(case, n1, [vi1(150, NEW_VIPS), vi2(150)], changed=["VI_1"])
    changed = case.lab_time()
    n1.events.wait(2.0, "vip add .103", "vip", since, action="add", address="10.99.0.103/24")
    n1.events.wait(2.0, "vip remove .102", "vip", since, action="remove",
                   address="10.99.0.102/24")
    case.answer("10.99.0.103", expected="n1", timeout=3.0)
    path = cap.wait()
    vips = [(e["action"], e["address"]) for e in n1.events.select("vip", after=since)]
    case.check(sorted(vips) == [("add", "10.99.0.103/24"), ("remove", "10.99.0.102/24")],
               f"n1's only vip events: add .103, remove .102 ({vips})")
    case.check(not n2.events.select("vip", after=since), "n2 (BACKUP) has no vip event")
    for vip, present in (("10.99.0.100", True), ("10.99.0.101", True), ("10.99.0.102", False),
                         ("10.99.0.103", True)):
        case.check_vip(n1, vip, present)
    mac = case.n1.mac_address()
    garps = [p["arp.src.proto_ipv4"] for p in capture.decode_arp(path)
             if p["eth.src"] == mac and p["gratuitous"]]
    case.step(f"step 4: VIPs changed by reload; gratuitous ARPs from n1: {garps}")
    case.check("10.99.0.103" in garps, f"n1 announces the new VIP with a GARP ({garps})")
    case.check(set(garps) == {"10.99.0.103"},
               f"n1 sends no GARP for the addresses it kept ({garps})")
    case.answer(VIP4, expected="n1", timeout=1.0)
    untouched(case, (n1, n2), "VI_2", begin)
    for agent in (n1, n2):
        moves = [t for t in agent.transitions("VI_1") if t["mono"] >= added]
        case.check(not moves, f"{agent.name}: no VI_1 state change in step 4 "
                              f"({labcase.brief(moves)})")

    case.check(not n1.rx_errors(), f"n1 logs no rx_error ({n1.rx_errors()[:3]})")
    for error in n2.rx_errors():
        expected = ((error["reason"] == "vrid" and removed - 1.0 <= error["mono"] <= added) or
                    (error["reason"] == "addresses" and since <= error["mono"] <= changed))
        case.check(expected, f"n2's rx_errors are only the expected vrid/addresses ones "
                             f"({error})")


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
