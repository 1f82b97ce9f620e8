#!/usr/bin/env python3
"""Interop card - failoverd and Debian's keepalived as one VRRP pair.

Site:     n1 runs failoverd, n2 runs keepalived (VRRP only), same VRID, VIP
          10.99.0.100/24.  Played twice:
            VRRPv3 at 0.1 s (keepalived: vrrp_version 3 in global_defs);
            VRRPv2 at 1 s with authentication { auth_type PASS auth_pass secret }.
Each time, both directions:
  A. failoverd 150, keepalived 100: failoverd MASTER, keepalived BACKUP and
     staying so over 20 (v2: 4) adverts; a capture on the switch decodes
     failoverd's adverts as VRRP of the right version, VRID, priority, TTL
     255 and a good checksum (tshark checks v3/IPv4 with the pseudo-header,
     as keepalived does) and, for v2, auth type 1 with the password;
     failoverd loses power -> keepalived MASTER; failoverd back -> it
     preempts (reason preempt) and keepalived returns to BACKUP.
  B. priorities swapped (keepalived 150, failoverd 100): keepalived MASTER,
     failoverd BACKUP and staying so; keepalived loses power -> failoverd
     MASTER (master_down_timer); keepalived back -> it preempts and
     failoverd goes BACKUP (higher_priority_advert); keepalived stopped
     (SIGTERM) -> failoverd MASTER (priority_zero_received) within a skew
     time (asserted < 1 s at v3, < 2 s at v2).
Throughout: failoverd logs no rx_error, keepalived logs no complaint about
failoverd's adverts (checksum, ttl, version, auth, interval, addresses...),
and there are never two MASTERs for longer than 3 advert intervals.
"""

import shutil
import sys

import labcase
from labcase import VIP4, instance
from lablib import capture

# keepalived's receive-side complaints (vrrp_check_packet and friends).
KEEPALIVED_COMPLAINTS = (r"(?i)(invalid|checksum|bad |bogus|mismatch|not present|too short|"
                         r"auth type|passwd|password|ttl|unknown vrid|wrong)")

PLAYS = [
    {"label": "VRRPv3", "name": "VI_V3", "vrid": 53, "version": 3, "interval": 0.1,
     "adverts": 20, "extra": {}},
    {"label": "VRRPv2+PASS", "name": "VI_V2", "vrid": 54, "version": 2, "interval": 1.0,
     "adverts": 4, "extra": {"authentication": {"type": "pass", "password": "secret"}}},
]


def router(play, priority):
    return instance(name=play["name"], vrid=play["vrid"], priority=priority,
                    version=play["version"], interval=play["interval"], **play["extra"])


def master_down(play, priority):
    return 3 * play["interval"] + (256 - priority) / 256 * play["interval"]


def check_adverts(case, play, path):
    packets = [p for p in capture.decode_vrrp(path) if p["src"] == "10.99.0.1"]
    case.step(f"{len(packets)} adverts of failoverd captured")
    case.check(packets, "failoverd's adverts are captured and decoded as VRRP")
    for packet in packets:
        case.check(packet["vrrp.version"] == str(play["version"]),
                   f"advert version {play['version']} (got {packet['vrrp.version']})")
        case.check(packet["vrrp.checksum.status"] == capture.CHECKSUM_GOOD,
                   f"advert checksum good (status {packet['vrrp.checksum.status']})")
        case.check(packet["vrrp.virt_rtr_id"] == str(play["vrid"]), "advert VRID")
        case.check(packet["vrrp.prio"] == "150", f"advert priority 150 ({packet['vrrp.prio']})")
        case.check(packet["ip.ttl"] == "255", f"advert TTL 255 ({packet['ip.ttl']})")
        case.check(packet["vrrp.ip_addr"] == VIP4, f"advert lists {VIP4} ({packet['vrrp.ip_addr']})")
        if play["version"] == 2:
            case.check(packet["vrrp.auth_type"] == "1" and packet["vrrp.auth_string"] == "secret",
                       f"advert carries PASS auth 'secret' ({packet['vrrp.auth_type']}, "
                       f"{packet['vrrp.auth_string']!r})")


