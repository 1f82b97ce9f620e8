"""Fault steps of a scenario, carried out on a built Site (deploy.py).

Each kind does what happens in a rack, with lablib's primitives:

  link_down/up     Host.link_down/up: end "host" sets the interface down on
                   the host, "switch"/"far" the other end (the bridge port or
                   the peer's veth), so the host only loses carrier
  switch_down/up   every port of the bridge, at the switch end (a dead switch)
  node_crash       power lost: the agent is frozen, every link of the host set
                   down, then the agent SIGKILLed (it neither sends another
                   advert nor sees its links go)
  node_boot        every link of the host up again, then the agent started
  agent_stop/kill/start, freeze/thaw   signals to failoverd (SIGTERM, SIGKILL,
                   SIGSTOP, SIGCONT) and a fresh start with the same config
  drop / loss      an nftables table "folab_<step>" in the host's namespace
                   (inet family, chain input/output/forward) or the switch's
                   (bridge family, forward) dropping what `match` selects,
                   all of it or a random `percent` (numgen random)
  undrop           deletes the table a drop or loss step created
  service_stop/start  the named service of a host
  maintenance      failoverctl maintenance INSTANCE on|off on the host's agent
  wait             a pause, or until host/instance shows a state

apply_step() returns (moment, detail): the CLOCK_MONOTONIC time the fault
took effect (the logs' clock) and a line for the report.  A step that
cannot be carried out raises StepError.
"""

import re
import time

from .netns import LabError
from .process import LabTimeout


class StepError(Exception):
    """A step could not be carried out."""


def apply_step(site, step):
    handler = HANDLERS[step.kind]
    try:
        return handler(site, step.params, step)
    except (LabError, LabTimeout) as err:
        raise StepError(f"{step.name} ({step.kind}): {err}") from None


def _link(site, params, step):
    host = site.hosts[params["host"]]
    action = host.link_down if step.kind == "link_down" else host.link_up
    end = params["end"]
    moment = action("host" if end == "host" else "switch", params["interface"])
    side = "at the host" if end == "host" else "at the far end"
    detail = f"{params['host']} {params['interface']} {step.kind[5:]} {side}"
    if step.kind == "link_up" and end == "host":
        detail += _routes_back(site, params["host"])
    return moment, detail


def _routes_back(site, name):
    if not site.topo.hosts[name].routes:
        return ""
    skipped = site.apply_routes(name, check=False)
    return "; routes re-applied" + (f" ({skipped} not yet possible)" if skipped else "")


def _switch(site, params, step):
    ports = site.switch_ports[params["switch"]]
    state = "down" if step.kind == "switch_down" else "up"
    moment = time.monotonic()
    for port in ports:
        site.lab.switch.ip("link", "set", port, state)
    return moment, f"switch {params['switch']}: {len(ports)} ports {state}"


def _host_links(site, name):
    return site.topo.hosts[name].interfaces(site.topo)


def _running(site, name):
    agent = site.agents[name]
    if agent.proc is None or not agent.proc.alive():
        raise StepError(f"failoverd on {name} is not running")
    return agent


def _node_crash(site, params, step):
    name = params["host"]
    agent = _running(site, name)
    moment = agent.freeze()
    for ifname in _host_links(site, name):
        site.hosts[name].link_down("host", ifname)
    agent.kill()
    agent.deaths[-1] = moment           # power went at the freeze, not at the kill
    links = len(_host_links(site, name))
    return moment, f"{name}: failoverd frozen, {links} link{'s' if links != 1 else ''} " \
                   "down, SIGKILL"


def _node_boot(site, params, step):
    name = params["host"]
    moment = time.monotonic()
    for ifname in _host_links(site, name):
        site.hosts[name].link_up("host", ifname)
    routes = _routes_back(site, name)
    _start(site, name)
    return moment, f"{name}: links up{routes}, failoverd started"


def _start(site, name):
    agent = site.agents[name]
    if agent.proc is not None and agent.proc.alive():
        raise StepError(f"failoverd on {name} is already running")
    return agent.start()


