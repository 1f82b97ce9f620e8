"""Judging a scenario's expectations, and its measured figures.

Everything here works on an Evidence: what the run recorded, with every time
in seconds relative to the scenario start (t = 0 when the initial situation
held and the probes answered).  Nothing here touches a namespace or a
process, so the rules are testable without root; the one live question --
were there two MASTERs at once -- is a callable the runner supplies
(`failoverctl verify` over the event logs, or lablib.verify in Python).

Rules, one per expectation kind (man failover-lab(1)):
  state           host/instance is in STATE at some moment of
                  [ref, ref + within]: already at ref (measured 0), or a
                  transition into it logged in that window
  max_outage      the probe's longest gap <= max (an open gap counts), and
                  failed probes <= max_failed when given
  no_dual_master  the verifier finds no two MASTERs of one virtual router at
                  once for longer than the tolerance (default three advert
                  intervals), nor any other violation
  no_transition   no state event of host (instance) in [ref, ref + within],
                  or [ref, end] without within
  log_contains    a line of host's console log (or event log, source =
                  "events") matching the regex, stamped in the window
"""

import re
from dataclasses import dataclass, field


@dataclass
class Evidence:
    end: float                                      # seconds after the start
    moments: dict = field(default_factory=dict)     # step name -> t ("start": 0.0)
    nodes: dict = field(default_factory=dict)       # node -> result["nodes"][node] (runner.py)
    lines: dict = field(default_factory=dict)       # node -> {"console"|"events": [(t, text)]}
    probes: dict = field(default_factory=dict)      # name -> report (relative times)
    dual_master: object = None                      # callable(instance, tolerance) -> dict
    tolerance: float = 0.3                          # default dual-MASTER tolerance
    step_kinds: dict = field(default_factory=dict)  # step name -> kind


def state_history(node, instance):
    """[(t, state)] of a node's instance: its logged transitions, "INIT" when
    the lab started the agent and None (no agent) when it died or exited;
    at one moment a start comes first and a death last."""
    events = [(t, 0, "INIT") for t in node.get("starts", [])]
    events += [(tr["t"], 1, tr["to"]) for tr in node.get("transitions", [])
               if tr["instance"] == instance]
    events += [(t, 2, None) for t in node.get("deaths", []) + node.get("exits", [])]
    events.sort(key=lambda e: (e[0], e[1]))
    history, running = [], not node.get("starts")
    for t, order, state in events:
        if order == 0:
            running = True
        elif order == 2:
            running = False
        elif not running:
            continue            # logged by an agent the lab already counted as dead
        history.append((t, state))
    return history


def state_at(node, instance, t):
    """The state of node's instance at t (None: unknown, or no agent running)."""
    state = None
    for moment, value in state_history(node, instance):
        if moment <= t:
            state = value
    return state


def _ref(ev, params):
    name = params.get("after", "start")
    return name, ev.moments.get(name)


def _window(ev, params):
    name, ref = _ref(ev, params)
    within = params.get("within")
    return name, ref, (ev.end if within is None else ref + within)


def _after_text(name, within=None):
    base = "" if name == "start" else f" after {name}"
    return (f" within {within:g} s" if within is not None else "") + base


def check_state(ev, params):
    host, inst, state = params["host"], params["instance"], params["state"]
    name, ref = _ref(ev, params)
    title = f"{host} {inst} reaches {state}{_after_text(name, params['within'])}"
    if ref is None:
        return _result(title, False, "not measured", f"step {name} did not run")
    node = ev.nodes.get(host, {})
    if state_at(node, inst, ref) == state:
        return _result(title, True, f"{state} already at {name}", value=0.0)
    for tr in node.get("transitions", []):
        if tr["instance"] == inst and tr["to"] == state and ref <= tr["t"]:
            took = tr["t"] - ref
            ok = took <= params["within"] + 1e-9
            return _result(title, ok, f"after {took:.3f} s ({tr['from']} -> {tr['to']}, "
                                      f"{tr.get('reason') or 'no reason'})", value=took)
    last = state_at(node, inst, ev.end)
    return _result(title, False, f"never (last state {last or 'unknown or no agent'})")


def check_max_outage(ev, params):
    names = [params["probe"]] if "probe" in params else sorted(ev.probes)
    limit = params["max"]
    max_failed = params.get("max_failed")
    expected = f"longest gap <= {limit:.3f} s" + (
        f", failed probes <= {max_failed}" if max_failed is not None else "")
    results = []
    for name in names:
        report = ev.probes.get(name)
        title = f"probe {name}: {expected}"
        if report is None:
            results.append(_result(title, False, "not measured", "the probe did not report"))
            continue
        longest = report.get("longest_gap_ms", 0.0) / 1000.0
        failed = report.get("failed", 0)
        ok = longest <= limit + 1e-9 and (max_failed is None or failed <= max_failed)
        gaps = report.get("gaps", [])
        measured = (f"longest gap {longest:.3f} s, {failed} failed of {report.get('probes')} "
                    f"probes, {len(gaps)} gap{'s' if len(gaps) != 1 else ''}")
        if any(g.get("open") for g in gaps):
            measured += " (one still open at the end)"
        results.append(_result(title, ok, measured, value=longest))
    return results


