#!/usr/bin/env python3
"""What conf/lab/pec-access.toml added to the topology format, without root:
trunks, a host's active-backup bond, scenario-level failoverd overrides
(parsed and refused with file and key), and the bond emulation's pure parts
(which member is active, the nft transaction that blocks the standby)."""

import os
import tempfile
import textwrap
import unittest

import labtoolcase
from lablib import bond
from lablib.scenario import apply_overrides
from lablib.tomlspec import SpecError
from lablib.topology import parse_topology

PEC = os.path.join(labtoolcase.SOURCE, "conf", "lab", "pec-access.toml")

BASE = textwrap.dedent("""\
    [switches.sa]
    [switches.sb]
    [[trunks]]
    switches = ["sa", "sb"]
    [hosts.vh]
    [hosts.vh.bond]
    members = ["u1", "u2"]
    bridge_ports = ["v1"]
    [hosts.vm]
    [hosts.vm.failoverd]
    instances.VI_1 = { interface = "eth0", vrid = 1, priority = 100, virtual_addresses = ["10.0.0.9/24"] }
    [[links]]
    host = "vh"
    interface = "u1"
    switch = "sa"
    [[links]]
    host = "vh"
    interface = "u2"
    switch = "sb"
    [[links]]
    host = "vm"
    interface = "eth0"
    peer = "vh"
    peer_interface = "v1"
    addresses = ["10.0.0.1/24"]
    [scenarios.s]
    failoverd = { vm = { VI_1 = { priority = 200 } } }
    """)


class Format(unittest.TestCase):
    def parse(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(text)
        try:
            return parse_topology(f.name)
        finally:
            os.unlink(f.name)

    def test_base(self):
        topo = self.parse(BASE)
        self.assertEqual(topo.trunks, [("sa", "sb")])
        spec = topo.hosts["vh"].bond
        self.assertEqual((spec.name, spec.bridge, spec.members, spec.bridge_ports,
                          spec.emulate, spec.poll_ms),
                         ("bond0", "br0", ["u1", "u2"], ["v1"], "auto", 10))
        changed = apply_overrides(topo, topo.scenarios["s"])
        self.assertEqual(changed.hosts["vm"].agent.instances[0]["priority"], 200)
        self.assertEqual(topo.hosts["vm"].agent.instances[0]["priority"], 100)

    def test_mistakes(self):
        cases = [
            ('switches = ["sa", "sb"]', 'switches = ["sa", "sx"]', "unknown switch 'sx'"),
            ('switches = ["sa", "sb"]', 'switches = ["sa", "sa"]', "two different"),
            ('members = ["u1", "u2"]', 'members = ["u1"]', "exactly two members"),
            ('members = ["u1", "u2"]', 'members = ["u1", "u3"]', "no interface 'u3'"),
            ('bridge_ports = ["v1"]', 'bridge_ports = ["u1"]', "listed twice"),
            ('members = ["u1", "u2"]', 'members = ["u1", "u2"]\nemulate = "yes"', "emulate"),
            ('switch = "sa"\n', 'switch = "sa"\naddresses = ["10.0.0.5/24"]\n',
             "carries no address"),
            ("VI_1 = { priority = 200 }", "VI_9 = { priority = 200 }", "VI_9"),
            ("failoverd = { vm", "failoverd = { vh", "not a host running failoverd"),
        ]
        for old, new, message in cases:
            with self.subTest(new=new):
                self.assertIn(old, BASE)
                with self.assertRaises(SpecError) as err:
                    self.parse(BASE.replace(old, new, 1))
                self.assertIn(message, str(err.exception))

    def test_reference_deployment(self):
        topo = parse_topology(PEC)
        codes = {s.code.split("-")[0] for s in topo.scenarios.values()}
        self.assertEqual(codes, {f"MTest{n:02d}" for n in range(1, 15)})
        self.assertEqual(topo.hosts["vhost"].bond.members, ["up2a", "up2b"])


class Emulation(unittest.TestCase):
    def test_primary_wins_while_it_has_carrier(self):
        members = ["a", "b"]
        self.assertEqual(bond._choose(members, {"a": True, "b": True}, "b"), "a")
        self.assertEqual(bond._choose(members, {"a": False, "b": True}, "a"), "b")
        self.assertEqual(bond._choose(members, {"a": False, "b": False}, "b"), "b")

    def test_ruleset_blocks_only_the_standby(self):
        text = bond.ruleset(["a", "b"], "b")
        self.assertNotIn("table bridge", text)
        self.assertIn('add rule bridge folab_bond standby_in iifname { "a" } counter drop',
                      text)
        self.assertIn('standby_forward oifname { "a" } counter drop', text)
        self.assertNotIn('"b"', text)
        self.assertEqual(text.count("flush chain"), 3)
        created = bond.ruleset(["a", "b"], "a", create=True)
        self.assertIn("hook prerouting", created)
        self.assertIn('{ "b" }', created)


if __name__ == "__main__":
    labtoolcase.main()
