#!/usr/bin/env python3
"""Static check of deploy/kubernetes/: every file parses, every object is well-formed, and the
pieces the docs (docs/operations.md) promise are there and agree with each other:
  - a converter Deployment with liveness on /healthz and readiness on /readyz;
  - a headless Service selecting the converter Pods, the name the balancer resolves;
  - a balancer Deployment and a Service selecting it;
  - ConfigMaps holding balancer.json (valid, upstream = the headless Service, "resolve": "all")
    and rates.json (valid JSON, the same as configs/rates.json), mounted where the args read;
  - terminationGracePeriodSeconds above each role's drain timeout;
  - the lockdown (kubernetes_lockdown.py): no service-account token, the image's non-root
    user, RuntimeDefault seccomp, no privilege escalation, read-only root, no capabilities,
    memory limits, the image at the project's version; NetworkPolicies that let only the
    balancer reach the converters, and the world only the balancer's Service ports;
  - TLS (docs/tls.md): the certificate and key (--tls-cert, --tls-key) are the tls.crt and
    tls.key of a Secret mounted read-only, the --tls-port is a declared container port that a
    Service serves, and no probe sends plain HTTP to it.
Usage: check_kubernetes.py [DIR] [--conv PATH]  (with --conv, balancer.json is also validated
by `conv balancer --check`, and every flag in each container's args must be one that
`conv ROLE --help` lists). Prints one line per problem; exit 1 if any."""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

import kubernetes_lockdown

root = pathlib.Path(__file__).resolve().parents[2]
args = sys.argv[1:]
conv = None
if "--conv" in args:
    i = args.index("--conv")
    conv = args[i + 1]
    del args[i : i + 2]
kdir = pathlib.Path(args[0]) if args else root / "deploy" / "kubernetes"
problems = []


def problem(msg):
    problems.append(msg)


objects = []
for path in sorted(kdir.glob("*.yaml")):
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    except yaml.YAMLError as e:
        problem(f"{path.name}: does not parse: {e}")
        continue
    for d in docs:
        where = f"{path.name}: {d.get('kind', '?')}/{(d.get('metadata') or {}).get('name', '?')}"
        for field in ("apiVersion", "kind"):
            if field not in d:
                problem(f"{where}: no {field}")
        if d.get("kind") != "Kustomization" and not (d.get("metadata") or {}).get("name"):
            problem(f"{where}: no metadata.name")
        objects.append((path.name, d))

kustomization = [d for _, d in objects if d.get("kind") == "Kustomization"]
if kustomization:
    listed = set(kustomization[0].get("resources", []))
    for path in kdir.glob("*.yaml"):
        if path.name != "kustomization.yaml" and path.name not in listed:
            problem(f"kustomization.yaml does not list {path.name}")


def of_kind(kind):
    return [d for _, d in objects if d.get("kind") == kind]


def by_component(kind, component):
    found = [
        d
        for d in of_kind(kind)
        if (d["metadata"].get("labels") or {}).get("app.kubernetes.io/component") == component
    ]
    if len(found) != 1:
        problem(f"want one {kind} for the {component}, found {len(found)}")
        return None
    return found[0]


def container_of(dep):
    try:
        return dep["spec"]["template"]["spec"]["containers"][0]
    except (KeyError, IndexError, TypeError):
        problem(f"Deployment/{dep['metadata']['name']}: no container")
        return None


def probe_path(container, probe):
    return ((container.get(probe) or {}).get("httpGet") or {}).get("path")


def selects(service, dep):
    sel = service["spec"].get("selector") or {}
    pod = dep["spec"]["template"]["metadata"].get("labels") or {}
    match = (dep["spec"].get("selector") or {}).get("matchLabels") or {}
    return sel and all(pod.get(k) == v for k, v in sel.items()) and match.items() <= pod.items()