def _agent(site, params, step):
    name = params["host"]
    if step.kind == "agent_start":
        return _start(site, name), f"{name}: failoverd started"
    agent = _running(site, name)
    if step.kind == "agent_stop":
        code = agent.stop()
        return agent.stops[-1], f"{name}: SIGTERM, failoverd exited {code}"
    if step.kind == "agent_kill":
        return agent.kill(), f"{name}: SIGKILL"
    if step.kind == "freeze":
        return agent.freeze(), f"{name}: SIGSTOP"
    return agent.thaw(), f"{name}: SIGCONT"


def table_name(step_name):
    return "folab_" + re.sub(r"[^A-Za-z0-9_]", "_", step_name)


def _drop(site, params, step):
    if "switch" in params:
        where, family = site.lab.switch, "bridge"
        place = f"switch {params['switch']}"
        # Only this switch's bridge (all of them share one namespace): by its
        # ports, since meta ibrname is missing from older kernels.
        ports = ", ".join(f'"{port}"' for port in site.switch_ports[params["switch"]])
        match = f"iifname {{ {ports} }} {params['match']}".strip()
    else:
        where, family = site.hosts[params["host"]], "inet"
        place = params["host"]
        match = params["match"]
    chain = params["chain"]
    verdict = "drop"
    if step.kind == "loss":
        verdict = f"numgen random mod 100 < {params['percent']} drop"
    table = table_name(step.name)
    ruleset = (f"table {family} {table} {{\n"
               f"  chain {chain} {{ type filter hook {chain} priority -50;\n"
               f"    {match} counter {verdict}; }}\n"
               "}\n")
    moment = time.monotonic()
    where.nft(ruleset)
    what = params["match"] or "everything"
    share = f"{params['percent']}% of " if step.kind == "loss" else ""
    return moment, f"{place}: drop {share}{what} ({chain}; table {family} {table})"


def _undrop(site, params, step):
    rule = next(s for s in site.scenario_steps if s.name == params["rule"])
    family = "bridge" if "switch" in rule.params else "inet"
    where = site.lab.switch if "switch" in rule.params else site.hosts[rule.params["host"]]
    moment = time.monotonic()
    where.run(["nft", "delete", "table", family, table_name(rule.name)])
    return moment, f"rule of step {rule.name} removed"


def _service(site, params, step):
    key = (params["host"], params["service"])
    spec = site.topo.hosts[params["host"]].services[params["service"]]
    if step.kind == "service_stop":
        return site.services[key].stop(), f"{params['host']}: service {params['service']} " \
                                          "stopped"
    if site.services[key].proc.alive():
        raise StepError(f"service {params['service']} on {params['host']} is already running")
    moment = time.monotonic()
    site.start_service(spec)
    return moment, f"{params['host']}: service {params['service']} started"


def _maintenance(site, params, step):
    name = params["host"]
    _running(site, name)
    moment = time.monotonic()
    result = site.failoverctl(name, "maintenance", params["instance"], params["mode"])
    if result.returncode != 0:
        raise StepError(f"failoverctl maintenance {params['instance']} {params['mode']} on "
                        f"{name}: exit {result.returncode}: "
                        f"{result.stderr.strip() or result.stdout.strip()}")
    return moment, f"{name}: failoverctl maintenance {params['instance']} {params['mode']}"


def _wait(site, params, step):
    moment = time.monotonic()
    if "seconds" in params and "state" not in params:
        time.sleep(params["seconds"])
        return moment, f"waited {params['seconds']:g} s"
    agent = site.agents[params["host"]]
    instance, state = params["instance"], params["state"]
    if agent.state(instance) != state:
        agent.wait_state(instance, state, params["timeout"], after=moment)
    reached = time.monotonic()
    return reached, f"{params['host']} {instance} {state} after {reached - moment:.3f} s"


HANDLERS = {
    "link_down": _link, "link_up": _link,
    "switch_down": _switch, "switch_up": _switch,
    "node_crash": _node_crash, "node_boot": _node_boot,
    "agent_stop": _agent, "agent_kill": _agent, "agent_start": _agent,
    "freeze": _agent, "thaw": _agent,
    "drop": _drop, "loss": _drop, "undrop": _undrop,
    "service_stop": _service, "service_start": _service,
    "maintenance": _maintenance,
    "wait": _wait,
}
