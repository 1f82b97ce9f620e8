"""Topology files of scripts/failover-lab: parsing and validation.

A topology file (conf/lab/*.toml) describes a whole site -- hosts (network
namespaces), switches (bridges), links (cables), addresses, routes, firewall
rules, the hosts that run failoverd and with which configuration, services
and probes -- plus the scenarios run against it (scenario.py).  man
failover-lab(1) documents every key; this module is its executable form.

Everything is checked before a single namespace exists: a key that is
unknown, of the wrong type, out of range, or naming a host, switch, instance
or step that does not exist is a SpecError naming the file and the key.
What only failoverd can judge (its own configuration) is checked by
`failoverd -t` when the lab is built (deploy.py).

The result is plain data (dataclasses), so deploy.py, the scenario runner
and the tests work from the same model.
"""

import ipaddress
import os
import re
from dataclasses import dataclass, field

from .tomlspec import Section, SpecError, hint, load_toml

IFNAMSIZ = 15
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Names the lab itself uses: the switch namespace and its default bridge.
RESERVED_HOSTS = {"sw"}
SERVICE_KINDS = ("tcp", "tls", "http")
PROBE_MODES = ("tcp", "tls", "udp")
STATES = ("MASTER", "BACKUP", "FAULT", "INIT")
DEFAULT_PORTS = {"tcp": 8080, "tls": 465, "http": 80}


@dataclass
class LinkSpec:
    """A cable: host:interface to a switch port, or to peer:peer_interface."""
    key: str
    host: str
    interface: str
    switch: str = None
    peer: str = None
    peer_interface: str = None
    addresses: list = field(default_factory=list)
    peer_addresses: list = field(default_factory=list)


@dataclass
class ServiceSpec:
    key: str
    host: str
    name: str
    kind: str
    port: int
    bind: str = "::"
    banner: str = None          # tls: the line after the handshake
    reply: str = None           # tcp: the line each connection gets; http: the body


@dataclass
class AgentSpec:
    """failoverd on a host: a config file as is, or one generated from
    instance templates, per-host overrides and extra top-level settings."""
    key: str
    host: str
    config_file: str = None
    instances: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def instance_names(self):
        """Instance names when known (a config_file is not read here)."""
        return None if self.config_file else [i["name"] for i in self.instances]

    def advert_intervals(self):
        return [float(i.get("advert_interval", 1.0)) for i in self.instances]


@dataclass
class BondSpec:
    """An active-backup bond of a host's uplinks, bridged with the host's
    other ports (a virtualisation host whose VMs hang off a bridge): the
    kernel's bonding driver when it exists, else emulated (bond.py)."""
    key: str
    host: str
    name: str = "bond0"
    members: list = field(default_factory=list)     # first = primary
    bridge: str = "br0"
    bridge_ports: list = field(default_factory=list)
    emulate: str = "auto"       # auto | always | never
    poll_ms: int = 10


@dataclass
class HostSpec:
    key: str
    name: str
    description: str = ""
    routes: list = field(default_factory=list)
    sysctl: dict = field(default_factory=dict)
    nftables: str = None
    services: dict = field(default_factory=dict)     # name -> ServiceSpec
    agent: AgentSpec = None
    bond: BondSpec = None

    def interfaces(self, topology):
        """Interface names of this host, in link order."""
        names = []
        for link in topology.links:
            if link.host == self.name:
                names.append(link.interface)
            if link.peer == self.name:
                names.append(link.peer_interface)
        return names


@dataclass
class ProbeSpec:
    key: str
    name: str
    host: str
    target: str
    address: str
    port: int
    mode: str = "tcp"
    interval_ms: int = 10
    timeout_ms: int = 50
    expect: str = None
    sni: str = None
    send: str = None


