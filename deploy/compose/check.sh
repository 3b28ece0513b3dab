#!/usr/bin/env bash
# deploy/compose/check.sh: static checks of deploy/compose.yaml and its files, without a container
# engine (none runs on the project's machines):
#   - docker-compose config: the Compose file parses and validates (Debian's docker-compose 1.29,
#     installed when missing and run as root with apt-get);
#   - the resolved services against the rest of the repository: every WSC_* variable of the nodes is
#     a setting of docs/configuration.md (a node refuses to start on an unknown one), node ids unique,
#     keys set with the operator listener open, open-files limit, a stop grace period longer than the
#     shutdown timeout, pinned images; Prometheus's targets and credentials file match the services
#     and their secret; Grafana's provisioning matches the dashboard's DS_PROMETHEUS variable;
#   - promtool check config on compose/prometheus.yml (its syntax in place, then fully, with its rule
#     file and a dummy key file laid out as in the container), when promtool is there.
# Prints one "valid" line per file. The image build itself is not run here: deploy/docker/check-dockerfile.py
# checks the Dockerfile's structure.
set -euo pipefail
cd "$(dirname "$0")/.."   # deploy/

. ./lib.sh
need docker-compose docker-compose

# The Python that has PyYAML: Debian's, which docker-compose itself runs on.
PY=python3
"$PY" -c 'import yaml' 2>/dev/null || PY=/usr/bin/python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The file reads only optional variables (${VAR:-default}); check it as a user who set none of
# them, and once with all of them set, so that neither form breaks.
vars=(WSC_PUBLIC_URL WSC_PAGE WSC_LOG_FORMAT WSC_JAVA_OPTS WSC_ADDRESS_LIMIT_EXEMPT WSC_GATEWAY_PORT GRAFANA_ADMIN_PASSWORD)
unset_args=()
for v in "${vars[@]}"; do unset_args+=(-u "$v"); done
env "${unset_args[@]}" docker-compose -f compose.yaml config -q
env WSC_PUBLIC_URL=wss://chat.example.com/ws WSC_PAGE=true WSC_LOG_FORMAT=json WSC_JAVA_OPTS=-Xmx1g \
  WSC_ADDRESS_LIMIT_EXEMPT=127.0.0.1,::1,172.16.0.0/12 WSC_GATEWAY_PORT=18000 GRAFANA_ADMIN_PASSWORD=dummy \
  docker-compose -f compose.yaml config -q
env "${unset_args[@]}" docker-compose -f compose.yaml config > "$tmp/resolved.yaml" 2>"$tmp/config.err" \
  || { cat "$tmp/config.err" >&2; exit 1; }
echo "deploy/compose.yaml: valid (docker-compose $(docker-compose version --short 2>/dev/null || echo '?') config)"

"$PY" - "$tmp/resolved.yaml" <<'PYEOF'
import json, os, re, sys
from pathlib import Path
import yaml

deploy = Path.cwd()
cfg = yaml.safe_load(Path(sys.argv[1]).read_text())
known = set(re.findall(r"`(WSC_[A-Z0-9_]+)`", (deploy.parent / "docs" / "configuration.md").read_text()))
problems = []
services = cfg.get("services", {})

def dur(v):
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(v).strip())
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0) if m and v else None

for name in ("redis", "node-1", "node-2", "node-3", "gateway", "prometheus", "grafana"):
    if name not in services:
        problems.append(f"service {name} missing")

for name, svc in services.items():
    if "build" in svc:
        ctx = Path(svc["build"]["context"] if isinstance(svc["build"], dict) else svc["build"])
        if ctx.resolve() != deploy.parent.resolve():
            problems.append(f"{name}: build context {ctx} is not the repository root")
        if not (ctx / svc["build"].get("dockerfile", "Dockerfile")).is_file():
            problems.append(f"{name}: no Dockerfile in {ctx}")
    else:
        image = svc.get("image", "")
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        if not tag or tag == "latest":
            problems.append(f"{name}: image {image!r} is not pinned to a version")

secrets = cfg.get("secrets", {})
def secret_targets(svc):
    out = {}
    for s in svc.get("secrets", []):
        src = s["source"] if isinstance(s, dict) else s
        target = (s.get("target") if isinstance(s, dict) else None) or src
        out[target if target.startswith("/") else f"/run/secrets/{target}"] = src
    return out

