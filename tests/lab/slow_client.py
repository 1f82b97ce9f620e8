#!/usr/bin/env python3
"""Card w - misbehaving control clients never slow the VRRP timers down.

Site:     n1 (150, MASTER) and n2 (100, BACKUP), VRRPv3 at 0.1 s, VIP
          10.99.0.100/24; tshark captures n1's adverts on the switch for 3 s
          while the clients below misbehave on n1's control socket.
Clients:  A sends status requests as fast as the socket takes them and never
          reads a reply; B sends an endless line (8 KiB, no newline); then
          20 clients connect and stay silent.
Expected: failoverctl status answers within a second while A and B are
          connected; B gets the "request longer than 4096 bytes" error, its
          over-long line is dropped up to its newline and the same
          connection then answers a normal request; the 20 idle clients
          never lock an operator out: beyond the 16 client slots the client
          idle longest is closed to make room (logging "closing the one idle
          longest"), so at most 16 stay and failoverctl status still answers
          within a second while they sit there; A and the idle clients are
          cut off by the 10 s idle timeout (asserted < 12.5 s); afterwards
          failoverctl status answers within a second again.
          Throughout, n1's adverts keep their timing: the largest gap
          between two consecutive adverts in the 3 s capture is below 2
          advert intervals, and neither node changes state.
"""

import select
import socket
import sys
import time

import labcase
from labcase import instance
from lablib import capture, wait_until

INTERVAL = 0.1
CAPTURE_S = 3.0
IDLE_TIMEOUT = 10.0             # CONTROL_IDLE_TIMEOUT_S
SLOTS = 16                      # CONTROL_CLIENTS_MAX
IDLE_CLIENTS = 20



def read_line(sock):
    """One reply line from a control connection (or what came before EOF)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data

def hung_up(sock):
    """True once the daemon has closed its end of sock (POLLHUP)."""
    poller = select.poll()
    poller.register(sock, select.POLLHUP | select.POLLERR)
    return any(ev & (select.POLLHUP | select.POLLERR) for _, ev in poller.poll(0))


def flood_without_reading(sock, seconds=1.0, limit=4 << 20):
    """Send status requests until the socket stops taking them; return bytes sent."""
    sock.setblocking(False)
    chunk = b'{"command":"status"}\n' * 512
    sent, deadline = 0, time.monotonic() + seconds
    while sent < limit and time.monotonic() < deadline:
        try:
            sent += sock.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                break
    return sent


def quick_status(case, agent, when):
    result = agent.ctl("status")
    case.check(result.code == 0 and result.seconds < 1.0 and "MASTER" in result.stdout,
               f"{when}: failoverctl status answers within a second ({result})")
    return result


def body(case):
    case.require_failoverd()
    if not capture.available():
        print("SKIP: tshark is not installed")
        sys.exit(77)
    n1, n2 = case.start_pair([instance(priority=150, interval=INTERVAL)],
                             [instance(priority=100, interval=INTERVAL)])
    steady = case.lab_time()
    cap = capture.Capture(case.lab.switch, "br0", CAPTURE_S,
                          bpf="ip proto 112 and src host 10.99.0.1", name="adverts")

    reader_less = n1.control_connect()
    connected_a = case.lab_time()
    flooded = flood_without_reading(reader_less)
    endless = n1.control_connect()
    endless.sendall(b"x" * 4096)
    case.step(f"A sent {flooded} bytes of status requests and reads nothing; "
              "B sent 4 KiB without a newline")
    result = quick_status(case, n1, "with A and B connected")
    case.step(f"failoverctl status answered in {result.seconds * 1000:.0f} ms")

    endless.settimeout(2.0)
    reply = read_line(endless)
    case.check(b"request longer than 4096 bytes" in reply and b'"ok":false' in reply,
               f"B gets the request-too-long error ({reply!r})")
    # The rest of the over-long line is dropped; the connection goes on.
    endless.sendall(b"y" * 4096 + b'\n{"command":"status"}\n')
    reply = read_line(endless)
    case.check(b'"ok":true' in reply and b'"instances"' in reply,
               f"after its newline, B's next request is answered ({reply[:80]!r})")
    endless.close()

    idle = []
    # Evictions happen while the clients connect: look for them from here.
    before_idle = case.lab_time()
    for _ in range(IDLE_CLIENTS):
        idle.append(n1.control_connect())
    connected_idle = case.lab_time()
    wait_until(lambda: sum(hung_up(s) for s in idle) >= IDLE_CLIENTS - (SLOTS - 1), 2.0,
               f"at least {IDLE_CLIENTS - (SLOTS - 1)} idle clients closed to make room")
    time.sleep(0.2)
    closed = sum(hung_up(s) for s in idle)
    kept = IDLE_CLIENTS - closed
    case.check(kept + (0 if hung_up(reader_less) else 1) <= SLOTS,
               f"at most {SLOTS} clients are kept ({kept} idle + A)")
    n1.wait_line(r"control: \d+ clients connected; closing the one idle longest", 2.0,
                 after=before_idle)
    full = n1.ctl("status")
    case.check(full.code == 0 and full.seconds < 1.0,
               f"with every slot taken by idle clients failoverctl still answers ({full})")
    case.step(f"20 idle clients: {closed} closed to make room, {kept} kept; failoverctl "
              f"answered in {full.seconds * 1000:.0f} ms while they sat there")

    path = cap.wait()
    packets = capture.decode_vrrp(path)
    gap, count = capture.largest_gap(packets, "10.99.0.1")
    case.step(f"{count} adverts of n1 in {CAPTURE_S:.0f} s; largest gap "
              f"{(gap or 0) * 1000:.1f} ms")
    case.check(count >= CAPTURE_S / INTERVAL * 0.8, f"n1 kept advertising ({count} adverts)")
    case.check(gap < 2 * INTERVAL, f"n1's adverts keep their timing: largest gap {gap:.3f}s "
                                   f"< {2 * INTERVAL:.1f}s")

    wait_until(lambda: hung_up(reader_less), connected_a + IDLE_TIMEOUT + 2.5 - case.lab_time(),
               "A (never reads) to be cut off")
    cut_a = case.lab_time() - connected_a
    wait_until(lambda: all(hung_up(s) for s in idle),
               connected_idle + IDLE_TIMEOUT + 2.5 - case.lab_time(),
               "the idle clients to be cut off")
    cut_idle = case.lab_time() - connected_idle
    case.step(f"A cut off {cut_a:.1f} s after it connected, the idle clients after "
              f"{cut_idle:.1f} s (idle timeout {IDLE_TIMEOUT:g} s)")
    for sock in idle + [reader_less]:
        sock.close()
    result = quick_status(case, n1, "after the bad clients were cut off")
    case.step(f"failoverctl status answered in {result.seconds * 1000:.0f} ms again")
    for agent in (n1, n2):
        moves = [t for t in agent.transitions("VI_1") if t["mono"] >= steady]
        case.check(not moves, f"{agent.name} keeps its state ({labcase.brief(moves)})")
    case.check(n1.proc.alive(), "n1 is still running")
    case.check_no_rx_errors()


if __name__ == "__main__":
    sys.exit(labcase.run(body, __doc__))
