"""Running one scenario of a topology, from empty namespaces to a result.

Every scenario gets a fresh lab: build the topology (deploy.Site), start
the agents into the initial situation, start the probes, call that moment
t = 0, apply the steps at their times, keep observing until the last
deadline an expectation needs, stop the probes, then judge (expect.py)
while the agents still run, copy the logs out and tear everything down
(lablib.Lab's cleanup, also on Ctrl-C or an error).

The result is a plain dict, written as <scenario>.json and turned into the
card and the timeline by report.py and svg.py.  Its times are seconds
relative to t = 0 (transitions before it, e.g. the start-up election, are
negative).  Layout:

  {"scenario", "code", "description", "topology": {"name", "file"},
   "started" (UTC), "duration_s", "outcome" ("pass"|"fail"), "error",
   "initial": {"expected": {node: {inst: state}}, "observed": {...}},
   "end": t, "steps": [{"name", "kind", "t", "params", "note", "detail", "error"}],
   "nodes": {node: {"instances": [...], "transitions": [{"t", "instance", "from",
            "to", "reason"}], "deaths": [t] (SIGKILLs by the lab), "stops": [t]
            (SIGTERMs), "starts": [t], "exits": [t] (seen to exit)}},
   "probes": {name: {"target", "mode", "interval_ms", "implementation", "probes",
             "ok", "failed", "longest_gap_ms", "gaps": [{"start", "end",
             "duration_ms", "failed", "reason", "open"}]}},
   "checks": [{"kind", "check", "pass", "measured", "detail", "note", "value"}],
   "figures": {"outage", "time_to_master", "transitions"},
   "verifier": "failoverctl verify" | "python (lablib.verify)",
   "emulation": [what the site built differently from the real thing, e.g. a
                 bond emulated without the bonding driver, or a kernel bond],
   "logs": directory of the copied logs (relative to the report) or null}
"""

import datetime
import json
import os
import shutil
import stat
import subprocess
import time

from . import expect
from . import verify as pyverify
from .deploy import Site
from .faults import StepError, apply_step
from .netns import Lab, LabError
from .process import LabTimeout
from .scenario import apply_overrides

DEADLINE_MARGIN = 0.2


def run_scenario(topo, scenario, binaries, log=print, logs_dir=None):
    """Run scenario in a fresh lab; return the result dict."""
    started = time.monotonic()
    result = _new_result(topo, scenario)
    topo = apply_overrides(topo, scenario)
    with Lab(name=scenario.name) as lab:
        site = Site(topo, lab, binaries, log)
        site.scenario_steps = scenario.steps
        t0 = None
        try:
            site.build()
            result["emulation"] = list(site.notes)
            for note in site.notes:
                log(note)
            site.start_agents(scenario.initial, scenario.initial_timeout)
            site.start_probes(scenario.probes)
            t0 = time.monotonic()
            result["initial"]["observed"] = _observed_states(site)
            log(f"t=0: initial situation reached; {len(scenario.steps)} steps")
            _run_steps(site, scenario, t0, result, log)
            _wait_end(scenario, t0, result)
        except (LabError, LabTimeout, StepError, OSError) as err:
            result["error"] = str(err)
            log(f"error: {err}")
        if t0 is None:
            t0 = time.monotonic()
        try:
            site.stop_probes()
        except (LabError, LabTimeout, OSError) as err:
            result["error"] = result["error"] or f"stopping the probes: {err}"
        result["end"] = time.monotonic() - t0
        _collect(site, t0, result)
        evidence = _evidence(site, binaries, t0, result)
        result["checks"] = expect.evaluate(scenario.expectations, evidence)
        result["figures"] = expect.figures(evidence)
        if logs_dir:
            result["logs"] = copy_logs(lab.workdir, logs_dir)
    failed = [c for c in result["checks"] if not c["pass"]]
    result["outcome"] = "fail" if failed or result["error"] else "pass"
    result["duration_s"] = round(time.monotonic() - started, 3)
    return result


