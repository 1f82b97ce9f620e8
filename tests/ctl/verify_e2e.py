#!/usr/bin/env python3
"""End-to-end tests of `failoverctl verify` on the hand-written event logs of
tests/unit/data/verify/ (one directory per story, one file per node).

Scenarios (ctest ctl.verify_<scenario>):
  exits    every fixture story gives its exit code: 0 clean, 5 (a violation:
           dual master beyond the tolerance, also with a MASTER that only a
           peer's log shows, illegal transition), 0 for an
           overlap within the tolerance, a killed agent (a warning) and
           malformed lines (warnings); --tolerance moves the verdict both ways
  json     --json (before or after the command) prints one JSON object that
           says the same as the exit code
  usage    exit 1, and nothing on stdout, for: no log, a log that does not
           exist or cannot be read, a bad --tolerance, --tolerance given to
           another command
  stdin    "-" reads standard input
  help     --help lists verify, --tolerance and exit code 5
"""

import argparse
import json
import os
import subprocess
import sys

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "unit", "data", "verify")


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


def run(ctl, *args, stdin=None):
    """(exit code, stdout, stderr) of failoverctl args, run in FIXTURES."""
    done = subprocess.run([ctl, *args], cwd=FIXTURES, input=stdin, capture_output=True,
                          text=True, timeout=30)
    return done.returncode, done.stdout, done.stderr


def logs(story):
    return sorted(os.path.join(story, name) for name in os.listdir(os.path.join(FIXTURES, story)))


def expect(ctl, args, code, *needles):
    got, out, err = run(ctl, *args)
    check(got == code, f"failoverctl {' '.join(args)}: exit {got}, expected {code}\n{out}{err}")
    for needle in needles:
        check(needle in out, f"failoverctl {' '.join(args)}: no {needle!r} in\n{out}")
    return out, err


def scenario_exits(ctl):
    out, err = expect(ctl, ["verify", *logs("clean")], 0,
                      "vrid 51/ipv4 (VI_1)\n",
                      "  2026-11-22T17:38:52.150Z  lb2 MASTER (priority_zero_received)\n",
                      "vrid 52/ipv4 (VI_GATEWAY, VI_GW)\n", "): PASSED\n")
    check(err == "", f"clean logs: stderr {err!r}")
    expect(ctl, ["verify", *logs("dual_beyond")], 5,
           "violations (1):\n  dual_beyond/lb2.jsonl:3: vrid 51/ipv4 (VI_1): dual master: "
           "lb1 and lb2 MASTER at once for 3.214 s", "): FAILED\n")
    expect(ctl, ["verify", "--tolerance", "3.5", *logs("dual_beyond")], 0,
           "within the tolerance of 3.500 s")
    expect(ctl, ["verify", *logs("dual_within")], 0, "for 0.004 s", "within the tolerance")
    expect(ctl, ["verify", "--tolerance=0.001", *logs("dual_within")], 5, "DUAL MASTER")
    expect(ctl, ["verify", *logs("illegal")], 5,
           "illegal/lb1.jsonl:5: lb1 VI_1 (vrid 51/ipv4): illegal transition MASTER -> MASTER",
           "illegal/lb1.jsonl:6: lb1 VI_1 (vrid 51/ipv4): BACKUP -> FAULT, but it was MASTER")
    # lb1 logs nothing after becoming MASTER; lb2's log shows it MASTER until 15.214
    expect(ctl, ["verify", *logs("silent_master")], 5,
           "  2026-11-22T17:40:15.214Z  lb1 MASTER ends: last seen in lb2's log (it yielded to lb1)\n",
           "dual master: lb1 and lb2 MASTER at once for 3.214 s")
    expect(ctl, ["verify", *logs("killed")], 0,
           "killed/lb1.jsonl:6: lb1: agent restarted without stop (killed?)")
    expect(ctl, ["verify", *logs("malformed")], 0,
           "malformed/lb1.jsonl:2: malformed line skipped: not JSON",
           "malformed/lb1.jsonl:11: malformed line skipped:", "7 malformed lines")
    # a violation in one story is not hidden by clean logs given with it
    expect(ctl, ["verify", *logs("clean"), *logs("illegal")], 5)


def scenario_json(ctl):
    for args in (["--json", "verify", *logs("dual_beyond")],
                 ["verify", *logs("dual_beyond"), "--json"]):
        code, out, err = run(ctl, *args)
        check(code == 5, f"{args}: exit {code}")
        report = json.loads(out)
        check(report["passed"] is False and report["summary"]["violations"] == 1,
              f"{args}: {report['summary']}")
        violation = report["violations"][0]
        check((violation["kind"], violation["file"], violation["line"]) ==
              ("dual_master", "dual_beyond/lb2.jsonl", 3), f"violation {violation}")
        check(report["routers"][0]["overlaps"][0]["duration"] == 3.214, "duration")
    code, out, _ = run(ctl, "-j", "verify", "--tolerance", "2", *logs("malformed"))
    report = json.loads(out)
    check(code == 0 and report["passed"] is True and report["tolerance"] == 2, "malformed json")
    check([m["line"] for m in report["malformed"]] == [2, 5, 6, 7, 8, 9, 11], "malformed lines")


def scenario_usage(ctl):
    directory = os.path.join("clean")
    cases = [
        (["verify"], "no log given"),
        (["verify", "clean/lb1.jsonl", "missing.jsonl"], "cannot open missing.jsonl"),
        (["verify", directory], "cannot read clean"),
        (["verify", "--tolerance", "abc", *logs("clean")], "--tolerance must be seconds"),
        (["verify", "--tolerance", "-1", *logs("clean")], "--tolerance must be seconds"),
        (["verify", "--tolerance", "nan", *logs("clean")], "--tolerance must be seconds"),
        (["verify", "--tolerance", "", *logs("clean")], "--tolerance must be seconds"),
        (["status", "--tolerance", "1"], "--tolerance is an option of verify only"),
    ]
    for args, message in cases:
        code, out, err = run(ctl, *args)
        check(code == 1, f"{args}: exit {code}, expected 1 ({err})")
        check(out == "", f"{args}: printed a report on a usage error:\n{out}")
        check(message in err, f"{args}: stderr {err!r} lacks {message!r}")


def scenario_stdin(ctl):
    with open(os.path.join(FIXTURES, "dual_beyond", "lb2.jsonl")) as lb2:
        text = lb2.read()
    code, out, _ = run(ctl, "verify", "dual_beyond/lb1.jsonl", "-", stdin=text)
    check(code == 5, f"stdin: exit {code}")
    check("<stdin>:3: vrid 51/ipv4 (VI_1): dual master" in out, f"stdin: {out}")


def scenario_help(ctl):
    code, out, err = run(ctl, "--help")
    check(code == 0 and err == "", "--help")
    check("\n  verify [--tolerance SECONDS] LOG...\n" in out, f"--help lacks verify:\n{out}")
    check("--tolerance SECONDS" in out and "advert interval plus skew" in out,
          "--help lacks --tolerance")
    check("\n  5  verify found a violation" in out, "--help lacks exit code 5")


SCENARIOS = {
    "exits": scenario_exits,
    "json": scenario_json,
    "usage": scenario_usage,
    "stdin": scenario_stdin,
    "help": scenario_help,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctl", required=True, help="path to the failoverctl binary")
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    options = parser.parse_args()
    try:
        SCENARIOS[options.scenario](os.path.abspath(options.ctl))
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    print(f"ok: verify {options.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
