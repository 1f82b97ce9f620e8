#!/usr/bin/env python3
"""failover-lab removes what it creates, and never runs two labs at once (root).

  * `up` of two-node, SIGKILLed once it is ready, leaves namespaces and
    processes behind (checked, so the test can fail); `down` then leaves no
    namespace, process, nftables table or work directory with the lab's
    prefix, and frees the lock -- but spares a reader of the lab's log
    running in our own namespace;
  * while one `up` runs, a second `up` and a `run` are refused (exit 3,
    naming the owner's pid), and touch nothing of the first;
  * `down` stops a running `up` (SIGTERM), which cleans up itself, but
    keeps its work directory (logs, probe reports) when started with --keep;
  * a failed scenario (data/failing.toml) exits 1, reports FAIL, and leaves
    nothing; a run interrupted by SIGINT exits 130 and leaves nothing.
"""

import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import labtoolcase
from labtoolcase import TWO_NODE, lab_command, run_lab
from lablib import labstate

FAILING = os.path.join(labtoolcase.DATA, "failing.toml")


def start(*args):
    """failover-lab in the background, its output readable line by line."""
    return subprocess.Popen(lab_command(*args), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def read_until(proc, pattern, timeout=60.0):
    """Lines of proc's output up to the first containing pattern."""
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"ended before {pattern!r}: {''.join(lines)}")
        lines.append(line)
        if pattern in line:
            return lines
    raise AssertionError(f"no {pattern!r} within {timeout} s: {''.join(lines)}")


def nft_tables_named(prefix):
    out = subprocess.run(["nft", "list", "tables"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if prefix in line]


class Cleanup(unittest.TestCase):
    def setUp(self):
        self.procs = []
        if labstate.lock_held():
            self.skipTest("another failover-lab is running")

    def tearDown(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        run_lab("down", timeout=120)

    def spawn(self, *args):
        proc = start(*args)
        self.procs.append(proc)
        return proc

    def assert_nothing_left(self, prefix):
        self.assertEqual(labstate.namespaces(prefix), [])
        self.assertEqual(labstate.processes_naming(prefix), [])
        self.assertEqual(nft_tables_named("folab_"), [])
        self.assertEqual(labstate.work_directories(prefix), [])
        self.assertFalse(labstate.lock_held())

    def test_sigkilled_up_then_down(self):
        proc = self.spawn("up", TWO_NODE)
        read_until(proc, "ready:")
        prefix = f"folab{proc.pid}"
        spaces = labstate.namespaces(prefix)
        self.assertEqual(sorted(spaces), sorted(f"{prefix}-{n}" for n in
                                                ("sw", "lb1", "lb2", "client")))
        inside = [pid for ns in spaces for pid in labstate._netns_pids(ns)]
        self.assertGreaterEqual(len(inside), 4)       # two failoverd, two services

        second = run_lab("up", TWO_NODE, timeout=60)
        self.assertEqual(second.returncode, 3, second.stderr)
        self.assertIn(f"another lab is running: pid {proc.pid}", second.stderr)
        again = run_lab("run", TWO_NODE, "--scenario", "healthy", timeout=60)
        self.assertEqual(again.returncode, 3, again.stderr)
        self.assertEqual(sorted(labstate.namespaces(prefix)), sorted(spaces))

        # Someone reading the lab's log in our namespace is not part of the lab.
        workdir = labstate.read_record()["workdir"]
        reader = subprocess.Popen(["tail", "-f", os.path.join(workdir, "lb1.failoverd.1.log")],
                                  stdout=subprocess.DEVNULL)
        self.addCleanup(reader.wait)
        self.addCleanup(reader.kill)

        proc.kill()
        proc.wait()
        self.assertEqual(sorted(labstate.namespaces(prefix)), sorted(spaces))   # leftovers
        self.assertTrue(any(labstate._running(pid) for pid in inside))
        self.assertEqual(labstate.read_record().get("prefix"), prefix)

        down = run_lab("down", timeout=120)
        self.assertEqual(down.returncode, 0, down.stderr)
        self.assertIn(f"{prefix}: removed", down.stdout)
        self.assertFalse(any(labstate._running(pid) for pid in inside))
        self.assertIsNone(reader.poll())
        reader.kill()
        reader.wait()
        self.assert_nothing_left(prefix)
        self.assertEqual(labstate.read_record(), {})

    def test_down_stops_a_running_up(self):
        proc = self.spawn("up", TWO_NODE)
        read_until(proc, "ready:")
        prefix = f"folab{proc.pid}"
        down = run_lab("down", timeout=120)
        self.assertEqual(down.returncode, 0, down.stderr)
        self.assertIn("the running lab terminated", down.stdout)
        self.assertEqual(proc.wait(30), 0)
        self.assert_nothing_left(prefix)

    def test_down_keeps_the_work_directory_of_up_keep(self):
        proc = self.spawn("up", "--keep", "--probes", TWO_NODE)
        read_until(proc, "ready:")
        workdir = labstate.read_record()["workdir"]
        down = run_lab("down", timeout=120)
        self.assertEqual(down.returncode, 0, down.stderr)
        self.assertEqual(proc.wait(30), 0)
        self.assertIn("nothing left behind", down.stdout)
        try:
            self.assertTrue(os.path.isfile(os.path.join(workdir, "lb1.failoverd.events.jsonl")))
            with open(os.path.join(workdir, "probe.vip.json")) as f:
                self.assertGreater(json.load(f)["probes"], 0)
        finally:
            subprocess.run(["rm", "-rf", "--", workdir], check=True)
        self.assert_nothing_left(f"folab{proc.pid}")

    def test_failed_scenario_cleans_up(self):
        with tempfile.TemporaryDirectory() as report:
            proc = self.spawn("run", FAILING, "--scenario", "impossible", "--report", report)
            output, _ = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 1, output)
            self.assertIn("F-1 impossible: FAIL", output)
            with open(os.path.join(report, "impossible.json")) as f:
                result = json.load(f)
            self.assertEqual(result["outcome"], "fail")
            verdicts = {c["kind"]: c["pass"] for c in result["checks"]}
            self.assertEqual(verdicts, {"state": False, "max_outage": False})
            with open(os.path.join(report, "README.md")) as f:
                self.assertIn("**0 of 1 scenarios passed.**", f.read())
            self.assertTrue(os.path.exists(os.path.join(report, "logs", "impossible",
                                                        "n1.failoverd.events.jsonl")))
        self.assert_nothing_left(f"folab{proc.pid}")
        self.assertEqual(labstate.read_record(), {})

    def test_interrupted_run_cleans_up(self):
        proc = self.spawn("run", FAILING, "--scenario", "long")
        read_until(proc, "drop")
        prefix = f"folab{proc.pid}"
        self.assertEqual(len(labstate.namespaces(prefix)), 3)
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, output)
        self.assertIn("interrupted", output)
        self.assert_nothing_left(prefix)


if __name__ == "__main__":
    labtoolcase.main(needs_root=True)
