#!/usr/bin/env bash
# deploy/check.sh: checks the syntax of the HAProxy and Nginx examples with the real tools
# (Debian's haproxy and nginx packages, installed when missing and apt-get can).
set -euo pipefail
cd "$(dirname "$0")"

need() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "deploy/check.sh: $1 is not installed (apt-get install $2)" >&2; exit 1
  fi
}
need haproxy haproxy
need nginx nginx-light
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