@dataclass
class Topology:
    path: str
    name: str
    description: str = ""
    switches: dict = field(default_factory=dict)     # name -> description
    hosts: dict = field(default_factory=dict)        # name -> HostSpec, file order
    links: list = field(default_factory=list)
    trunks: list = field(default_factory=list)       # (switch, switch) pairs
    probes: dict = field(default_factory=dict)       # name -> ProbeSpec
    initial: dict = field(default_factory=dict)      # host -> {instance: state}
    scenarios: dict = field(default_factory=dict)    # name -> Scenario, file order

    def agents(self):
        return [h.agent for h in self.hosts.values() if h.agent]

    def advert_interval(self):
        """The longest advert interval of any inline instance (1.0 if unknown)."""
        values = [v for a in self.agents() for v in a.advert_intervals()]
        unknown = any(a.config_file for a in self.agents())
        return max(values + ([1.0] if unknown or not values else []))

    def link_of(self, host, interface):
        for link in self.links:
            if (link.host, link.interface) == (host, interface):
                return link
            if (link.peer, link.peer_interface) == (host, interface):
                return link
        return None


def parse_topology(path, with_scenarios=True):
    """Read and check a topology file; return a Topology (SpecError if wrong)."""
    root = Section(path, "", load_toml(path))
    lab = root.section("lab")
    default_name = os.path.splitext(os.path.basename(path))[0]
    topo = Topology(path=path, name=lab.get("name", str, default_name),
                    description=lab.get("description", str, ""))
    lab.done()
    templates = _parse_templates(root.section("instances"))
    _parse_switches(topo, root.section("switches"))
    _parse_hosts(topo, root.section("hosts"), templates)
    _parse_links(topo, root)
    _parse_trunks(topo, root)
    for host in topo.hosts.values():
        if host.bond is not None:
            _check_bond(topo, host.bond)
    _parse_probes(topo, root.section("probes"))
    topo.initial = parse_initial(topo, root.section("initial"))
    if with_scenarios:
        from .scenario import parse_scenarios
        topo.scenarios = parse_scenarios(topo, root.section("scenarios"))
    else:
        root.raw("scenarios")
    root.done()
    return topo


def check_name(section, key, name, what, limit=IFNAMSIZ):
    if not NAME_RE.match(name):
        raise section.error(key, f"{what} name {name!r} must start with a lowercase letter "
                                 "and hold only lowercase letters, digits and '_'")
    if len(name) > limit:
        raise section.error(key, f"{what} name {name!r} is longer than {limit} characters")


def _parse_templates(section):
    templates = {}
    for name, sub in section.named_sections():
        sub.used.update(sub.table)     # failoverd's own keys: checked by failoverd -t
        templates[name] = dict(sub.table, name=name)
    return templates


def _parse_switches(topo, section):
    for name, sub in section.named_sections():
        check_name(section, name, name, "switch")
        topo.switches[name] = sub.get("description", str, "")
        sub.done()


def _parse_hosts(topo, section, templates):
    if not section.table:
        raise section.error(None if section.key else "hosts", "no hosts declared")
    for name, sub in section.named_sections():
        # "p-<host>" is the longest name the lab derives from a host name.
        check_name(section, name, name, "host", IFNAMSIZ - 2)
        if name in RESERVED_HOSTS:
            raise section.error(name, f"host name {name!r} is reserved for the lab's switch "
                                      "namespace")
        host = HostSpec(key=sub.key, name=name, description=sub.get("description", str, ""))
        host.routes = sub.strings("routes")
        host.sysctl = _parse_sysctl(sub)
        if sub.get("forwarding", bool, False):
            host.sysctl.setdefault("net.ipv4.ip_forward", 1)
            host.sysctl.setdefault("net.ipv6.conf.all.forwarding", 1)
        host.nftables = _parse_text_or_file(sub, "nftables", "nftables_file")
        for service_name, service in sub.section("services").named_sections():
            host.services[service_name] = _parse_service(name, service_name, service)
        if sub.has("bond"):
            host.bond = _parse_bond(name, sub.section("bond"))
        if sub.has("failoverd"):
            host.agent = _parse_agent(name, sub.section("failoverd"), templates)
        sub.done()
        topo.hosts[name] = host


