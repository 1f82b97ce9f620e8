#!/usr/bin/env python3
"""Topology and scenario parsing: good files load into the model, bad ones
fail with an error naming the file and the key (no root needed).

The bad files are variations of BASE, one mistake each, written to a
temporary directory; every case states the key the error must name and a
phrase its message must contain.
"""

import os
import subprocess
import tempfile
import textwrap
import unittest

import labtoolcase
from lablib.scenario import START
from lablib.tomlspec import SpecError
from lablib.topology import parse_topology

BASE = textwrap.dedent("""\
    [lab]
    name = "base"
    [switches.lan]
    [hosts.n1]
    routes = ["default via 10.0.0.254"]
    [hosts.n1.failoverd]
    instances.VI_1 = { priority = 150 }
    [hosts.n1.services.web]
    kind = "tcp"
    [hosts.n2]
    [hosts.n2.failoverd]
    instances.VI_1 = { priority = 100 }
    [hosts.c]
    [[links]]
    host = "n1"
    interface = "eth0"
    switch = "lan"
    addresses = ["10.0.0.1/24"]
    [[links]]
    host = "n2"
    interface = "eth0"
    switch = "lan"
    addresses = ["10.0.0.2/24"]
    [[links]]
    host = "c"
    interface = "eth0"
    switch = "lan"
    addresses = ["10.0.0.10/24"]
    [instances.VI_1]
    interface = "eth0"
    vrid = 1
    advert_interval = 0.2
    virtual_addresses = ["10.0.0.100/24"]
    [probes.vip]
    host = "c"
    target = "10.0.0.100:8080"
    [initial]
    n1 = { VI_1 = "MASTER" }
    [scenarios.s]
    code = "S-1"
    [[scenarios.s.steps]]
    name = "pull"
    at = 1.0
    kind = "link_down"
    host = "n1"
    [[scenarios.s.expect]]
    kind = "state"
    host = "n2"
    instance = "VI_1"
    state = "MASTER"
    after = "pull"
    within = 1.0
    """)

STEP = "\n[[scenarios.s.steps]]\n"
EXPECT = "\n[[scenarios.s.expect]]\n"

