"""An active-backup bond on a lab host: the kernel's, or an emulation of it.

A virtualisation host has two uplinks (one to each access switch) bonded in
active-backup mode, and its VMs hang off a bridge on top of the bond.  Where
the kernel has the bonding driver, setup() builds exactly that:

    bond0 (active-backup, miimon poll_ms, primary = first member)
      members: uplink A, uplink B            bridge br0: bond0 + the VM ports

Where it has not (`ip link add type bond` fails: no module), setup() builds
the closest equivalent out of a bridge and nftables:

    bridge br0: uplink A, uplink B, the VM ports
    table bridge folab_bond: every frame in or out of the standby uplink is
    dropped (prerouting, so the bridge does
    not learn from it, forward and output hooks)

and starts `bond.py watch` in the host, which polls both uplinks' carrier
every poll_ms and makes the first member with carrier the active one (the
primary when it has carrier: primary_reselect=always), swapping the drop
rules in one nft transaction, so the two uplinks never forward at the same
moment (the switches are joined by a trunk: that would be a loop).  After a
swap it sends one broadcast frame per MAC address learned on the VM ports
out of the new active uplink (ethertype 0x88b5), so the switches learn at
once where the VMs are now, as a bond's failover is followed by the VMs'
own traffic.  Each swap is a line "<mono> active <member> ..." in its log.

Only the standard library: the watcher runs as a script in the namespace.
"""

import json
import os
import socket
import subprocess
import sys
import time

TABLE = "folab_bond"
ETH_P_EXPERIMENTAL = 0x88B5


# ---- building (called by deploy.py with a lablib Host) ----------------------
def kernel_has_bonding(host):
    """True when a bond can be created in host's namespace."""
    probe = host.ip("link", "add", "folabbondt", "type", "bond", check=False)
    if probe.returncode != 0:
        return False
    host.ip("link", "del", "folabbondt", check=False)
    return True


def setup(host, spec, spawn_watcher):
    """Build spec (a topology BondSpec) on host; return a one-line description
    of what was built, for the report.  spawn_watcher(argv) starts the
    emulation's watcher in the host and returns its Proc."""
    use_kernel = spec.emulate == "never" or (spec.emulate == "auto" and
                                             kernel_has_bonding(host))
    if use_kernel:
        return _setup_kernel(host, spec)
    return _setup_emulated(host, spec, spawn_watcher)


def _bridge(host, name, ports):
    host.ip("link", "add", name, "type", "bridge", "stp_state", "0", "forward_delay", "0",
            "mcast_snooping", "0")
    for port in ports:
        host.ip("link", "set", port, "master", name, "up")
    host.ip("link", "set", name, "up")


def _setup_kernel(host, spec):
    primary, backup = spec.members
    host.ip("link", "add", spec.name, "type", "bond", "mode", "active-backup",
            "miimon", str(spec.poll_ms))
    for member in spec.members:
        host.ip("link", "set", member, "down")
        host.ip("link", "set", member, "master", spec.name)
        host.ip("link", "set", member, "up")
    host.ip("link", "set", spec.name, "type", "bond", "primary", primary)
    _bridge(host, spec.bridge, [spec.name] + spec.bridge_ports)
    return (f"{spec.host}: kernel bond {spec.name} (active-backup, miimon {spec.poll_ms} ms, "
            f"primary {primary}, backup {backup}) in bridge {spec.bridge}")


def _setup_emulated(host, spec, spawn_watcher):
    primary, backup = spec.members
    _bridge(host, spec.bridge, spec.members + spec.bridge_ports)
    host.nft(ruleset(spec.members, primary, create=True))
    proc = spawn_watcher([sys.executable, os.path.abspath(__file__), "watch",
                          "--bridge", spec.bridge, "--poll-ms", str(spec.poll_ms),
                          *spec.members])
    proc.wait_line(r"^\S+ ready ", 10.0)
    return (f"{spec.host}: EMULATED active-backup {spec.name} (no bonding driver in this "
            f"kernel): bridge {spec.bridge} with {primary} (primary) and {backup}, the "
            f"standby blocked by nftables (table bridge {TABLE}), carrier polled every "
            f"{spec.poll_ms} ms")