def _new_result(topo, scenario):
    return {"scenario": scenario.name, "code": scenario.code,
            "description": scenario.description,
            "topology": {"name": topo.name, "file": topo.path,
                         "description": topo.description},
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"),
            "duration_s": None, "outcome": None, "error": None,
            "initial": {"expected": scenario.initial, "observed": {}},
            "end": 0.0, "steps": [], "nodes": {}, "probes": {}, "checks": [],
            "figures": {}, "verifier": None, "logs": None, "emulation": []}


def _observed_states(site):
    observed = {}
    for name, agent in site.agents.items():
        observed[name] = {tr["instance"]: agent.state(tr["instance"])
                          for tr in agent.transitions()}
    return observed


def _run_steps(site, scenario, t0, result, log):
    previous = t0
    for step in scenario.steps:
        target = t0 + step.at if step.at is not None else previous + step.delay
        _sleep_until(target)
        entry = {"name": step.name, "kind": step.kind, "t": None, "params": step.params,
                 "note": step.note, "detail": "", "error": None}
        result["steps"].append(entry)
        try:
            moment, detail = apply_step(site, step)
        except StepError as err:
            entry["error"] = str(err)
            raise
        entry["t"], entry["detail"] = moment - t0, detail
        log(f"t={moment - t0:7.3f}s {step.kind}: {detail}")
        previous = time.monotonic()


def _sleep_until(moment):
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def scenario_end(scenario, moments):
    """Seconds after t = 0 at which observing may stop: the scenario's duration,
    the last step plus tail, and every expectation's deadline."""
    end = scenario.duration
    if moments:
        end = max(end, max(moments.values()) + scenario.tail)
    for exp in scenario.expectations:
        ref = moments.get(exp.params.get("after", "start"), 0.0)
        if exp.kind == "state":
            end = max(end, ref + exp.params["within"] + DEADLINE_MARGIN)
        elif "within" in exp.params:
            end = max(end, ref + exp.params["within"] + DEADLINE_MARGIN)
    return end


def _wait_end(scenario, t0, result):
    moments = {s["name"]: s["t"] for s in result["steps"] if s["t"] is not None}
    _sleep_until(t0 + scenario_end(scenario, dict(moments, start=0.0)))


def _collect(site, t0, result):
    """Transitions, deaths and probe reports, relative to t0."""
    for name, agent in site.agents.items():
        trans = [{"t": tr["mono"] - t0, "instance": tr["instance"], "from": tr["from"],
                  "to": tr["to"], "reason": tr["reason"]}
                 for tr in agent.transitions() if tr["mono"] is not None]
        result["nodes"][name] = {
            "instances": sorted({tr["instance"] for tr in trans}),
            "transitions": trans,
            "deaths": [m - t0 for m in agent.deaths],
            "stops": [m - t0 for m in agent.stops],
            "starts": [p.started - t0 for p in agent.procs],
            "exits": [p.ended - t0 for p in agent.procs if p.ended is not None]}
    for name, report in site.probe_reports.items():
        result["probes"][name] = _relative_probe(report, t0, site.topo.probes[name])


def _relative_probe(report, t0, spec):
    gaps = [{"start": g["start_mono"] - t0, "end": g["end_mono"] - t0,
             "duration_ms": g["duration_ms"], "failed": g.get("failed"),
             "reason": g.get("reason"), "open": bool(g.get("open"))}
            for g in report.get("gaps", [])]
    return {"target": spec.target, "mode": spec.mode, "host": spec.host,
            "interval_ms": report.get("interval_ms", spec.interval_ms),
            "timeout_ms": report.get("timeout_ms", spec.timeout_ms),
            "implementation": report.get("implementation", "failover-probe"),
            "start": report.get("start_mono", t0) - t0,
            "stop": report.get("end_mono", t0) - t0,
            "probes": report.get("probes", 0), "ok": report.get("ok", 0),
            "failed": report.get("failed", 0),
            "longest_gap_ms": report.get("longest_gap_ms", 0.0), "gaps": gaps}


