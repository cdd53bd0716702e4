#!/usr/bin/env python3
"""Static check of the compose files' lockdown: every service runs the conv image at the
project's version (not latest) with
  - read_only: true, and a tmpfs on /tmp;
  - cap_drop: [ALL] and no cap_add, not privileged, not as root (user), not in the host's
    network, PID or IPC namespace;
  - security_opt no-new-privileges:true;
  - mem_limit and pids_limit, positive (the keys docker-compose v1 and podman both honour).
Usage: check_compose.py [FILE...]  (default: compose.yaml compose.scale.yaml). `docker-compose
config -q` checks the syntax; this checks what the files promise. e2e.sh checks the running
containers. Prints one line per problem; exit 1 if any."""
import pathlib
import re
import sys

import yaml

from project import image_tag_problem, root

problems = []


def problem(msg):
    problems.append(msg)


def memory_bytes(value):
    """A compose byte value (an int, or a string such as 128m) in bytes, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = re.fullmatch(r"(\d+)\s*([bkmg]?)b?", str(value).strip().lower())
    if not m:
        return None
    return int(m.group(1)) * 1024 ** "bkmg".index(m.group(2) or "b")


def check_privileges(where, s):
    if s.get("read_only") is not True:
        problem(f"{where}: read_only is not true")
    tmpfs = s.get("tmpfs") or []
    tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
    if not any(t.split(":", 1)[0] == "/tmp" for t in tmpfs):
        problem(f"{where}: no tmpfs on /tmp (the root filesystem is read-only)")
    if s.get("cap_drop") != ["ALL"]:
        problem(f"{where}: cap_drop is {s.get('cap_drop')!r}, want [ALL]")
    if s.get("cap_add"):
        problem(f"{where}: cap_add {s['cap_add']!r}: conv needs no capability")
    if s.get("privileged"):
        problem(f"{where}: privileged")
    if str(s.get("user", "")).split(":", 1)[0] in ("0", "root"):
        problem(f"{where}: runs as root (user: {s['user']})")
    for ns in ("network_mode", "pid", "ipc"):
        if s.get(ns) == "host":
            problem(f"{where}: {ns}: host")
    if "no-new-privileges:true" not in (s.get("security_opt") or []):
        problem(f"{where}: security_opt lacks no-new-privileges:true")


def check_limits(where, s):
    mem = memory_bytes(s.get("mem_limit"))
    if not mem or mem <= 0:
        problem(f"{where}: no mem_limit (or not a size): {s.get('mem_limit')!r}")
    pids = s.get("pids_limit")
    if not isinstance(pids, int) or isinstance(pids, bool) or pids <= 0:
        problem(f"{where}: no positive pids_limit: {pids!r}")


def flag_value(command, flag):
    return command[command.index(flag) + 1] if flag in command[:-1] else None


def check_balancer_listeners(where, s):
    """Scrapers get the read-only metrics listener inside the network (expose, not ports); the
    admin API, which changes state, is never given a non-loopback address here."""
    command = s.get("command") or []
    if not command or command[0] != "balancer":
        return
    metrics = flag_value(command, "--metrics")
    if not metrics or ":" not in metrics:
        problem(f"{where}: the balancer has no --metrics HOST:PORT listener")
        return
    port = metrics.rsplit(":", 1)[1]
    if port not in [str(p) for p in s.get("expose") or []]:
        problem(f"{where}: the metrics port {port} is not exposed to the compose network")
    if any(str(p).split(":")[-1] == port for p in s.get("ports") or []):
        problem(f"{where}: the metrics port {port} is published to the host")
    admin = flag_value(command, "--admin")
    if admin and admin != "off" and admin.rsplit(":", 1)[0] not in ("127.0.0.1", "[::1]", "localhost"):
        problem(f"{where}: the admin API listens on {admin}, beyond the container's loopback")


def check_file(path):
    try:
        doc = yaml.safe_load(path.read_text())  # (resolves the << merge keys, as compose does)
    except (OSError, yaml.YAMLError) as e:
        problem(f"{path.name}: cannot read: {e}")
        return 0
    services = (doc or {}).get("services") or {}
    if not services:
        problem(f"{path.name}: no services")
    for name, s in services.items():
        where = f"{path.name}: {name}"
        tag = image_tag_problem(s.get("image"), where)
        if tag:
            problem(tag)
        check_privileges(where, s)
        check_limits(where, s)
        check_balancer_listeners(where, s)
    return len(services)


files = [pathlib.Path(f) for f in sys.argv[1:]] or [root / "compose.yaml", root / "compose.scale.yaml"]
count = sum(check_file(f) for f in files)
for p in problems:
    print(f"compose: {p}")
if problems:
    sys.exit(1)
print(f"compose: {count} services in {len(files)} files locked down: ok")
