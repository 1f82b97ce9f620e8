#!/usr/bin/env python3
"""Card v - maintenance hands mastership over make-before-break, and back.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), preempt on, VRRPv3 at 0.1 s
          (Master_Down_Interval 0.341 s at priority 150, 0.400 s at 1), VIP
          10.99.0.100/24; the client probes VIP:8080 every 10 ms.
Step 1:   `failoverctl maintenance VI_1 on` on n1.
Expected: it answers "maintenance on: VI_1"; n1's priority event 150 -> 1;
          n2 enters MASTER (preempt) and n1 BACKUP (higher_priority_advert)
          within 1 s; n1 keeps the VIP until n2 has it, so the probe loses
          NOT ONE connection; n1 stays BACKUP for five Master_Down_Intervals
          (2 s) while n2 advertises 100 > 1; its status says maintenance
          true, effective priority 1, and `failoverctl status` marks the
          state [maintenance].
Step 2:   `failoverctl maintenance VI_1 off` on n1.
Expected: priority 1 -> 150, n1 preempts back (preempt) within 1 s, n2
          BACKUP; again zero failed probes over the whole card.
Step 3:   n2 is stopped (n1 MASTER alone), then `failoverctl maintenance
          all on` on n1.
Expected: n1 announces priority 1 but keeps the VIP while it waits for a
          peer; one Master_Down_Interval after the command (asserted:
          >= 3 advert intervals and < 1.5 s) it logs "maintenance: no peer
          took over at priority 1; releasing with priority 0", enters BACKUP
          with reason admin, sends priority 0 and removes the VIP; it never
          becomes MASTER again while maintenance lasts (five
          Master_Down_Intervals).  `maintenance all off` then lets it take
          the VIP back (master_down_timer).
"""

import sys

import labcase
from labcase import VIP4, instance
from lablib import wait_until

INTERVAL = 0.1
MASTER_DOWN_AT_1 = 3 * INTERVAL + (256 - 1) / 256 * INTERVAL


def vi1(priority):
    return instance(priority=priority, interval=INTERVAL)


def status_of(agent):
    return agent.status()["instances"][0]


