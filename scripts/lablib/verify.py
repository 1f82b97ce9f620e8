"""Checks over the merged logs of all agents of a lab.

All agents log CLOCK_MONOTONIC times (failoverd's `mono` field, keepalived
lines stamped on arrival), so their transitions merge onto one time line.

A node is MASTER of an instance from its transition to MASTER until its next
transition of that instance, or until it stopped existing (a SIGKILL sent by
the harness, a `stop` event, the process exit), or until the end of the
observation.  Two MASTERs at once is the failure VRRP exists to prevent; a
short overlap while adverts are in flight is normal (a preempting node
becomes MASTER one advert before the old one hears it), so callers allow a
tolerance of a few advert intervals.
"""

import re
import time

TS_FORMAT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
# (from, to) pairs a VRRP instance may take; anything may stop (-> INIT).
LEGAL = {("INIT", "BACKUP"), ("INIT", "MASTER"), ("INIT", "FAULT"),
         ("BACKUP", "MASTER"), ("BACKUP", "FAULT"),
         ("MASTER", "BACKUP"), ("MASTER", "FAULT"),
         ("FAULT", "BACKUP"),
         ("BACKUP", "INIT"), ("MASTER", "INIT"), ("FAULT", "INIT")}


def master_intervals(agent, instance, end=None):
    """[(start, end)] during which agent was MASTER of instance."""
    end = time.monotonic() if end is None else end
    stops = agent.stop_times()
    intervals = []
    start = None
    for tr in agent.transitions(instance):
        if start is not None:
            intervals.append((start, _first_stop(stops, start, tr["mono"])))
            start = None
        if tr["to"] == "MASTER":
            start = tr["mono"]
    if start is not None:
        intervals.append((start, _first_stop(stops, start, end)))
    return intervals


def _first_stop(stops, start, default):
    """The earliest stop time in (start, default], else default."""
    for moment in stops:
        if start < moment <= default:
            return moment
    return default


def dual_master_overlaps(agents, instance, end=None, excused=()):
    """[(start, end, duration, names)] of periods with more than one MASTER.

    excused: [(start, end)] windows where two MASTERs are the expected
    outcome of the fault (a partition, a frozen node); an overlap's duration
    counts only its part outside them."""
    end = time.monotonic() if end is None else end
    edges = []
    for agent in agents:
        for start, stop in master_intervals(agent, instance, end):
            edges.append((start, 1, agent.name))
            edges.append((stop, -1, agent.name))
    edges.sort(key=lambda e: (e[0], e[1]))
    masters = set()
    overlaps = []
    since = None
    for moment, delta, name in edges:
        if delta > 0:
            masters.add(name)
            if len(masters) == 2:
                since = moment
        else:
            if len(masters) == 2:
                counted = _outside(since, moment, excused)
                if counted > 0:
                    overlaps.append((since, moment, counted, sorted(masters)))
            masters.discard(name)
    return overlaps


def split_windows(agents, instances, end=None):
    """[(start, end, duration, {instance: masters})] during which the members
    of a sync group were MASTER on different nodes: every member has a
    MASTER and no node is MASTER of all of them.  (A hand-over leaves short
    moments where a member has no MASTER at all; those are not splits.)"""
    end = time.monotonic() if end is None else end
    edges = []
    for agent in agents:
        for name in instances:
            for start, stop in master_intervals(agent, name, end):
                edges.append((start, 1, agent.name, name))
                edges.append((stop, -1, agent.name, name))
    edges.sort(key=lambda e: (e[0], e[1]))
    masters = {name: set() for name in instances}

    def split():
        if not all(masters.values()):
            return False
        return not set.intersection(*masters.values())

    windows, since, seen = [], None, None
    for moment, delta, node, name in edges:
        (masters[name].add if delta > 0 else masters[name].discard)(node)
        if split() and since is None:
            since, seen = moment, {k: sorted(v) for k, v in masters.items()}
        elif not split() and since is not None:
            windows.append((since, moment, moment - since, seen))
            since = None
    if since is not None:
        windows.append((since, end, end - since, seen))
    return windows


def _outside(start, end, windows):
    """Length of [start, end] not covered by any of the windows."""
    total = end - start
    for low, high in windows:
        total -= max(0.0, min(end, high) - max(start, low))
    return total


def event_log_problems(agent):
    """What is wrong with a failoverd agent's event log (empty list: nothing).

    Every line is one JSON object with ts (RFC 3339 UTC, microseconds), mono,
    node and event; mono never goes back within one run; each state event
    starts where the previous one of its instance ended, and the step is a
    legal one (leaving FAULT goes through BACKUP, DESIGN.md); a VIP is added
    only while its instance is MASTER."""
    log = agent.events
    log.poll()
    problems = [f"not JSON: {line[:80]}" for line in log.bad_lines]
    state, last_mono = {}, None
    for ev in log.events:
        missing = [k for k in ("ts", "mono", "node", "event") if k not in ev]
        if missing:
            problems.append(f"missing {missing}: {ev}")
            continue
        if not TS_FORMAT.match(str(ev["ts"])):
            problems.append(f"ts not RFC 3339 UTC with microseconds: {ev['ts']}")
        if ev["node"] != agent.name:
            problems.append(f"node {ev['node']!r}, expected {agent.name!r}")
        if ev["event"] == "start":
            state, last_mono = {}, None
        if last_mono is not None and ev["mono"] < last_mono:
            problems.append(f"mono went back: {ev['mono']} after {last_mono}")
        last_mono = ev["mono"]
        if ev["event"] == "state":
            name = ev.get("instance")
            before = state.get(name, "INIT")
            if ev.get("from") != before:
                problems.append(f"{name}: from {ev.get('from')} but was {before} @{ev['mono']}")
            if (ev.get("from"), ev.get("to")) not in LEGAL:
                problems.append(f"{name}: illegal {ev.get('from')} -> {ev.get('to')} "
                                f"@{ev['mono']}")
            if not ev.get("reason"):
                problems.append(f"{name}: state change without a reason @{ev['mono']}")
            state[name] = ev.get("to")
        elif ev["event"] == "vip" and ev.get("action") == "add":
            holder = state.get(ev.get("instance"))
            if holder != "MASTER":
                problems.append(f"VIP {ev.get('address')} added while {holder}")
    return problems


def describe_timeline(agents, instance=None, origin=None):
    """Human-readable merged transitions, times relative to origin."""
    rows = []
    for agent in agents:
        rows += agent.transitions(instance)
        rows += [{"mono": t, "node": agent.name, "instance": "-", "from": "",
                  "to": "KILLED", "reason": "harness"} for t in agent.deaths]
    rows.sort(key=lambda r: r["mono"] or 0)
    origin = origin if origin is not None else (rows[0]["mono"] if rows else 0)
    return [f"{r['mono'] - origin:9.3f}s {r['node']:>4} {r['instance']}: "
            f"{r['from']} -> {r['to']} ({r['reason']})" for r in rows]
