#!/usr/bin/env python3
"""The static checks can fail: check_kubernetes.py and check_compose.py pass on the real files,
then each is run on copies with one breach each (an unlocked container, a tag of latest, a
NetworkPolicy that admits too much, ...) and must exit 1 naming it. A check that passes a
mutation here checks nothing. Usage: checks_fail_test.py [-v]  (-v: a line per case; run by
.ci/run)."""
import copy
import pathlib
import subprocess
import sys
import tempfile

import yaml

here = pathlib.Path(__file__).resolve().parent
root = here.parents[1]
kdir = root / "deploy" / "kubernetes"
failures = []


def load(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def run(args):
    r = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


# --- Kubernetes ---------------------------------------------------------------------------
manifests = {p.name: load(p) for p in sorted(kdir.glob("*.yaml"))}


def obj(docs, kind, name):
    return next(d for f in docs.values() for d in f if d["kind"] == kind and d["metadata"]["name"] == name)


def pod(docs, name):
    return obj(docs, "Deployment", f"conv-{name}")["spec"]["template"]["spec"]


def csc(docs, name):
    return pod(docs, name)["containers"][0]["securityContext"]


def conv_rule(docs):
    return obj(docs, "NetworkPolicy", "conv-converter")["spec"]["ingress"][0]


def bal_rule(docs):
    return obj(docs, "NetworkPolicy", "conv-balancer")["spec"]["ingress"][0]


def volume(docs, name):
    return next(v for v in pod(docs, "balancer")["volumes"] if v["name"] == name)


def mount(docs, name):
    return next(m for m in pod(docs, "balancer")["containers"][0]["volumeMounts"] if m["name"] == name)


def set_arg(docs, flag, value):
    args = pod(docs, "balancer")["containers"][0]["args"]
    args[args.index(flag) + 1] = value


def drop_object(docs, kind, name):
    for f in docs:
        docs[f] = [d for d in docs[f] if not (d["kind"] == kind and d["metadata"]["name"] == name)]


def add_open_policy(docs):
    docs["networkpolicy.yaml"].append({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "allow-all"}, "spec": {"podSelector": {}, "ingress": [{}]}})


