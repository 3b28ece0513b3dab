#!/usr/bin/env bash
# Checks the systemd units of deploy/systemd/:
#   1. `systemd-analyze verify` on wsc-node.service and wsc-gateway.service. verify fails on a unit
#      whose Exec*= program does not exist; when /usr/bin/java is missing on this machine, copies
#      of the units with /usr/bin/java rewritten to the java on PATH (or /bin/true) are verified
#      instead, and the output says so. /opt/wsc/wsc.jar and /etc/wsc/wsc.env need not exist
#      (verify reads neither: the jar is an argument, the environment file is read at start).
#   2. when cli/target/wsc.jar is built: starts `wsc node` with the variables of wsc.env.example on
#      loopback ports, without Redis, to prove that every WSC_* name is a setting and its value valid.
# Prints one "valid" line per unit; exits non-zero on the first failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
units=(wsc-node.service wsc-gateway.service)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=../lib.sh
. "$here/../lib.sh"

if ! command -v systemd-analyze >/dev/null; then
  for u in "${units[@]}"; do echo "systemd $u: skipped (no systemd-analyze on this machine)"; done
else
  note=""
  if [[ ! -x /usr/bin/java ]]; then
    java="$(command -v java || echo /bin/true)"
    note=" (a copy with /usr/bin/java rewritten to $java: /usr/bin/java is not on this machine)"
  fi
  for u in "${units[@]}"; do
    if [[ -n $note ]]; then
      sed "s#/usr/bin/java#$java#g" "$here/$u" >"$tmp/$u"
      unit="$tmp/$u"
    else
      unit="$here/$u"
    fi
    if ! out="$(systemd-analyze verify "$unit" 2>&1)" || [[ -n $out ]]; then
      echo "$out" >&2
      echo "systemd $u: systemd-analyze verify failed or warned" >&2
      exit 1
    fi
    echo "systemd $u: valid (systemd-analyze verify$note)"
  done
fi

jar="$repo/cli/target/wsc.jar"
if [[ -f $jar ]] && command -v java >/dev/null; then
  # KEY=value lines as systemd reads them (a value in double quotes loses them), not sourced.
  env_file() {
    while IFS= read -r line; do
      [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
      key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
      if [[ $value =~ ^\"(.*)\"$ ]]; then value="${BASH_REMATCH[1]}"; fi
      export "$key=$value"
    done <"$here/wsc.env.example"
    export WSC_NODE_ID=check
  }
  if ! wsc_node_starts "$jar" "$tmp/node.out" env_file; then
    echo "systemd wsc.env.example: wsc node did not start with it" >&2
    exit 1
  fi
  echo "systemd wsc.env.example: wsc node starts with it ($(grep -c '^WSC_' "$here/wsc.env.example") WSC_* variables, JAVA_OPTS)"
else
  echo "systemd wsc.env.example: skipped starting wsc node with it (no cli/target/wsc.jar or java)"
fi
