"""Scenarios of a topology file: timed fault steps and expectations.

A scenario reads like an acceptance card:

    [scenarios.master_crash]
    code = "TN-02"
    description = "lb1 (MASTER) loses power; lb2 takes over"
    [[scenarios.master_crash.steps]]
    name = "crash"
    at = 1.0
    kind = "node_crash"
    host = "lb1"
    [[scenarios.master_crash.expect]]
    kind = "state"
    host = "lb2"
    instance = "VI_1"
    state = "MASTER"
    after = "crash"
    within = 1.0

Each step and expectation kind has a fixed set of keys (FAULTS and
EXPECTATIONS below, each key with its type and whether it is required);
references (hosts, switches, interfaces, services, instances, probes, step
names) are resolved here, so a run never starts with a scenario it cannot
carry out.  The runner (runner.py) applies steps; expect.py judges.
"""

import re
from dataclasses import dataclass, field

from .tomlspec import SpecError, hint
from .topology import STATES, check_instance, check_name, parse_initial

HOST, AGENT, SWITCH, IFACE, END, SERVICE, INSTANCE, STEP, PROBE, TEXT, SECONDS, \
    PERCENT, MODE, STATE, CHAIN, SOURCE, TARGET = (
        "host", "agent", "switch", "interface", "end", "service", "instance", "step",
        "probe", "text", "seconds", "percent", "mode", "state", "chain", "source", "target")

# kind -> {key: (type, required)}; "target" is host or switch (drop, loss).
FAULTS = {
    "link_down": {"host": (HOST, True), "interface": (IFACE, False), "end": (END, False)},
    "link_up": {"host": (HOST, True), "interface": (IFACE, False), "end": (END, False)},
    "switch_down": {"switch": (SWITCH, True)},
    "switch_up": {"switch": (SWITCH, True)},
    "node_crash": {"host": (AGENT, True)},
    "node_boot": {"host": (AGENT, True)},
    "agent_stop": {"host": (AGENT, True)},
    "agent_kill": {"host": (AGENT, True)},
    "agent_start": {"host": (AGENT, True)},
    "freeze": {"host": (AGENT, True)},
    "thaw": {"host": (AGENT, True)},
    "drop": {"host": (TARGET, False), "switch": (TARGET, False), "match": (TEXT, False),
             "chain": (CHAIN, False)},
    "loss": {"host": (TARGET, False), "switch": (TARGET, False), "match": (TEXT, False),
             "chain": (CHAIN, False), "percent": (PERCENT, True)},
    "undrop": {"rule": (STEP, True)},
    "service_stop": {"host": (HOST, True), "service": (SERVICE, True)},
    "service_start": {"host": (HOST, True), "service": (SERVICE, True)},
    "maintenance": {"host": (AGENT, True), "instance": (INSTANCE, True), "mode": (MODE, True)},
    "wait": {"seconds": (SECONDS, False), "host": (AGENT, False),
             "instance": (INSTANCE, False), "state": (STATE, False),
             "timeout": (SECONDS, False)},
}

EXPECTATIONS = {
    "state": {"host": (AGENT, True), "instance": (INSTANCE, True), "state": (STATE, True),
              "within": (SECONDS, True), "after": (STEP, False)},
    "max_outage": {"probe": (PROBE, False), "max": (SECONDS, True),
                   "max_failed": (PERCENT, False)},
    "no_dual_master": {"instance": (INSTANCE, False), "tolerance": (SECONDS, False)},
    "no_transition": {"host": (AGENT, True), "instance": (INSTANCE, False),
                      "after": (STEP, False), "within": (SECONDS, False)},
    "log_contains": {"host": (AGENT, True), "pattern": (TEXT, True), "after": (STEP, False),
                     "within": (SECONDS, False), "source": (SOURCE, False)},
}

ENDS = ("host", "switch", "far")
CHAINS = ("input", "output", "forward")
SOURCES = ("console", "events")
MATCH_ALIASES = {"vrrp": "meta l4proto 112", "all": ""}
COMMON_STEP_KEYS = {"kind", "name", "at", "delay", "note"}
COMMON_EXPECT_KEYS = {"kind", "note"}
START = "start"


@dataclass
class Step:
    index: int
    name: str
    kind: str
    at: float = None        # seconds after the scenario start
    delay: float = 0.0      # or: seconds after the previous step
    note: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class Expectation:
    index: int
    kind: str
    note: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    code: str
    description: str
    initial: dict
    probes: list
    steps: list
    expectations: list
    duration: float = 0.0
    tail: float = 1.0
    initial_timeout: float = 15.0
    overrides: dict = field(default_factory=dict)   # host -> {instance: {setting: value}}

    def step(self, name):
        return next((s for s in self.steps if s.name == name), None)


def parse_scenarios(topo, section):
    scenarios = {}
    for name, sub in section.named_sections():
        check_name(section, name, name, "scenario", 40)
        scenarios[name] = _parse_scenario(topo, name, sub)
    return scenarios


