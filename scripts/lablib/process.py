"""Processes inside lab namespaces, and the one waiting primitive.

A Proc runs `ip netns exec NS argv...` (ip execs the command, so the Popen
pid is the program itself) in its own session, so a Ctrl-C at the terminal
reaches the harness, which then cleans up in order, and never the agents
directly.  stdout and stderr are merged into a pipe read by a thread that
stamps each line with CLOCK_MONOTONIC on arrival (the same clock as
failoverd's `mono` field, so keepalived's text log and failoverd's event log
can be merged on one time line) and copies it to a log file.

wait_until() polls a condition and returns as soon as it holds; timeouts are
generous upper bounds, never the expected duration.
"""

import contextlib
import re
import signal
import subprocess
import threading
import time


class LabTimeout(AssertionError):
    """A condition did not hold within its deadline."""


def wait_until(condition, timeout, what, interval=0.01):
    """Poll condition() until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise LabTimeout(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


class Proc:
    """A program running in a namespace, with its output stamped line by line."""

    def __init__(self, ns, argv, name, log_path, env=None):
        self.ns = ns
        self.argv = list(argv)
        self.name = name
        self.log_path = log_path
        self.lines = []                 # (mono, text)
        self.started = time.monotonic()
        self.ended = None               # mono when we saw it exit
        self._lock = threading.Lock()
        self._log = open(log_path, "a", buffering=1)
        self._log.write(f"# {time.monotonic():.6f} start: {' '.join(self.argv)}\n")
        self.popen = subprocess.Popen(["ip", "netns", "exec", ns, *self.argv],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, start_new_session=True,
                                      env=env)
        self._reader = threading.Thread(target=self._read, daemon=True,
                                        name=f"reader-{name}")
        self._reader.start()

    def __repr__(self):
        return f"Proc({self.name}, pid={self.pid})"

    @property
    def pid(self):
        return self.popen.pid

    def _read(self):
        for raw in self.popen.stdout:
            now = time.monotonic()
            text = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                self.lines.append((now, text))
            with contextlib.suppress(ValueError):
                self._log.write(f"{now:.6f} {text}\n")

    # ---- lifetime ------------------------------------------------------
    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        """Send sig; return the monotonic time it was sent."""
        now = time.monotonic()
        if self.alive():
            self.popen.send_signal(sig)
        return now

    def freeze(self):
        return self.signal(signal.SIGSTOP)

    def thaw(self):
        return self.signal(signal.SIGCONT)

    def kill(self):
        return self.signal(signal.SIGKILL)

    def wait(self, timeout):
        """Wait for exit; return the exit code (negative: killed by signal)."""
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise LabTimeout(f"{self.name} (pid {self.pid}) did not exit within {timeout:g}s")
        if self.ended is None:
            self.ended = time.monotonic()
        self._reader.join(1.0)
        return code

    def terminate_quietly(self, grace=3.0):
        """Cleanup path: SIGCONT, SIGTERM, then SIGKILL after grace. Never raises."""
        try:
            if self.alive():
                self.popen.send_signal(signal.SIGCONT)
                self.popen.send_signal(signal.SIGTERM)
                try:
                    self.popen.wait(grace)
                except subprocess.TimeoutExpired:
                    self.popen.kill()
                    self.popen.wait(2.0)
            self._reader.join(1.0)
        except Exception:   # noqa: BLE001 -- cleanup must go on
            pass
        finally:
            with contextlib.suppress(Exception):
                self._log.close()

    # ---- output --------------------------------------------------------
    def find_lines(self, pattern, after=None):
        """[(mono, line, match)] of lines matching pattern, stamped after `after`."""
        regex = re.compile(pattern)
        with self._lock:
            lines = list(self.lines)
        found = []
        for mono, text in lines:
            if after is not None and mono < after:
                continue
            match = regex.search(text)
            if match:
                found.append((mono, text, match))
        return found

    def wait_line(self, pattern, timeout, after=None):
        """Wait for a line matching pattern; return (mono, line, match)."""
        def first():
            found = self.find_lines(pattern, after)
            return found[0] if found else None
        return wait_until(first, timeout, f"{self.name}: a line matching /{pattern}/")

    def tail(self, count=30):
        with self._lock:
            return [text for _, text in self.lines[-count:]]
