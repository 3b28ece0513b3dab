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

# shellcheck source=../lib.sh
. "$here/../lib.sh"

kubectl="${KUBECTL:-}"
if [[ -z $kubectl ]]; then
  need kubectl kubernetes-client
  kubectl="$(command -v kubectl)"
fi
need node nodejs
need npm npm

# The schemas: npm ci when node_modules is missing or older than the lock file.
check="$here/.check"
if [[ ! -f $check/node_modules/.package-lock.json || $check/package-lock.json -nt $check/node_modules/.package-lock.json ]]; then
  (cd "$check" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

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
    rendered_env() {
      # shellcheck disable=SC1090
      source "$tmp/$o.env"
    }
    if ! wsc_node_starts "$jar" "$tmp/$o.out" rendered_env; then
      echo "k8s overlay $o: wsc node did not start with the rendered environment" >&2
      exit 1
    fi
    echo "k8s overlay $o: wsc node starts with the rendered environment ($(grep -c '^export WSC_' "$tmp/$o.env") WSC_* variables, JAVA_OPTS)"
  else
    echo "k8s overlay $o: skipped starting wsc node with the rendered environment (no cli/target/wsc.jar or java)"
  fi
done
