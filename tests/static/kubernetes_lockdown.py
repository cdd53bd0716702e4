"""The security half of check_kubernetes.py. Each check calls problem(message) on a breach.
  - check_pod: a Deployment's Pods get no service-account token, share no host namespace,
    run as the image's own non-root uid/gid (the Dockerfile's USER) under the runtime's
    default seccomp profile; every container runs conv at the project's version (not
    latest), with no privilege escalation, a read-only root, every capability dropped, and a
    memory limit.
  - check_network: NetworkPolicies let only the balancer's Pods reach the converters, on
    their Service's port only; the converters open no connection; the balancer accepts its
    Service's port and no port it does not declare. Policies add up, so every policy that
    selects a Pod is checked, and selectors this check cannot evaluate (matchExpressions)
    are refused rather than trusted."""
from project import image_tag_problem, image_user


def check_pod(dep, problem):
    name = f"Deployment/{dep['metadata']['name']}"
    pod = dep["spec"]["template"]["spec"]
    if pod.get("automountServiceAccountToken") is not False:
        problem(f"{name}: automountServiceAccountToken is not false (conv needs no API token)")
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(key):
            problem(f"{name}: {key}")
    sc = pod.get("securityContext") or {}
    if sc.get("runAsNonRoot") is not True:
        problem(f"{name}: securityContext.runAsNonRoot is not true")
    user = image_user()
    if user is None:
        problem("Dockerfile: no numeric USER uid:gid (runAsNonRoot needs a numeric user)")
    elif (sc.get("runAsUser"), sc.get("runAsGroup")) != user:
        problem(f"{name}: runAsUser/runAsGroup {sc.get('runAsUser')}/{sc.get('runAsGroup')}"
                f" are not the image's USER {user[0]}:{user[1]}")
    if (sc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problem(f"{name}: securityContext.seccompProfile is not {{type: RuntimeDefault}}")
    for c in (pod.get("containers") or []) + (pod.get("initContainers") or []):
        check_container(f"{name}: container {c.get('name')}", c, problem)


def check_container(where, c, problem):
    tag = image_tag_problem(c.get("image"), where)
    if tag:
        problem(tag)
    sc = c.get("securityContext") or {}
    if sc.get("allowPrivilegeEscalation") is not False:
        problem(f"{where}: allowPrivilegeEscalation is not false")
    if sc.get("readOnlyRootFilesystem") is not True:
        problem(f"{where}: readOnlyRootFilesystem is not true")
    caps = sc.get("capabilities") or {}
    if "ALL" not in (caps.get("drop") or []) or caps.get("add"):
        problem(f"{where}: capabilities are not {{drop: [ALL]}} with none added: {caps}")
    if sc.get("privileged") or sc.get("runAsUser") == 0 or sc.get("runAsNonRoot") is False:
        problem(f"{where}: may run privileged or as root")
    if (sc.get("seccompProfile") or {}).get("type", "RuntimeDefault") not in ("RuntimeDefault", "Localhost"):
        problem(f"{where}: seccompProfile {sc['seccompProfile']}")
    if not ((c.get("resources") or {}).get("limits") or {}).get("memory"):
        problem(f"{where}: no memory limit")


def labels_of(dep):
    return dep["spec"]["template"]["metadata"].get("labels") or {}


def selects(selector, labels):
    """Whether a label selector selects a Pod with these labels; None when it cannot tell."""
    if (selector or {}).get("matchExpressions"):
        return None
    return ((selector or {}).get("matchLabels") or {}).items() <= labels.items()


def port_number(dep, port):
    """A NetworkPolicy or Service port (a number or a container port's name) as the number of
    a port the Pods' containers declare, or None."""
    for c in dep["spec"]["template"]["spec"].get("containers") or []:
        for p in c.get("ports") or []:
            if port in (p.get("name"), p.get("containerPort")):
                return p.get("containerPort")
    return None


def policy_types(policy):
    spec = policy["spec"]
    return spec.get("policyTypes") or ["Ingress"] + (["Egress"] if "egress" in spec else [])


def policies_on(policies, dep, kind, problem):
    """The policies of this kind (Ingress or Egress) that select the Deployment's Pods."""
    found = []
    for p in policies:
        hit = selects(p["spec"].get("podSelector"), labels_of(dep))
        if hit is None:
            problem(f"NetworkPolicy/{p['metadata']['name']}: matchExpressions (not checked): use matchLabels")
        elif hit and kind in policy_types(p):
            found.append(p)
    return found


def rule_ports(where, rule, dep, problem):
    """The port numbers an ingress rule opens, all of them declared by the Pods' containers."""
    ports = [port_number(dep, p.get("port")) for p in rule.get("ports") or []]
    if not ports or None in ports:
        problem(f"{where}: an ingress rule opens every port, or a port the Pods do not declare")
    return {p for p in ports if p is not None}


def check_converter_ingress(policies, converter, balancer, service_port, problem):
    mine = policies_on(policies, converter, "Ingress", problem)
    if not mine:
        problem("no NetworkPolicy limits who reaches the converter Pods")
    for p in mine:
        where = f"NetworkPolicy/{p['metadata']['name']}"
        for rule in p["spec"].get("ingress") or []:
            peers = rule.get("from") or []
            if not peers:
                problem(f"{where}: an ingress rule to the converters admits every source")
            for peer in peers:
                sel = peer.get("podSelector")
                if set(peer) != {"podSelector"} or not selects(sel, labels_of(balancer)) or selects(
                    sel, labels_of(converter)
                ) is not False:
                    problem(f"{where}: admits to the converters more than the balancer's Pods: {peer}")
            if rule_ports(where, rule, converter, problem) - {service_port}:
                problem(f"{where}: opens a converter port other than the Service's ({service_port})")


def check_converter_egress(policies, converter, problem):
    mine = policies_on(policies, converter, "Egress", problem)
    if not mine:
        problem("no NetworkPolicy stops the converter Pods from opening connections")
    for p in mine:
        if p["spec"].get("egress"):
            problem(f"NetworkPolicy/{p['metadata']['name']}: lets the converters open connections")


def check_balancer_ingress(policies, balancer, service_ports, problem):
    mine = policies_on(policies, balancer, "Ingress", problem)
    if not mine:
        problem("no NetworkPolicy limits the balancer Pods to their ports")
    opened = set()
    for p in mine:
        for rule in p["spec"].get("ingress") or []:
            opened |= rule_ports(f"NetworkPolicy/{p['metadata']['name']}", rule, balancer, problem)
    if mine and not service_ports <= opened:
        problem(f"the balancer's Service ports {sorted(service_ports)} are not all open: {sorted(opened)}")


def check_metrics(balancer, services, policies, problem):
    """The balancer's read-only metrics listener: started (--metrics), declared as the Pods'
    port "metrics", annotated for Prometheus, left off every Service, and opened by the
    NetworkPolicies only to named peers (the monitoring namespace), never to all."""
    container = balancer["spec"]["template"]["spec"]["containers"][0]
    args = container.get("args") or []
    value = args[args.index("--metrics") + 1] if "--metrics" in args[:-1] else None
    port = port_number(balancer, "metrics")
    if not value or port is None or value.rsplit(":", 1)[-1] != str(port):
        problem(f"balancer: --metrics {value} is not its declared port \"metrics\" ({port})")
        return
    notes = balancer["spec"]["template"]["metadata"].get("annotations") or {}
    if notes.get("prometheus.io/scrape") != "true" or notes.get("prometheus.io/port") != str(port):
        problem(f"balancer: no Prometheus scrape annotations for port {port}")
    for s in services:
        for p in s["spec"]["ports"]:
            if port_number(balancer, p.get("targetPort", p.get("port"))) == port:
                problem(f"Service/{s['metadata']['name']}: exposes the metrics port")
    for p in policies_on(policies, balancer, "Ingress", problem):
        for rule in p["spec"].get("ingress") or []:
            opened = {port_number(balancer, q.get("port")) for q in rule.get("ports") or []}
            if port in opened and not rule.get("from"):
                problem(f"NetworkPolicy/{p['metadata']['name']}: opens the metrics port to every source")
    if "--admin" in args[:-1] and args[args.index("--admin") + 1].rsplit(":", 1)[0] not in (
        "127.0.0.1", "[::1]", "localhost", "off"
    ):
        problem("balancer: the admin API listens beyond the Pod's loopback")


def check_network(policies, converter, headless, balancer, services, problem):
    """services: the Services that select the balancer's Pods."""
    converter_port = port_number(converter, headless["spec"]["ports"][0].get("targetPort"))
    check_converter_ingress(policies, converter, balancer, converter_port, problem)
    check_converter_egress(policies, converter, problem)
    ports = {
        port_number(balancer, p.get("targetPort", p.get("port")))
        for s in services
        for p in s["spec"]["ports"]
    }
    if None in ports:
        problem("a Service of the balancer targets a port its Pods do not declare")
    check_balancer_ingress(policies, balancer, ports - {None}, problem)
    check_metrics(balancer, services, policies, problem)
