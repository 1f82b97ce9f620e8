#!/usr/bin/env python3
"""Card r - failoverctl status, stats and metrics tell what the event logs say.

Site:     n1 and n2, VRRPv3 at 0.1 s, two virtual routers: VI_1 (VRID 51,
          VIP 10.99.0.100/24; n1 150, n2 100) and VI_2 (VRID 52, VIP
          10.99.0.110/24; n1 100, n2 150), so each node is MASTER of one.
Steady:   n1 MASTER of VI_1, n2 MASTER of VI_2.
Expected: `failoverctl --json status` on each node names the node, its pid
          and config file, and for each instance agrees with its event log:
          state and reason of the last state event, `since` its time,
          configured = effective priority, master = the MASTER's address (its
          own when MASTER, the peer's when BACKUP), VRID, interface, family,
          VIPs, no maintenance; `failoverctl status` shows the same in its
          table (state, PRIO 150/150, master, reason).
          Stats move: over about a second adverts_sent grows on the MASTER
          of an instance (and not on its BACKUP, once the farewell adverts
          of a node that yielded are over), adverts_received grows on the
          BACKUP; transitions equals the number of state events.
          `failoverctl metrics` is Prometheus text: every line a # HELP /
          # TYPE comment or a sample `name{labels} value`, and
          failoverd_instance_state has, for each instance, 1 for exactly the
          state status shows.
Fault:    n1 is stopped (SIGTERM): failoverctl against it exits 2; n2 takes
          VI_1 (priority_zero_received) and says so in its status; n1 starts
          again and preempts VI_1 back.
Expected: after each step, both nodes' status agrees with their event logs
          again (reasons priority_zero_received, preempt,
          higher_priority_advert).
"""

import datetime
import re
import sys

import labcase
from labcase import VIP4, instance
from lablib import wait_until

VIP_2 = "10.99.0.110"
ADDRESS = {"n1": "10.99.0.1", "n2": "10.99.0.2"}
SAMPLE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)'
                    r'(?:\{(?P<labels>[^{}]*)\})? '
                    r'(?P<value>[-+]?(?:[0-9.]+(?:[eE][-+]?\d+)?|NaN|Inf))$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def configs(n1_vi1, n2_vi1):
    vi2 = dict(name="VI_2", vrid=52, vips=(VIP_2 + "/24",))
    return ([instance(priority=n1_vi1), instance(priority=100, **vi2)],
            [instance(priority=n2_vi1), instance(priority=150, **vi2)])


def by_name(items):
    return {item["name"]: item for item in items}


