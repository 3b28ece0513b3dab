# deploy/lib.sh: what the check scripts of deploy/ share; sourced, not run.

# need COMMAND PACKAGE: COMMAND is on the PATH, else Debian's PACKAGE is installed (only as root,
# where apt-get is), else the check stops saying what to install.
need() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "${0}: $1 is not installed (apt-get install $2)" >&2; exit 1
  fi
}

# wsc_node_starts JAR OUT SETUP: starts `wsc node` from JAR in a subshell that first runs the
# function SETUP (it exports the variables to try: an env file, a rendered ConfigMap), then puts
# the node on loopback ports without Redis (the embedded bus: only the settings are checked).
# Waits at most 60 s for it to listen and stops it. Returns 0 when it listened; else prints its
# output (OUT) and returns 1.
wsc_node_starts() {
  local jar=$1 out=$2 setup=$3 pid
  (
    "$setup"
    unset REDIS_URL WSC_REDIS
    export WSC_HOST=127.0.0.1 WSC_PORT=0 WSC_ADMIN_HOST=127.0.0.1 WSC_ADMIN_PORT=0
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:-} -jar "$jar" node
  ) >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    grep -q 'listening on' "$out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if grep -q 'listening on' "$out"; then
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    return 0
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  cat "$out" >&2
  return 1
}
