"""Configuration writers: failoverd (libconfig) and keepalived.

Lab code describes a virtual router once, as a dict in failoverd's schema
(see /work/shared/DESIGN.md), e.g.

    {"name": "VI_1", "interface": "eth0", "vrid": 51, "priority": 150,
     "advert_interval": 0.1, "version": 3, "preempt": True,
     "virtual_addresses": ["10.99.0.100/24"], "garp": {"delay": 0.0, "repeat": 1}}

and gets either a failoverd.conf (libconfig_dump) or the equivalent
keepalived.conf (keepalived_config), so the same scenario can run against
either daemon.  Floats are always written with a decimal point because
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
    lines.append("    virtual_ipaddress {")
    lines += [f"        {vip} dev {inst['interface']}" for vip in inst["virtual_addresses"]]
    lines.append("    }")
    lines.append("}")
    return "\n".join(lines)


def keepalived_config(node_name, instances):
    """keepalived.conf text equivalent to failoverd_config(node_name, instances)."""
    versions = {inst.get("version", 3) for inst in instances}
    if len(versions) != 1:
        raise ValueError("keepalived writer: all instances must use one VRRP version")
    head = ["global_defs {",
            f"    router_id {node_name}",
            f"    vrrp_version {versions.pop()}",
            "    enable_script_security",
            "}"]
    return "\n".join(head + [_keepalived_instance(inst) for inst in instances]) + "\n"
