#!/usr/bin/env python3
"""Card s - reloading an unchanged 200-instance configuration touches nothing.

Site:     n1 (priority 150) and n2 (100), each with the same 200 virtual
          routers on eth0 (VRIDs 1..200, one VIP 10.99.200.N/32 each),
          VRRPv3 at 0.5 s; n1 MASTER of all 200, n2 BACKUP of all 200.
Action:   while tshark captures ARP and n1's adverts on the switch, n1 is
          reloaded (1) by `failoverctl reload` with its file unchanged, then
          (2) by SIGHUP after the file was rewritten with the instances in
          reverse order and comments added (still the same configuration).
Expected: each reload answers / logs a reload event with result applied,
          empty added, removed and changed lists (failoverctl: 200
          unchanged); no state or vip event on either node after the first
          reload; n1 sends no gratuitous ARP at all in the capture window;
          every VRID's adverts keep their rhythm through both reloads (each
          gap between two consecutive adverts of one VRID between 0.75 and
          1.5 intervals); the counters survive (adverts_sent keeps growing,
          garps_sent does not move); the VIPs stay answered by n1.
"""

import sys

import labcase
from labcase import instance
from lablib import capture, conf, wait_until

COUNT = 200
INTERVAL = 0.5
CAPTURE_S = 5.0
RELOAD_AT = (1.0, 2.6)          # seconds into the capture


def instances(priority):
    return [instance(name=f"VI_{n:03d}", vrid=n, priority=priority, interval=INTERVAL,
                     vips=(f"10.99.200.{n}/32",)) for n in range(1, COUNT + 1)]


def reordered_text(agent):
    """The same configuration, instances reversed, with comments."""
    text = conf.failoverd_config(agent.name, list(reversed(agent.instances)),
                                 agent.extra_config)
    out = ["/* Card s: the same 200 virtual routers,", " * written in reverse order. */"]
    for number, line in enumerate(text.splitlines()):
        if line == "  {":
            out.append(f"  # instance block {number}")
        out.append(line + ("  // trailing comment" if line.startswith("global") else ""))
    return "\n".join(out) + "\n"


def reached_by_all(agent, state):
    """True once every instance of agent has entered state."""
    return len({t["instance"] for t in agent.transitions() if t["to"] == state}) == COUNT


def totals(agent, key):
    return sum(i[key] for i in agent.stats()["instances"])


def check_reload_event(case, agent, after, how):
    event = agent.wait_reload(10.0, after)
    case.check(event.get("result") == "applied" and event.get("instances") == COUNT and
               event.get("added") == [] and event.get("removed") == [] and
               event.get("changed") == [],
               f"{how}: reload event applied with nothing added, removed or changed ({event})")
    return event


def body(case):
    case.require_failoverd()
    if not capture.available():
        print("SKIP: tshark is not installed")
        sys.exit(77)
    # The VIPs' /24 is on-link for the client too.
    case.client.ip("route", "add", "10.99.200.0/24", "dev", "eth0")
    n1, n2 = case.start_pair(instances(150), instances(100), vip="10.99.200.1")
    wait_until(lambda: reached_by_all(n1, "MASTER"), 10.0, f"n1 MASTER of all {COUNT}")
    wait_until(lambda: reached_by_all(n2, "BACKUP"), 10.0, f"n2 BACKUP of all {COUNT}")
    case.answer(f"10.99.200.{COUNT}", expected="n1", timeout=5.0)
    case.step(f"steady: n1 MASTER of {COUNT} virtual routers, n2 BACKUP")
    mac = case.n1.mac_address()
    garps, sent = totals(n1, "garps_sent"), totals(n1, "adverts_sent")

    cap = capture.Capture(case.lab.switch, "br0", CAPTURE_S,
                          bpf="arp or (ip proto 112 and src host 10.99.0.1)", name="reload")
    opened = case.lab_time()
    wait_until(lambda: case.lab_time() >= opened + RELOAD_AT[0], 5.0, "the first reload")
    first = case.lab_time()
    result = n1.reload(rewrite=False)
    case.check(result.code == 0, f"failoverctl reload exits 0 ({result})")
    reply = result.json()
    case.check(reply.get("result") == "applied" and reply.get("unchanged") == COUNT and
               not reply.get("added") and not reply.get("removed") and not reply.get("changed"),
               f"failoverctl reload: applied, {COUNT} unchanged ({reply})")
    check_reload_event(case, n1, first, "unchanged file")
    case.step(f"reload 1 (failoverctl, same file): {COUNT} unchanged in "
              f"{result.seconds * 1000:.0f} ms")

    with open(n1.config_path, "w") as f:
        f.write(reordered_text(n1))
    wait_until(lambda: case.lab_time() >= opened + RELOAD_AT[1], 5.0, "the second reload")
    second = n1.reload(via="sighup", rewrite=False)
    check_reload_event(case, n1, second, "reordered file with comments")
    n1.wait_line(rf"reload applied in [0-9.]+ ms: 0 added, 0 removed, 0 changed, 0 replaced, "
                 rf"{COUNT} unchanged", 5.0, after=second)
    case.step("reload 2 (SIGHUP, reversed order and comments): nothing changed")
    path = cap.wait()

    for agent in (n1, n2):
        moves = agent.events.select("state", after=first) + agent.events.select("vip", after=first)
        case.check(not moves, f"{agent.name}: no state or vip event after the reloads "
                              f"({moves[:3]})")
    arps = capture.decode_arp(path)
    ours = [p for p in arps if p["eth.src"] == mac]
    gratuitous = [p for p in ours if p["gratuitous"]]
    case.step(f"capture: {len(arps)} ARP packets, {len(ours)} from n1, "
              f"{len(gratuitous)} gratuitous")
    case.check(not gratuitous, f"n1 sends no gratuitous ARP around the reloads "
                               f"({[p['arp.src.proto_ipv4'] for p in gratuitous][:10]})")

    gaps = capture.advert_gaps(capture.decode_vrrp(path))
    case.check(len(gaps) == COUNT, f"adverts of all {COUNT} VRIDs captured ({len(gaps)})")
    short = {k[1]: round(min(g), 3) for k, g in gaps.items() if min(g) < 0.75 * INTERVAL}
    long = {k[1]: round(max(g), 3) for k, g in gaps.items() if max(g) > 1.5 * INTERVAL}
    few = {k[1]: len(g) + 1 for k, g in gaps.items() if len(g) + 1 < CAPTURE_S / INTERVAL * 0.8}
    everything_gaps = [x for g in gaps.values() for x in g]
    case.step(f"advert gaps over {COUNT} VRIDs: min {min(everything_gaps) * 1000:.1f} ms, "
              f"max {max(everything_gaps) * 1000:.1f} ms")
    case.check(not short, f"no advert out of rhythm (gap < {0.75 * INTERVAL:.3f}s: {short})")
    case.check(not long, f"no advert missed (gap > {1.5 * INTERVAL:.2f}s: {long})")
    case.check(not few, f"every VRID advertised throughout ({few})")

    case.check(totals(n1, "garps_sent") == garps,
               f"garps_sent unchanged by the reloads ({garps} -> {totals(n1, 'garps_sent')})")
    case.check(totals(n1, "adverts_sent") > sent, "adverts_sent kept counting")
    case.answer("10.99.200.1", expected="n1", timeout=2.0)
    case.answer(f"10.99.200.{COUNT}", expected="n1", timeout=2.0)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