def arg_after(container, flag, default=None):
    a = container.get("args") or []
    return a[a.index(flag) + 1] if flag in a and a.index(flag) + 1 < len(a) else default


def config_map_file(dep, container, path):
    """The ConfigMap key mounted at `path` in this container, or None."""
    volumes = {v["name"]: v for v in dep["spec"]["template"]["spec"].get("volumes") or []}
    for m in container.get("volumeMounts") or []:
        prefix = m["mountPath"].rstrip("/") + "/"
        if path.startswith(prefix):
            cm_name = (volumes.get(m["name"], {}).get("configMap") or {}).get("name")
            for cm in of_kind("ConfigMap"):
                if cm["metadata"]["name"] == cm_name:
                    return (cm.get("data") or {}).get(path[len(prefix) :])
    return None


def check_grace(dep, drain_seconds):
    grace = dep["spec"]["template"]["spec"].get("terminationGracePeriodSeconds")
    name = dep["metadata"]["name"]
    if not isinstance(grace, int):
        problem(f"Deployment/{name}: no terminationGracePeriodSeconds")
    elif grace <= drain_seconds:
        problem(f"Deployment/{name}: terminationGracePeriodSeconds {grace} <= drain {drain_seconds}")


converter = by_component("Deployment", "converter")
balancer = by_component("Deployment", "balancer")
headless = None
for s in of_kind("Service"):
    if s["spec"].get("clusterIP") == "None":
        headless = s
if converter:
    c = container_of(converter)
    if c:
        if probe_path(c, "livenessProbe") != "/healthz":
            problem("converter: livenessProbe is not GET /healthz")
        if probe_path(c, "readinessProbe") != "/readyz":
            problem("converter: readinessProbe is not GET /readyz")
        check_grace(converter, float(arg_after(c, "--drain-timeout", 10)))
        rates_path = arg_after(c, "--rates")
        rates = config_map_file(converter, c, rates_path) if rates_path else None
        if rates is None:
            problem(f"converter: --rates {rates_path} is not a mounted ConfigMap key")
        else:
            try:
                if json.loads(rates) != json.loads((root / "configs" / "rates.json").read_text()):
                    problem("rates.json in the ConfigMap differs from configs/rates.json")
            except json.JSONDecodeError as e:
                problem(f"rates.json in the ConfigMap is not JSON: {e}")
    if not headless:
        problem("no headless Service (clusterIP: None) for the converters")
    elif not selects(headless, converter):
        problem(f"Service/{headless['metadata']['name']} does not select the converter Pods")
if balancer:
    c = container_of(balancer)
    services = [s for s in of_kind("Service") if s is not headless and selects(s, balancer)]
    if not services:
        problem("no Service selects the balancer Pods")
    if c:
        for probe in ("livenessProbe", "readinessProbe"):
            if not probe_path(c, probe):
                problem(f"balancer: no HTTP {probe}")
        config_path = arg_after(c, "--config")
        text = config_map_file(balancer, c, config_path) if config_path else None
        if text is None:
            problem(f"balancer: --config {config_path} is not a mounted ConfigMap key")
        else:
            try:
                config = json.loads(text)
            except json.JSONDecodeError as e:
                problem(f"balancer.json in the ConfigMap is not JSON: {e}")
                config = None
            if config is not None:
                check_grace(balancer, float((config.get("timeouts") or {}).get("drain", 10)))
                ups = [u if isinstance(u, dict) else {"address": u} for u in config["upstreams"]]
                if headless and not any(
                    u["address"].rsplit(":", 1)[0] == headless["metadata"]["name"]
                    and u.get("resolve") == "all"
                    for u in ups
                ):
                    problem('balancer.json: no upstream names the headless Service with "resolve": "all"')
                if conv:
                    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
                        f.write(text)
                        f.flush()
                        r = subprocess.run([conv, "balancer", "--check", "--config", f.name],
                                           capture_output=True, text=True)
                        if r.returncode != 0:
                            problem(f"balancer.json: conv balancer --check: {r.stderr.strip()}")