node_ids = []
for name in ("node-1", "node-2", "node-3"):
    svc = services.get(name, {})
    env = {k: str(v) for k, v in (svc.get("environment") or {}).items()}
    for k in env:
        if k.startswith("WSC_") and k not in known:
            problems.append(f"{name}: {k} is not a setting of docs/configuration.md (the node would refuse to start)")
    node_ids.append(env.get("WSC_NODE_ID"))
    if env.get("WSC_NODE_ID") != name:
        problems.append(f"{name}: WSC_NODE_ID is {env.get('WSC_NODE_ID')!r}, not the service's name")
    if not env.get("WSC_REDIS", "").startswith("redis://redis:"):
        problems.append(f"{name}: WSC_REDIS does not point at the redis service")
    if env.get("WSC_ADVERTISED_URL") != f"ws://{name}:8080/ws":
        problems.append(f"{name}: WSC_ADVERTISED_URL is not ws://{name}:8080/ws")
    if env.get("WSC_ADMIN_HOST") != "0.0.0.0":
        problems.append(f"{name}: WSC_ADMIN_HOST is not 0.0.0.0: Prometheus could not scrape the node")
    mounted = secret_targets(svc)
    for key in ("API", "ADMIN"):
        f = env.get(f"WSC_{key}_KEY_FILE")
        if not env.get(f"WSC_{key}_KEY") and not f:
            problems.append(f"{name}: neither WSC_{key}_KEY nor WSC_{key}_KEY_FILE: the open operator listener would answer no one")
        if f and f not in mounted:
            problems.append(f"{name}: WSC_{key}_KEY_FILE={f} is not a secret mounted in the service")
    nofile = (svc.get("ulimits") or {}).get("nofile") or {}
    if not isinstance(nofile, dict) or int(nofile.get("soft", 0)) < 65536:
        problems.append(f"{name}: ulimits nofile soft below 65536 (each connection is an open file)")
    grace, timeout = dur(svc.get("stop_grace_period", "10s")), dur(env.get("WSC_SHUTDOWN_TIMEOUT", "10s"))
    if grace is None or timeout is None or grace <= timeout:
        problems.append(f"{name}: stop_grace_period {svc.get('stop_grace_period')} does not exceed shutdown-timeout {env.get('WSC_SHUTDOWN_TIMEOUT', '10s')}")
    if (svc.get("depends_on") or {}).get("redis", {}).get("condition") != "service_healthy":
        problems.append(f"{name}: does not wait for a healthy redis")
if len(set(node_ids)) != len(node_ids):
    problems.append(f"node ids are not unique: {node_ids}")

gw = services.get("gateway", {})
gw_args = " ".join(map(str, (gw.get("entrypoint") or []) + (gw.get("command") or [])))
if "gateway" not in gw_args or "--redis redis://redis:" not in gw_args:
    problems.append("gateway: does not run `wsc gateway --redis redis://redis:...`")
def container_port(p):
    return str(p.get("target")) if isinstance(p, dict) else str(p).split(":")[-1].split("/")[0]
if not any(container_port(p) == "8000" for p in gw.get("ports", [])):
    problems.append("gateway: port 8000 is not published")
if "8000" not in " ".join(map(str, (gw.get("healthcheck") or {}).get("test", []))):
    problems.append("gateway: no healthcheck on its port 8000 (the image's probes a node's 8080)")
gw_key = (gw.get("environment") or {}).get("WSC_API_KEY_FILE")
if not gw_key:
    problems.append("gateway: no WSC_API_KEY_FILE: its /metrics would answer loopback callers only, not Prometheus")
elif gw_key not in secret_targets(gw):
    problems.append(f"gateway: reads {gw_key}, which is not mounted")

# Prometheus: its config is the one this script checks with promtool, its targets are the services.
prom = services.get("prometheus", {})
cmd = " ".join(map(str, prom.get("command", [])))
m = re.search(r"--config\.file=(\S+)", cmd)
mounts = {}
for v in prom.get("volumes", []):
    if isinstance(v, dict):
        mounts[v["target"]] = v.get("source", "")
    else:
        parts = v.split(":")
        mounts[parts[1]] = parts[0]
if not m or not mounts.get(m.group(1), "").endswith("compose/prometheus.yml"):
    problems.append("prometheus: --config.file is not compose/prometheus.yml mounted")
else:
    pcfg = yaml.safe_load((deploy / "compose" / "prometheus.yml").read_text())
    cdir = Path(m.group(1)).parent
    for rf in pcfg.get("rule_files", []):
        target = os.path.normpath(str(cdir / rf))
        if not mounts.get(target, "").endswith("prometheus/wsc-alerts.yml"):
            problems.append(f"prometheus: rule file {rf} ({target} in the container) is not deploy/prometheus/wsc-alerts.yml mounted")
    jobs = {j["job_name"]: j for j in pcfg.get("scrape_configs", [])}
    want = {"wsc-nodes": {f"node-{i}:9080" for i in (1, 2, 3)}, "wsc-gateways": {"gateway:8000"}}
    for job, targets in want.items():
        j = jobs.get(job)
        if not j:
            problems.append(f"prometheus: job {job} missing (wsc-alerts.yml matches on it)")
            continue
        got = {t for sc in j.get("static_configs", []) for t in sc.get("targets", [])}
        if got != targets:
            problems.append(f"prometheus: job {job} scrapes {sorted(got)}, not {sorted(targets)}")
        cred = (j.get("authorization") or {}).get("credentials_file")
        if not cred:
            problems.append(f"prometheus: job {job} sends no api key (credentials_file)")
        elif cred not in secret_targets(prom):
            problems.append(f"prometheus: job {job}'s credentials_file {cred} is not a secret mounted in the service")
        elif secret_targets(prom)[cred] != "wsc_api_key":
            problems.append(f"prometheus: job {job}'s credentials_file is not the nodes' api key")