def check_no_dual_master(ev, params):
    instance = params.get("instance")
    tolerance = params.get("tolerance", ev.tolerance)
    title = (f"{instance or 'every virtual router'}: never two MASTERs at once for more than "
             f"{tolerance:.3f} s")
    if ev.dual_master is None:
        return _result(title, False, "not measured", "no verifier available")
    verdict = ev.dual_master(instance, tolerance)
    measured = f"longest overlap {verdict['longest']:.3f} s ({verdict['method']})"
    return _result(title, verdict["pass"], measured, verdict.get("detail", ""),
                   value=verdict["longest"])


def check_no_transition(ev, params):
    host, inst = params["host"], params.get("instance")
    name, ref, until = _window(ev, params)
    what = f"{host} {inst}" if inst else host
    span = (f"in the {params['within']:g} s after {name}" if "within" in params
            else ("during the scenario" if name == "start" else f"from {name} to the end"))
    title = f"{what}: no state change {span}"
    if ref is None:
        return _result(title, False, "not measured", f"step {name} did not run")
    found = [tr for tr in ev.nodes.get(host, {}).get("transitions", [])
             if (inst is None or tr["instance"] == inst) and ref <= tr["t"] <= until]
    if not found:
        return _result(title, True, "none", value=0)
    listed = "; ".join(f"{tr['instance']} {tr['from']} -> {tr['to']} @{tr['t']:.3f} s"
                       for tr in found[:4])
    return _result(title, False, f"{len(found)}: {listed}", value=len(found))


def check_log_contains(ev, params):
    host, source = params["host"], params["source"]
    name, ref, until = _window(ev, params)
    where = "console log" if source == "console" else "event log"
    title = f"{host}'s {where} matches /{params['pattern']}/" + \
        _after_text(name, params.get("within"))
    if ref is None:
        return _result(title, False, "not measured", f"step {name} did not run")
    regex = re.compile(params["pattern"])
    for t, text in ev.lines.get(host, {}).get(source, []):
        if ref <= t <= until and regex.search(text):
            return _result(title, True, f"@{t:.3f} s: {text.strip()[:160]}", value=t - ref)
    return _result(title, False, "no matching line")


CHECKS = {
    "state": check_state,
    "max_outage": check_max_outage,
    "no_dual_master": check_no_dual_master,
    "no_transition": check_no_transition,
    "log_contains": check_log_contains,
}


def _result(title, ok, measured, detail="", value=None):
    return {"check": title, "pass": bool(ok), "measured": measured, "detail": detail,
            "value": value}


def evaluate(expectations, ev):
    """[check dict] for every expectation (max_outage may give one per probe)."""
    checks = []
    for exp in expectations:
        found = CHECKS[exp.kind](ev, exp.params)
        for check in found if isinstance(found, list) else [found]:
            check.update(kind=exp.kind, note=exp.note, params=dict(exp.params))
            checks.append(check)
    return checks


NOT_FAULTS = {"wait"}


def figures(ev):
    """Outage per probe, time to MASTER after the first fault, transitions per node."""
    result = {"outage": {}, "time_to_master": None, "transitions": {}}
    for name, report in sorted(ev.probes.items()):
        result["outage"][name] = {"longest_gap_s": report.get("longest_gap_ms", 0.0) / 1000.0,
                                  "failed": report.get("failed", 0),
                                  "probes": report.get("probes", 0),
                                  "gaps": len(report.get("gaps", []))}
    faults = sorted((t, name) for name, t in ev.moments.items()
                    if name != "start" and ev.step_kinds.get(name) not in NOT_FAULTS)
    if faults:
        first_t, first = faults[0]
        masters = sorted((tr["t"], name, tr["instance"])
                         for name, node in ev.nodes.items() for tr in node["transitions"]
                         if tr["to"] == "MASTER" and tr["t"] >= first_t)
        if masters:
            t, node, inst = masters[0]
            result["time_to_master"] = {"seconds": t - first_t, "node": node, "instance": inst,
                                        "after": first}
    for name, node in ev.nodes.items():
        inside = [tr for tr in node["transitions"] if 0.0 <= tr["t"] <= ev.end]
        result["transitions"][name] = {
            "count": len(inside),
            "list": [f"{tr['instance']} {tr['from']}->{tr['to']}" for tr in inside]}
    return result