def _parse_scenario(topo, name, sub):
    initial = parse_initial(topo, sub.section("initial")) if sub.has("initial") \
        else dict(topo.initial)
    probes = sub.strings("probes", default=list(topo.probes))
    for index, probe in enumerate(probes):
        if probe not in topo.probes:
            raise SpecError(sub.path, f"{sub.sub('probes')}[{index}]",
                            f"unknown probe {probe!r}" + hint(probe, topo.probes))
    scenario = Scenario(name=name, code=sub.get("code", str, name),
                        description=sub.get("description", str, ""), initial=initial,
                        probes=probes, steps=[], expectations=[],
                        duration=sub.get("duration", float, 0.0, minimum=0.0),
                        tail=sub.get("tail", float, 1.0, minimum=0.0),
                        initial_timeout=sub.get("initial_timeout", float, 15.0, minimum=0.1))
    sub.raw("initial")
    scenario.overrides = _parse_overrides(topo, sub)
    for index, step_sub in enumerate(sub.sections("steps")):
        scenario.steps.append(_parse_step(topo, scenario, index, step_sub))
    for index, exp_sub in enumerate(sub.sections("expect")):
        scenario.expectations.append(_parse_expectation(topo, scenario, index, exp_sub))
    sub.done()
    return scenario


def _parse_overrides(topo, sub):
    """failoverd = { lb2 = { VI_1 = { priority = 200 } } }: instance settings of
    inline configurations replaced for this scenario only (e.g. the other node
    preferred), checked by failoverd -t like the topology's own."""
    overrides = {}
    table = sub.section("failoverd")
    for host, host_sub in table.named_sections():
        spec = topo.hosts.get(host)
        if spec is None or spec.agent is None or spec.agent.config_file:
            raise table.error(host, f"{host!r} is not a host running failoverd with an "
                                    "inline configuration")
        overrides[host] = {}
        for instance, inst_sub in host_sub.named_sections():
            check_instance(topo, host_sub, instance, host, instance)
            inst_sub.used.update(inst_sub.table)
            overrides[host][instance] = dict(inst_sub.table)
        host_sub.done()
    table.done()
    return overrides


def apply_overrides(topo, scenario):
    """A copy of topo whose agents run with scenario's instance overrides."""
    if not scenario.overrides:
        return topo
    import copy
    result = copy.deepcopy(topo)
    for host, instances in scenario.overrides.items():
        for inst in result.hosts[host].agent.instances:
            inst.update(instances.get(inst["name"], {}))
    return result


def _parse_step(topo, scenario, index, sub):
    kind = sub.get("kind", str, required=True, choices=sorted(FAULTS))
    default_name = kind if not any(s.kind == kind for s in scenario.steps) else \
        f"{kind}{index + 1}"
    step = Step(index=index, kind=kind, name=sub.get("name", str, default_name),
                note=sub.get("note", str, ""))
    if step.name == START or scenario.step(step.name):
        raise sub.error("name", f"step name {step.name!r} is already used in this scenario")
    step.at = sub.get("at", float, minimum=0.0)
    step.delay = sub.get("delay", float, 0.0, minimum=0.0)
    if step.at is not None and sub.has("delay"):
        raise sub.error("delay", "give at (from the start) or delay (after the previous "
                                 "step), not both")
    if step.at is not None and scenario.steps:
        before = [s.at for s in scenario.steps if s.at is not None]
        if before and step.at < max(before):
            raise sub.error("at", f"{step.at:g} s is before an earlier step (at "
                                  f"{max(before):g} s): steps run in file order")
    step.params = _parse_params(topo, scenario, sub, FAULTS[kind], COMMON_STEP_KEYS)
    _check_step(topo, scenario, sub, step)
    return step


def _check_step(topo, scenario, sub, step):
    params = step.params
    if step.kind in ("drop", "loss"):
        if ("host" in params) == ("switch" in params):
            raise sub.error(None, f"{step.kind} needs exactly one of host, switch")
        if "switch" in params and params.get("chain", "forward") != "forward":
            raise sub.error("chain", "a switch only forwards: chain must be \"forward\"")
        params.setdefault("chain", "forward" if "switch" in params else "input")
        params["match"] = MATCH_ALIASES.get(params.get("match", "all"),
                                            params.get("match", ""))
    if step.kind == "undrop":
        rule = scenario.step(params["rule"])
        if rule is None or rule.kind not in ("drop", "loss"):
            raise sub.error("rule", f"{params['rule']!r} is not an earlier drop or loss step")
    if step.kind == "wait":
        has_state = any(k in params for k in ("host", "instance", "state"))
        if has_state and not all(k in params for k in ("host", "instance", "state")):
            raise sub.error(None, "a wait for a state needs host, instance and state")
        if not has_state and "seconds" not in params:
            raise sub.error(None, "a wait needs seconds, or host + instance + state")
        if has_state and "seconds" in params:
            raise sub.error("seconds", "a wait for a state takes timeout, not seconds")
        if not has_state and "timeout" in params:
            raise sub.error("timeout", "only for a wait for a state")
        if has_state:
            params.setdefault("timeout", 10.0)
    if "interface" in params and "host" in params:
        names = topo.hosts[params["host"]].interfaces(topo)
        if params["interface"] not in names:
            raise sub.error("interface", f"{params['host']} has no interface "
                                         f"{params['interface']!r}" + hint(params["interface"],
                                                                           names)
                            + f" (known: {', '.join(names) or 'none'})")
    if step.kind in ("link_down", "link_up") and "interface" not in params:
        names = topo.hosts[params["host"]].interfaces(topo)
        if not names:
            raise sub.error("host", f"{params['host']} has no link")
        params["interface"] = names[0]
    if step.kind in ("link_down", "link_up"):
        link = topo.link_of(params["host"], params["interface"])
        end = params.setdefault("end", "host")
        if end == "switch" and link.switch is None:
            raise sub.error("end", "this link goes to a peer host: use end = \"far\"")


