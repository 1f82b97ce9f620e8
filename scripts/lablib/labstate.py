"""One lab at a time: the lock file of failover-lab, and the leftovers of a crash.

/run/failover-lab/lock is held with flock(2) by the running `up` or `run`
and holds a JSON record of its owner: pid, command, topology, the name
prefix of everything it creates ("folab<pid>", lablib's Lab prefix) and its
work directory.  flock is released by the kernel when its owner dies, even
by SIGKILL, so the lock itself can never go stale; the record stays, and a
record found under a free lock is the trace of a crashed lab whose
namespaces and processes may still exist.  The file is never unlinked (a
process that opened it before an unlink would lock a different inode than
the next one), only emptied when its owner ends cleanly.

Leftovers of a prefix are removed in this order: every process in one of
its namespaces is SIGKILLed, and every process in some other network
namespace than ours whose command line names the prefix (configs and logs
live under a work directory carrying it: this finds an agent whose
namespace lost its name); then the namespaces are deleted (with their
veths, bridges and nftables tables), then the work directories.  Nothing
outside the prefix is touched, nor a process of our namespace reading the
lab's logs.
"""

import contextlib
import fcntl
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

STATE_DIR = "/run/failover-lab"
LOCK_NAME = "lock"


class LabBusy(Exception):
    """Another lab holds the lock; .record says whose it is."""

    def __init__(self, record):
        self.record = record
        pid = record.get("pid", "?")
        super().__init__(f"another lab is running: pid {pid}, `{record.get('command', '?')}` "
                         f"({record.get('topology', '?')}) since {record.get('started', '?')}; "
                         "stop it with `failover-lab down`")


class LabLock:
    def __init__(self, state_dir=STATE_DIR):
        self.path = os.path.join(state_dir, LOCK_NAME)
        self.fd = None
        self.record = {}

    def acquire(self, record):
        """Take the lock (LabBusy if held); return the record of a crashed
        predecessor (non-empty if one was left) after writing ours."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LabBusy(read_record(self.path)) from None
        self.fd = fd
        previous = _read_fd(fd)
        self.write(record)
        return previous

    def write(self, record):
        self.record = dict(record)
        data = json.dumps(self.record, indent=1).encode() + b"\n"
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, data)
        os.fsync(self.fd)

    def release(self):
        """Empty the record (a clean end) and unlock."""
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
        os.close(self.fd)
        self.fd = None


def _read_fd(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    try:
        return json.loads(data) if data.strip() else {}
    except ValueError:
        return {"corrupt": data[:200].decode("utf-8", "replace")}


def read_record(path=os.path.join(STATE_DIR, LOCK_NAME)):
    """The lock file's record ({} when there is none)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}


def lock_held(path=os.path.join(STATE_DIR, LOCK_NAME)):
    """True while some process holds the lock."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def namespaces(prefix):
    """Network namespaces whose name starts with '<prefix>-'."""
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    return [n for n in names if n.startswith(prefix + "-")]


def _netns_pids(ns):
    out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout
    return [int(p) for p in out.split() if p.isdigit()]


def processes_naming(prefix, elsewhere_only=False):
    """Pids (not ours) whose command line contains '<prefix>-'; with
    elsewhere_only, only those in another network namespace than ours (the
    lab starts everything inside its namespaces, so a reader of its logs
    in ours is never one of them)."""
    needle = (prefix + "-").encode()
    here = os.stat("/proc/self/ns/net").st_ino
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if needle not in f.read():
                    continue
            if elsewhere_only and os.stat(f"/proc/{entry}/ns/net").st_ino == here:
                continue
        except OSError:
            continue
        found.append(int(entry))
    return found


def _kill_and_wait(pids, grace=3.0):
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        alive = [p for p in pids if _running(p)]
        if not alive:
            return []
        time.sleep(0.02)
    return [p for p in pids if _running(p)]


def _running(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def work_directories(prefix):
    return sorted(glob.glob(os.path.join(tempfile.gettempdir(), prefix + "-*")))


def remove_leftovers(prefix, log=print, keep_directories=False):
    """Kill, delete and remove everything named with prefix (but the work
    directories if keep_directories); return what was removed as
    {"processes": n, "namespaces": [...], "directories": [...]}."""
    removed = {"processes": 0, "namespaces": [], "directories": []}
    names = namespaces(prefix)
    pids = sorted({pid for ns in names for pid in _netns_pids(ns)}
                  | set(processes_naming(prefix, elsewhere_only=True)))
    stuck = _kill_and_wait(pids)
    removed["processes"] = len(pids) - len(stuck)
    if stuck:
        log(f"warning: processes {stuck} did not die")
    for ns in names:
        result = subprocess.run(["ip", "netns", "del", ns], capture_output=True, text=True)
        if result.returncode == 0:
            removed["namespaces"].append(ns)
        else:
            log(f"warning: ip netns del {ns}: {result.stderr.strip()}")
    for directory in [] if keep_directories else work_directories(prefix):
        shutil.rmtree(directory, ignore_errors=True)
        removed["directories"].append(directory)
    return removed


def stop_owner(record, timeout=30.0, log=print, path=os.path.join(STATE_DIR, LOCK_NAME)):
    """SIGTERM the lock's owner and wait for it to let go of the lock;
    SIGKILL it after timeout.  Returns how it ended ("terminated", "killed")."""
    pid = record.get("pid")
    if not isinstance(pid, int) or not pid_alive(pid):
        return "gone"
    log(f"stopping the running lab (pid {pid})")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not lock_held(path):
            return "terminated"
        time.sleep(0.05)
    log(f"pid {pid} did not stop within {timeout:g} s: SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while lock_held(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return "killed"