def body(case):
    case.require_failoverd()
    n1, n2 = case.start_pair([vi1(150)], [vi1(100)])
    probe = case.probe(VIP4, interval_ms=10, timeout_ms=50)

    # Step 1: maintenance on the MASTER.
    since = case.lab_time()
    result = n1.ctl("maintenance", "VI_1", "on")
    case.check(result.code == 0 and "maintenance on: VI_1" in result.stdout,
               f"failoverctl maintenance VI_1 on: exit 0, names VI_1 ({result})")
    case.wait_priority(n1, "VI_1", 150, 1, 2.0, after=since)
    master = n2.wait_state("VI_1", "MASTER", 5.0, after=since)
    case.check_reason(master, "preempt")
    backup = n1.wait_state("VI_1", "BACKUP", 5.0, after=since)
    case.check_reason(backup, "higher_priority_advert")
    took = backup["mono"] - since
    case.check(took < 1.0, f"the hand-over is over within 1 s (took {took:.3f}s)")
    case.check(master["mono"] <= backup["mono"],
               "make-before-break: n2 is MASTER before n1 lets go")
    case.served("n2", after=master["mono"])
    case.step(f"maintenance on: n2 MASTER after {(master['mono'] - since) * 1000:.0f} ms, "
              f"n1 BACKUP after {took * 1000:.0f} ms")
    got = status_of(n1)
    case.check(got["maintenance"] is True and got["effective_priority"] == 1 and
               got["priority"] == 150, f"n1's status: maintenance, priority 150/1 ({got})")
    table = n1.ctl("status")
    case.check(table.code == 0 and "BACKUP [maintenance]" in table.stdout,
               f"failoverctl status marks n1's VI_1 [maintenance] ({table.stdout})")
    held = case.lab_time()
    case.vrrp_counter(case.n1).wait_at_least(int(5 * MASTER_DOWN_AT_1 / INTERVAL), 5.0)
    moves = [t for t in n1.transitions("VI_1") if t["mono"] > backup["mono"]]
    case.check(not moves and n1.state("VI_1") == "BACKUP",
               f"n1 stays BACKUP in maintenance ({labcase.brief(moves)})")
    case.step(f"n1 stayed BACKUP for {case.lab_time() - held:.1f} s (five Master_Down_Intervals)")

    # Step 2: maintenance off: n1 preempts back.
    since = case.lab_time()
    result = n1.ctl("maintenance", "VI_1", "off")
    case.check(result.code == 0, f"failoverctl maintenance VI_1 off exits 0 ({result})")
    case.wait_priority(n1, "VI_1", 1, 150, 2.0, after=since)
    back = n1.wait_state("VI_1", "MASTER", 5.0, after=since)
    case.check_reason(back, "preempt")
    case.check(back["mono"] - since < 1.0, f"n1 preempts back within 1 s "
                                           f"({back['mono'] - since:.3f}s)")
    yielded = n2.wait_state("VI_1", "BACKUP", 5.0, after=since)
    case.check_reason(yielded, "higher_priority_advert")
    case.check(status_of(n1)["maintenance"] is False, "n1's status: maintenance off")
    report = case.stop_probe(probe, "n1")
    case.step(f"maintenance off: n1 MASTER after {(back['mono'] - since) * 1000:.0f} ms; probe "
              f"({probe.implementation}): {report['probes']} probes, {report['failed']} failed, "
              f"gaps {[round(g['duration_ms']) for g in report['gaps']]} ms")
    case.check(report["probes"] > 100, f"the probe ran ({report['probes']} probes)")
    case.check(report["failed"] == 0, f"zero failed probes over both hand-overs "
                                      f"({report['failed']} failed: {report['gaps']})")

    # Step 3: no peer: the fallback releases the VIP after a Master_Down_Interval.
    code = n2.stop()
    case.check(code == 0, f"n2 exits 0 ({code})")
    since = case.lab_time()
    result = n1.ctl("maintenance", "all", "on")
    case.check(result.code == 0 and "VI_1" in result.stdout,
               f"failoverctl maintenance all on names VI_1 ({result})")
    case.check_vip(n1, VIP4, True)
    released = n1.wait_state("VI_1", "BACKUP", 5.0, after=since)
    took = released["mono"] - since
    case.check_reason(released, "admin")
    case.check(3 * INTERVAL <= took < 1.5,
               f"the fallback releases one Master_Down_Interval ({MASTER_DOWN_AT_1:.3f}s) "
               f"after the command (took {took:.3f}s)")
    n1.wait_line(r"\(VI_1\) maintenance: no peer took over at priority 1; releasing with "
                 r"priority 0", 1.0, after=since)
    n1.wait_line(r"\(VI_1\) sending 0 priority", 1.0, after=since)
    n1.events.wait(1.0, "vip remove", "vip", since, action="remove", address=VIP4 + "/24")
    case.check_vip(n1, VIP4, False)
    case.step(f"maintenance all on without a peer: released (admin) after {took * 1000:.0f} ms")
    quiet = case.lab_time()
    wait_until(lambda: case.lab_time() >= quiet + 5 * MASTER_DOWN_AT_1, 5.0,
               "five Master_Down_Intervals")
    moves = [t for t in n1.transitions("VI_1") if t["mono"] > released["mono"]]
    case.check(not moves, f"n1 never takes the VIP back in maintenance ({labcase.brief(moves)})")
    case.check_vip(n1, VIP4, False)

    since = case.lab_time()
    result = n1.ctl("maintenance", "all", "off")
    case.check(result.code == 0, f"failoverctl maintenance all off exits 0 ({result})")
    again = n1.wait_state("VI_1", "MASTER", 5.0, after=since)
    case.check_reason(again, "master_down_timer")
    case.answer(VIP4, expected="n1", timeout=3.0)
    case.step("maintenance all off: n1 MASTER again")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