def check_flags(dep, container):
    """Every --flag in the args is one `conv ROLE --help` lists (a misspelt or not yet
    released flag would stop the Pod at start)."""
    args = container.get("args") or []
    if not conv or not args:
        return
    r = subprocess.run([conv, args[0], "--help"], capture_output=True, text=True)
    known = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", r.stdout))
    for a in args[1:]:
        flag = a.split("=", 1)[0]
        if flag.startswith("--") and flag not in known:
            problem(f"Deployment/{dep['metadata']['name']}: {flag} is not a flag of `conv {args[0]}`")


def check_tls(dep, container):
    """A container serving TLS reads tls.crt and tls.key from a kubernetes.io/tls Secret
    mounted read-only, and its --tls-port is declared, served by a Service, and probed over
    HTTPS (never as plain HTTP)."""
    name = f"Deployment/{dep['metadata']['name']}"
    files = {f: arg_after(container, f) for f in ("--tls-cert", "--tls-key")}
    if not any(files.values()):
        return
    volumes = {v["name"]: v for v in dep["spec"]["template"]["spec"].get("volumes") or []}
    for flag, path in files.items():
        if not path:
            problem(f"{name}: {flag} missing beside the other TLS file")
            continue
        mount = next((m for m in container.get("volumeMounts") or []
                      if path.startswith(m["mountPath"].rstrip("/") + "/")), None)
        secret = (volumes.get(mount["name"], {}).get("secret") if mount else None) or {}
        if not secret.get("secretName"):
            problem(f"{name}: {flag} {path} is not in a mounted Secret")
            continue
        if mount.get("readOnly") is not True:
            problem(f"{name}: the Secret with {path} is not mounted readOnly")
        key = path[len(mount["mountPath"].rstrip("/")) + 1 :]
        items = {i.get("path"): i.get("key") for i in secret.get("items") or []}
        want = {"--tls-cert": "tls.crt", "--tls-key": "tls.key"}[flag]
        if items.get(key, key if not items else None) != want:
            problem(f"{name}: {flag} {path} is not the Secret's key {want} (kubernetes.io/tls)")
    port = arg_after(container, "--tls-port")
    if port is None:
        return
    if kubernetes_lockdown.port_number(dep, int(port)) is None:
        problem(f"{name}: --tls-port {port} is not a declared container port")
        return
    served = [s for s in of_kind("Service") if selects(s, dep) and any(
        kubernetes_lockdown.port_number(dep, p.get("targetPort", p.get("port"))) == int(port)
        for p in s["spec"]["ports"])]
    if not served:
        problem(f"{name}: no Service serves the TLS port {port}")
    over_tls = False
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        get = (container.get(probe) or {}).get("httpGet") or {}
        if not get or kubernetes_lockdown.port_number(dep, get.get("port")) != int(port):
            continue
        if get.get("scheme", "HTTP") != "HTTPS":
            problem(f"{name}: {probe} sends plain HTTP to the TLS port {port}")
        else:
            over_tls = True
    if not over_tls:
        problem(f"{name}: no probe checks the TLS port {port} over HTTPS")


for dep in of_kind("Deployment"):
    kubernetes_lockdown.check_pod(dep, problem)
    c = container_of(dep)
    if c:
        check_flags(dep, c)
        check_tls(dep, c)
if converter and balancer and headless:
    kubernetes_lockdown.check_network(
        of_kind("NetworkPolicy"),
        converter,
        headless,
        balancer,
        [s for s in of_kind("Service") if s is not headless and selects(s, balancer)],
        problem,
    )

for p in problems:
    print(f"kubernetes: {p}")
if problems:
    sys.exit(1)
print(f"kubernetes: {len(objects)} objects in {kdir.relative_to(root) if kdir.is_relative_to(root) else kdir}: ok")
