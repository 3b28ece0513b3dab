#!/usr/bin/env bash
# Checks the Kubernetes manifests of deploy/k8s/:
#   1. renders each overlay with `kubectl kustomize` (KUBECTL=... to choose the binary; installs
#      Debian's kubernetes-client, kubectl 1.20 with kustomize v2.0.3, when none is found and run
#      as root);
#   2. validates every rendered object against the Kubernetes JSON schemas (npm package
#      kubernetes-models, pinned in .check/package-lock.json and installed there with `npm ci`),
#      failing on unknown kinds and unknown fields, plus consistency checks (validate.mjs);
#   3. when cli/target/wsc.jar is built: starts `wsc node` with the node container's rendered
#      environment (ConfigMap, Secret, node id) on loopback ports, without Redis, to prove that
#      every WSC_* variable is a known setting with a valid value and JAVA_OPTS is accepted.
# Prints one "valid" line per overlay; exits non-zero on the first failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
overlays=(dev production)

need_root_install() { # package, what
  if [[ $(id -u) -ne 0 ]]; then
    echo "k8s: $2 not found; install Debian's $1 (apt-get install $1) or set the path" >&2
    exit 1
  fi
  echo "k8s: $2 not found: installing Debian's $1" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2
}

kubectl="${KUBECTL:-}"
if [[ -z $kubectl ]]; then
  command -v kubectl >/dev/null || need_root_install kubernetes-client kubectl
  kubectl="$(command -v kubectl)"
fi
command -v node >/dev/null && command -v npm >/dev/null || need_root_install "nodejs npm" "node/npm"

# The schemas: npm ci when node_modules is missing or older than the lock file.
check="$here/.check"
if [[ ! -f $check/node_modules/.package-lock.json || $check/package-lock.json -nt $check/node_modules/.package-lock.json ]]; then
  (cd "$check" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

jar="$repo/cli/target/wsc.jar"
for o in "${overlays[@]}"; do
  if ! "$kubectl" kustomize "$here/overlays/$o" >"$tmp/$o.yaml" 2>"$tmp/$o.err"; then
    grep -v '^# Warning' "$tmp/$o.err" >&2 || true
    echo "k8s: $o: kubectl kustomize failed ($kubectl)" >&2
    exit 1
  fi
  node "$here/validate.mjs" "k8s overlay $o" "$tmp/$o.yaml"

  if [[ -f $jar ]] && command -v java >/dev/null; then
    node "$here/validate.mjs" --node-env "$tmp/$o.yaml" >"$tmp/$o.env"
    (
      # shellcheck disable=SC1090
      source "$tmp/$o.env"
      unset REDIS_URL WSC_REDIS   # the embedded bus: no Redis is needed to check the settings
      export WSC_HOST=127.0.0.1 WSC_PORT=0 WSC_ADMIN_HOST=127.0.0.1 WSC_ADMIN_PORT=0
      # shellcheck disable=SC2086
      exec java $JAVA_OPTS -jar "$jar" node
    ) >"$tmp/$o.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 1 120); do
      grep -q 'listening on' "$tmp/$o.out" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if ! grep -q 'listening on' "$tmp/$o.out"; then
      cat "$tmp/$o.out" >&2
      echo "k8s overlay $o: wsc node did not start with the rendered environment" >&2
      exit 1
    fi
    kill "$pid" && wait "$pid" 2>/dev/null || true
    echo "k8s overlay $o: wsc node starts with the rendered environment ($(grep -c '^export WSC_' "$tmp/$o.env") WSC_* variables, JAVA_OPTS)"
  else
    echo "k8s overlay $o: skipped starting wsc node with the rendered environment (no cli/target/wsc.jar or java)"
  fi
done
