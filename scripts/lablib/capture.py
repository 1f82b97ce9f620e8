"""Packet captures on the lab switch, decoded by tshark.

A capture runs dumpcap (through tshark) inside a namespace for a fixed time,
so it ends by itself; decode_vrrp() reads the file back with tshark's VRRP
dissector and returns one dict per advert.  tshark checks the VRRPv3 IPv4
checksum with the pseudo-header (its default), as keepalived sends it.
Checksum status values are Wireshark's: 0 bad, 1 good, 2 unverified.
Each packet also carries "time", its capture time in seconds (float, the
wall clock of the capture; only differences between packets are meant), and
largest_gap() gives the longest silence between consecutive adverts of one
sender: the timing of a MASTER's adverts; advert_gaps() gives every gap per
(sender, VRID), for checking that no advert left out of rhythm.
decode_arp() reads ARP packets back (a gratuitous ARP is one whose sender
and target protocol addresses are the same: the announcement of a VIP).
"""

import os
import shutil
import subprocess

CHECKSUM_GOOD = "1"
VRRP_FIELDS = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.ttl", "ipv6.hlim", "vrrp.version", "vrrp.type",
               "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.checksum.status", "vrrp.auth_type",
               "vrrp.auth_string", "vrrp.adver_int", "vrrp.short_adver_int",
               "vrrp.addr_count", "vrrp.ip_addr", "vrrp.ipv6_addr"]


def available():
    return shutil.which("tshark") is not None


class Capture:
    """tshark writing packets seen on host's ifname for `seconds` into a pcap."""

    def __init__(self, host, ifname, seconds, bpf="ip proto 112 or ip6 proto 112",
                 name="capture"):
        self.path = os.path.join(host.lab.workdir, f"{name}.pcap")
        self.proc = host.spawn(["tshark", "-q", "-i", ifname, "-a", f"duration:{seconds:g}",
                                "-f", bpf, "-w", self.path], name=name)
        self.seconds = seconds
        # tshark says "Capture started" once dumpcap has the interface open.
        self.proc.wait_line(r"Capture started", 10.0)

    def wait(self):
        code = self.proc.wait(self.seconds + 20.0)
        if code != 0:
            raise RuntimeError(f"tshark exited {code}: {self.proc.tail(5)}")
        return self.path


def decode_vrrp(path):
    """[{field: value}] for every VRRP packet in the capture."""
    argv = ["tshark", "-r", path, "-Y", "vrrp", "-T", "fields", "-E", "separator=\t"]
    for field in VRRP_FIELDS:
        argv += ["-e", field]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    packets = []
    for line in out.splitlines():
        values = line.split("\t")
        packet = dict(zip(VRRP_FIELDS, values + [""] * (len(VRRP_FIELDS) - len(values))))
        packet["src"] = packet["ip.src"] or packet["ipv6.src"]
        packet["time"] = float(packet["frame.time_epoch"])
        packets.append(packet)
    return packets


ARP_FIELDS = ["frame.time_epoch", "eth.src", "arp.opcode", "arp.src.hw_mac",
              "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4"]


def decode_arp(path):
    """[{field: value, "time", "gratuitous"}] for every ARP packet in the capture."""
    argv = ["tshark", "-r", path, "-Y", "arp", "-T", "fields", "-E", "separator=\t"]
    for field in ARP_FIELDS:
        argv += ["-e", field]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    packets = []
    for line in out.splitlines():
        values = line.split("\t")
        packet = dict(zip(ARP_FIELDS, values + [""] * (len(ARP_FIELDS) - len(values))))
        packet["time"] = float(packet["frame.time_epoch"])
        packet["gratuitous"] = (packet["arp.src.proto_ipv4"] != "" and
                                packet["arp.src.proto_ipv4"] == packet["arp.dst.proto_ipv4"])
        packets.append(packet)
    return packets


def advert_gaps(packets):
    """{(src, vrid): [gap seconds between consecutive adverts]} in capture order."""
    times = {}
    for packet in packets:
        times.setdefault((packet["src"], packet["vrrp.virt_rtr_id"]), []).append(packet["time"])
    return {key: [b - a for a, b in zip(sorted(ts), sorted(ts)[1:])]
            for key, ts in times.items()}


def largest_gap(packets, src):
    """(gap seconds, count) over the adverts of `src`, in capture order."""
    times = sorted(p["time"] for p in packets if p["src"] == src)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return (max(gaps) if gaps else None), len(times)
