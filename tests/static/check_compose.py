#!/usr/bin/env python3
"""Static check of the compose files' lockdown: every service runs the conv image at the
project's version (not latest) with
  - read_only: true, and a tmpfs on /tmp;
  - cap_drop: [ALL] and no cap_add, not privileged, not as root (user), not in the host's
    network, PID or IPC namespace;
  - security_opt no-new-privileges:true;
  - mem_limit and pids_limit, positive (the keys docker-compose v1 and podman both honour).
  - TLS (a balancer with --tls-cert, as compose.tls.yaml makes it): every certificate and key
    file under a volume mounted read-only, the --tls-port published, the health check not
    sent as plain HTTP to the TLS port.
Usage: check_compose.py [FILE[+OVERLAY...]...]  (default: compose.yaml compose.scale.yaml
compose.yaml+compose.tls.yaml); FILE+OVERLAY is checked as `docker-compose -f FILE -f OVERLAY`
merges them. `docker-compose config -q` checks the syntax; this checks what the files
promise. e2e.sh checks the running containers. Prints one line per problem; exit 1 if any."""
import os
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


def interpolate(text):
    """${VAR}, ${VAR:-default} and ${VAR-default} as compose expands them."""
    def value(m):
        name, colon, default = m.group(1), m.group(2), m.group(3)
        got = os.environ.get(name)
        return (default or "") if got is None or (colon and not got) else got
    return re.sub(r"\$\{(\w+)(?:(:?)-([^}]*))?\}", value, text)


def tls_paths(command):
    return [command[i + 1] for i, a in enumerate(command[:-1])
            if a in ("--tls-cert", "--tls-key", "--tls-client-ca")]


def check_balancer_tls(where, s):
    """A balancer serving TLS reads its certificate and key from a read-only mount, and the
    host reaches its TLS port."""
    command = s.get("command") or []
    paths = tls_paths(command)
    if not command or command[0] != "balancer" or not paths:
        return
    mounts = []
    for v in s.get("volumes") or []:
        parts = interpolate(v).split(":") if isinstance(v, str) else [v.get("source"), v.get("target"),
                                                          "ro" if v.get("read_only") else "rw"]
        if len(parts) >= 2:
            mounts.append((parts[1].rstrip("/") + "/", "ro" in (parts[2] if len(parts) > 2 else "").split(",")))
    for path in paths:
        mount = next((m for m in mounts if path.startswith(m[0])), None)
        if mount is None:
            problem(f"{where}: TLS file {path} is not under a mounted volume")
        elif not mount[1]:
            problem(f"{where}: TLS file {path} is in a volume not mounted read-only")
    tls_port = flag_value(command, "--tls-port")
    if tls_port is None:
        return
    published = [str(p).rsplit(":", 1)[-1] for p in s.get("ports") or []]
    if tls_port not in published:
        problem(f"{where}: the TLS port {tls_port} (--tls-port) is not published")
    test = " ".join(str(t) for t in (s.get("healthcheck") or {}).get("test") or [])
    if f"http://127.0.0.1:{tls_port}/" in test:
        problem(f"{where}: the health check speaks plain HTTP to the TLS port {tls_port}")
    elif f"https://127.0.0.1:{tls_port}/" not in test:
        problem(f"{where}: the health check does not probe the TLS port {tls_port} over https://")


CONCATENATED = ("ports", "expose", "tmpfs", "dns", "dns_search", "external_links")


def merge_service(base, over):
    """One service of `docker-compose -f BASE -f OVER`: these lists add up, volumes merge by
    their path in the container, mappings merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if key in CONCATENATED and isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        elif key == "volumes" and isinstance(old, list) and isinstance(value, list):
            target = lambda v: v.split(":")[1] if isinstance(v, str) else v.get("target")  # noqa: E731
            kept = [v for v in old if target(v) not in {target(n) for n in value}]
            out[key] = kept + value
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = {**old, **value}
        else:
            out[key] = value
    return out


def load(spec):
    """The compose document of FILE, or of FILE+OVERLAY... merged as docker-compose does."""
    merged = None
    for part in str(spec).split("+"):
        path = pathlib.Path(part)
        doc = yaml.safe_load(path.read_text()) or {}  # (resolves << merge keys, as compose does)
        if merged is None:
            merged = doc
            continue
        services = merged.setdefault("services", {})
        for name, s in (doc.get("services") or {}).items():
            if name not in services:
                problem(f"{path.name}: overlays service {name}, which the files before it lack")
            services[name] = merge_service(services.get(name) or {}, s or {})
    return merged


def check_file(spec):
    label = "+".join(pathlib.Path(p).name for p in str(spec).split("+"))
    try:
        doc = load(spec)
    except (OSError, yaml.YAMLError) as e:
        problem(f"{label}: cannot read: {e}")
        return 0
    services = (doc or {}).get("services") or {}
    if not services:
        problem(f"{label}: no services")
    for name, s in services.items():
        where = f"{label}: {name}"
        tag = image_tag_problem(s.get("image"), where)
        if tag:
            problem(tag)
        check_privileges(where, s)
        check_limits(where, s)
        check_balancer_listeners(where, s)
        check_balancer_tls(where, s)
    return len(services)


files = sys.argv[1:] or [root / "compose.yaml", root / "compose.scale.yaml",
                         f"{root / 'compose.yaml'}+{root / 'compose.tls.yaml'}"]
count = sum(check_file(f) for f in files)
for p in problems:
    print(f"compose: {p}")
if problems:
    sys.exit(1)
print(f"compose: {count} services in {len(files)} files locked down: ok")
