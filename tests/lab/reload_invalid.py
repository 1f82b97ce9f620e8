#!/usr/bin/env python3
"""Card t - a broken configuration file is refused by reload; nothing changes.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24.
Fault 1:  n1's file gets a syntax error (a line that is not libconfig) and
          VI_1's priority 50; then `failoverctl reload`.
Fault 2:  the file is valid libconfig but VI_1 has an unknown setting
          (`priorty = 50;`) next to priority 50; `failoverctl reload`.
Fault 3:  the syntax error again, reloaded by SIGHUP.
Expected: each time failoverctl exits 4 and prints FILE:LINE errors on
          stderr naming the broken line (for the unknown setting also the
          "did you mean" hint), the daemon logs "reload: FILE:LINE: ..." and
          "reload: FILE is invalid; keeping the running configuration" and
          writes a reload event with result invalid; it keeps running its
          old configuration: status still says VI_1 MASTER at priority 150,
          no state or vip event on either node while n2 hears five more
          adverts, n1 keeps the VIP.
Repair:   a valid file with priority 140 is reloaded: applied, VI_1 changed,
          status priority 140, still MASTER (the refusals were about the
          files, not the reload path).
"""

import sys

import labcase
from labcase import VIP4, instance
from lablib import conf


def good_text(agent, priority):
    inst = dict(agent.instance("VI_1"), priority=priority)
    return conf.failoverd_config(agent.name, [inst], agent.extra_config)


def broken(agent, kind):
    """(text, line number of the fault) of a broken file."""
    lines = good_text(agent, 50).splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("priority ="))
    if kind == "syntax":
        lines.insert(at + 1, "    this line is not libconfig")
    else:
        lines.insert(at + 1, "    priorty = 50;")
    return "\n".join(lines) + "\n", at + 2


def check_unchanged(case, n1, n2, since, what):
    # Let n2 hear a few of n1's adverts after the refusal: a state change
    # would show by then.
    case.vrrp_counter(case.n2).wait_at_least(5, 5.0)
    case.check(n1.proc.alive(), f"{what}: n1 is still running")
    got = n1.status()["instances"][0]
    case.check((got["state"], got["priority"], got["effective_priority"]) == ("MASTER", 150, 150),
               f"{what}: n1 keeps its running configuration: VI_1 MASTER at 150 ({got})")
    for agent in (n1, n2):
        moves = agent.events.select("state", after=since) + agent.events.select("vip", after=since)
        case.check(not moves, f"{what}: no state or vip event on {agent.name} ({moves[:3]})")
    case.check_vip(n1, VIP4, True)


def refused_by_ctl(case, n1, n2, kind, hint=None):
    text, line = broken(n1, kind)
    with open(n1.config_path, "w") as f:
        f.write(text)
    since = case.lab_time()
    result = n1.ctl("reload")
    where = f"{n1.config_path}:{line}:"
    errors = [line for line in result.stderr.splitlines()
              if line.startswith(n1.config_path + ":")]
    case.step(f"{kind}: failoverctl reload exit {result.code}; stderr: "
              f"{result.stderr.strip().splitlines()}")
    case.check(result.code == 4, f"{kind}: failoverctl reload exits 4 ({result})")
    case.check(any(line.startswith(where) for line in errors),
               f"{kind}: stderr has a {where} error line ({errors})")
    if hint:
        case.check(any(hint in line for line in errors),
                   f"{kind}: the error says {hint!r} ({errors})")
    check_refused(case, n1, since, kind, where)
    check_unchanged(case, n1, n2, since, kind)


def check_refused(case, n1, since, what, where):
    event = n1.wait_reload(5.0, since)
    case.check(event.get("result") == "invalid", f"{what}: reload event result invalid ({event})")
    n1.wait_line(rf"reload: {where}", 2.0, after=since)
    n1.wait_line(rf"reload: {n1.config_path} is invalid; keeping the running configuration",
                 2.0, after=since)


def body(case):
    case.require_failoverd()
    n1, n2 = case.start_pair([instance(priority=150)], [instance(priority=100)])
    refused_by_ctl(case, n1, n2, "syntax")
    refused_by_ctl(case, n1, n2, "unknown setting", hint="did you mean 'priority'")

    text, line = broken(n1, "syntax")
    with open(n1.config_path, "w") as f:
        f.write(text)
    sent = n1.reload(via="sighup", rewrite=False)
    check_refused(case, n1, sent, "SIGHUP", f"{n1.config_path}:{line}:")
    check_unchanged(case, n1, n2, sent, "SIGHUP")
    case.step("SIGHUP with the broken file: refused, nothing changed")

    with open(n1.config_path, "w") as f:
        f.write(good_text(n1, 140))
    since = case.lab_time()
    result = n1.reload(rewrite=False)
    reply = result.json() if result.code == 0 else {}
    case.check(reply.get("result") == "applied" and reply.get("changed") == ["VI_1"],
               f"the repaired file is applied, VI_1 changed ({result})")
    got = n1.status()["instances"][0]
    case.check((got["state"], got["priority"]) == ("MASTER", 140),
               f"n1 runs the new file: VI_1 MASTER at 140 ({got})")
    moves = n1.events.select("state", after=since)
    case.check(not moves, f"a priority change keeps the MASTER MASTER ({moves})")
    case.step("valid file (priority 140): applied in place")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