# (case, text, key the error names, phrase of its message)
BAD = [
    ("toml syntax", BASE + "\n[hosts.n3\n", "", "TOML syntax"),
    ("unknown top-level key", "switchs = 1\n" + BASE, "switchs", "did you mean 'switches'"),
    ("unknown host key", BASE.replace('routes = [', 'route = ['), "hosts.n1.route",
     "did you mean 'routes'"),
    ("link to unknown switch", BASE.replace('switch = "lan"\naddresses = ["10.0.0.2/24"]',
                                            'switch = "lan2"\naddresses = ["10.0.0.2/24"]'),
     "links[1].switch", "unknown switch 'lan2'"),
    ("link to unknown host", BASE.replace('host = "c"\ninterface', 'host = "d"\ninterface'),
     "links[2].host", "unknown host 'd'"),
    ("address without prefix", BASE.replace('"10.0.0.10/24"', '"10.0.0.10"'),
     "links[2].addresses[0]", "prefix length"),
    ("switch and peer", BASE.replace('switch = "lan"\naddresses = ["10.0.0.1/24"]',
                                     'switch = "lan"\npeer = "n2"\naddresses = ["10.0.0.1/24"]'),
     "links[0]", "exactly one of switch, peer"),
    ("interface twice", BASE + '\n[[links]]\nhost = "n1"\ninterface = "eth0"\npeer = "c"\n'
                               'peer_interface = "p1"\n', "links[3].interface",
     "already has an interface eth0"),
    ("host name too long", BASE.replace("[hosts.c]", "[hosts.averyveryverylong]"),
     "hosts.averyveryverylong", "longer than 13"),
    ("reserved host name", BASE.replace("[hosts.c]", "[hosts.sw]"), "hosts.sw", "reserved"),
    ("wrong type", BASE.replace(
        'kind = "tcp"', 'kind = "tcp"\nport = "8080"'), "hosts.n1.services.web.port",
     "must be an integer"),
    ("port out of range", BASE.replace('kind = "tcp"', 'kind = "tcp"\nport = 70000'),
     "hosts.n1.services.web.port", "above the maximum"),
    ("service kind", BASE.replace('kind = "tcp"', 'kind = "tpc"'),
     "hosts.n1.services.web.kind", "did you mean 'tcp'"),
    ("config_file and instances", BASE.replace("instances.VI_1 = { priority = 150 }",
                                               'config_file = "x.conf"\n'
                                               'instances.VI_1 = { priority = 150 }'),
     "hosts.n1.failoverd.instances", "give either config_file or instances"),
    ("config_file missing", BASE.replace("instances.VI_1 = { priority = 150 }",
                                         'config_file = "x.conf"'),
     "hosts.n1.failoverd.config_file", "no such file"),
    ("instance without template", BASE.replace("instances.VI_1 = { priority = 100 }",
                                               "instances.VI_2 = {}"),
     "hosts.n2.failoverd.instances.VI_2", "no [instances.VI_2] template"),
    ("probe target", BASE.replace('target = "10.0.0.100:8080"', 'target = "10.0.0.100"'),
     "probes.vip.target", "ADDRESS:PORT"),
    ("probe sni without tls", BASE.replace('target = "10.0.0.100:8080"',
                                           'target = "10.0.0.100:8080"\nsni = "x"'),
     "probes.vip.sni", "only for mode"),
    ("initial on a host without failoverd", BASE.replace('n1 = { VI_1 = "MASTER" }',
                                                          'c = { VI_1 = "MASTER" }'),
     "initial.c", "not a host running failoverd"),
    ("initial state", BASE.replace('n1 = { VI_1 = "MASTER" }', 'n1 = { VI_1 = "MASTR" }'),
     "initial.n1.VI_1", "did you mean 'MASTER'"),
    ("initial instance", BASE.replace('n1 = { VI_1 = "MASTER" }', 'n1 = { VI_9 = "MASTER" }'),
     "initial.n1.VI_9", "runs no instance 'VI_9'"),
    ("step kind", BASE.replace('kind = "link_down"', 'kind = "link_dwn"'),
     "scenarios.s.steps[0].kind", "did you mean 'link_down'"),
    ("step key of another kind", BASE.replace('kind = "link_down"\nhost = "n1"',
                                              'kind = "link_down"\nhost = "n1"\nswitch = "lan"'),
     "scenarios.s.steps[0].switch", "unknown key"),
    ("missing required step key", BASE + STEP + 'kind = "agent_stop"\n',
     "scenarios.s.steps[1].host", "missing (required)"),
    ("agent fault on a host without failoverd", BASE + STEP + 'kind = "agent_kill"\nhost = "c"\n',
     "scenarios.s.steps[1].host", "does not run failoverd"),
    ("unknown interface", BASE + STEP + 'kind = "link_up"\nhost = "n1"\ninterface = "eth9"\n',
     "scenarios.s.steps[1].interface", "no interface 'eth9'"),
    ("unknown service", BASE + STEP + 'kind = "service_stop"\nhost = "n1"\nservice = "smtp"\n',
     "scenarios.s.steps[1].service", "no service 'smtp'"),
    ("steps out of order", BASE + STEP + 'kind = "link_up"\nhost = "n1"\nat = 0.5\n',
     "scenarios.s.steps[1].at", "before an earlier step"),
    ("at and delay", BASE + STEP + 'kind = "link_up"\nhost = "n1"\nat = 2.0\ndelay = 1.0\n',
     "scenarios.s.steps[1].delay", "not both"),
    ("duplicate step name", BASE + STEP + 'name = "pull"\nkind = "link_up"\nhost = "n1"\n',
     "scenarios.s.steps[1].name", "already used"),
    ("undrop of a non-drop", BASE + STEP + 'kind = "undrop"\nrule = "pull"\n',
     "scenarios.s.steps[1].rule", "not an earlier drop or loss"),
    ("drop on host and switch", BASE + STEP + 'kind = "drop"\nhost = "n1"\nswitch = "lan"\n',
     "scenarios.s.steps[1]", "exactly one of host, switch"),
    ("loss percent", BASE + STEP + 'kind = "loss"\nhost = "n1"\npercent = 150\n',
     "scenarios.s.steps[1].percent", "above the maximum"),
    ("maintenance mode", BASE + STEP + 'kind = "maintenance"\nhost = "n1"\ninstance = "VI_1"\n'
                                       'mode = "yes"\n',
     "scenarios.s.steps[1].mode", "not on or off"),
    ("wait with nothing", BASE + STEP + 'kind = "wait"\n', "scenarios.s.steps[1]",
     "needs seconds"),
    ("expectation kind", BASE + EXPECT + 'kind = "states"\n', "scenarios.s.expect[1].kind",
     "did you mean 'state'"),
    ("expectation after an unknown step", BASE.replace('after = "pull"', 'after = "plug"'),
     "scenarios.s.expect[0].after", "no step 'plug'"),
    ("expectation instance", BASE.replace('instance = "VI_1"\nstate', 'instance = "VI_2"\nstate'),
     "scenarios.s.expect[0].instance", "runs no instance 'VI_2'"),
    ("bad regex", BASE + EXPECT + 'kind = "log_contains"\nhost = "n1"\npattern = "(("\n',
     "scenarios.s.expect[1].pattern", "not a regular expression"),
    ("unknown probe", BASE + EXPECT + 'kind = "max_outage"\nprobe = "vpi"\nmax = 1.0\n',
     "scenarios.s.expect[1].probe", "did you mean 'vip'"),
    ("scenario probe list", BASE.replace('code = "S-1"', 'code = "S-1"\nprobes = ["web"]'),
     "scenarios.s.probes[0]", "unknown probe 'web'"),
]


