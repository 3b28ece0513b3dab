#!/usr/bin/env bash
# deploy/check.sh: checks the HAProxy, Nginx and Prometheus examples with the real tools (Debian's
# haproxy, nginx and prometheus packages, installed when missing and apt-get can), the Grafana
# dashboard and the alert rules' metric names with grafana/check.py (python3, stdlib only), and
# the Kubernetes manifests and systemd units with their own scripts (k8s/check.sh, systemd/check.sh).
set -euo pipefail
cd "$(dirname "$0")"

. ./lib.sh
need haproxy haproxy
need nginx nginx-light
need promtool prometheus
# Debian installs nginx under /usr/sbin, which may not be on a non-root PATH.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

haproxy -c -q -f haproxy.cfg
echo "deploy/haproxy.cfg: valid ($(haproxy -v | head -1))"

# nginx -t also opens its pid and log files: give it a prefix of its own.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/logs"
"$NGINX" -t -q -p "$tmp" -c "$PWD/nginx.conf" -g "pid $tmp/nginx.pid; error_log $tmp/logs/error.log;"
echo "deploy/nginx.conf: valid ($("$NGINX" -v 2>&1))"

# The alert rules: syntax, their unit tests (fire above the threshold, not below), and the config loading them.
promtool check rules prometheus/wsc-alerts.yml >/dev/null
echo "deploy/prometheus/wsc-alerts.yml: valid ($(grep -c '^ *- alert:' prometheus/wsc-alerts.yml) rules)"
promtool test rules prometheus/wsc-alerts.test.yml >/dev/null
echo "deploy/prometheus/wsc-alerts.test.yml: valid (promtool test rules passes)"
promtool check config prometheus/prometheus.yml >/dev/null
echo "deploy/prometheus/prometheus.yml: valid ($(promtool --version 2>&1 | head -1))"

# The dashboard: JSON, panels, datasource; and every metric an expr uses (dashboard and alert rules) is in docs/metrics.md.
python3 grafana/check.py grafana/wscluster.json prometheus/wsc-alerts.yml ../docs/metrics.md

# Kubernetes: both overlays rendered by kubectl kustomize and validated against the Kubernetes schemas.
bash k8s/check.sh

# systemd: both units through systemd-analyze verify, where the machine has it.
bash systemd/check.sh

# The container: the Dockerfile's structure (no container engine here: the image is built elsewhere).
python3 docker/check-dockerfile.py

# Compose: docker-compose config, the services' settings, Prometheus and Grafana provisioning.
bash compose/check.sh