def parse_ts(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def check_status(case, agent, peer):
    """agent's status (JSON and table) agrees with its event log."""
    status = agent.status()
    case.check(status.get("ok") is True and status.get("node") == agent.name,
               f"{agent.name}: status names the node ({status.get('node')!r})")
    case.check(status.get("pid") == agent.proc.pid,
               f"{agent.name}: status pid {status.get('pid')} is the daemon's {agent.proc.pid}")
    case.check(status.get("config") == agent.config_path,
               f"{agent.name}: status config {status.get('config')!r}")
    instances = by_name(status.get("instances", []))
    case.check(sorted(instances) == sorted(i["name"] for i in agent.instances),
               f"{agent.name}: status lists every instance ({sorted(instances)})")
    table = agent.ctl("status")
    case.check(table.code == 0, f"{agent.name}: failoverctl status exits 0 ({table})")
    rows = {line.split()[0]: line.split() for line in table.stdout.splitlines()
            if line.split() and line.split()[0] in instances}
    summary = []
    for conf in agent.instances:
        name = conf["name"]
        got = instances[name]
        last = agent.transitions(name)[-1]
        what = f"{agent.name} {name}"
        case.check(got["state"] == last["to"] and got["reason"] == last["reason"],
                   f"{what}: status {got['state']} ({got['reason']}) is the last state event "
                   f"{last['to']} ({last['reason']})")
        since = abs((parse_ts(got["since"]) - parse_ts(last["event"]["ts"])).total_seconds())
        case.check(since < 0.01, f"{what}: since {got['since']} is the time of the state "
                                 f"event {last['event']['ts']}")
        case.check(got["priority"] == conf["priority"] == got["effective_priority"],
                   f"{what}: priority {got['priority']}/{got['effective_priority']} is the "
                   f"configured {conf['priority']}")
        master = ADDRESS[agent.name] if got["state"] == "MASTER" else ADDRESS[peer.name]
        case.check(got.get("master") == master,
                   f"{what}: master {got.get('master')} is {master}")
        if last["event"].get("master") is not None:
            case.check(last["event"]["master"] == got.get("master"),
                       f"{what}: the state event's master {last['event']['master']} "
                       f"is status's")
        case.check((got["vrid"], got["interface"], got["family"], got["version"]) ==
                   (conf["vrid"], "eth0", "ipv4", 3),
                   f"{what}: vrid/interface/family/version ({got})")
        case.check(sorted(got["vips"]) == sorted(conf["virtual_addresses"]),
                   f"{what}: vips {got['vips']}")
        case.check(got["maintenance"] is False and not got.get("faults"),
                   f"{what}: no maintenance, no fault ({got})")
        row = rows.get(name)
        case.check(row is not None and row[1:6] == ["eth0", str(conf["vrid"]), got["state"],
                                                      f"{conf['priority']}/{conf['priority']}",
                                                      master]
                   and row[-1] == got["reason"],
                   f"{what}: the status table row shows eth0, VRID, state, PRIO, master and "
                   f"reason ({row}; table:\n{table.stdout})")
        summary.append(f"{name} {got['state']} ({got['reason']}) master {got.get('master')}")
    case.step(f"{agent.name} status agrees with its event log: {'; '.join(summary)}")
    return instances


def check_stats(case, agents):
    """Counters move over about a second: sent on the MASTER, received on the BACKUP."""
    before = {a.name: by_name(a.stats()["instances"]) for a in agents}
    for name in ("VI_1", "VI_2"):
        master = next(a for a in agents if a.state(name) == "MASTER")
        backup = next(a for a in agents if a is not master)

        def moved(master=master, backup=backup, name=name):
            sent = by_name(master.stats()["instances"])[name]["adverts_sent"]
            heard = by_name(backup.stats()["instances"])[name]["adverts_received"]
            return (sent - before[master.name][name]["adverts_sent"] >= 5 and
                    heard - before[backup.name][name]["adverts_received"] >= 5)
        wait_until(moved, 5.0, f"{name}: adverts_sent on {master.name} and adverts_received "
                               f"on {backup.name} to grow by 5")
        quiet = by_name(backup.stats()["instances"])[name]["adverts_sent"]
        case.check(quiet == before[backup.name][name]["adverts_sent"],
                   f"{name}: the BACKUP {backup.name} sends no adverts "
                   f"({before[backup.name][name]['adverts_sent']} -> {quiet})")
    for agent in agents:
        stats = agent.stats()
        for name, got in by_name(stats["instances"]).items():
            events = len(agent.events.select("state", after=last_start(agent), instance=name))
            case.check(got["transitions"] == events,
                       f"{agent.name} {name}: transitions {got['transitions']} = {events} "
                       "state events since the start")
        interfaces = {(i["interface"], i["family"]): i for i in stats["interfaces"]}
        case.check(interfaces.get(("eth0", "ipv4"), {}).get("received", 0) > 0,
                   f"{agent.name}: stats count VRRP received on eth0 ({stats['interfaces']})")
        table = agent.ctl("stats")
        case.check(table.code == 0 and all(re.search(rf"^{n}\s", table.stdout, re.M)
                                           for n in ("VI_1", "VI_2")),
                   f"{agent.name}: failoverctl stats shows a row per instance ({table})")
    case.step("stats: adverts_sent grows on each MASTER, adverts_received on each BACKUP")


def last_start(agent):
    return agent.events.select("start")[-1]["mono"]


def settle(backup, name, adverts=5):
    """Wait until backup heard `adverts` more of its master's adverts for
    instance name: a node that just yielded answers the new master's next
    three adverts with a farewell advert, so only then is it quiet."""
    def heard():
        return by_name(backup.stats()["instances"])[name]["adverts_received"]
    start = heard()
    wait_until(lambda: heard() >= start + adverts, 5.0,
               f"{backup.name} to hear {adverts} adverts of {name}")


def check_metrics(case, agent, instances):
    text = agent.metrics()
    samples = []
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        match = SAMPLE.match(line)
        case.check(match is not None, f"{agent.name}: metrics line {line!r} is "
                                      "`name{labels} value` or a # HELP/# TYPE comment")
        labels = dict(LABEL.findall(match.group("labels") or ""))
        rebuilt = ",".join(f'{k}="{v}"' for k, v in LABEL.findall(match.group("labels") or ""))
        case.check(rebuilt == (match.group("labels") or ""),
                   f"{agent.name}: metrics labels of {line!r} are name=\"value\" pairs")
        samples.append((match.group("name"), labels, float(match.group("value"))))
    for name, got in instances.items():
        states = {s[1]["state"]: s[2] for s in samples
                  if s[0] == "failoverd_instance_state" and s[1].get("instance") == name}
        case.check(states.get(got["state"]) == 1 and sum(states.values()) == 1,
                   f"{agent.name}: failoverd_instance_state of {name} is 1 for "
                   f"{got['state']} only ({states})")
        sent = [s[2] for s in samples
                if s[0] == "failoverd_adverts_sent_total" and s[1].get("instance") == name]
        case.check(len(sent) == 1, f"{agent.name}: one failoverd_adverts_sent_total for {name}")
    case.step(f"{agent.name}: {len(samples)} metric samples parse; instance_state matches")


def body(case):
    case.require_failoverd()
    first, second = configs(150, 100)
    n1, n2 = case.start_pair(first, second)
    n2.wait_state("VI_2", "MASTER", 10.0)
    n1.wait_state("VI_2", "BACKUP", 10.0, after=n2.proc.started)
    case.answer(VIP_2, expected="n2", timeout=5.0)
    settle(n1, "VI_2")
    case.step("steady: n1 MASTER of VI_1, n2 MASTER of VI_2")

    for agent, peer in ((n1, n2), (n2, n1)):
        check_metrics(case, agent, check_status(case, agent, peer))
    check_stats(case, [n1, n2])

    code = n1.stop()
    case.check(code == 0, f"n1 exits 0 after SIGTERM ({code})")
    gone = n1.ctl("status")
    case.check(gone.code == 2 and "is failoverd running?" in gone.stderr,
               f"failoverctl against the stopped n1 exits 2 ({gone})")
    took = n2.wait_state("VI_1", "MASTER", 5.0, after=n1.stops[-1])
    case.check_reason(took, "priority_zero_received")
    got = by_name(n2.status()["instances"])["VI_1"]
    case.check((got["state"], got["reason"], got.get("master")) ==
               ("MASTER", "priority_zero_received", ADDRESS["n2"]),
               f"n2's status shows it took VI_1 over ({got})")
    case.step("n1 stopped: n2's status shows VI_1 MASTER (priority_zero_received)")

    restarted = n1.start()
    back = n1.wait_state("VI_1", "MASTER", 10.0, after=restarted)
    case.check_reason(back, "preempt")
    n1.wait_state("VI_2", "BACKUP", 10.0, after=restarted)
    yielded = n2.wait_state("VI_1", "BACKUP", 5.0, after=restarted)
    case.check_reason(yielded, "higher_priority_advert")
    wait_until(lambda: by_name(n1.status()["instances"])["VI_2"].get("master"), 5.0,
               "n1 to know VI_2's master")
    settle(n2, "VI_1")
    case.step("n1 restarted and preempted VI_1")
    for agent, peer in ((n1, n2), (n2, n1)):
        check_metrics(case, agent, check_status(case, agent, peer))
    check_stats(case, [n1, n2])
    case.answer(VIP4, expected="n1", timeout=3.0)
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
