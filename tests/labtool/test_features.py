#!/usr/bin/env python3
"""End to end over data/features.toml (root): every link kind (switch
cables, a point-to-point link), routing and NAT through a router with an
nftables firewall, TLS and HTTP services, tls and tcp probes, a config file
used as it is, and every fault and expectation kind: each scenario must pass.

It also checks that the tls probe got its "220" banners through the
router's DNAT, what the loss and boot steps report having done, and that
lb2's own event log shows the split brain the VRRP drop caused.
"""

import json
import os
import tempfile
import unittest

import labtoolcase
from lablib.topology import parse_topology

FEATURES = os.path.join(labtoolcase.DATA, "features.toml")


class Features(unittest.TestCase):
    def test_every_scenario_passes(self):
        topo = parse_topology(FEATURES)
        kinds = {s.kind for sc in topo.scenarios.values() for s in sc.steps}
        self.assertEqual(kinds, {"service_stop", "service_start", "drop", "undrop", "loss",
                                 "switch_down", "switch_up", "freeze", "thaw", "wait",
                                 "node_crash", "node_boot", "link_down", "link_up",
                                 "agent_kill", "agent_start"})
        with tempfile.TemporaryDirectory() as report:
            run = labtoolcase.run_lab("run", FEATURES, "--report", report)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            for name in topo.scenarios:
                with open(os.path.join(report, f"{name}.json")) as f:
                    result = json.load(f)
                failed = [c for c in result["checks"] if not c["pass"]]
                self.assertEqual((result["outcome"], failed, result["error"]),
                                 ("pass", [], None), name)
            with open(os.path.join(report, "service_fail.json")) as f:
                smtps = json.load(f)["probes"]["smtps"]
            self.assertEqual((smtps["mode"], smtps["target"]), ("tls", "192.0.2.100:465"))
            self.assertGreater(smtps["ok"], 50)      # banners came back through the DNAT
            with open(os.path.join(report, "backup_faults.json")) as f:
                steps = {s["name"]: s for s in json.load(f)["steps"]}
            self.assertIn("drop 10% of tcp dport 80", steps["lossy"]["detail"])
            self.assertIn("routes re-applied", steps["boot"]["detail"])
            log = os.path.join(report, "logs", "vrrp_cut", "lb2.failoverd.events.jsonl")
            with open(log) as f:
                reasons = [json.loads(line).get("reason") for line in f if line.strip()]
            self.assertIn("master_down_timer", reasons)


if __name__ == "__main__":
    labtoolcase.main(needs_root=True)