def _parse_sysctl(sub):
    table = sub.get("sysctl", dict, {})
    for key, value in table.items():
        if not isinstance(value, (int, str)) or isinstance(value, bool):
            raise SpecError(sub.path, f"{sub.sub('sysctl')}.{key}",
                            "must be an integer or a string")
    return dict(table)


def _parse_text_or_file(sub, text_key, file_key):
    text = sub.get(text_key, str)
    file_name = sub.get(file_key, str)
    if text is not None and file_name is not None:
        raise sub.error(file_key, f"give either {text_key} or {file_key}, not both")
    if file_name is None:
        return text
    full = resolve(sub.path, file_name)
    try:
        with open(full) as f:
            return f.read()
    except OSError as err:
        raise sub.error(file_key, f"{full}: {err.strerror}") from None


def resolve(topology_path, name):
    """A path from a topology file: relative to the file's directory."""
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(topology_path)),
                                         name))


def _parse_service(host, name, sub):
    check_name(sub, None, name, "service", 32)
    kind = sub.get("kind", str, required=True, choices=SERVICE_KINDS)
    service = ServiceSpec(key=sub.key, host=host, name=name, kind=kind,
                          port=sub.get("port", int, DEFAULT_PORTS[kind], minimum=1,
                                       maximum=65535))
    if kind == "tcp":
        service.reply = sub.get("reply", str, host)
    elif kind == "tls":
        service.banner = sub.get("banner", str, f"220 {host} ESMTP")
        service.bind = _address(sub, "bind", "::")
    else:
        service.reply = sub.get("reply", str, f"ok {host}")
        service.bind = _address(sub, "bind", "::")
    sub.done()
    return service


def _address(sub, key, default):
    value = sub.get(key, str, default)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise sub.error(key, f"{value!r} is not an IP address") from None
    return value


AGENT_KEYS = ("config_file", "instances", "config")


def _parse_agent(host, sub, templates):
    agent = AgentSpec(key=sub.key, host=host)
    config_file = sub.get("config_file", str)
    if config_file is not None:
        for other in ("instances", "config"):
            if sub.has(other):
                raise sub.error(other, "config_file is used as it is: give either "
                                       "config_file or instances/config")
        agent.config_file = resolve(sub.path, config_file)
        if not os.path.isfile(agent.config_file):
            raise sub.error("config_file", f"{agent.config_file}: no such file")
        sub.done()
        return agent
    instances = sub.section("instances")
    for name, overrides in instances.named_sections():
        if name not in templates and not overrides.table:
            raise instances.error(name, "no settings and no [instances." + name + "] template"
                                  + hint(name, templates))
        overrides.used.update(overrides.table)
        merged = dict(templates.get(name, {}))
        merged.update(overrides.table)
        merged["name"] = name
        agent.instances.append(merged)
    extra = sub.section("config")
    extra.used.update(extra.table)
    if "instances" in extra.table:
        raise extra.error("instances", "instances go in the failoverd.instances table "
                                       "(name = { overrides })")
    agent.extra = dict(extra.table)
    if not agent.instances:
        raise sub.error(None, "runs no instance: add instances.NAME = { ... } or config_file")
    sub.done()
    return agent


