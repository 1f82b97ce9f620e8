#!/usr/bin/env python3
"""Card n - the gateway side fails on the MASTER; the sync group moves as one.

Site:     n1 and n2 each run two virtual routers in sync group PEC:
            VI_1        eth0 (client segment), VRID 51, VIP 10.99.0.100/24
            VI_GATEWAY  eth1 (gateway segment, bridge br1), VRID 52,
                        VIP 10.98.0.254/24
          priority 150 on n1 and 100 on n2 for both, VRRPv3 at 0.1 s,
          preempt on; the client probes 10.99.0.100:8080.
Fault:    only n1's gateway-side link fails: its br1 port goes down, so
          n1's eth1 loses carrier (VI_1's own link is fine).
Expected: n1's VI_GATEWAY enters FAULT (link_down) and VI_1 follows into
          FAULT with reason sync_group, sending priority 0 on eth0; n2's
          two routers become MASTER together (one by itself, the other with
          reason sync_group, within 0.1 s of each other) within 1 s of the
          fault; n2 holds both VIPs, n1 neither; the client is served by n2.
Repair:   the port comes back.
Expected: n1's VI_GATEWAY BACKUP (link_up) and VI_1 BACKUP (sync_group);
          then n1 takes both back (one preempts, the other follows with
          sync_group, within 0.1 s) and n2's two go BACKUP; n1 holds both
          VIPs and serves the client.
Throughout: the group is never split across the nodes (VI_1 MASTER on one
node while VI_GATEWAY is MASTER on the other) for longer than 3 advert
intervals, and each node logs "VRRP_Group(PEC)" lines for its syncs.
"""

import sys

import labcase
from labcase import GATEWAY_VIP, VIP4, instance
from lablib import verify

NAMES = ("VI_1", "VI_GATEWAY")
EXTRA = {"sync_groups": [{"name": "PEC", "instances": list(NAMES)}]}


def routers(priority):
    return [instance(name="VI_1", priority=priority),
            instance(name="VI_GATEWAY", vrid=52, priority=priority, interface="eth1",
                     vips=[GATEWAY_VIP + "/24"])]


def together(case, agent, state, after, timeout=5.0):
    """Both routers of agent reach state after `after`; they do so within
    0.1 s of each other, and exactly one of them for the group's sake."""
    moves = {name: agent.wait_state(name, state, timeout, after=after) for name in NAMES}
    spread = abs(moves["VI_1"]["mono"] - moves["VI_GATEWAY"]["mono"])
    case.check(spread < 0.1, f"{agent.name}: both routers {state} within 0.1 s "
                             f"(apart {spread * 1000:.1f} ms)")
    return moves


def body(case):
    case.add_gateway_segment()
    n1, n2 = case.start_pair(routers(150), routers(100), extra=(EXTRA, EXTRA))
    n2.wait_state("VI_GATEWAY", "BACKUP", 5.0)
    lab_vips = (VIP4, GATEWAY_VIP)
    case.check(n1.state("VI_GATEWAY") == "MASTER", "n1 is MASTER of VI_GATEWAY too")
    probe = case.probe(VIP4)

    failed = case.n1.link_down("switch", "eth1")
    case.step("n1's gateway-side port down")
    faults = together(case, n1, "FAULT", failed)
    case.check_reason(faults["VI_GATEWAY"], "link_down")
    case.check_reason(faults["VI_1"], "sync_group")
    n1.wait_line(case.lines["priority_zero"], 2.0, after=failed)
    masters = together(case, n2, "MASTER", failed)
    took = max(m["mono"] for m in masters.values()) - failed
    case.step(f"n1 FAULT (both), n2 MASTER (both) after {took * 1000:.0f} ms: "
              f"{labcase.brief(list(masters.values()))}")
    case.check(took < 1.0, f"n2 takes both over within 1 s (took {took:.3f}s)")
    reasons = sorted(m["reason"] for m in masters.values())
    case.check("sync_group" in reasons and
               set(reasons) <= {"sync_group", "priority_zero_received", "master_down_timer"},
               f"n2: one router takes over by itself, the other for the group ({reasons})")
    n2.wait_line(r"VRRP_Group\(PEC\) Syncing instances to MASTER state", 2.0, after=failed)
    for vip in lab_vips:
        case.check_vip(n1, vip, False)
        case.check_vip(n2, vip, True)
    case.served("n2", after=max(m["mono"] for m in masters.values()))
    case.answer(VIP4, expected="n2", timeout=3.0)

    repaired = case.n1.link_up("switch", "eth1")
    case.step("n1's gateway-side port up again")
    backups = together(case, n1, "BACKUP", repaired)
    case.check_reason(backups["VI_GATEWAY"], "link_up")
    case.check_reason(backups["VI_1"], "sync_group")
    back = together(case, n1, "MASTER", repaired)
    reasons = sorted(m["reason"] for m in back.values())
    case.check(reasons == ["preempt", "sync_group"],
               f"n1: one router preempts, the other follows for the group ({reasons})")
    together(case, n2, "BACKUP", repaired)
    took = max(m["mono"] for m in back.values()) - repaired
    case.step(f"n1 MASTER (both) again after {took * 1000:.0f} ms")
    for vip in lab_vips:
        case.check_vip(n1, vip, True)
    case.answer(VIP4, expected="n1", timeout=3.0)
    for vip in lab_vips:
        case.check_vip(n2, vip, False)

    report = case.stop_probe(probe, "n1")
    case.step(f"probe ({probe.implementation}): {report['probes']} probes, "
              f"{report['failed']} failed, gaps "
              f"{[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check(not any(g["open"] for g in report["gaps"]), "every outage ended")
    splits = verify.split_windows(case.agents, NAMES)
    worst = max((w[2] for w in splits), default=0.0)
    allowed = 3 * 0.1
    case.step(f"longest split of PEC across nodes {worst * 1000:.1f} ms ({len(splits)} splits)")
    case.check(worst <= allowed, f"PEC never split across the nodes for more than "
                                 f"{allowed:.1f}s ({splits})")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
