"""lablib: the failoverd fault-injection lab, as a Python library.

The lab builds a small network out of Linux network namespaces: one namespace
per host, a dedicated "switch" namespace holding a bridge, and a veth pair per
cable (the host end is always called eth0 inside the host namespace, the
switch end is named after the host).  On top of it run the agents under test
(failoverd, or keepalived for comparison and interop), a tiny TCP service on
each node and a probe on the client that keeps hitting the VIP.

Faults are injected the way they happen in a rack: a cable pulled at either
end, a process killed, stopped or frozen, a firewall rule dropping traffic.
Every check reads what the agents themselves wrote (failoverd's JSON event
log, keepalived's log lines stamped as they arrive), never a fixed sleep.

Everything is created under a name prefix unique to the running process
("folab<pid>-") and removed again on every exit path: normal return,
exception, SIGINT/SIGTERM/SIGHUP and atexit.  Namespaces left by a process
that was SIGKILLed are removed by the next Lab() whose pid check finds the
owner dead.

Only the standard library is used, so the lab runs on a bare test host.

Modules:
  netns    namespaces, switch, hosts, cables, addresses, setns, cleanup
  process  processes inside namespaces, their stamped output, wait helpers
  agents   failoverd and keepalived nodes: config, start/stop/crash, states
  conf     libconfig and keepalived.conf writers
  probe    the client probe (build/failover-probe or a Python fallback), the
           node's service and a TLS service for health checks
  verify   checks over merged logs: no two MASTERs at once, transitions,
           sync-group members split across nodes
  capture  tshark captures, VRRP decoding, gaps between adverts
  nsprocs  standalone helpers run inside namespaces (services, probe)
"""

from .netns import (Lab, Host, LabError, VrrpCounter, require_root, netns_socket,
                    process_group)
from .process import Proc, wait_until, LabTimeout
from .agents import FailoverdAgent, KeepalivedAgent, EventLog
from .probe import Probe, Service, TlsService
from .verify import master_intervals, dual_master_overlaps

__all__ = [
    "Lab", "Host", "LabError", "VrrpCounter", "require_root", "netns_socket",
    "process_group",
    "Proc", "wait_until", "LabTimeout",
    "FailoverdAgent", "KeepalivedAgent", "EventLog",
    "Probe", "Service", "TlsService",
    "master_intervals", "dual_master_overlaps",
]