def _parse_links(topo, root):
    seen = {}
    for sub in root.sections("links"):
        link = LinkSpec(key=sub.key, host=_host_ref(topo, sub, "host"),
                        interface=sub.get("interface", str, required=True))
        _check_ifname(sub, "interface", link.interface)
        link.addresses = _cidrs(sub, "addresses")
        link.switch = sub.get("switch", str)
        link.peer = sub.get("peer", str)
        if (link.switch is None) == (link.peer is None):
            raise sub.error(None, "a link goes to a switch or to a peer host: give exactly "
                                  "one of switch, peer")
        if link.switch is not None:
            if link.switch not in topo.switches:
                raise sub.error("switch", f"unknown switch {link.switch!r}"
                                + _known(topo.switches, link.switch))
            port = f"{link.switch}-{link.host}"
            if len(port) > IFNAMSIZ:
                raise sub.error("switch", f"switch port name {port!r} (switch-host) is longer "
                                          f"than {IFNAMSIZ} characters: use shorter names")
            if (link.switch, link.host) in seen:
                raise sub.error("switch", f"{link.host} already has a cable to switch "
                                          f"{link.switch} ({seen[(link.switch, link.host)]})")
            seen[(link.switch, link.host)] = sub.key
        else:
            link.peer = _host_ref(topo, sub, "peer")
            link.peer_interface = sub.get("peer_interface", str, required=True)
            _check_ifname(sub, "peer_interface", link.peer_interface)
            link.peer_addresses = _cidrs(sub, "peer_addresses")
            if link.peer == link.host:
                raise sub.error("peer", "a point-to-point link needs two different hosts")
        for host, ifname, key in ((link.host, link.interface, "interface"),
                                  (link.peer, link.peer_interface, "peer_interface")):
            if host is None:
                continue
            if (host, ifname) in seen:
                raise sub.error(key, f"{host} already has an interface {ifname} "
                                     f"({seen[(host, ifname)]})")
            seen[(host, ifname)] = sub.key
        for key in ("peer_interface", "peer_addresses"):
            if link.switch is not None and sub.has(key):
                raise sub.error(key, "only for a link to a peer host")
        sub.done()
        topo.links.append(link)


BOND_EMULATE = ("auto", "always", "never")


def _parse_bond(host, sub):
    bond = BondSpec(key=sub.key, host=host, name=sub.get("name", str, "bond0"),
                    bridge=sub.get("bridge", str, "br0"),
                    emulate=sub.get("emulate", str, "auto", choices=BOND_EMULATE),
                    poll_ms=sub.get("poll_ms", int, 10, minimum=1, maximum=1000))
    _check_ifname(sub, "name", bond.name)
    _check_ifname(sub, "bridge", bond.bridge)
    bond.members = sub.strings("members")
    bond.bridge_ports = sub.strings("bridge_ports")
    if len(bond.members) != 2:
        raise sub.error("members", "an active-backup bond here has exactly two members "
                                   "(the first is the primary)")
    sub.done()
    return bond


def _check_bond(topo, bond):
    names = topo.hosts[bond.host].interfaces(topo)
    seen = set()
    for key, values in (("members", bond.members), ("bridge_ports", bond.bridge_ports)):
        for value in values:
            if value not in names:
                raise SpecError(topo.path, f"{bond.key}.{key}",
                                f"{bond.host} has no interface {value!r}"
                                + _known(names, value))
            if value in seen:
                raise SpecError(topo.path, f"{bond.key}.{key}",
                                f"interface {value!r} is listed twice")
            seen.add(value)
    for link in topo.links:
        if link.host == bond.host and link.interface in seen and link.addresses:
            raise SpecError(topo.path, f"{link.key}.addresses",
                            f"{link.interface} is a port of {bond.host}'s bond or bridge: "
                            "it carries no address")


def _parse_trunks(topo, root):
    """[[trunks]] switches = ["a", "b"]: a cable between two switches (ports
    "a-b" on a and "b-a" on b)."""
    pairs = set()
    for sub in root.sections("trunks"):
        names = sub.strings("switches")
        if len(names) != 2 or names[0] == names[1]:
            raise sub.error("switches", "a trunk joins two different switches")
        for name in names:
            if name not in topo.switches:
                raise sub.error("switches", f"unknown switch {name!r}"
                                + _known(topo.switches, name))
        port = f"{names[0]}-{names[1]}"
        if len(port) > IFNAMSIZ:
            raise sub.error("switches", f"trunk port name {port!r} is longer than "
                                        f"{IFNAMSIZ} characters: use shorter names")
        if frozenset(names) in pairs:
            raise sub.error("switches", "these switches are already joined")
        pairs.add(frozenset(names))
        sub.done()
        topo.trunks.append((names[0], names[1]))


