#!/usr/bin/env python3
"""Reports from a recorded result, and the judging rules (no root needed).

data/recorded/master_stop.json is the result of a real run of two-node's
master_stop scenario: lb1 (MASTER) stopped at t = 1.000 s and restarted at
2.001 s, lb2 MASTER 0.061 s after the stop, one 100 ms probe gap.  The SVG
timeline, the Markdown card and the files of a report are rendered from it
and checked against what it says.  The expectation rules (expect.py) and the
scenario's end (runner.scenario_end) are checked on hand-made evidence,
the dual-MASTER verifiers on the hand-written event logs of
tests/unit/data/verify/ (failoverctl verify, when --build-dir has it) and on
hand-made transitions (the Python fallback).
"""

import copy
import json
import os
import re
import tempfile
import types
import unittest
import xml.etree.ElementTree as ET

import labtoolcase
from lablib import expect, report, svg
from lablib.deploy import Binaries
from lablib.runner import DualMasterCheck, scenario_end
from lablib.scenario import Expectation, Scenario

SVG_NS = "{http://www.w3.org/2000/svg}"


def recorded():
    with open(os.path.join(labtoolcase.DATA, "recorded", "master_stop.json")) as f:
        return json.load(f)


class Timeline(unittest.TestCase):
    def setUp(self):
        self.result = recorded()
        self.root = ET.fromstring(svg.render(self.result))

    def texts(self):
        return [t.text for t in self.root.iter(f"{SVG_NS}text")]

    def rects(self, fill):
        return [r for r in self.root.iter(f"{SVG_NS}rect") if r.get("fill") == fill]

    def test_title_and_bands(self):
        self.assertEqual(self.root.find(f"{SVG_NS}title").text, "TN-03 master_stop: PASS")
        texts = self.texts()
        for label in ("lb1 VI_1", "lb2 VI_1", "probe vip", "stop", "restart"):
            self.assertIn(label, texts)

    def test_state_segments_follow_the_logs(self):
        nodes, end = self.result["nodes"], self.result["end"]
        lb1 = [(round(a, 3), round(b, 3), s)
               for a, b, s in svg.state_segments(nodes["lb1"], "VI_1", 0.0, end)]
        # MASTER until the stop logs INIT (shutdown); no agent from its exit
        # to the restart; INIT, BACKUP, then MASTER again by preempt.
        self.assertEqual([s for _, _, s in lb1], ["MASTER", "INIT", None, "INIT", "BACKUP",
                                                  "MASTER"])
        self.assertEqual(lb1[0][:2], (0.0, 1.0))
        self.assertEqual(lb1[2][:2], (1.032, 2.001))
        self.assertEqual(lb1[-1][:2], (2.35, round(end, 3)))
        lb2 = [s for _, _, s in svg.state_segments(nodes["lb2"], "VI_1", 0.0, end)]
        self.assertEqual(lb2, ["BACKUP", "MASTER", "BACKUP"])

    def test_state_colours_and_no_agent_hatching(self):
        titled = {r.find(f"{SVG_NS}title").text: r for r in self.root.iter(f"{SVG_NS}rect")
                  if r.find(f"{SVG_NS}title") is not None}
        master = [r for t, r in titled.items() if t.startswith("lb2 VI_1: MASTER")]
        self.assertEqual(len(master), 1)
        self.assertEqual(master[0].get("fill"), svg.COLORS["MASTER"])
        down = [r for t, r in titled.items() if t.startswith("lb1 VI_1: no agent")]
        self.assertEqual(len(down), 1)
        self.assertEqual(down[0].get("fill"), "url(#down)")

    def test_probe_gap_is_marked_where_it_happened(self):
        gaps = self.rects(svg.PROBE_GAP)
        gap_rects = [r for r in gaps if r.find(f"{SVG_NS}title") is not None]
        self.assertEqual(len(gap_rects), 1)
        self.assertIn("gap 100 ms, 2 failed (timeout)", gap_rects[0].find(f"{SVG_NS}title").text)
        canvas = svg._Canvas(0.0, self.result["end"])
        gap = self.result["probes"]["vip"]["gaps"][0]
        self.assertAlmostEqual(float(gap_rects[0].get("x")), canvas.x(gap["start"]), delta=0.1)
        self.assertIn("100 ms", self.texts())

    def test_fault_steps_are_vertical_markers(self):
        lines = [line for line in self.root.iter(f"{SVG_NS}line")
                 if line.find(f"{SVG_NS}title") is not None]
        self.assertEqual(len(lines), 2)
        titles = [line.find(f"{SVG_NS}title").text for line in lines]
        self.assertTrue(titles[0].startswith("stop (agent_stop) at 1.000 s"))
        self.assertTrue(titles[1].startswith("restart (agent_start) at 2.001 s"))
        for line in lines:
            self.assertEqual(line.get("x1"), line.get("x2"))
            self.assertLess(float(line.get("y1")), float(line.get("y2")))

    def test_time_axis(self):
        ticks = [t for t in self.texts() if re.fullmatch(r"\d+\.\d", t or "")]
        self.assertEqual(ticks, ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0"])
        self.assertEqual(svg.nice_step(4.2), 0.5)
        self.assertEqual(svg.nice_step(60), 10)
        self.assertEqual(svg.nice_step(0.9), 0.1)


class Markdown(unittest.TestCase):
    RUN = {"topology": {"name": "two-node", "file": "conf/lab/two-node.toml",
                        "description": "the pair"},
           "started": "2026-01-01T00:00:00Z", "duration_s": 5.1, "host": "testhost",
           "build_dir": "build"}

    def test_summary_row_from_the_figures(self):
        text = report.markdown(self.RUN, [recorded()])
        self.assertIn("**1 of 1 scenarios passed.**", text)
        self.assertIn("| TN-03 | [master_stop](#master_stop) | PASS | 0.100 s | 2 | 0.061 s "
                      "| 5/5 | 5.1 s |", text)

    def test_card_sections(self):
        text = "\n".join(report.card(recorded()))
        self.assertIn("## TN-03 master_stop: PASS", text)
        self.assertIn("| Description | failoverd on lb1 (MASTER) is stopped (SIGTERM) and started "
                      "again |", text)
        initial = text.split("### Initial situation")[1].split("###")[0]
        self.assertIn("- lb1: VI_1 MASTER\n", initial)
        self.assertIn("- lb2: VI_1 BACKUP\n", initial)
        self.assertIn("- probe vip: tcp 10.99.0.100:8080 from client every 10 ms", initial)
        faults = text.split("### Faults applied")[1].split("###")[0]
        self.assertIn("| 1.000 | stop | agent_stop | lb1: SIGTERM, failoverd exited 0 |", faults)
        self.assertIn("| 2.001 | restart | agent_start | lb1: failoverd started |", faults)
        checks = text.split("### Checks")[1].split("###")[0]
        self.assertEqual(checks.count("| pass |"), 5)
        self.assertIn("after 0.061 s (BACKUP -> MASTER, priority_zero_received)", checks)
        outcome = text.split("### Outcome")[1]
        self.assertIn("longest gap 0.100 s, 2 failed of 416 probes, 1 gap(s)", outcome)
        self.assertIn("Time to MASTER: lb2 VI_1 0.061 s after stop", outcome)
        self.assertIn("Transitions of lb1: 3: VI_1 MASTER->INIT, VI_1 INIT->BACKUP, "
                      "VI_1 BACKUP->MASTER (failoverd stopped at 1.000 s, started at "
                      "2.001 s)", outcome)
        self.assertIn("Transitions of lb2: 2: VI_1 BACKUP->MASTER, VI_1 MASTER->BACKUP\n",
                      outcome)
        self.assertIn("![timeline of master_stop](master_stop.svg)", text)

    def test_failed_check_shows_everywhere(self):
        result = recorded()
        result["checks"][1]["pass"] = False
        result["checks"][1]["detail"] = "too slow | really"
        result["outcome"] = "fail"
        text = report.markdown(self.RUN, [result])
        self.assertIn("**0 of 1 scenarios passed.**", text)
        self.assertIn("| [master_stop](#master_stop) | **FAIL** |", text)
        self.assertIn("## TN-03 master_stop: **FAIL**", text)
        self.assertEqual(text.count("| **FAIL** |"), 2)        # summary row and the check
        self.assertIn("too slow \\| really", text)
        self.assertIn("TN-03 master_stop: FAIL", svg.render(result))

    def test_write_report_files(self):
        result = recorded()
        with tempfile.TemporaryDirectory() as tmp:
            readme = report.write_report(tmp, self.RUN, [result])
            self.assertEqual(readme, os.path.join(tmp, "README.md"))
            self.assertEqual(sorted(os.listdir(tmp)), ["README.md", "master_stop.json",
                                                       "master_stop.svg"])
            with open(os.path.join(tmp, "master_stop.json")) as f:
                self.assertEqual(json.load(f), result)
            with open(os.path.join(tmp, "master_stop.svg")) as f:
                ET.fromstring(f.read())
            with open(readme) as f:
                self.assertTrue(f.read().startswith("# failover-lab report: two-node\n"))


def node(transitions, starts=(-1.0,), deaths=(), exits=()):
    return {"transitions": [{"t": t, "instance": "VI_1", "from": a, "to": b, "reason": "r"}
                            for t, a, b in transitions],
            "starts": list(starts), "deaths": list(deaths), "exits": list(exits)}


def evidence(**kwargs):
    base = dict(end=5.0, moments={"start": 0.0, "crash": 1.0, "pause": 0.5},
                step_kinds={"crash": "node_crash", "pause": "wait"},
                nodes={"n1": node([(-0.8, "INIT", "BACKUP"), (-0.5, "BACKUP", "MASTER")],
                                  deaths=[1.0], exits=[1.05]),
                       "n2": node([(-0.3, "INIT", "BACKUP"), (1.4, "BACKUP", "MASTER")])},
                lines={"n2": {"console": [(0.2, "hello"), (1.4, "(VI_1) Entering MASTER STATE")],
                              "events": []}},
                probes={"vip": {"longest_gap_ms": 420.0, "failed": 21, "probes": 500,
                                "gaps": [{"start": 1.0, "end": 1.42, "open": False}]}})
    base.update(kwargs)
    return expect.Evidence(**base)


class Rules(unittest.TestCase):
    def test_state_at_knows_dead_agents(self):
        n1 = evidence().nodes["n1"]
        self.assertEqual(expect.state_at(n1, "VI_1", -2.0), None)
        self.assertEqual(expect.state_at(n1, "VI_1", -0.9), "INIT")
        self.assertEqual(expect.state_at(n1, "VI_1", 0.9), "MASTER")
        self.assertEqual(expect.state_at(n1, "VI_1", 1.0), None)       # killed at 1.0
        restarted = dict(n1, starts=[-1.0, 2.0])
        self.assertEqual(expect.state_at(restarted, "VI_1", 2.5), "INIT")

    def test_state(self):
        ev = evidence()
        check = expect.check_state
        params = {"host": "n2", "instance": "VI_1", "state": "MASTER", "after": "crash"}
        ok = check(ev, dict(params, within=0.5))
        self.assertTrue(ok["pass"])
        self.assertAlmostEqual(ok["value"], 0.4)
        late = check(ev, dict(params, within=0.3))
        self.assertFalse(late["pass"])
        self.assertIn("after 0.400 s", late["measured"])
        already = check(ev, {"host": "n1", "instance": "VI_1", "state": "MASTER",
                             "after": "start", "within": 0.0})
        self.assertEqual((already["pass"], already["value"]), (True, 0.0))
        never = check(ev, {"host": "n1", "instance": "VI_1", "state": "FAULT", "after": "start",
                           "within": 3.0})
        self.assertFalse(never["pass"])
        self.assertIn("unknown or no agent", never["measured"])
        missing = check(ev, dict(params, after="boot", within=1.0))
        self.assertFalse(missing["pass"])
        self.assertIn("did not run", missing["detail"])

    def test_max_outage(self):
        ev = evidence()
        self.assertTrue(expect.check_max_outage(ev, {"max": 0.5})[0]["pass"])
        self.assertFalse(expect.check_max_outage(ev, {"max": 0.4})[0]["pass"])
        self.assertFalse(expect.check_max_outage(ev, {"max": 1.0, "max_failed": 20})[0]["pass"])
        self.assertTrue(expect.check_max_outage(ev, {"max": 1.0, "max_failed": 21})[0]["pass"])
        self.assertFalse(expect.check_max_outage(ev, {"probe": "web", "max": 9.0})[0]["pass"])

    def test_no_transition(self):
        ev = evidence()
        check = expect.check_no_transition
        self.assertTrue(check(ev, {"host": "n2", "after": "start", "within": 1.0})["pass"])
        moved = check(ev, {"host": "n2", "after": "crash"})
        self.assertFalse(moved["pass"])
        self.assertIn("BACKUP -> MASTER @1.400 s", moved["measured"])
        self.assertTrue(check(ev, {"host": "n1", "instance": "VI_1", "after": "start"})["pass"])

    def test_log_contains(self):
        ev = evidence()
        check = expect.check_log_contains
        base = {"host": "n2", "source": "console", "pattern": r"Entering MASTER"}
        self.assertTrue(check(ev, dict(base, after="crash"))["pass"])
        self.assertFalse(check(ev, dict(base, after="crash", within=0.3))["pass"])
        self.assertFalse(check(ev, dict(base, after="start", pattern="^goodbye"))["pass"])
        self.assertFalse(check(ev, dict(base, source="events", after="start"))["pass"])

    def test_no_dual_master_uses_the_verifier(self):
        calls = []

        def verifier(instance, tolerance):
            calls.append((instance, tolerance))
            return {"pass": tolerance >= 0.2, "longest": 0.2, "method": "stub", "detail": ""}
        ev = evidence(dual_master=verifier, tolerance=0.3)
        self.assertTrue(expect.check_no_dual_master(ev, {})["pass"])
        self.assertFalse(expect.check_no_dual_master(ev, {"instance": "VI_1",
                                                          "tolerance": 0.1})["pass"])
        self.assertEqual(calls, [(None, 0.3), ("VI_1", 0.1)])
        self.assertFalse(expect.check_no_dual_master(evidence(), {})["pass"])

    def test_figures(self):
        figures = expect.figures(evidence())
        self.assertEqual(figures["outage"]["vip"]["failed"], 21)
        ttm = figures["time_to_master"]
        self.assertEqual((ttm["node"], ttm["after"]), ("n2", "crash"))   # the wait is no fault
        self.assertAlmostEqual(ttm["seconds"], 0.4)
        self.assertEqual(figures["transitions"]["n1"]["count"], 0)
        self.assertEqual(figures["transitions"]["n2"]["list"], ["VI_1 BACKUP->MASTER"])

    def test_evaluate_tags_checks(self):
        exp = Expectation(index=0, kind="max_outage", note="why", params={"max": 1.0})
        checks = expect.evaluate([exp], evidence())
        self.assertEqual((checks[0]["kind"], checks[0]["note"], checks[0]["pass"]),
                         ("max_outage", "why", True))

    def test_scenario_end(self):
        scenario = Scenario(name="s", code="s", description="", initial={}, probes=[],
                            steps=[], expectations=[], duration=0.0, tail=1.0)
        self.assertEqual(scenario_end(scenario, {"start": 0.0}), 1.0)
        scenario.expectations = [Expectation(0, "state", params={"after": "crash",
                                                                  "within": 3.0})]
        self.assertAlmostEqual(scenario_end(scenario, {"start": 0.0, "crash": 1.0}), 4.2)
        scenario.duration = 9.0
        self.assertEqual(scenario_end(scenario, {"start": 0.0, "crash": 1.0}), 9.0)

    def test_recorded_result_is_consistent(self):
        result = recorded()
        ev = evidence(nodes=result["nodes"], probes=result["probes"], end=result["end"],
                      moments={"start": 0.0, "stop": 1.000146, "restart": 2.000798},
                      step_kinds={"stop": "agent_stop", "restart": "agent_start"})
        figures = expect.figures(ev)
        self.assertEqual(copy.deepcopy(figures["transitions"]),
                         result["figures"]["transitions"])
        self.assertAlmostEqual(figures["time_to_master"]["seconds"],
                               result["figures"]["time_to_master"]["seconds"], places=3)


VERIFY_DATA = os.path.join(labtoolcase.SOURCE, "tests", "unit", "data", "verify")


def fake_site(agents):
    return types.SimpleNamespace(agents={a.name: a for a in agents})


def fake_agent(name, path="/nonexistent", masters=()):
    """An agent whose VI_1 was MASTER over the (start, end) intervals given."""
    trans = []
    for start, end in masters:
        trans += [{"mono": start, "instance": "VI_1", "to": "MASTER"},
                  {"mono": end, "instance": "VI_1", "to": "BACKUP"}]
    return types.SimpleNamespace(
        name=name, event_log_path=path, stop_times=lambda: [],
        transitions=lambda instance=None: [t for t in trans
                                           if instance in (None, t["instance"])])


class DualMaster(unittest.TestCase):
    """runner.DualMasterCheck: failoverctl verify when the build has it,
    lablib.verify otherwise; the verifier used is recorded in the result."""

    def binaries(self):
        bins = Binaries(labtoolcase.BUILD_DIR)
        if not os.access(bins.failoverctl, os.X_OK) or not bins.has_verify():
            self.skipTest(f"{bins.failoverctl} without verify")
        return bins

    def logs(self, case):
        return [fake_agent(node, os.path.join(VERIFY_DATA, case, f"{node}.jsonl"))
                for node in ("lb1", "lb2")]

    def test_failoverctl_verify(self):
        bins = self.binaries()
        result = {}
        beyond = DualMasterCheck(fake_site(self.logs("dual_beyond")), bins, result)
        verdict = beyond(None, 1.0)
        self.assertFalse(verdict["pass"])
        self.assertAlmostEqual(verdict["longest"], 3.214, places=3)
        self.assertIn("dual master", verdict["detail"])
        self.assertEqual(result["verifier"], "failoverctl verify")
        self.assertTrue(beyond("VI_1", 5.0)["pass"])
        self.assertTrue(beyond("VI_9", 1.0)["pass"])          # no such router: nothing
        clean = DualMasterCheck(fake_site(self.logs("clean")), bins, {})
        self.assertTrue(clean(None, 1.0)["pass"])

    def test_python_fallback(self):
        bins = Binaries(labtoolcase.BUILD_DIR)
        bins._verify = False
        result = {}
        site = fake_site([fake_agent("n1", masters=[(10.0, 12.0)]),
                          fake_agent("n2", masters=[(11.5, 20.0)])])
        check = DualMasterCheck(site, bins, result)
        verdict = check(None, 0.3)
        self.assertEqual((verdict["pass"], result["verifier"]),
                         (False, "python (lablib.verify)"))
        self.assertAlmostEqual(verdict["longest"], 0.5)
        self.assertIn("VI_1: n1+n2 for 0.500 s", verdict["detail"])
        self.assertTrue(check("VI_1", 0.6)["pass"])


if __name__ == "__main__":
    labtoolcase.main()