def ruleset(members, active, create=False):
    """nft text making `active` the only uplink that forwards (one transaction)."""
    standby = [m for m in members if m != active]
    names = ", ".join(f'"{m}"' for m in standby) or '"-"'
    # Incoming frames are dropped at prerouting, before the bridge learns
    # their source address (it would learn the VMs' peers on the standby).
    hooks = (("standby_in", "prerouting", f"iifname {{ {names} }} counter drop;"),
             ("standby_forward", "forward", f"oifname {{ {names} }} counter drop;"),
             ("standby_output", "output", f"oifname {{ {names} }} counter drop;"))
    lines = [f"table bridge {TABLE} {{"] if create else []
    if create:
        for chain, hook, _ in hooks:
            lines.append(f"  chain {chain} {{ type filter hook {hook} priority -200; }}")
        lines.append("}")
    for chain, _, rules in hooks:
        lines.append(f"flush chain bridge {TABLE} {chain}")
        for rule in rules.split(";"):
            if rule.strip():
                lines.append(f"add rule bridge {TABLE} {chain} {rule.strip()}")
    return "\n".join(lines) + "\n"


# ---- the watcher (runs inside the host's namespace) --------------------------
def _carrier(ifname):
    try:
        with open(f"/sys/class/net/{ifname}/carrier") as f:
            return f.read().strip() == "1"
    except OSError:                     # EINVAL while the link is administratively down
        return False


def _choose(members, carriers, current):
    """Primary when it has carrier, else the first member with carrier, else
    stay (nothing forwards anyway)."""
    for member in members:
        if carriers[member]:
            return member
    return current


def _announce(bridge, members, active):
    """One broadcast frame per MAC learned on the non-uplink ports, out of active."""
    out = subprocess.run(["bridge", "-j", "fdb", "show", "br", bridge], capture_output=True,
                         text=True, check=False).stdout
    try:
        entries = json.loads(out or "[]")
    except ValueError:
        return 0
    macs = {e["mac"] for e in entries
            if e.get("ifname") not in members and "permanent" not in e.get("state", "")
            and "self" not in e.get("flags", []) and not e.get("vlan")}
    sent = 0
    try:
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
            sock.bind((active, 0))
            for mac in sorted(macs):
                src = bytes.fromhex(mac.replace(":", ""))
                frame = b"\xff" * 6 + src + ETH_P_EXPERIMENTAL.to_bytes(2, "big")
                sock.send(frame + b"folab bond failover".ljust(46, b"\0"))
                sent += 1
    except OSError:
        pass
    return sent


def watch(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="bond.py watch")
    parser.add_argument("--bridge", required=True)
    parser.add_argument("--poll-ms", type=int, default=10)
    parser.add_argument("members", nargs=2)
    args = parser.parse_args(argv)
    members = args.members
    active = members[0]
    carriers = {m: _carrier(m) for m in members}
    active = _choose(members, carriers, active)
    _apply(members, active)
    print(f"{time.monotonic():.6f} ready active {active} carrier "
          + " ".join(f"{m}={int(c)}" for m, c in carriers.items()), flush=True)
    while True:
        time.sleep(args.poll_ms / 1000.0)
        now = {m: _carrier(m) for m in members}
        if now != carriers:
            print(f"{time.monotonic():.6f} carrier "
                  + " ".join(f"{m}={int(c)}" for m, c in now.items()), flush=True)
            carriers = now
        chosen = _choose(members, carriers, active)
        if chosen != active:
            moment = time.monotonic()
            _apply(members, chosen)
            active = chosen
            sent = _announce(args.bridge, members, active)
            print(f"{moment:.6f} active {active} (swap took "
                  f"{(time.monotonic() - moment) * 1000:.1f} ms, {sent} MACs announced)",
                  flush=True)


def _apply(members, active):
    subprocess.run(["nft", "-f", "-"], input=ruleset(members, active), text=True,
                   check=True)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "watch":
        print("usage: bond.py watch --bridge BR [--poll-ms N] PRIMARY BACKUP", file=sys.stderr)
        sys.exit(2)
    try:
        watch(sys.argv[2:])
    except KeyboardInterrupt:
        pass
