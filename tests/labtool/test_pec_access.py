#!/usr/bin/env python3
"""End to end: the reference deployment's acceptance catalogue,
`failover-lab run conf/lab/pec-access.toml --report DIR` (root).

Every card MTest01..MTest14 must pass; beyond the exit code this checks
what the cards promise in figures: MTest01 and the cards with no outage by
design lose not one probe; switch 1 (a designed single point of failure)
shows a closed outage; the bond's cards record how the bond was built
(kernel or emulated) and move no VRRP instance; the LB cards name the new
MASTER; the run stays within its time budget.  A lab already running (exit
3, another engineer's) is waited for.
"""

import json
import os
import tempfile
import time
import unittest

import labtoolcase
from lablib.topology import parse_topology

PEC = os.path.join(labtoolcase.SOURCE, "conf", "lab", "pec-access.toml")
BUDGET_S = 420.0    # about 3 minutes on 2 cores; the issue asks for under 10
NO_OUTAGE = ("mtest01_healthy", "mtest02_cable_slave", "mtest04_power", "mtest06_switch2b",
             "mtest06_uplink", "mtest08_power", "mtest12_lossy", "mtest14_maintenance")


def run_when_free(*args, wait=300.0):
    """failover-lab run, retried while another lab holds the lock."""
    deadline = time.monotonic() + wait
    while True:
        run = labtoolcase.run_lab(*args, timeout=840)
        busy = run.returncode == 3 and "running" in (run.stderr + run.stdout)
        if not busy or time.monotonic() > deadline:
            return run
        time.sleep(5.0)


class PecAccess(unittest.TestCase):
    def test_catalogue_passes(self):
        scenarios = list(parse_topology(PEC).scenarios)
        with tempfile.TemporaryDirectory() as report:
            began = time.monotonic()
            run = run_when_free("run", PEC, "--report", report)
            took = time.monotonic() - began
            self.assertEqual(run.returncode, 0, run.stdout[-4000:] + run.stderr[-2000:])
            self.assertLess(took, BUDGET_S)
            results = {}
            for name in scenarios:
                with open(os.path.join(report, f"{name}.json")) as f:
                    results[name] = json.load(f)
                result = results[name]
                self.assertEqual(result["outcome"], "pass", name)
                for check in result["checks"]:
                    self.assertTrue(check["pass"], f"{name}: {check}")
                self.assertEqual(len(result["emulation"]), 1, name)
                self.assertRegex(result["emulation"][0], r"^vhost: (kernel bond|EMULATED)")
            for name in NO_OUTAGE:
                for probe, figures in results[name]["figures"]["outage"].items():
                    self.assertEqual(figures["failed"], 0, f"{name} {probe}")
            spof = results["mtest02_power"]["probes"]["smtps"]
            self.assertGreater(spof["failed"], 0)
            self.assertFalse(any(g["open"] for g in spof["gaps"]))
            uplink = results["mtest05_uplink"]
            self.assertFalse(any(n["transitions"] and
                                 any(t["t"] >= 0 for t in n["transitions"])
                                 for n in uplink["nodes"].values()))
            for name, node in (("mtest07_power", "lb2"), ("mtest07_lb2_power", "lb1"),
                               ("mtest03_power", "fw2"), ("mtest13_service", "lb2")):
                self.assertEqual(results[name]["figures"]["time_to_master"]["node"], node,
                                 name)
            with open(os.path.join(report, "README.md")) as f:
                readme = f.read()
            self.assertIn(f"**{len(scenarios)} of {len(scenarios)} scenarios passed.**", readme)
            self.assertIn("| Bond | vhost: ", readme)


if __name__ == "__main__":
    labtoolcase.main(needs_root=True)
