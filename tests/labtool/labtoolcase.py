"""Shared frame of failover-lab's tests (tests/labtool/test_*.py).

Each test is a unittest script run by ctest.  Those that build namespaces
call main(..., needs_root=True): they exit 77 (ctest's skip code) when not
root, and take --build-dir (where failoverd, failoverctl and failover-probe
are; default build/ in the source tree).  lablib is importable from here.
"""

import argparse
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(SOURCE, "scripts")
FAILOVER_LAB = os.path.join(SCRIPTS, "failover-lab")
DATA = os.path.join(HERE, "data")
TWO_NODE = os.path.join(SOURCE, "conf", "lab", "two-node.toml")
SKIP = 77

sys.path.insert(0, SCRIPTS)

BUILD_DIR = os.path.join(SOURCE, "build")


def lab_command(*args):
    """argv of failover-lab with the test's build directory."""
    return [sys.executable, FAILOVER_LAB, "--build-dir", BUILD_DIR, *args]


def run_lab(*args, timeout=300):
    """Run failover-lab to its end; return the CompletedProcess (text)."""
    return subprocess.run(lab_command(*args), capture_output=True, text=True, timeout=timeout)


def main(needs_root=False):
    global BUILD_DIR
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--build-dir", default=BUILD_DIR)
    args, rest = parser.parse_known_args()
    BUILD_DIR = os.path.abspath(args.build_dir)
    if needs_root and os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)", file=sys.stderr)
        sys.exit(SKIP)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
