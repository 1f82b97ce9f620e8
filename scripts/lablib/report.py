"""The run report: one card per scenario, as Markdown and JSON, plus timelines.

A report directory holds
  README.md          a summary table of the run, then every scenario's card
  <scenario>.json    the scenario's result (runner.py documents its layout)
  <scenario>.svg     its timeline (svg.py)
  logs/<scenario>/   configs, console and event logs, probe reports (when copied)

A card follows the acceptance cards operators fill in by hand: code,
description, initial situation, faults applied with their times, checks with
pass/fail, and the outcome with the measured figures (outage, time to
MASTER, transitions per node).  Everything is rendered from the result
dicts alone, so a recorded result renders without a lab.
"""

import json
import os

from . import svg


def write_report(directory, run, results):
    """Write README.md, <scenario>.json and <scenario>.svg; return the README path.

    run: {"topology": {"name", "file", "description"}, "started", "duration_s",
          "host", "build_dir", "command"}."""
    os.makedirs(directory, exist_ok=True)
    for result in results:
        _write(os.path.join(directory, f"{result['scenario']}.json"),
               json.dumps(result, indent=2, default=str) + "\n")
        _write(os.path.join(directory, f"{result['scenario']}.svg"), svg.render(result))
    readme = os.path.join(directory, "README.md")
    _write(readme, markdown(run, results, directory))
    return readme


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def cell(value):
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def seconds(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f} s"


def markdown(run, results, directory=None):
    topo = run.get("topology", {})
    passed = sum(1 for r in results if r.get("outcome") == "pass")
    lines = [f"# failover-lab report: {topo.get('name', '?')}", ""]
    if topo.get("description"):
        lines += [topo["description"], ""]
    lines += [f"Topology `{topo.get('file', '?')}`; run started {run.get('started', '?')} "
              f"on {run.get('host', '?')}, {run.get('duration_s', 0):.1f} s in all; "
              f"programs from `{run.get('build_dir', '?')}`.", "",
              f"**{passed} of {len(results)} scenarios passed.**", ""]
    lines += summary_table(results) + [""]
    for result in results:
        lines += card(result, directory) + [""]
    return "\n".join(lines).rstrip() + "\n"


def summary_table(results):
    rows = ["| Code | Scenario | Result | Longest outage | Failed probes | Time to MASTER "
            "| Checks | Run time |",
            "|---|---|---|---|---|---|---|---|"]
    for r in results:
        figures = r.get("figures", {})
        outage = figures.get("outage", {})
        longest = max((o["longest_gap_s"] for o in outage.values()), default=None)
        failed = sum(o["failed"] for o in outage.values()) if outage else None
        ttm = figures.get("time_to_master")
        checks = r.get("checks", [])
        ok = sum(1 for c in checks if c["pass"])
        rows.append(f"| {cell(r.get('code'))} | [{cell(r['scenario'])}](#{r['scenario']}) "
                    f"| {_verdict(r)} | {seconds(longest)} "
                    f"| {'—' if failed is None else failed} "
                    f"| {seconds(ttm['seconds']) if ttm else '—'} | {ok}/{len(checks)} "
                    f"| {seconds(r.get('duration_s'), 1)} |")
    return rows


def _verdict(result):
    outcome = result.get("outcome")
    return {"pass": "PASS", "fail": "**FAIL**"}.get(outcome, "not run")


def card(result, directory=None):
    name = result["scenario"]
    lines = [f'<a id="{name}"></a>', "",
             f"## {result.get('code')} {name}: {_verdict(result)}", "",
             "| | |", "|---|---|",
             f"| Code | {cell(result.get('code'))} |",
             f"| Description | {cell(result.get('description') or '—')} |",
             f"| Topology | {cell(result['topology'].get('name'))} "
             f"(`{cell(result['topology'].get('file'))}`) |",
             f"| Run | started {cell(result.get('started'))}, "
             f"{seconds(result.get('duration_s'), 1)} |"]
    for note in result.get("emulation") or []:
        lines.append(f"| Bond | {cell(note)} |")
    lines += [""]
    lines += ["### Initial situation", ""] + _initial(result) + [""]
    lines += ["### Faults applied", ""] + _steps(result) + [""]
    lines += ["### Checks", ""] + _checks(result) + [""]
    lines += ["### Outcome", ""] + _outcome(result) + [""]
    lines += [f"![timeline of {name}]({name}.svg)", ""]
    links = [f"[result JSON]({name}.json)"]
    if result.get("logs"):
        logs = result["logs"]
        if directory:
            logs = os.path.relpath(logs, directory)
        links.append(f"[logs]({logs}/)")
    lines.append(" · ".join(links))
    return lines