# (what, mutation, a phrase the checker must print)
K8S = [
    ("token mounted", lambda d: pod(d, "converter").update(automountServiceAccountToken=True),
     "automountServiceAccountToken is not false"),
    ("token setting absent", lambda d: pod(d, "balancer").pop("automountServiceAccountToken"),
     "automountServiceAccountToken is not false"),
    ("host network", lambda d: pod(d, "balancer").update(hostNetwork=True), "hostNetwork"),
    ("runAsNonRoot absent", lambda d: pod(d, "converter")["securityContext"].pop("runAsNonRoot"),
     "runAsNonRoot is not true"),
    ("runAsUser root", lambda d: pod(d, "converter")["securityContext"].update(runAsUser=0),
     "are not the image's USER"),
    ("runAsGroup other", lambda d: pod(d, "balancer")["securityContext"].update(runAsGroup=1),
     "are not the image's USER"),
    ("no seccomp", lambda d: pod(d, "balancer")["securityContext"].pop("seccompProfile"),
     "seccompProfile is not {type: RuntimeDefault}"),
    ("container unconfined", lambda d: csc(d, "converter").update(seccompProfile={"type": "Unconfined"}),
     "seccompProfile {'type': 'Unconfined'}"),
    ("tag latest", lambda d: pod(d, "converter")["containers"][0].update(image="conv:latest"),
     "is tagged latest"),
    ("no tag", lambda d: pod(d, "balancer")["containers"][0].update(image="registry:5000/conv"),
     "has no tag"),
    ("another version", lambda d: pod(d, "balancer")["containers"][0].update(image="conv:0.0.9"),
     "is not conv:"),
    ("privilege escalation", lambda d: csc(d, "balancer").update(allowPrivilegeEscalation=True),
     "allowPrivilegeEscalation is not false"),
    ("writable root", lambda d: csc(d, "converter").pop("readOnlyRootFilesystem"),
     "readOnlyRootFilesystem is not true"),
    ("capabilities kept", lambda d: csc(d, "converter").update(capabilities={"drop": ["NET_RAW"]}),
     "capabilities are not"),
    ("capability added", lambda d: csc(d, "balancer")["capabilities"].update(add=["NET_ADMIN"]),
     "capabilities are not"),
    ("privileged", lambda d: csc(d, "balancer").update(privileged=True), "may run privileged"),
    ("no memory limit", lambda d: pod(d, "converter")["containers"][0]["resources"].pop("limits"),
     "no memory limit"),
    ("converters open", lambda d: drop_object(d, "NetworkPolicy", "conv-converter"),
     "no NetworkPolicy limits who reaches the converter Pods"),
    ("converters may connect out", lambda d: obj(d, "NetworkPolicy", "conv-converter")["spec"].update(
        policyTypes=["Ingress"]), "no NetworkPolicy stops the converter Pods"),
    ("converter egress rule", lambda d: obj(d, "NetworkPolicy", "conv-converter")["spec"].update(
        egress=[{}]), "lets the converters open connections"),
    ("converter rule without from", lambda d: conv_rule(d).pop("from"), "admits every source"),
    ("converter peer: every Pod", lambda d: conv_rule(d)["from"][0].update(podSelector={}),
     "more than the balancer's Pods"),
    ("converter peer: every conv Pod", lambda d: conv_rule(d)["from"][0]["podSelector"]["matchLabels"].pop(
        "app.kubernetes.io/component"), "more than the balancer's Pods"),
    ("converter peer: any namespace", lambda d: conv_rule(d)["from"][0].update(namespaceSelector={}),
     "more than the balancer's Pods"),
    ("converter peer: an IP block", lambda d: conv_rule(d)["from"].append({"ipBlock": {"cidr": "0.0.0.0/0"}}),
     "more than the balancer's Pods"),
    ("converter every port", lambda d: conv_rule(d).pop("ports"), "opens every port"),
    ("converter other port", lambda d: conv_rule(d)["ports"].append({"port": 9100}),
     "a port the Pods do not declare"),
    ("matchExpressions", lambda d: obj(d, "NetworkPolicy", "conv-converter")["spec"]["podSelector"].update(
        matchExpressions=[{"key": "x", "operator": "Exists"}]), "matchExpressions (not checked)"),
    ("a policy admitting all", add_open_policy, "admits every source"),
    ("balancer open", lambda d: drop_object(d, "NetworkPolicy", "conv-balancer"),
     "no NetworkPolicy limits the balancer Pods"),
    ("balancer every port", lambda d: bal_rule(d).pop("ports"), "opens every port"),
    ("balancer service port closed", lambda d: bal_rule(d).update(ports=[{"port": "metrics"}]),
     "are not all open"),
    ("no metrics listener", lambda d: pod(d, "balancer")["containers"][0].update(
        args=["balancer", "--config", "/etc/conv/balancer.json"]), "is not its declared port"),
    ("no scrape annotations", lambda d: obj(d, "Deployment", "conv-balancer")["spec"]["template"][
        "metadata"].pop("annotations"), "no Prometheus scrape annotations"),
    ("metrics on the Service", lambda d: obj(d, "Service", "conv-balancer")["spec"]["ports"].append(
        {"name": "metrics", "port": 9100, "targetPort": "metrics"}), "exposes the metrics port"),
    ("metrics open to all", lambda d: obj(d, "NetworkPolicy", "conv-balancer")["spec"]["ingress"][1].pop(
        "from"), "opens the metrics port to every source"),
    ("admin beyond loopback", lambda d: pod(d, "balancer")["containers"][0]["args"].extend(
        ["--admin", "0.0.0.0:9000"]), "admin API listens beyond"),
    ("tls secret writable", lambda d: mount(d, "tls").update(readOnly=False), "is not mounted readOnly"),
    ("tls not a secret", lambda d: volume(d, "tls").update(secret=None, emptyDir={}),
     "is not in a mounted Secret"),
    ("tls other key", lambda d: set_arg(d, "--tls-key", "/certs/key.pem"), "is not the Secret's key tls.key"),
    ("tls key remapped", lambda d: volume(d, "tls")["secret"].update(
        items=[{"key": "tls.crt", "path": "tls.key"}, {"key": "tls.key", "path": "tls.crt"}]),
     "is not the Secret's key tls.crt"),
    ("tls port undeclared", lambda d: pod(d, "balancer")["containers"][0].update(ports=[
        p for p in pod(d, "balancer")["containers"][0]["ports"] if p["name"] != "https"]),
     "--tls-port 8443 is not a declared container port"),
    ("tls port not served", lambda d: obj(d, "Service", "conv-balancer")["spec"].update(ports=[
        p for p in obj(d, "Service", "conv-balancer")["spec"]["ports"] if p["name"] != "https"]),
     "no Service serves the TLS port 8443"),
    ("tls probed as plain", lambda d: pod(d, "balancer")["containers"][0]["livenessProbe"]["httpGet"].update(
        port="https"), "livenessProbe sends plain HTTP to the TLS port"),
    ("tls not probed", lambda d: pod(d, "balancer")["containers"][0]["readinessProbe"]["httpGet"].update(
        port="http", scheme="HTTP"), "no probe checks the TLS port 8443 over HTTPS"),
    ("https closed by policy", lambda d: bal_rule(d).update(ports=[{"port": "http"}]), "are not all open"),
]
# With --conv (a built binary): flags the binary does not have.
K8S_CONV = [
    ("unknown flag", lambda d: pod(d, "converter")["containers"][0]["args"].append("--no-such-flag"),
     "--no-such-flag is not a flag of `conv converter`"),
]


