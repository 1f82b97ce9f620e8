#!/usr/bin/env python3
"""Card x - the systemd unit cmake generates passes `systemd-analyze verify`.

Setup:    a throwaway install prefix (a temporary directory): the source tree
          is configured into a throwaway build directory with
          CMAKE_INSTALL_PREFIX=<tmp>/usr (and the logrotate snippet kept
          under <tmp> too), the binaries under test are put where that build
          would have compiled them (nothing is compiled twice), and
          `cmake --install` installs everything into the prefix.
Expected: the installed <tmp>/usr/lib/systemd/system/failoverd.service is
          the build directory's failoverd.service with only the prefix
          changed; its ExecStartPre and ExecStart run <tmp>/usr/sbin/failoverd
          (installed, executable); `systemd-analyze verify --man=no` on it
          exits 0 and says nothing about the unit.  The installed daemon
          answers --help, and its -t accepts the annotated example
          configuration.
Skip:     exit 77 when systemd-analyze or cmake is missing.
No root and no namespaces are needed; nothing outside the temporary
directory is written.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

T0 = time.monotonic()


def step(text):
    print(f"[{time.monotonic() - T0:7.3f}s] {text}", flush=True)


def run(argv, **kwargs):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)
    return done


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def cache_value(build, key):
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            match = re.match(rf"^{re.escape(key)}:[A-Z]+=(.*)$", line.rstrip("\n"))
            if match:
                return match.group(1)
    return None


def body(args, tmp):
    source, build = os.path.abspath(args.source_dir), os.path.abspath(args.build_dir)
    generated = os.path.join(build, "failoverd.service")
    check(os.path.exists(generated), f"the build directory has failoverd.service ({generated})")
    prefix = os.path.join(tmp, "usr")
    scratch = os.path.join(tmp, "build")
    configure = run(["cmake", "-S", source, "-B", scratch, f"-DCMAKE_INSTALL_PREFIX={prefix}",
                     f"-DFAILOVERD_LOGROTATE_DIR={tmp}/etc/logrotate.d"])
    check(configure.returncode == 0, f"throwaway configure exits 0: {configure.stderr[-2000:]}")
    step(f"configured a throwaway build with prefix {prefix}")
    for binary in (args.failoverd, args.failoverctl, args.probe):
        shutil.copy2(binary, os.path.join(scratch, os.path.basename(binary)))
    install = run(["cmake", "--install", scratch])
    check(install.returncode == 0, f"cmake --install into the prefix exits 0: "
                                   f"{install.stderr[-2000:]}")
    unit = os.path.join(prefix, "lib", "systemd", "system", "failoverd.service")
    check(os.path.exists(unit), f"cmake --install installs the unit at {unit}")
    step(f"installed into {prefix}")

    with open(unit) as f:
        installed = f.read()
    with open(generated) as f:
        original = f.read()
    real_prefix = cache_value(build, "CMAKE_INSTALL_PREFIX")
    check(real_prefix and installed == original.replace(real_prefix, prefix),
          f"the installed unit is the build directory's with the prefix {real_prefix} "
          f"replaced by {prefix}")
    daemon = os.path.join(prefix, "sbin", "failoverd")
    execs = dict(re.findall(r"^(ExecStartPre|ExecStart)=(\S+)", installed, re.M))
    check(execs == {"ExecStartPre": daemon, "ExecStart": daemon},
          f"ExecStartPre and ExecStart run {daemon} ({execs})")
    check(os.access(daemon, os.X_OK), f"{daemon} is installed and executable")
    check(re.search(r"^Type=notify$", installed, re.M), "the unit is Type=notify")

    verify = run(["systemd-analyze", "verify", "--man=no", unit], cwd=tmp)
    complaints = [line for line in (verify.stdout + verify.stderr).splitlines()
                  if "failoverd" in line]
    step(f"systemd-analyze verify: exit {verify.returncode}, "
         f"{len(complaints)} lines about the unit")
    check(verify.returncode == 0 and not complaints,
          f"systemd-analyze verify --man=no passes and says nothing about the unit "
          f"(exit {verify.returncode}: {(verify.stdout + verify.stderr).strip()})")

    helped = run([daemon, "--help"])
    check(helped.returncode == 0 and "--control-socket" in helped.stdout,
          f"the installed failoverd answers --help ({helped.returncode})")
    example = os.path.join(source, "conf", "failoverd.conf")
    if os.path.exists(example):
        valid = run([daemon, "-t", "-f", example])
        check(valid.returncode == 0, f"failoverd -t accepts {example}: {valid.stderr.strip()}")
        step("the installed daemon runs; -t accepts conf/failoverd.conf")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--failoverd", required=True)
    parser.add_argument("--failoverctl", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for tool in ("systemd-analyze", "cmake"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} is not installed")
            return 77
    tmp = tempfile.mkdtemp(prefix="lab-systemd-unit-")
    status = 1
    try:
        body(args, tmp)
        status = 0
    except AssertionError as err:
        print(f"FAIL: expected: {err}")
        args.keep = True
    finally:
        if args.keep:
            print(f"work directory kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'PASS' if status == 0 else 'FAIL'}: systemd_unit ({time.monotonic() - T0:.1f}s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