def _initial(result):
    expected = result.get("initial", {}).get("expected", {})
    observed = result.get("initial", {}).get("observed", {})
    lines = []
    for node in sorted(set(expected) | set(observed)):
        states = observed.get(node, {})
        parts = []
        for inst in sorted(set(states) | set(expected.get(node, {}))):
            got = states.get(inst, "not reached")
            want = expected.get(node, {}).get(inst)
            parts.append(f"{inst} {got}" + (f" (expected {want})" if want and want != got
                                            else ""))
        lines.append(f"- {node}: {', '.join(parts) or 'running'}")
    for name, probe in result.get("probes", {}).items():
        lines.append(f"- probe {name}: {probe.get('mode')} {probe.get('target')} from "
                     f"{probe.get('host')} every {probe.get('interval_ms')} ms (timeout "
                     f"{probe.get('timeout_ms')} ms, {probe.get('implementation')}), answered")
    return lines or ["- (nothing recorded: the lab did not reach it)"]


def _steps(result):
    steps = result.get("steps", [])
    if not steps:
        return ["None: the infrastructure is left alone."]
    rows = ["| t (s) | Step | Kind | What was done | Note |", "|---|---|---|---|---|"]
    for step in steps:
        what = step.get("detail") or ""
        if step.get("error"):
            what = f"**failed**: {step['error']}"
        t = "—" if step.get("t") is None else f"{step['t']:.3f}"
        rows.append(f"| {t} | {cell(step['name'])} | {cell(step['kind'])} | {cell(what)} "
                    f"| {cell(step.get('note') or '')} |")
    return rows


def _checks(result):
    checks = result.get("checks", [])
    if not checks:
        return ["No expectations declared."]
    rows = ["| # | Check | Measured | Result |", "|---|---|---|---|"]
    for index, check in enumerate(checks, 1):
        text = check["check"] + (f" — {check['note']}" if check.get("note") else "")
        measured = check["measured"] + (f" ({check['detail']})" if check.get("detail") else "")
        rows.append(f"| {index} | {cell(text)} | {cell(measured)} "
                    f"| {'pass' if check['pass'] else '**FAIL**'} |")
    return rows


def _lab_actions(node, end):
    """'killed at 1.000 s, started at 2.001 s': what the lab did to an agent
    during the scenario (t = 0 to the end), in time order."""
    actions = [(t, "killed") for t in node.get("deaths", [])]
    actions += [(t, "stopped") for t in node.get("stops", [])]
    actions += [(t, "started") for t in node.get("starts", [])]
    return ", ".join(f"{what} at {t:.3f} s" for t, what in sorted(actions) if 0.0 <= t <= end)


def _outcome(result):
    figures = result.get("figures", {})
    lines = [f"**{_verdict(result)}**" + (f" — error: {result['error']}"
                                          if result.get("error") else "")]
    for name, o in figures.get("outage", {}).items():
        lines.append(f"- Outage (probe {name}): longest gap {o['longest_gap_s']:.3f} s, "
                     f"{o['failed']} failed of {o['probes']} probes, {o['gaps']} gap(s)")
    ttm = figures.get("time_to_master")
    if ttm:
        lines.append(f"- Time to MASTER: {ttm['node']} {ttm['instance']} "
                     f"{ttm['seconds']:.3f} s after {ttm['after']}")
    elif result.get("steps"):
        lines.append("- Time to MASTER: no node became MASTER after the first fault")
    for node, t in figures.get("transitions", {}).items():
        listed = f": {', '.join(t['list'])}" if t["list"] else ""
        lab = _lab_actions(result.get("nodes", {}).get(node, {}), result.get("end") or 0.0)
        lines.append(f"- Transitions of {node}: {t['count']}{listed}"
                     + (f" (failoverd {lab})" if lab else ""))
    if result.get("verifier"):
        lines.append(f"- Dual-MASTER check by {result['verifier']}")
    return lines