def k8s_case(tmp, what, mutate, phrase, conv=None):
    docs = copy.deepcopy(manifests)
    mutate(docs)
    case = tmp / what.replace(" ", "-").replace(":", "")
    case.mkdir()
    for name, file_docs in docs.items():
        (case / name).write_text(yaml.safe_dump_all(file_docs, sort_keys=False))
    return run([here / "check_kubernetes.py", case, *(["--conv", conv] if conv else [])])


# --- compose ------------------------------------------------------------------------------
composes = {f: yaml.safe_load((root / f).read_text())
            for f in ("compose.yaml", "compose.scale.yaml", "compose.tls.yaml")}


def svc(docs, name):
    return docs["compose.yaml" if name != "api" else "compose.scale.yaml"]["services"][name]


def tls(docs):
    """compose.tls.yaml's balancer (checked merged onto compose.yaml)."""
    return docs["compose.tls.yaml"]["services"]["balancer"]


COMPOSE = [
    ("compose tag latest", lambda d: svc(d, "api1").update(image="conv:latest"), "is tagged latest"),
    ("compose no tag", lambda d: svc(d, "api").update(image="conv"), "has no tag"),
    ("compose other version", lambda d: svc(d, "balancer").update(image="conv:9.9.9"), "is not conv:"),
    ("compose writable", lambda d: svc(d, "api2").pop("read_only"), "read_only is not true"),
    ("compose no tmp", lambda d: svc(d, "api").pop("tmpfs"), "no tmpfs on /tmp"),
    ("compose caps kept", lambda d: svc(d, "balancer").pop("cap_drop"), "cap_drop is None"),
    ("compose cap added", lambda d: svc(d, "api1").update(cap_add=["NET_ADMIN"]), "cap_add"),
    ("compose privileged", lambda d: svc(d, "api1").update(privileged=True), "privileged"),
    ("compose root", lambda d: svc(d, "api").update(user="0:0"), "runs as root"),
    ("compose host network", lambda d: svc(d, "balancer").update(network_mode="host"), "network_mode: host"),
    ("compose new privileges", lambda d: svc(d, "api").update(security_opt=[]), "no-new-privileges"),
    ("compose no memory", lambda d: svc(d, "api2").pop("mem_limit"), "no mem_limit"),
    ("compose bad memory", lambda d: svc(d, "api2").update(mem_limit="lots"), "no mem_limit"),
    ("compose no pids", lambda d: svc(d, "balancer").pop("pids_limit"), "no positive pids_limit"),
    ("compose zero pids", lambda d: svc(d, "api").update(pids_limit=0), "no positive pids_limit"),
    ("compose no metrics", lambda d: svc(d, "balancer").update(command=["balancer"]), "no --metrics"),
    ("compose metrics published", lambda d: svc(d, "balancer")["ports"].append("9100:9100"),
     "is published to the host"),
    ("compose metrics not exposed", lambda d: svc(d, "balancer").pop("expose"), "is not exposed"),
    ("compose admin open", lambda d: svc(d, "balancer")["command"].extend(["--admin", "0.0.0.0:9000"]),
     "beyond the container's loopback"),
    ("compose tls unlocks", lambda d: tls(d).update(read_only=False), "read_only is not true"),
    ("compose tls key writable", lambda d: tls(d).update(volumes=["./certs:/certs"]),
     "not mounted read-only"),
    ("compose tls key not mounted", lambda d: tls(d).pop("volumes"), "is not under a mounted volume"),
    ("compose tls port unpublished", lambda d: tls(d).update(ports=["443:9443"]),
     "(--tls-port) is not published"),
    ("compose tls health on tls port", lambda d: tls(d).update(healthcheck={
        "test": ["CMD", "conv", "probe", "http://127.0.0.1:8443/_conv/readyz"]}),
     "plain HTTP to the TLS port"),
    ("compose tls health on plain port", lambda d: tls(d).pop("healthcheck"),
     "does not probe the TLS port 8443 over https://"),
]


