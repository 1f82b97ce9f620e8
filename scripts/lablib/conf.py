"""Configuration writers: failoverd (libconfig) and keepalived.

Lab code describes a virtual router once, as a dict in failoverd's schema
(see /work/shared/DESIGN.md), e.g.

    {"name": "VI_1", "interface": "eth0", "vrid": 51, "priority": 150,
     "advert_interval": 0.1, "version": 3, "preempt": True,
     "virtual_addresses": ["10.99.0.100/24"], "garp": {"delay": 0.0, "repeat": 1}}

and gets either a failoverd.conf (libconfig_dump) or the equivalent
keepalived.conf (keepalived_config), so the same scenario can run against
either daemon.  Tracking translates where keepalived has an equivalent:
track.interfaces -> track_interface, exec checks of the top-level `checks`
list -> vrrp_script blocks (keepalived 2.2 takes whole seconds only for
interval and timeout: fractions are refused here rather than rounded behind
the caller's back) and track.checks -> track_script; notify scripts map to
notify_master/backup/fault/stop.  Floats are always written with a decimal point because
libconfig distinguishes 1 (int) from 1.0 (float).
"""


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {value!r} in libconfig")


def _value(value, indent):
    pad = "  " * indent
    if isinstance(value, dict):
        inner = "".join(f"{pad}  {key} = {_value(item, indent + 1)};\n"
                        for key, item in value.items())
        return "{\n" + inner + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "( )"
        if all(not isinstance(item, (dict, list, tuple)) for item in value):
            return "( " + ", ".join(_scalar(item) for item in value) + " )"
        inner = ",\n".join(f"{pad}  {_value(item, indent + 1)}" for item in value)
        return "(\n" + inner + "\n" + pad + ")"
    return _scalar(value)


def libconfig_dump(settings):
    """Top-level dict -> libconfig text."""
    return "".join(f"{key} = {_value(value, 0)};\n" for key, value in settings.items())


def failoverd_config(node_name, instances, extra=None):
    """failoverd.conf text for a node running the given instances."""
    settings = {"global": {"node_name": node_name}, "instances": list(instances)}
    settings.update(extra or {})
    return libconfig_dump(settings)


def _keepalived_instance(inst):
    lines = [f"vrrp_instance {inst['name']} {{",
             "    state BACKUP",
             f"    interface {inst['interface']}",
             f"    virtual_router_id {inst['vrid']}",
             f"    priority {inst['priority']}",
             f"    advert_int {inst.get('advert_interval', 1.0):g}"]
    if not inst.get("preempt", True):
        lines.append("    nopreempt")
    garp = inst.get("garp", {})
    if "delay" in garp:
        lines.append(f"    garp_master_delay {int(garp['delay'])}")
    if "repeat" in garp:
        lines.append(f"    garp_master_repeat {garp['repeat']}")
    unicast = inst.get("unicast")
    if unicast:
        lines.append(f"    unicast_src_ip {unicast['source']}")
        lines.append("    unicast_peer {")
        lines += [f"        {peer}" for peer in unicast["peers"]]
        lines.append("    }")
    auth = inst.get("authentication")
    if auth:
        if auth.get("type") != "pass":
            raise ValueError("keepalived writer: only PASS authentication")
        lines += ["    authentication {", "        auth_type PASS",
                  f"        auth_pass {auth['password']}", "    }"]
    track = inst.get("track", {})
    if track.get("interfaces"):
        lines.append("    track_interface {")
        lines += [f"        {item['name']}" + (f" weight {item['weight']}" if "weight" in item
                                               else "") for item in track["interfaces"]]
        lines.append("    }")
    if track.get("checks"):
        lines.append("    track_script {")
        lines += [f"        {item['name']}" + (f" weight {item['weight']}" if "weight" in item
                                               else "") for item in track["checks"]]
        lines.append("    }")
    if track.get("bonds"):
        raise ValueError("keepalived writer: no bond trackers")
    for state, script in inst.get("notify", {}).items():
        key = "notify" if state == "any" else f"notify_{state}"
        lines.append(f'    {key} "{script}"')
    lines.append("    virtual_ipaddress {")
    lines += [f"        {vip} dev {inst['interface']}" for vip in inst["virtual_addresses"]]
    lines.append("    }")
    lines.append("}")
    return "\n".join(lines)


def _whole_seconds(check, key, default):
    value = check.get(key, default)
    if float(value) != int(value) or value < 1:
        raise ValueError(f"keepalived writer: check {check['name']}: {key} {value} is not a "
                         "whole number of seconds >= 1 (keepalived 2.2 refuses it)")
    return int(value)


def _keepalived_script(check):
    if check.get("type") != "exec":
        raise ValueError(f"keepalived writer: check {check['name']}: only exec checks")
    command = " ".join(check["command"])
    return "\n".join([f"vrrp_script {check['name']} {{",
                      f'    script "{command}"',
                      f"    interval {_whole_seconds(check, 'interval', 2)}",
                      f"    timeout {_whole_seconds(check, 'timeout', 1)}",
                      f"    rise {check.get('rise', 2)}",
                      f"    fall {check.get('fall', 3)}",
                      "}"])


def keepalived_config(node_name, instances, extra=None):
    """keepalived.conf text equivalent to failoverd_config(node_name, instances, extra)
    (extra: only `checks`, of type exec)."""
    extra = extra or {}
    unknown = set(extra) - {"checks"}
    if unknown:
        raise ValueError(f"keepalived writer: cannot translate {sorted(unknown)}")
    versions = {inst.get("version", 3) for inst in instances}
    if len(versions) != 1:
        raise ValueError("keepalived writer: all instances must use one VRRP version")
    head = ["global_defs {",
            f"    router_id {node_name}",
            f"    vrrp_version {versions.pop()}",
            "    enable_script_security",
            "    script_user root",
            "}"]
    scripts = [_keepalived_script(check) for check in extra.get("checks", [])]
    return "\n".join(head + scripts + [_keepalived_instance(inst) for inst in instances]) + "\n"
