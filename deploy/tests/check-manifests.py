"""Checks what `kubectl kustomize deploy/k8s/overlays/example` renders: for each service a StatefulSet with its
volume, probes on /healthz and /readyz, requests and limits, a non-root pod and Prometheus annotations; a
Service with its req/rep and pub ports; a PodDisruptionBudget; every secret a workload names exists; every
peer URL names a Service and one of its ports. Prints one line per problem; exit status 1 when there is one."""

import sys
from urllib.parse import urlsplit

import yaml

SERVICES = ["feedback", "loyalty", "advocacy", "escalation", "health"]
KNOWN = {
    ("v1", "Namespace"), ("v1", "Service"), ("v1", "Secret"), ("apps/v1", "StatefulSet"),
    ("apps/v1", "Deployment"), ("policy/v1", "PodDisruptionBudget"),
}

documents = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
problems = []
by_kind = {}
for d in documents:
    if (d.get("apiVersion"), d.get("kind")) not in KNOWN:
        problems.append(f"unexpected {d.get('apiVersion')} {d.get('kind')} {d['metadata']['name']}")
    if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "anchorage":
        problems.append(f"{d['kind']} {d['metadata']['name']} is not in the anchorage namespace")
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
secrets = by_kind.get("Secret", {})
services = by_kind.get("Service", {})

for name, secret in secrets.items():
    if secret.get("type") == "kubernetes.io/tls" and set(secret.get("data", {})) != {"tls.crt", "tls.key", "ca.crt"}:
        problems.append(f"TLS secret {name} should hold tls.crt, tls.key and ca.crt")

workloads = list(by_kind.get("StatefulSet", {}).values()) + list(by_kind.get("Deployment", {}).values())
for workload in workloads:
    name = workload["metadata"]["name"]
    pod = workload["spec"]["template"]["spec"]
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        problems.append(f"{name}: pod does not require a non-root user")
    for volume in pod.get("volumes", []):
        if "secret" in volume and volume["secret"]["secretName"] not in secrets:
            problems.append(f"{name}: volume {volume['name']} names missing secret {volume['secret']['secretName']}")
    for container in pod["containers"]:
        for source in container.get("envFrom", []):
            if source["secretRef"]["name"] not in secrets:
                problems.append(f"{name}: envFrom names missing secret {source['secretRef']['name']}")
        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(resources.get(part, {})):
                problems.append(f"{name}: container {container['name']} has no cpu and memory {part}")
        for variable in container.get("env", []):
            if not variable.get("value", "").startswith("tls+tcp://") or "0.0.0.0" in variable["value"]:
                continue
            url = urlsplit(variable["value"].replace("tls+tcp://", "tcp://"))
            target = services.get(url.hostname)
            if target is None or url.port not in [p["port"] for p in target["spec"]["ports"]]:
                problems.append(f"{name}: {variable['name']}={variable['value']} names no Service port")

for service in SERVICES:
    name = f"cx-{service}"
    workload = by_kind.get("StatefulSet", {}).get(name)
    if workload is None:
        problems.append(f"no StatefulSet {name}")
        continue
    template = workload["spec"]["template"]
    container = template["spec"]["containers"][0]
    if container.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
        problems.append(f"{name}: liveness probe is not on /healthz")
    if container.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
        problems.append(f"{name}: readiness probe is not on /readyz")
    if not any(t["metadata"]["name"] == "data" for t in workload["spec"].get("volumeClaimTemplates", [])):
        problems.append(f"{name}: no data volume claim")
    if not any(m["name"] == "data" and m["mountPath"] == "/var/lib/anchorage" for m in container["volumeMounts"]):
        problems.append(f"{name}: data volume is not mounted at /var/lib/anchorage")
    annotations = template["metadata"].get("annotations", {})
    if annotations.get("prometheus.io/scrape") != "true" or annotations.get("prometheus.io/path") != "/metrics":
        problems.append(f"{name}: no Prometheus scrape annotations")
    labels = template["metadata"]["labels"]
    port_names = {p["name"] for p in services.get(name, {}).get("spec", {}).get("ports", [])}
    if not {"request", "events", "http"} <= port_names:
        problems.append(f"{name}: Service should have request, events and http ports, has {sorted(port_names)}")
    if services.get(name, {}).get("spec", {}).get("selector", {}).items() - labels.items():
        problems.append(f"{name}: Service selector does not match the pods")
    budget = by_kind.get("PodDisruptionBudget", {}).get(name)
    if budget is None or budget["spec"]["selector"]["matchLabels"].items() - labels.items():
        problems.append(f"{name}: no PodDisruptionBudget selecting its pods")

for problem in problems:
    print(problem)
print(f"checked {len(documents)} resources: {len(problems)} problems")
sys.exit(1 if problems else 0)