def _host_ref(topo, sub, key):
    name = sub.get(key, str, required=True)
    if name not in topo.hosts:
        raise sub.error(key, f"unknown host {name!r}" + _known(topo.hosts, name))
    return name


def _known(names, wrong):
    listed = ", ".join(names) or "none declared"
    return hint(wrong, names) + f" (known: {listed})"


def _check_ifname(sub, key, name):
    if not name or len(name) > IFNAMSIZ or "/" in name or " " in name:
        raise sub.error(key, f"{name!r} is not a valid interface name (1..{IFNAMSIZ} "
                             "characters, no '/' or space)")


def _cidrs(sub, key):
    values = sub.strings(key)
    for index, value in enumerate(values):
        try:
            ipaddress.ip_interface(value)
            if "/" not in value:
                raise ValueError
        except ValueError:
            raise SpecError(sub.path, f"{sub.sub(key)}[{index}]",
                            f"{value!r} is not an address with a prefix length "
                            "(e.g. 10.0.0.1/24)") from None
    return values


def parse_target(sub, key):
    """'10.0.0.1:80' or '[fd00::1]:80' -> (address, port)."""
    value = sub.get(key, str, required=True)
    match = re.match(r"^\[([0-9a-fA-F:.]+)\]:(\d+)$|^([0-9.]+):(\d+)$", value)
    if not match:
        raise sub.error(key, f"{value!r} is not ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)")
    address = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise sub.error(key, f"{address!r} is not an IP address") from None
    if not 1 <= port <= 65535:
        raise sub.error(key, f"port {port} is out of range 1..65535")
    return value, address, port


def _parse_probes(topo, section):
    for name, sub in section.named_sections():
        check_name(section, name, name, "probe", 32)
        host = _host_ref(topo, sub, "host")
        target, address, port = parse_target(sub, "target")
        probe = ProbeSpec(key=sub.key, name=name, host=host, target=target, address=address,
                          port=port, mode=sub.get("mode", str, "tcp", choices=PROBE_MODES))
        probe.interval_ms = sub.get("interval_ms", int, 10, minimum=1, maximum=60000)
        probe.timeout_ms = sub.get("timeout_ms", int, 50, minimum=1, maximum=60000)
        probe.expect = sub.get("expect", str)
        probe.sni = sub.get("sni", str)
        probe.send = sub.get("send", str)
        if probe.sni is not None and probe.mode != "tls":
            raise sub.error("sni", "only for mode = \"tls\"")
        if probe.send is not None and probe.mode != "udp":
            raise sub.error("send", "only for mode = \"udp\"")
        sub.done()
        topo.probes[name] = probe


def parse_initial(topo, section):
    """{host: {instance: STATE}} (the situation waited for before a scenario)."""
    initial = {}
    for host, sub in section.named_sections():
        spec = topo.hosts.get(host)
        if spec is None or spec.agent is None:
            runs = [h for h, s in topo.hosts.items() if s.agent]
            raise section.error(host, f"{host!r} is not a host running failoverd"
                                + _known(runs, host))
        states = {}
        for instance, _ in list(sub.table.items()):
            check_instance(topo, sub, instance, host, instance)
            states[instance] = sub.get(instance, str, choices=STATES)
        sub.done()
        initial[host] = states
    return initial


def check_instance(topo, sub, key, host, instance):
    """Error unless host's failoverd runs instance (unknowable with config_file)."""
    names = topo.hosts[host].agent.instance_names()
    if names is not None and instance not in names:
        raise sub.error(key, f"{host} runs no instance {instance!r}" + _known(names, instance))