def _evidence(site, binaries, t0, result):
    moments = {"start": 0.0}
    kinds = {}
    for step in result["steps"]:
        if step["t"] is not None:
            moments[step["name"]] = step["t"]
            kinds[step["name"]] = step["kind"]
    lines = {}
    for name, agent in site.agents.items():
        console = [(mono - t0, text) for proc in agent.procs for mono, text in proc.lines]
        events = [(ev.get("mono", 0.0) - t0, json.dumps(ev)) for ev in agent.events.poll()]
        lines[name] = {"console": console, "events": events}
    checker = DualMasterCheck(site, binaries, result)
    return expect.Evidence(end=result["end"], moments=moments, step_kinds=kinds,
                           nodes=result["nodes"],
                           lines=lines, probes=result["probes"], dual_master=checker,
                           tolerance=3 * site.topo.advert_interval())


class DualMasterCheck:
    """no_dual_master: `failoverctl verify` over the agents' event logs when
    this build has it, else lablib.verify over the agents' transitions and
    the moments the lab killed them."""

    def __init__(self, site, binaries, result):
        self.site = site
        self.bin = binaries
        self.result = result

    def __call__(self, instance, tolerance):
        logs = [a.event_log_path for a in self.site.agents.values()
                if os.path.exists(a.event_log_path)]
        if self.bin.has_verify() and logs:
            self.result["verifier"] = "failoverctl verify"
            return self._failoverctl(logs, instance, tolerance)
        self.result["verifier"] = "python (lablib.verify)"
        return self._python(instance, tolerance)

    def _failoverctl(self, logs, instance, tolerance):
        argv = [self.bin.failoverctl, "verify", "--tolerance", f"{tolerance:.6f}", "--json",
                *logs]
        run = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        method = "failoverctl verify"
        if run.returncode not in (0, 5):
            return {"pass": False, "longest": 0.0, "method": method,
                    "detail": f"failoverctl verify exited {run.returncode}: "
                              f"{run.stderr.strip()[:300]}"}
        try:
            report = json.loads(run.stdout)
        except ValueError:
            return {"pass": False, "longest": 0.0, "method": method,
                    "detail": "failoverctl verify --json printed no JSON"}
        routers = [r for r in report.get("routers", [])
                   if instance is None or instance in r.get("instances", [])]
        overlaps = [o for r in routers for o in r.get("overlaps", [])]
        longest = max((float(o.get("duration", 0.0)) for o in overlaps), default=0.0)
        # A dual master is a router's (vrid, family), an illegal step an instance's.
        keys = {(r.get("vrid"), r.get("family")) for r in routers}
        violations = [v for v in report.get("violations", [])
                      if instance is None or v.get("instance") == instance
                      or (v.get("vrid"), v.get("family")) in keys]
        detail = "; ".join(_violation_text(v) for v in violations[:5])
        return {"pass": not violations, "longest": longest, "method": method,
                "detail": detail or f"{len(overlaps)} overlap(s) within the tolerance"}

    def _python(self, instance, tolerance):
        agents = list(self.site.agents.values())
        names = [instance] if instance else sorted(
            {tr["instance"] for a in agents for tr in a.transitions()})
        longest, bad = 0.0, []
        for name in names:
            for start, end, counted, nodes in pyverify.dual_master_overlaps(agents, name):
                longest = max(longest, counted)
                if counted > tolerance:
                    bad.append(f"{name}: {'+'.join(nodes)} for {counted:.3f} s")
        return {"pass": not bad, "longest": longest, "method": "python (lablib.verify)",
                "detail": "; ".join(bad[:5])}


def _violation_text(violation):
    """One violation of failoverctl verify --json, as text."""
    who = " ".join(str(violation[k]) for k in ("node", "instance") if violation.get(k))
    text = violation.get("message") or violation.get("kind", "violation")
    return f"{who}: {text}" if who else text


def copy_logs(workdir, target):
    """Copy the lab's regular files (configs, logs, event logs, probe reports)
    to target, leaving sockets and the TLS key behind; return target."""
    os.makedirs(target, exist_ok=True)
    for entry in sorted(os.listdir(workdir)):
        source = os.path.join(workdir, entry)
        try:
            mode = os.lstat(source).st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) and not entry.endswith(".key"):
            shutil.copy2(source, os.path.join(target, entry))
    return target