def failoverd_wins(case, play, fo, ka):
    name, interval = play["name"], play["interval"]
    case.step(f"{play['label']} A: failoverd 150, keepalived 100")
    case.set_instances(fo, [router(play, 150)])
    case.set_instances(ka, [router(play, 100)])
    started = fo.start()
    fo.wait_state(name, "MASTER", 10.0 + 5 * interval, after=started)
    started = ka.start()
    ka.wait_state(name, "BACKUP", 10.0, after=started)
    cap = capture.Capture(case.lab.switch, "br0", max(1.5, 2.5 * interval),
                          name=f"capture-{play['version']}") if capture.available() else None
    case.vrrp_counter(case.n2).wait_at_least(play["adverts"], play["adverts"] * interval * 3 + 5)
    case.check(fo.state(name) == "MASTER" and ka.state(name) == "BACKUP",
               "failoverd stays MASTER and keepalived BACKUP")
    case.check(not [t for t in ka.transitions(name) if t["mono"] >= started and t["to"] == "MASTER"],
               "keepalived never becomes MASTER against a higher-priority failoverd")
    case.answer(VIP4, expected="n1")
    if cap:
        check_adverts(case, play, cap.wait())

    crashed = fo.crash()
    ka.wait_state(name, "MASTER", master_down(play, 100) + 5.0, after=crashed)
    case.answer(VIP4, expected="n2")
    case.step("failoverd lost power: keepalived took over")
    case.n1.link_up()
    started = fo.start()
    back = fo.wait_state(name, "MASTER", master_down(play, 150) + 10.0, after=started)
    case.check_reason(back, "preempt")
    ka.wait_state(name, "BACKUP", 5.0, after=started)
    case.answer(VIP4, expected="n1")
    case.step("failoverd back: it preempted, keepalived BACKUP")


def keepalived_wins(case, play, fo, ka):
    name, interval = play["name"], play["interval"]
    case.step(f"{play['label']} B: keepalived 150, failoverd 100")
    fo.stop()
    ka.stop()
    case.set_instances(fo, [router(play, 100)])
    case.set_instances(ka, [router(play, 150)])
    started = ka.start()
    ka.wait_state(name, "MASTER", 10.0 + 5 * interval, after=started)
    started = fo.start()
    fo.wait_state(name, "BACKUP", 10.0, after=started)
    case.vrrp_counter(case.n1).wait_at_least(play["adverts"], play["adverts"] * interval * 3 + 5)
    case.check(not [t for t in fo.transitions(name) if t["mono"] >= started and t["to"] == "MASTER"],
               "failoverd never becomes MASTER against a higher-priority keepalived")
    case.answer(VIP4, expected="n2")

    crashed = ka.crash()
    master = fo.wait_state(name, "MASTER", master_down(play, 100) + 5.0, after=crashed)
    case.check_reason(master, "master_down_timer")
    case.answer(VIP4, expected="n1")
    case.step("keepalived lost power: failoverd took over")
    case.n2.link_up()
    started = ka.start()
    backup = fo.wait_state(name, "BACKUP", master_down(play, 150) + 10.0, after=started)
    case.check_reason(backup, "higher_priority_advert")
    ka.wait_state(name, "MASTER", 5.0, after=started)
    case.answer(VIP4, expected="n2")
    case.step("keepalived back: it preempted, failoverd BACKUP")

    ka.stop()
    stopped = ka.stops[-1]
    master = fo.wait_state(name, "MASTER", 5.0, after=stopped)
    case.check_reason(master, "priority_zero_received")
    limit = 1.0 if play["version"] == 3 else 2.0
    took = master["mono"] - stopped
    case.check(took < limit, f"failoverd takes over within {limit:g} s of keepalived's "
                             f"SIGTERM (took {took:.3f}s)")
    case.step(f"keepalived stopped: failoverd MASTER after {took * 1000:.0f} ms")
    fo.stop()


def check_keepalived_quiet(case, ka):
    complaints = [text for _, text, _ in ka.find_lines(KEEPALIVED_COMPLAINTS)]
    case.check(not complaints, f"keepalived does not complain about failoverd's adverts "
                               f"({complaints[:5]})")


def body(case):
    keepalived = case.args.keepalived or shutil.which("keepalived")
    if not keepalived:
        print("SKIP: keepalived is not installed")
        sys.exit(77)
    # Normally n1 runs failoverd; with --keepalived both nodes run keepalived,
    # which checks the card itself.
    fo = case.agent(case.n1, [router(PLAYS[0], 150)])
    ka = case.agent(case.n2, [router(PLAYS[0], 100)], kind="keepalived")
    ka.binary = keepalived
    for play in PLAYS:
        failoverd_wins(case, play, fo, ka)
        keepalived_wins(case, play, fo, ka)
        case.check_no_rx_errors()
        check_keepalived_quiet(case, ka)


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
