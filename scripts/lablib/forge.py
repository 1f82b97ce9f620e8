"""Hand-made VRRP adverts, sent from inside a lab namespace.

The lab's "attacker" (or misconfigured neighbour) is any host of the lab:
Forger builds IPv4 VRRP packets byte by byte (RFC 5798 5.1/5.2 for v3,
RFC 3768 5.1 for v2) with a raw IP_HDRINCL socket created in that host's
namespace, so TTL, source address, checksum and every field can be wrong
on purpose.  Nothing here needs more than the standard library.

Checksums: "pseudo" (v3 with the IPv4 pseudo-header, keepalived's choice),
"plain" (RFC 9568 / v2: over the VRRP message only), "bad" (pseudo-header
checksum with one bit flipped).
"""

import socket
import struct

from .netns import netns_socket

VRRP_PROTO = 112
VRRP_GROUP4 = "224.0.0.18"


def _ones_complement(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def vrrp_message(version, vrid, priority, interval, addresses, source, destination,
                 checksum="pseudo", auth=None):
    """The VRRP message (no IP header). interval: seconds (v2) or centiseconds (v3)."""
    addrs = b"".join(socket.inet_aton(a) for a in addresses)
    if version == 3:
        head = struct.pack("!BBBBHH", 0x31, vrid, priority, len(addresses),
                           interval & 0x0FFF, 0)
        message = head + addrs
    else:
        auth_type = 1 if auth else 0
        head = struct.pack("!BBBBBBH", 0x21, vrid, priority, len(addresses),
                           auth_type, interval, 0)
        message = head + addrs + (auth or b"").ljust(8, b"\0")[:8]
    if checksum == "pseudo" and version == 3:
        pseudo = (socket.inet_aton(source) + socket.inet_aton(destination)
                  + struct.pack("!BBH", 0, VRRP_PROTO, len(message)))
        value = _ones_complement(pseudo + message)
    else:
        value = _ones_complement(message)
    if checksum == "bad":
        value ^= 0x0001
    return message[:6] + struct.pack("!H", value) + message[8:]


def ipv4_packet(source, destination, payload, ttl=255):
    """IPv4 header + payload; the kernel fills id and header checksum."""
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 0, 0x4000, ttl,
                         VRRP_PROTO, 0, socket.inet_aton(source),
                         socket.inet_aton(destination))
    return header + payload


class Forger:
    """Sends hand-made VRRP packets from a host of the lab."""

    def __init__(self, host):
        self.host = host
        # Protocol IPPROTO_RAW implies IP_HDRINCL: we write the IP header.
        self.sock = netns_socket(host.ns, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, host.ifname.encode())

    def send(self, source, vrid, priority, addresses, version=3, interval=10, ttl=255,
             checksum="pseudo", destination=VRRP_GROUP4, auth=None, count=1):
        message = vrrp_message(version, vrid, priority, interval, addresses, source,
                               destination, checksum, auth)
        packet = ipv4_packet(source, destination, message, ttl)
        for _ in range(count):
            self.sock.sendto(packet, (destination, 0))

    def close(self):
        self.sock.close()