# Grafana: the provisioned datasource is what the dashboard's DS_PROMETHEUS variable selects.
gf = services.get("grafana", {})
gmounts = {}
for v in gf.get("volumes", []):
    src, tgt = (v["source"], v["target"]) if isinstance(v, dict) else v.split(":")[:2]
    gmounts[tgt] = src
prov = next((s for t, s in gmounts.items() if t == "/etc/grafana/provisioning"), None)
dash_target = next((t for t, s in gmounts.items() if s.endswith("grafana/wscluster.json")), None)
if not prov or not Path(prov).is_dir():
    problems.append("grafana: compose/grafana/provisioning is not mounted at /etc/grafana/provisioning")
elif not dash_target:
    problems.append("grafana: deploy/grafana/wscluster.json is not mounted")
else:
    ds_files = sorted(Path(prov, "datasources").glob("*.y*ml"))
    dss = [d for f in ds_files for d in (yaml.safe_load(f.read_text()) or {}).get("datasources", [])]
    proms = [d for d in dss if d.get("type") == "prometheus"]
    if len(proms) != 1 or not proms[0].get("isDefault") or not proms[0].get("uid"):
        problems.append("grafana: not exactly one Prometheus datasource, default, with a uid")
    elif proms[0].get("url") != "http://prometheus:9090":
        problems.append(f"grafana: the datasource's url {proms[0].get('url')} is not the prometheus service")
    providers = [p for f in sorted(Path(prov, "dashboards").glob("*.y*ml"))
                 for p in (yaml.safe_load(f.read_text()) or {}).get("providers", [])]
    if not any(p.get("options", {}).get("path") == str(Path(dash_target).parent) for p in providers):
        problems.append(f"grafana: no dashboard provider reads {Path(dash_target).parent}, where the dashboard is mounted")
    dash = json.loads((deploy / "grafana" / "wscluster.json").read_text())
    var = next((v for v in dash.get("templating", {}).get("list", []) if v.get("name") == "DS_PROMETHEUS"), None)
    if var is None or var.get("type") != "datasource" or var.get("query") != "prometheus":
        problems.append("grafana: the dashboard has no datasource variable DS_PROMETHEUS of type prometheus")
    elif proms:
        regex = var.get("regex") or ""
        current = (var.get("current") or {}).get("value")
        if regex and not re.search(regex.strip("/"), proms[0]["name"]):
            problems.append(f"grafana: DS_PROMETHEUS's regex {regex} does not match the datasource {proms[0]['name']}")
        if current and current not in (proms[0]["uid"], proms[0]["name"], "default"):
            problems.append(f"grafana: DS_PROMETHEUS's saved value {current} is not the provisioned datasource")
        def refs(node):
            if isinstance(node, dict):
                ds = node.get("datasource")
                if isinstance(ds, dict) and "uid" in ds:
                    yield ds["uid"]
                elif isinstance(ds, str):
                    yield ds
                for v in node.values():
                    yield from refs(v)
            elif isinstance(node, list):
                for v in node:
                    yield from refs(v)
        bad = {u for u in refs(dash.get("panels", [])) if u not in ("${DS_PROMETHEUS}", "$DS_PROMETHEUS", proms[0]["uid"], "-- Grafana --", "grafana")}
        if bad:
            problems.append(f"grafana: panels name datasources other than ${{DS_PROMETHEUS}}: {sorted(bad)}")

if problems:
    for p in problems:
        print(f"deploy/compose.yaml: {p}", file=sys.stderr)
    sys.exit(1)
print("deploy/compose.yaml: services valid (node settings in docs/configuration.md, keys, limits, "
      "Prometheus targets and key file, Grafana datasource for DS_PROMETHEUS)")
print("deploy/compose/grafana/provisioning: valid (default Prometheus datasource, dashboard provider)")
PYEOF

if command -v promtool >/dev/null; then
  promtool check config --syntax-only compose/prometheus.yml >/dev/null
  # Fully, with the files it names laid out as in the container: the rule file at
  # ../prometheus/wsc-alerts.yml, the key (a dummy) where the secret is mounted.
  mkdir -p "$tmp/etc/compose" "$tmp/etc/prometheus"
  cp prometheus/wsc-alerts.yml "$tmp/etc/prometheus/"
  echo dummy-key > "$tmp/wsc_api_key"
  sed "s|/run/secrets/wsc_api_key|$tmp/wsc_api_key|" compose/prometheus.yml > "$tmp/etc/compose/prometheus.yml"
  promtool check config "$tmp/etc/compose/prometheus.yml" >/dev/null
  echo "deploy/compose/prometheus.yml: valid ($(promtool --version 2>&1 | head -1))"
else
  echo "deploy/compose/check.sh: promtool not installed, deploy/compose/prometheus.yml not checked (apt-get install prometheus)" >&2
fi