def compose_case(tmp, what, mutate, phrase):
    docs = copy.deepcopy(composes)
    mutate(docs)
    case = tmp / what.replace(" ", "-")
    case.mkdir()
    for name, doc in docs.items():
        (case / name).write_text(yaml.safe_dump(doc, sort_keys=False))
    # The overlay is checked as docker-compose merges it onto compose.yaml.
    specs = [f"{case / 'compose.yaml'}+{case / n}" if n == "compose.tls.yaml" else case / n for n in docs]
    return run([here / "check_compose.py", *specs])


def expect(what, result, phrase):
    rc, out = result
    if phrase is None:
        ok = rc == 0
    else:
        ok = rc == 1 and phrase in out
    if ok:
        if "-v" in sys.argv:
            print(f"ok: {what}")
    else:
        print(f"FAIL: {what}: exit {rc}, want the phrase {phrase!r}:\n{out}")
    if not ok:
        failures.append(what)


with tempfile.TemporaryDirectory(prefix="conv-static-") as t:
    tmp = pathlib.Path(t)
    unchanged = lambda d: None  # noqa: E731
    expect("the Kubernetes manifests pass (as dumped)", k8s_case(tmp, "unchanged", unchanged, None), None)
    expect("the compose files pass (as dumped)", compose_case(tmp, "compose", unchanged, None), None)
    for what, mutate, phrase in K8S:
        expect(what, k8s_case(tmp, what, mutate, phrase), phrase)
    conv = root / "build" / "conv"
    for what, mutate, phrase in K8S_CONV if conv.exists() else []:
        expect(what, k8s_case(tmp, what, mutate, phrase, conv), phrase)
    for what, mutate, phrase in COMPOSE:
        expect(what, compose_case(tmp, what, mutate, phrase), phrase)

if failures:
    print(f"checks_fail_test: {len(failures)} mutations not caught: {failures}")
    sys.exit(1)
ran = len(K8S) + len(COMPOSE) + (len(K8S_CONV) if (root / "build" / "conv").exists() else 0)
print(f"checks_fail_test: all {ran} mutations caught"
      + ("" if (root / "build" / "conv").exists() else f" ({len(K8S_CONV)} skipped: no build/conv)"))