class GoodFiles(unittest.TestCase):
    def test_two_node(self):
        topo = parse_topology(labtoolcase.TWO_NODE)
        self.assertEqual(list(topo.hosts), ["lb1", "lb2", "client"])
        self.assertEqual([a.host for a in topo.agents()], ["lb1", "lb2"])
        lb1 = topo.hosts["lb1"].agent.instances[0]
        self.assertEqual((lb1["name"], lb1["priority"], lb1["advert_interval"], lb1["vrid"]),
                         ("VI_1", 150, 0.1, 51))
        self.assertEqual(topo.hosts["lb2"].agent.instances[0]["priority"], 100)
        self.assertEqual(topo.initial, {"lb1": {"VI_1": "MASTER"}, "lb2": {"VI_1": "BACKUP"}})
        self.assertEqual(list(topo.scenarios), ["healthy", "master_crash", "master_stop",
                                                "master_cable", "maintenance"])
        self.assertAlmostEqual(topo.advert_interval(), 0.1)
        crash = topo.scenarios["master_crash"]
        self.assertEqual(crash.code, "TN-02")
        self.assertEqual([(s.name, s.kind, s.at) for s in crash.steps],
                         [("crash", "node_crash", 1.0)])
        state = crash.expectations[0]
        self.assertEqual(state.params, {"host": "lb2", "instance": "VI_1", "state": "MASTER",
                                        "after": "crash", "within": 1.0})
        self.assertEqual(topo.probes["vip"].address, "10.99.0.100")
        self.assertEqual(topo.probes["vip"].port, 8080)

    def test_features(self):
        topo = parse_topology(os.path.join(labtoolcase.DATA, "features.toml"))
        self.assertTrue(topo.hosts["lb2"].agent.config_file.endswith("data/lb2.conf"))
        self.assertIsNone(topo.hosts["lb2"].agent.instance_names())
        self.assertEqual(topo.hosts["lb1"].agent.extra["checks"][0]["name"], "smtps")
        self.assertIn("dnat to 10.20.0.100:465", topo.hosts["router"].nftables)
        self.assertEqual(topo.hosts["router"].sysctl["net.ipv4.ip_forward"], 1)
        self.assertEqual(topo.hosts["lb1"].interfaces(topo), ["eth0", "hb0"])
        self.assertEqual(topo.hosts["lb2"].interfaces(topo), ["eth0", "hb0"])
        hb = topo.link_of("lb2", "hb0")
        self.assertEqual((hb.host, hb.peer, hb.peer_addresses), ("lb1", "lb2", ["10.30.0.2/30"]))
        services = topo.hosts["lb2"].services
        self.assertEqual((services["smtps"].kind, services["smtps"].port,
                          services["smtps"].banner), ("tls", 465, "220 lb2 ESMTP ready"))
        self.assertEqual(services["web"].reply, "ok lb2")
        self.assertEqual(topo.probes["smtps"].mode, "tls")
        cut = topo.scenarios["vrrp_cut"].steps[0]
        self.assertEqual((cut.params["switch"], cut.params["match"], cut.params["chain"]),
                         ("lan", "meta l4proto 112", "forward"))
        lossy = topo.scenarios["backup_faults"].step("lossy")
        self.assertEqual((lossy.params["host"], lossy.params["chain"], lossy.params["percent"]),
                         ("router", "forward", 10))
        faults = topo.scenarios["backup_faults"]
        self.assertEqual(faults.step("pause").params, {"seconds": 0.2})
        freeze = topo.scenarios["freeze"]
        self.assertEqual(freeze.step("lb2_master").params["timeout"], 2.0)
        self.assertEqual(freeze.step("thaw").delay, 0.3)

    def test_defaults(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "base.toml")
            with open(path, "w") as f:
                f.write(BASE + EXPECT + 'kind = "no_transition"\nhost = "n1"\n')
            topo = parse_topology(path)
        scenario = topo.scenarios["s"]
        self.assertEqual(scenario.probes, ["vip"])
        self.assertEqual(scenario.initial, {"n1": {"VI_1": "MASTER"}})
        self.assertEqual(scenario.steps[0].params, {"host": "n1", "interface": "eth0",
                                                    "end": "host"})
        self.assertEqual(scenario.expectations[1].params["after"], START)
        probe = topo.probes["vip"]
        self.assertEqual((probe.mode, probe.interval_ms, probe.timeout_ms), ("tcp", 10, 50))
        self.assertEqual(topo.hosts["n1"].services["web"].port, 8080)
        self.assertEqual(topo.hosts["n1"].services["web"].reply, "n1")


class BadFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, text):
        path = os.path.join(self.tmp.name, f"{name.replace(' ', '_')}.toml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_base_is_good(self):
        parse_topology(self.write("base", BASE))

    def test_bad_files(self):
        for case, text, key, phrase in BAD:
            with self.subTest(case=case):
                path = self.write(case, text)
                with self.assertRaises(SpecError) as ctx:
                    parse_topology(path)
                err = ctx.exception
                self.assertEqual(err.key, key, str(err))
                self.assertIn(phrase, err.message, str(err))
                prefix = f"{path}: {key}: " if key else f"{path}: "
                self.assertTrue(str(err).startswith(prefix), str(err))

    def test_missing_file(self):
        with self.assertRaises(SpecError) as ctx:
            parse_topology(os.path.join(self.tmp.name, "nope.toml"))
        self.assertIn("no such file", str(ctx.exception))

    def test_command_line_names_file_and_key(self):
        case, text, key, phrase = BAD[3]
        path = self.write(case, text)
        run = subprocess.run(labtoolcase.lab_command("check", path), capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn(f"{path}: {key}: ", run.stderr)
        self.assertIn(phrase, run.stderr)
        run = subprocess.run(labtoolcase.lab_command("run", labtoolcase.TWO_NODE, "--scenario",
                                                     "nosuch"),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("no scenario nosuch", run.stderr)

    def test_failoverd_refuses_a_generated_config(self):
        failoverd = os.path.join(labtoolcase.BUILD_DIR, "failoverd")
        if not os.access(failoverd, os.X_OK):
            self.skipTest(f"{failoverd} not built")
        path = self.write("vrid", BASE.replace("vrid = 1\n", "vrid = 300\n"))
        run = subprocess.run(labtoolcase.lab_command("check", path), capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn(f"{path}: n1: failoverd -t refused the configuration generated from "
                      "hosts.n1.failoverd", run.stderr)
        self.assertRegex(run.stderr, r"n1\.failoverd\.conf:\d+: .*vrid")
        self.assertIn("n2: failoverd -t refused", run.stderr)
        good = subprocess.run(labtoolcase.lab_command("check", labtoolcase.TWO_NODE),
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(good.returncode, 0, good.stderr)
        self.assertIn("2 failoverd configurations valid", good.stdout)


if __name__ == "__main__":
    labtoolcase.main()
