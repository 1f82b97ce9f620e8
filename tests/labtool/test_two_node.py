#!/usr/bin/env python3
"""End to end: `failover-lab run conf/lab/two-node.toml --report DIR` passes
every scenario of the minimal pair and writes the report (root).

Checks the exit code, that DIR holds README.md and a JSON and an SVG per
scenario, that every JSON says pass with every check passed, the figures
the cards promise (zero failed probes when healthy and in maintenance, a
closed outage and a time to MASTER after the crash), the copied logs, and
that the whole run stays within its time budget.
"""

import json
import os
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import labtoolcase
from lablib.topology import parse_topology

BUDGET_S = 90.0     # two-node runs in about 20 s; the issue asks for under ~60 s


class TwoNode(unittest.TestCase):
    def test_run_passes_and_reports(self):
        scenarios = list(parse_topology(labtoolcase.TWO_NODE).scenarios)
        with tempfile.TemporaryDirectory() as report:
            began = time.monotonic()
            run = labtoolcase.run_lab("run", labtoolcase.TWO_NODE, "--report", report)
            took = time.monotonic() - began
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            self.assertLess(took, BUDGET_S)
            expected = {"README.md", "logs"} | {f"{s}.json" for s in scenarios} | \
                {f"{s}.svg" for s in scenarios}
            self.assertEqual(set(os.listdir(report)), expected)
            results = {}
            for name in scenarios:
                with open(os.path.join(report, f"{name}.json")) as f:
                    results[name] = json.load(f)
                result = results[name]
                self.assertEqual(result["outcome"], "pass", name)
                self.assertIsNone(result["error"], name)
                self.assertTrue(result["checks"], name)
                for check in result["checks"]:
                    self.assertTrue(check["pass"], f"{name}: {check}")
                with open(os.path.join(report, f"{name}.svg")) as f:
                    ET.fromstring(f.read())
                logs = os.path.join(report, "logs", name)
                for node in ("lb1", "lb2"):
                    self.assertTrue(os.path.getsize(
                        os.path.join(logs, f"{node}.failoverd.events.jsonl")) > 0)
            for name in ("healthy", "maintenance"):
                self.assertEqual(results[name]["figures"]["outage"]["vip"]["failed"], 0)
            crash = results["master_crash"]
            self.assertEqual(crash["figures"]["time_to_master"]["node"], "lb2")
            self.assertGreater(crash["figures"]["outage"]["vip"]["failed"], 0)
            self.assertFalse(any(g["open"] for g in crash["probes"]["vip"]["gaps"]))
            with open(os.path.join(report, "README.md")) as f:
                readme = f.read()
            self.assertIn(f"**{len(scenarios)} of {len(scenarios)} scenarios passed.**", readme)
            for name in scenarios:
                self.assertIn(f"[{name}](#{name}) | PASS |", readme)


if __name__ == "__main__":
    labtoolcase.main(needs_root=True)