def _parse_expectation(topo, scenario, index, sub):
    kind = sub.get("kind", str, required=True, choices=sorted(EXPECTATIONS))
    exp = Expectation(index=index, kind=kind, note=sub.get("note", str, ""))
    exp.params = _parse_params(topo, scenario, sub, EXPECTATIONS[kind], COMMON_EXPECT_KEYS)
    if kind == "log_contains":
        try:
            re.compile(exp.params["pattern"])
        except re.error as err:
            raise sub.error("pattern", f"not a regular expression: {err}") from None
        exp.params.setdefault("source", "console")
    if kind == "max_outage" and "probe" not in exp.params and not scenario.probes:
        raise sub.error(None, "max_outage needs a probe, and this scenario runs none")
    if kind == "max_outage" and "probe" in exp.params and \
            exp.params["probe"] not in scenario.probes:
        raise sub.error("probe", f"probe {exp.params['probe']!r} does not run in this scenario "
                                 f"(probes = {scenario.probes})")
    if "after" in EXPECTATIONS[kind]:
        exp.params.setdefault("after", START)
    return exp


def _parse_params(topo, scenario, sub, spec, common):
    params = {}
    for key, (kind, required) in spec.items():
        if not sub.has(key):
            if required:
                raise sub.error(key, "missing (required)")
            continue
        params[key] = _parse_value(topo, scenario, sub, key, kind, params)
    sub.done(set(spec) | common)
    return params


def _parse_value(topo, scenario, sub, key, kind, params):
    if kind in (SECONDS,):
        return sub.get(key, float, minimum=0.0)
    if kind == PERCENT:
        return sub.get(key, int, minimum=0, maximum=100 if key == "percent" else None)
    value = sub.get(key, str)
    if kind in (HOST, AGENT, TARGET) and key == "host":
        if value not in topo.hosts:
            raise sub.error(key, f"unknown host {value!r}" + hint(value, topo.hosts))
        if kind == AGENT and topo.hosts[value].agent is None:
            raise sub.error(key, f"{value} does not run failoverd")
    elif kind in (SWITCH, TARGET) and key == "switch":
        if value not in topo.switches:
            raise sub.error(key, f"unknown switch {value!r}" + hint(value, topo.switches))
    elif kind == SERVICE:
        services = topo.hosts[params["host"]].services
        if value not in services:
            raise sub.error(key, f"{params['host']} has no service {value!r}"
                            + hint(value, services))
    elif kind == INSTANCE:
        if "host" in params:
            check_instance(topo, sub, key, params["host"], value)
        else:
            _check_instance_anywhere(topo, sub, key, value)
    elif kind == STEP:
        if value != START and scenario.step(value) is None:
            names = [START] + [s.name for s in scenario.steps]
            raise sub.error(key, f"no step {value!r} before this point" + hint(value, names)
                            + f" (steps: {', '.join(names)})")
    elif kind == PROBE:
        if value not in topo.probes:
            raise sub.error(key, f"unknown probe {value!r}" + hint(value, topo.probes))
    elif kind == STATE:
        if value not in STATES:
            raise sub.error(key, f"{value!r} is not one of {', '.join(STATES)}"
                            + hint(value, STATES))
    elif kind == END:
        if value not in ENDS:
            raise sub.error(key, f"{value!r} is not one of {', '.join(ENDS)}")
    elif kind == CHAIN:
        if value not in CHAINS:
            raise sub.error(key, f"{value!r} is not one of {', '.join(CHAINS)}")
    elif kind == MODE:
        if value not in ("on", "off"):
            raise sub.error(key, f"{value!r} is not on or off")
    elif kind == SOURCE:
        if value not in SOURCES:
            raise sub.error(key, f"{value!r} is not one of {', '.join(SOURCES)}")
    return value


def _check_instance_anywhere(topo, sub, key, instance):
    """Error unless some failoverd host runs instance (when all are known)."""
    lists = [a.instance_names() for a in topo.agents()]
    if any(names is None for names in lists):
        return
    known = sorted({name for names in lists for name in names})
    if instance not in known:
        raise sub.error(key, f"no host runs an instance {instance!r}" + hint(instance, known))
