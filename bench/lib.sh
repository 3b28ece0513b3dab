# bench/lib.sh: helpers shared by the bench/*.sh scripts. Source it, then call bench_init.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_opts "--runs RUNS 3" "--rates RATES 1 2 5" -- "$@"   # options, --help, --no-append; sets COMMAND
#   bench_init fanout          # work dir, traps, logging prefix, cd to the repository root
#   bench_build                # builds once, copies the jar to $WORK/wsc.jar (BENCH_JAR=<jar> skips the build)
#   start_node n1 -Xmx2g       # node on 127.0.0.1, a free port; sets NODE_PID[n1], NODE_URL[n1], NODE_HTTP[n1],
#                              # NODE_ADMIN[n1] (its operator listener: the API, admin, /metrics)
#   run_loadtest out.json -- --scenario fanout ...   # generator; its CPU lands in GEN_CPU_S / GEN_WALL_S
#   stop_node n1
#   start_redis                # redis-server on a free port; sets REDIS_PID, REDIS_PORT, REDIS_URL
#   start_node n1 -Xmx1g -- --redis "$REDIS_URL" --cluster c1   # node options after --
#   stop_redis
#   median 3 1 2               # -> 2
#   append_doc "$WORK/report.md"   # appends to docs/benchmarks.md (or to the file given second) unless NO_APPEND=1
#
# Conventions (as in bench/idle-memory.sh): loopback only; everything started is recorded by PID
# and stopped by PID on exit (TERM, up to 15 s, then KILL); every wait is bounded.

set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_NAME=bench
WORK=""
KEEP="${KEEP:-0}"
NO_APPEND="${NO_APPEND:-0}"
declare -A NODE_PID=() NODE_URL=() NODE_HTTP=() NODE_ADMIN=()
declare -a BENCH_PIDS=()

log() { echo "$BENCH_NAME: $*" >&2; }
die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# bench_help: prints the script's header, the comment block after its first line.
bench_help() { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; }

# bench_opts SPEC... -- ARGS...: a script's options, declared once. Each SPEC is "--option VAR
# DEFAULT" (the default may hold spaces: a list); "--option VAR[]" reads its value as words into
# the array VAR; a "!" before the option leaves it out of COMMAND. Sets every VAR to its default,
# then parses ARGS: "--option VALUE" for each declared option, --no-append (NO_APPEND=1) and
# -h/--help (bench_help, exit 0) for every script; anything else exits 2 naming the script. Sets
# COMMAND, the line a report quotes to repeat the run: bench/<script>.sh and each option with its
# value, in SPEC order, a list's value in quotes, an array only when it is not empty.
bench_opts() {
  local -a specs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do specs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  local script spec opt var def
  script="$(basename "$0" .sh)"
  local -A vars=()
  for spec in "${specs[@]}"; do
    read -r opt var def <<<"$spec"
    opt="${opt#!}"
    vars[$opt]="$var"
    if [[ "$var" == *'[]' ]]; then
      local -n words="${var%[]}"
      words=()
      unset -n words
    else
      printf -v "$var" '%s' "$def"
    fi
  done
  while [ $# -gt 0 ]; do
    case "$1" in
      --no-append) NO_APPEND=1; shift; continue ;;
      -h|--help) bench_help; exit 0 ;;
    esac
    var="${vars[$1]:-}"
    [ -n "$var" ] || { echo "$script: unknown argument $1" >&2; exit 2; }
    if [[ "$var" == *'[]' ]]; then read -r -a "${var%[]}" <<<"$2"; else printf -v "$var" '%s' "$2"; fi
    shift 2
  done
  COMMAND="bench/$script.sh"
  for spec in "${specs[@]}"; do
    read -r opt var def <<<"$spec"
    [[ "$opt" == '!'* ]] && continue
    if [[ "$var" == *'[]' ]]; then
      local -n words="${var%[]}"
      [ ${#words[@]} -eq 0 ] || COMMAND+=" $opt \"${words[*]}\""
      unset -n words
    elif [[ "$def" == *' '* ]]; then
      COMMAND+=" $opt \"${!var}\""
    else
      COMMAND+=" $opt ${!var}"
    fi
  done
}

# Stops one process we started: TERM, up to 15 s, then KILL.
stop_pid() {
  local pid="${1:-}"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local _
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do stop_pid "$pid"; done
  if [ -n "$WORK" ]; then
    if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
}

bench_init() {
  BENCH_NAME="$1"
  cd "$BENCH_ROOT"
  WORK="$(mktemp -d "/tmp/wsc-bench-$BENCH_NAME.XXXXXX")"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  # One process may hold at most the hard limit of open files (20,000 here).
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# Builds once per script (main code only), then runs from a copy in $WORK: other builds in this
# shared tree must not swap the jar under a running node. A concurrent build in the same tree can
# make one attempt fail, so up to three attempts. BENCH_JAR=<path> uses a given jar instead.
bench_build() {
  if [ -n "${BENCH_JAR:-}" ]; then
    [ -f "$BENCH_JAR" ] || die "BENCH_JAR=$BENCH_JAR does not exist"
    cp "$BENCH_JAR" "$WORK/wsc.jar"
  else
    local attempt ok=0
    for attempt in 1 2 3; do
      log "building (mvn -q -Dmaven.test.skip=true -pl cli -am install), attempt $attempt"
      if mvn -B -q -ntp -Dmaven.test.skip=true -pl cli -am install >"$WORK/build.log" 2>&1; then ok=1; break; fi
      sleep $((attempt * 10))
    done
    [ "$ok" = 1 ] || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
    cp cli/target/wsc.jar "$WORK/wsc.jar"
  fi
  java -jar "$WORK/wsc.jar" loadtest --help >/dev/null 2>&1 || die "$WORK/wsc.jar cannot run 'loadtest --help'"
  JAR="$WORK/wsc.jar"
}

# A TCP port nobody listens on at the moment (the node itself is started with --port 0, which is
# race-free; this is for tools that need a port chosen in advance).
free_port() {
  local p _
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12000))
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  die "no free port found"
}

# bench_env HELP: sets BENCH_ENV to the environment that lifts what would refuse a generator, for
# a jar whose `node --help` or `gateway --help` (HELP) has the setting (an older BENCH_JAR may not):
# rooms anyone may publish to and no write rate per connection or per user (WSC_ROOM_PUBLISH,
# WSC_CLIENT_PUBLISH_RATE and _BYTES, WSC_USER_PUBLISH_RATE: a generator's anonymous publishers write
# far over one client's default), and no per-address connection limits (WSC_MAX_CONNECTIONS_PER_ADDRESS,
# WSC_CONNECTION_RATE_PER_ADDRESS: the generators open thousands of connections a second from a few
# loopback addresses, IdleConnections from 127.0.0.2 and up). Variables already set win.
bench_env() {
  BENCH_ENV=()
  case "$1" in *--room-publish*) BENCH_ENV+=("WSC_ROOM_PUBLISH=${WSC_ROOM_PUBLISH:-anyone}") ;; esac
  case "$1" in *--client-publish-rate*) BENCH_ENV+=("WSC_CLIENT_PUBLISH_RATE=${WSC_CLIENT_PUBLISH_RATE:-0}" "WSC_CLIENT_PUBLISH_BYTES=${WSC_CLIENT_PUBLISH_BYTES:-0}") ;; esac
  case "$1" in *--user-publish-rate*) BENCH_ENV+=("WSC_USER_PUBLISH_RATE=${WSC_USER_PUBLISH_RATE:-0}") ;; esac
  case "$1" in *--client-rooms-per-minute*) BENCH_ENV+=("WSC_CLIENT_ROOMS_PER_MINUTE=${WSC_CLIENT_ROOMS_PER_MINUTE:-0}") ;; esac
  case "$1" in *--max-pending-requests*) BENCH_ENV+=("WSC_MAX_PENDING_REQUESTS=${WSC_MAX_PENDING_REQUESTS:-0}") ;; esac
  case "$1" in *--max-connections-per-address*) BENCH_ENV+=("WSC_MAX_CONNECTIONS_PER_ADDRESS=${WSC_MAX_CONNECTIONS_PER_ADDRESS:-0}" "WSC_CONNECTION_RATE_PER_ADDRESS=${WSC_CONNECTION_RATE_PER_ADDRESS:-0}") ;; esac
}

# start_node NAME [JVM options...] [-- node options...]: starts `wsc node` on 127.0.0.1 with a free
# port (--port 0), waits (bounded) for its URL and for /ready, and records PID and URLs. The limits
# a generator would hit are lifted (bench_env; node options override them).
start_node() {
  local name="$1"; shift
  local -a jvm=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  local logf="$WORK/node-$name.log"
  if [ -z "${JAR_NODE_HELP:-}" ]; then
    JAR_NODE_HELP=$(java -jar "$JAR" node --help 2>/dev/null || true)
  fi
  bench_env "$JAR_NODE_HELP"
  env "${BENCH_ENV[@]}" java "${jvm[@]}" -jar "$JAR" node --host 127.0.0.1 --port 0 --node-id "$name" "${args[@]}" >"$logf" 2>&1 </dev/null &
  local pid=$!
  BENCH_PIDS+=("$pid")
  local url="" _
  for _ in $(seq 300); do
    url="$(grep -o 'ws://127\.[0-9.]*:[0-9]*/ws' "$logf" | head -1 || true)"
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$url" ] || die "node $name did not start: $(tail -5 "$logf")"
  NODE_PID[$name]=$pid NODE_URL[$name]=$url
  NODE_ADMIN[$name]="$(grep -o 'operator listener http://127\.[0-9.]*:[0-9]*' "$logf" | head -1 | sed 's/^operator listener //' || true)"
  NODE_HTTP[$name]="${url%/ws}"; NODE_HTTP[$name]="http:${NODE_HTTP[$name]#ws:}"
  wait_ready "${NODE_HTTP[$name]}" 30 || die "node $name not ready within 30 s"
  log "node $name: pid $pid, $url"
}

stop_node() { stop_pid "${NODE_PID[$1]:-}"; NODE_PID[$1]=""; }

# start_redis: a throwaway redis-server on 127.0.0.1 and a free port, no persistence, in the
# foreground of a background job (PID recorded, stopped on exit like the nodes). Sets REDIS_PID,
# REDIS_PORT and REDIS_URL (redis://127.0.0.1:<port>, for `start_node ... -- --redis "$REDIS_URL"`).
# A port taken between free_port and the bind: up to three attempts.
REDIS_PID="" REDIS_PORT="" REDIS_URL=""
start_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || die "redis-server and redis-cli are needed"
  local attempt port pid _ logf
  for attempt in 1 2 3; do
    port="$(free_port)" logf="$WORK/redis-$port.log"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$logf" 2>&1 </dev/null &
    pid=$!
    BENCH_PIDS+=("$pid")
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = PONG ] && break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = PONG ]; then
      REDIS_PID=$pid REDIS_PORT=$port REDIS_URL="redis://127.0.0.1:$port"
      log "redis: pid $pid, $REDIS_URL ($(redis-server --version | awk '{ print $3 }'))"
      return 0
    fi
    stop_pid "$pid"
    log "redis on port $port did not start (attempt $attempt): $(tail -2 "$logf" 2>/dev/null)"
  done
  die "redis-server did not start"
}

stop_redis() { stop_pid "$REDIS_PID"; REDIS_PID=""; }

# redis_stat FIELD: one field of `redis-cli info stats` (e.g. total_commands_processed) of our Redis.
redis_stat() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info stats 2>/dev/null | tr -d '\r' | awk -F: -v k="$1" '$1 == k { print $2; exit }'; }

# wait_ready HTTP_BASE SECONDS: polls /ready until it answers 200.
wait_ready() {
  local until=$((SECONDS + $2))
  while [ $SECONDS -lt "$until" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/ready" || true)" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}

# CPU seconds (user+system, with reaped children) of one process, from /proc/<pid>/stat.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# The same over a process and its live children (the generator's worker processes).
tree_ticks() {
  local t c
  t=$(cpu_ticks "$1")
  for c in $(pgrep -P "$1" 2>/dev/null || true); do t=$((t + $(cpu_ticks "$c"))); done
  echo "$t"
}
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"

# run_loadtest REPORT_JSON [--timeout S] -- LOADTEST OPTIONS...: runs the generator (JAVA_OPTS
# apply), writes its JSON report and output ($REPORT_JSON.out), and measures the generator's own
# CPU over the measured phase (from the first "[    0s]" progress line to the summary, polled
# every 0.2 s from /proc of the loadtest PID and its worker children): GEN_CPU_PCT (% of one core),
# plus GEN_CPU_S and GEN_WALL_S over the whole run. Returns the loadtest's exit status.
run_loadtest() {
  local report="$1"; shift
  local timeout=600
  if [ "${1:-}" = --timeout ]; then timeout="$2"; shift 2; fi
  [ "${1:-}" = -- ] && shift
  local out="$report.out" t0 w0
  w0=$(date +%s.%N)
  # shellcheck disable=SC2086
  timeout --kill-after=10 "$timeout" java ${JAVA_OPTS:-} -jar "$JAR" loadtest --report-json "$report" "$@" >"$out" 2>&1 </dev/null &
  local pid=$! m0="" m1="" s0="" s1="" i psec="" sec
  BENCH_PIDS+=("$pid")
  # `timeout` forks java: the generator is its child, the workers its grandchildren.
  local jpid=""
  for i in $(seq $((timeout * 5))); do
    kill -0 "$pid" 2>/dev/null || break
    [ -n "$jpid" ] || jpid="$(pgrep -P "$pid" | head -1 || true)"
    if [ -n "$jpid" ] && [ -z "$m0" ] && grep -q '^\[ *0s\]' "$out" 2>/dev/null; then
      m0=$(tree_ticks "$jpid"); s0=$(date +%s.%N)
    fi
    if [ -n "$m0" ] && [ -z "$m1" ] && grep -q '^scenario' "$out" 2>/dev/null; then
      m1=$(tree_ticks "$jpid"); s1=$(date +%s.%N)
    fi
    # Before the summary, the last reading stands in for it (workers exit before the summary).
    if [ -n "$m0" ] && [ -z "$m1" ]; then m1p=$(tree_ticks "$jpid"); s1p=$(date +%s.%N); fi
    # RL_ON_PROGRESS=<function>: called with the second of each new measured-phase progress line
    # ("[    3s]"), to sample other processes (e.g. Redis) over the steady part of the run.
    if [ -n "${RL_ON_PROGRESS:-}" ] && [ -z "$m1" ]; then
      sec="$(grep -o '^\[ *[0-9]*s\]' "$out" 2>/dev/null | tail -1 | tr -dc 0-9 || true)"
      if [ -n "$sec" ] && [ "$sec" != "$psec" ]; then psec="$sec"; "$RL_ON_PROGRESS" "$sec"; fi
    fi
    sleep 0.2
  done
  local rc=0
  wait "$pid" || rc=$?
  t0=$(date +%s.%N)
  [ -n "$m1" ] || { m1="${m1p:-}"; s1="${s1p:-}"; }
  # A worker that exited but was not yet reaped is in neither reading: never go below the last one.
  if [ -n "$m1" ] && [ -n "${m1p:-}" ] && [ "$m1" -lt "$m1p" ]; then m1="$m1p"; s1="$s1p"; fi
  if [ -n "$m0" ] && [ -n "$m1" ]; then
    GEN_CPU_PCT=$(awk -v a="$m0" -v b="$m1" -v s="$s0" -v e="$s1" -v hz="$CLK_TCK" 'BEGIN { d = e - s; printf "%.0f", (d > 0 ? (b - a) / hz / d * 100 : 0) }')
  else
    GEN_CPU_PCT="?"
  fi
  GEN_WALL_S=$(awk -v a="$w0" -v b="$t0" 'BEGIN { printf "%.1f", b - a }')
  return "$rc"
}

# jf FILE JQ-PATH: one field of a JSON report ("null" when absent).
jf() { jq -r "$2" "$1"; }

# median of numbers (integers or decimals); the mean of the middle two for an even count.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# median_of_runs PREFIX JQ-PATH: the median of one field over the reports PREFIX1.json .. PREFIX$RUNS.json.
median_of_runs() {
  local -a vals=()
  local run
  for run in $(seq "$RUNS"); do vals+=("$(jf "$1$run.json" "$2")"); done
  median "${vals[@]}"
}

machine() {
  local transport=""
  for f in "$WORK"/node-*.log; do
    [ -f "$f" ] && transport="$(grep -o '([a-z]* transport' "$f" | head -1 | tr -d '(' || true)" && [ -n "$transport" ] && break
  done
  echo "$(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $(java -version 2>&1 | head -1)${transport:+, $transport}; node and generator share the machine"
}

# append_doc FILE [DOC]: appends a report section to docs/benchmarks.md, or to DOC (and prints it), unless NO_APPEND=1.
append_doc() {
  cat "$1"
  if [ "$NO_APPEND" = 1 ]; then return 0; fi
  if [ -n "${2:-}" ]; then
    cat "$1" >>"$2"
    log "appended to $2"
    return 0
  fi
  if [ ! -f docs/benchmarks.md ]; then
    mkdir -p docs
    printf '# Benchmarks\n\nHow we measure: scripts under `bench/` start real nodes and real clients on loopback and\nprint the exact command beside each result. Quote medians of several runs, never a best run:\nthis is a 2-core machine shared by the node and its load generator, so single runs are noisy.\n' >docs/benchmarks.md
  fi
  cat "$1" >>docs/benchmarks.md
  log "appended to docs/benchmarks.md"
}

# scenario_bench TITLE [--runs N] [--nodes K] [--node-opts "..."] -- LOADTEST OPTIONS...: the whole of
# the per-scenario scripts (rooms, p2p, broadcast, churn, reconnect-storm), which give it their own
# arguments after TITLE and set BENCH_COMMAND first; -h/--help as their first argument prints their
# header. Per run: fresh nodes
# (java -Xmx1g, loopback), one loadtest against all of them with --server-pid of each, the table
# figures recorded; medians over the runs appended to docs/benchmarks.md. The loadtest options
# must hold --scenario and the load (connections, rate, duration). Runs after the first reuse
# nothing: each run is cold (JIT warmup included), so quote the figures as such.
scenario_bench() {
  local title="$1"; shift
  [ "${1:-}" = -h ] || [ "${1:-}" = --help ] && { bench_help; exit 0; }
  bench_init "$(basename "$0" .sh)"
  local runs=3 nodes=1 node_opts="" warmup=10
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case "$1" in
      --runs) runs="$2"; shift 2 ;;
      --warmup) warmup="$2"; shift 2 ;;
      --nodes) nodes="$2"; shift 2 ;;
      --node-opts) node_opts="$2"; shift 2 ;;
      --no-append) NO_APPEND=1; shift ;;
      *) die "unknown argument $1" ;;
    esac
  done
  [ "${1:-}" = -- ] && shift
  local -a lt=("$@") urls=() pids=() p99s=() dps=() cpus=() lost=()
  bench_build
  : >"$WORK/runs.md"
  local run i f
  for run in $(seq "$runs"); do
    urls=() pids=()
    for i in $(seq "$nodes"); do
      # shellcheck disable=SC2086
      start_node "n$i" -Xmx1g -- $node_opts
      urls+=(--url "${NODE_URL[n$i]}") pids+=(--server-pid "${NODE_PID[n$i]}")
    done
    f="$WORK/run-$run.json"
    if [ "$warmup" -gt 0 ]; then
      # The JIT compiles the hot paths in the first seconds; measuring them would bill that to the messages.
      local -a wl=("${lt[@]}")
      for i in "${!wl[@]}"; do [ "${wl[$i]}" = --duration ] && wl[$((i + 1))]="${warmup}s"; done
      run_loadtest "$WORK/warmup-$run.json" -- "${urls[@]}" "${wl[@]}" || log "warmup exit status $?"
    fi
    run_loadtest "$f" -- "${urls[@]}" "${pids[@]}" "${lt[@]}" || log "loadtest exit status $?"
    [ -s "$f" ] || die "loadtest wrote no report: $(tail -5 "$f.out")"
    p99s+=("$(jf "$f" .message_latency_ms.p99)") dps+=("$(jf "$f" .delivered_per_sec)")
    cpus+=("$(jf "$f" .server_cpu_us_per_delivery)") lost+=("$(jf "$f" .lost)")
    printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% | %s |\n' "$run" "$(jf "$f" .connections)" \
        "$(jf "$f" .success_rate)" "$(jf "$f" .connect_latency_ms.p99)" "$(jf "$f" .message_latency_ms.p50)" \
        "${p99s[-1]}" "${dps[-1]}" "${lost[-1]}" "$(jf "$f" '.duplicates + .out_of_order')" "${cpus[-1]}" "$GEN_CPU_PCT" \
        "$(jf "$f" '[.errors | to_entries[] | "\(.key): \(.value)"] | join("; ") | if . == "" then "none" else . end')" >>"$WORK/runs.md"
    log "run $run: p99 ${p99s[-1]} ms, delivered ${dps[-1]}/s, lost ${lost[-1]}, ${cpus[-1]} us/delivery, generator ${GEN_CPU_PCT}%"
    for i in $(seq "$nodes"); do stop_node "n$i"; done
  done
  cat >"$WORK/report.md" <<EOR

## $title, $(date -u +%Y-%m-%d)

$([ "$runs" = 1 ] && echo "One run only (for time), after a ${warmup}s warmup run on the same node: treat as indicative. ")Median$([ "$runs" = 1 ] || echo " of $runs runs"): P99 **$(median "${p99s[@]}") ms**,
**$(median "${dps[@]}") delivered/s**, lost $(median "${lost[@]}"), server CPU **$(median "${cpus[@]}") µs/delivery**.

- machine: $(machine)
- command: \`$BENCH_COMMAND\` (from the repository root)
- nodes: $nodes × \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n<i>${node_opts:+ $node_opts}\`, fresh per run
- generator: \`java -jar cli/target/wsc.jar loadtest --url <node>... --server-pid <node pid>... ${lt[*]} --report-json <file>\`
- "gen CPU": the generator's CPU over the measured phase (% of one core; 200% = both cores)

| run | connections | success | connect P99 (ms) | P50 (ms) | P99 (ms) | delivered/s | lost | dup + out of order | server µs/delivery | gen CPU | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/runs.md")
EOR
  append_doc "$WORK/report.md"
}

# ---- a cluster of nodes over Redis (bench/cluster-*.sh) ----
#
#   start_cluster 3 bench1 -Xmx1g   # redis + nodes n1..n3 with --redis/--cluster; sets CL_URLS (--url ...),
#                                   # CL_PIDS (--server-pid of every node and of Redis), CL_NODES (names)
#   RL_ON_PROGRESS=cluster_sample; cluster_reset; run_loadtest ...; unset RL_ON_PROGRESS
#   cluster_window 10               # CPU of each node and of Redis, Redis commands/s over the steady part
#   stop_cluster
# CL_NODE_OPTS: more `wsc node` options for every node (bench/cluster-*.sh --node-opts).
declare -a CL_URLS=() CL_ADMIN_URLS=() CL_PIDS=() CL_NODES=() CL_NODE_OPTS=()
start_cluster() {
  local k="$1" name="$2"; shift 2
  local i
  start_redis
  CL_URLS=() CL_ADMIN_URLS=() CL_PIDS=() CL_NODES=()
  for i in $(seq "$k"); do
    start_node "n$i" "$@" -- --redis "$REDIS_URL" --cluster "$name" "${CL_NODE_OPTS[@]}"
    CL_URLS+=(--url "${NODE_URL[n$i]}") CL_ADMIN_URLS+=(--admin-url "${NODE_ADMIN[n$i]}") CL_PIDS+=(--server-pid "${NODE_PID[n$i]}") CL_NODES+=("n$i")
  done
  CL_PIDS+=(--server-pid "$REDIS_PID")
}

stop_cluster() {
  local n
  for n in "${CL_NODES[@]}"; do stop_node "$n"; done
  stop_redis
}

# Samples per measured-phase second (RL_ON_PROGRESS hook): wall time, CPU ticks of Redis and of
# each node, Redis's total_commands_processed.
declare -A CS_T=() CS_R=() CS_C=() CS_N=() CS_M=()
cluster_reset() { CS_T=() CS_R=() CS_C=() CS_N=() CS_M=(); }
# Busy ticks of the whole machine (all CPUs, everything but idle and iowait), from /proc/stat.
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
cluster_sample() {
  local sec="$1" n ticks=""
  CS_T[$sec]=$(date +%s.%N)
  CS_M[$sec]=$(machine_ticks)
  CS_R[$sec]=$(cpu_ticks "$REDIS_PID")
  for n in "${CL_NODES[@]}"; do ticks+="$(cpu_ticks "${NODE_PID[$n]}") "; done
  CS_N[$sec]="$ticks"
  CS_C[$sec]=$(redis_stat total_commands_processed)
}

# cluster_window DURATION_S: over the samples from the first progress second to the last one still
# inside the measured phase (<= DURATION_S - 1: publishing, no connecting or closing), sets
# CW_NODE_PCT ("a/b/c", % of one core per node), CW_NODES_PCT (their sum), CW_REDIS_PCT,
# CW_CMDS_PER_S (Redis commands per second), CW_MACHINE_PCT (the whole machine's busy CPU, all
# processes and the kernel's softirq work; 200% = both cores) and CW_SECS; "?" when too few samples.
cluster_window() {
  local d="$1" a="" b="" s i dt
  for s in "${!CS_T[@]}"; do
    [ "$s" -le $((d - 1)) ] || continue
    if [ -z "$a" ] || [ "$s" -lt "$a" ]; then a=$s; fi
    if [ -z "$b" ] || [ "$s" -gt "$b" ]; then b=$s; fi
  done
  CW_NODE_PCT="?" CW_NODES_PCT="?" CW_REDIS_PCT="?" CW_CMDS_PER_S="?" CW_SECS="?" CW_MACHINE_PCT="?"
  if [ -z "$a" ] || [ "$b" -le "$a" ]; then return 0; fi
  dt=$(awk -v x="${CS_T[$a]}" -v y="${CS_T[$b]}" 'BEGIN { printf "%.3f", y - x }')
  CW_SECS=$dt
  local -a n0 n1
  read -r -a n0 <<<"${CS_N[$a]}"; read -r -a n1 <<<"${CS_N[$b]}"
  local parts="" sum=0 p
  for i in "${!n0[@]}"; do
    p=$(awk -v x="${n0[$i]}" -v y="${n1[$i]}" -v t="$dt" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (y - x) / hz / t * 100 }')
    parts+="${parts:+/}$p" sum=$((sum + p))
  done
  CW_NODE_PCT=$parts CW_NODES_PCT=$sum
  CW_REDIS_PCT=$(awk -v x="${CS_R[$a]}" -v y="${CS_R[$b]}" -v t="$dt" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (y - x) / hz / t * 100 }')
  CW_CMDS_PER_S=$(awk -v x="${CS_C[$a]}" -v y="${CS_C[$b]}" -v t="$dt" 'BEGIN { printf "%.0f", (y - x) / t }')
  CW_MACHINE_PCT=$(awk -v x="${CS_M[$a]}" -v y="${CS_M[$b]}" -v t="$dt" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (y - x) / hz / t * 100 }')
}

# cluster_steps --runs R --rates "r1 r2 ..." --duration D --warmup W --warm-rate WR --p99-ms M
#               --warmup-runs N --nodes K --xmx X --name NAME -- LOADTEST OPTIONS (scenario, connections, ...; no --rate/--duration)
# The body of bench/cluster-*.sh. Per repetition: a fresh Redis and K fresh nodes on it
# (java -XmxX, --redis, --cluster NAME<run>), N warmup runs (default 2) at WR msg/s for W s each (not
# counted: after a single one, the first measured run still had each node's C2 compiler busy for
# ~3.5 s of CPU, recompiling once connections had closed and reconnected), then
# one fresh `wsc loadtest` per rate, with --server-pid of every node and of Redis, until the first
# rate with P99 >= M ms or any loss. Per step it records, besides the loadtest's figures, each
# node's and Redis's CPU and Redis's commands per second over the steady part of the measured
# phase (cluster_window), and the generator's CPU. Leaves: $WORK/steps.md (table rows),
# $WORK/r<run>-<rate>.json and .vals (the row's figures, shell assignments), CS_BEST[run] (highest
# passing rate, 0 if none), CS_FAIL[run] (the first failing rate, "" if all passed).
declare -a CS_BEST=() CS_FAIL=()
cluster_steps() {
  local runs=3 rates="" d=10 w=10 wr="" m=10 k=3 xmx=1g name=bench wn=2 wi
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case "$1" in
      --runs) runs="$2" ;; --rates) rates="$2" ;; --duration) d="$2" ;; --warmup) w="$2" ;;
      --warm-rate) wr="$2" ;; --warmup-runs) wn="$2" ;; --p99-ms) m="$2" ;; --nodes) k="$2" ;; --xmx) xmx="$2" ;; --name) name="$2" ;;
      *) die "cluster_steps: unknown argument $1" ;;
    esac
    shift 2
  done
  [ "${1:-}" = -- ] && shift
  local -a lt=("$@") rs
  read -r -a rs <<<"$rates"
  [ -n "$wr" ] || wr="${rs[1]:-${rs[0]}}"
  CS_RUNS=$runs CS_NODES=$k CS_XMX=$xmx CS_NAME=$name CS_DURATION=$d CS_WARMUP=$w CS_WARMUP_RUNS=$wn CS_WARM_RATE=$wr CS_LT=("${lt[@]}")
  local run r f p50 p99 p99s lost dps cpu pass scpu share cpd best fail to
  to=$((d + 150))
  : >"$WORK/steps.md"
  for run in $(seq "$runs"); do
    start_cluster "$k" "$name$run" "-Xmx$xmx"
    if [ "$w" -gt 0 ]; then
      for wi in $(seq "$wn"); do
        log "run $run/$runs: warmup $wi/$wn at $wr msg/s for ${w}s"
        run_loadtest "$WORK/warm-$run-$wi.json" --timeout "$to" -- "${CL_URLS[@]}" "${lt[@]}" --rate "$wr" --duration "${w}s" || log "warmup exit status $?"
      done
    fi
    best=0 fail=""
    for r in "${rs[@]}"; do
      f="$WORK/r$run-$r.json"
      cluster_reset
      RL_ON_PROGRESS=cluster_sample
      run_loadtest "$f" --timeout "$to" -- "${CL_URLS[@]}" "${CL_PIDS[@]}" "${lt[@]}" --rate "$r" --duration "${d}s" || true
      RL_ON_PROGRESS=""
      [ -s "$f" ] || die "loadtest wrote no report: $(tail -5 "$f.out")"
      cluster_window "$d"
      p99=$(jf "$f" .message_latency_ms.p99) p50=$(jf "$f" .message_latency_ms.p50) lost=$(jf "$f" .lost)
      dps=$(jf "$f" .delivered_per_sec) cpu=$(jf "$f" .server_cpu_us_per_delivery)
      p99s=$(jf "$f" '[.timeline[] | select(.second >= 3) | .p99_ms] | max // "?"')
      share=$(awk -v r="$CW_REDIS_PCT" -v n="$CW_NODES_PCT" 'BEGIN { if (r + n > 0 && r != "?") printf "%.0f", r / (r + n) * 100; else print "?" }')
      cpd=$(awk -v c="$CW_CMDS_PER_S" -v d="$dps" 'BEGIN { if (c != "?" && d > 0) printf "%.4f", c / d; else print "?" }')
      pass=$(awk -v p="$p99" -v l="$lost" -v m="$m" 'BEGIN { print (p < m && l == 0) ? "yes" : "no" }')
      printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s%% | %s%% | %s%% | %s%% | %s%% | %s | %s | %s |\n' "$run" "$r" "$dps" "$p50" "$p99" \
          "$p99s" "$lost" "$cpu" "$CW_NODE_PCT" "$CW_NODES_PCT" "$CW_REDIS_PCT" "$share" "$GEN_CPU_PCT" "$CW_MACHINE_PCT" "$CW_CMDS_PER_S" "$cpd" "$pass" >>"$WORK/steps.md"
      printf 'P99=%q P50=%q LOST=%q DPS=%q CPU=%q NODE=%q NSUM=%q REDIS=%q SHARE=%q GEN=%q MACH=%q CMDS=%q CPD=%q\n' "$p99" "$p50" "$lost" "$dps" \
          "$cpu" "$CW_NODE_PCT" "$CW_NODES_PCT" "$CW_REDIS_PCT" "$share" "$GEN_CPU_PCT" "$CW_MACHINE_PCT" "$CW_CMDS_PER_S" "$cpd" >"$f.vals"
      log "run $run: rate $r msg/s: delivered $dps/s p50 $p50 p99 $p99 ms (worst 1-s p99 after 3 s: $p99s) lost $lost, $cpu us/delivery;" \
          "CPU nodes $CW_NODE_PCT%, redis $CW_REDIS_PCT%, gen $GEN_CPU_PCT%, machine $CW_MACHINE_PCT% of 200%; redis $CW_CMDS_PER_S cmd/s = $cpd per delivery -> $pass"
      if [ "$pass" != yes ]; then fail=$r; break; fi
      best=$r
    done
    CS_BEST[$run]=$best CS_FAIL[$run]=$fail
    stop_cluster
  done
}

# cluster_setup_lines: the report's bullets on how cluster_steps ran: Redis, the nodes, each step.
cluster_setup_lines() {
  cat <<EOL
- Redis: \`redis-server --port <free> --bind 127.0.0.1 --save "" --appendonly no --daemonize no\` ($(redis-server --version | awk '{ print $3 }')), fresh per repetition
- nodes: $CS_NODES × \`java -Xmx$CS_XMX -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n<i> --redis redis://127.0.0.1:<port> --cluster $CS_NAME<run>${CL_NODE_OPTS[*]:+ ${CL_NODE_OPTS[*]}}\` (from a copy of the jar), fresh per repetition
- per step: \`java -jar cli/target/wsc.jar loadtest --url <n1> --url <n2> --url <n3> --server-pid <n1> --server-pid <n2> --server-pid <n3> --server-pid <redis> ${CS_LT[*]} --rate <r> --duration ${CS_DURATION}s --report-json <file>\`,
  after $CS_WARMUP_RUNS warmup runs of ${CS_WARMUP}s at $CS_WARM_RATE msg/s on the fresh cluster (after one only, each node's C2 compiler still
  spent ~3.5 s of CPU in the first measured run, recompiling once the warmup's connections had closed and new ones came); each step is a fresh generator JVM (its own JIT warmup is inside the ${CS_DURATION}s)
EOL
}

# cluster_results_lines: the end of the report of cluster_steps: every step's row, the highest
# passing rate of each repetition, and where the CPU was at each repetition's first failing step.
cluster_results_lines() {
  local run fails="" P99 P50 LOST DPS CPU NODE NSUM REDIS SHARE GEN MACH CMDS CPD
  for run in $(seq "$CS_RUNS"); do
    [ -n "${CS_FAIL[$run]}" ] || continue
    . "$WORK/r$run-${CS_FAIL[$run]}.json.vals"
    fails+="- run $run, first failing step ${CS_FAIL[$run]} msg/s: P99 $P99 ms, lost $LOST; CPU (% of one core) nodes $NODE (sum $NSUM), Redis $REDIS, generator $GEN (together $(awk -v n="$NSUM" -v r="$REDIS" -v g="$GEN" 'BEGIN { printf "%.0f", n + r + g }')%); whole machine $MACH% of 200%"$'\n'
  done
  cat <<EOL

| run | rate (msg/s) | delivered/s | P50 (ms) | P99 (ms) | worst 1-s P99 after 3 s (ms) | lost | server µs/delivery | node CPU | nodes sum | Redis CPU | Redis share | gen CPU | machine CPU | Redis cmd/s | cmds/delivery | pass |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/steps.md")

Highest passing rate per repetition (msg/s): ${CS_BEST[*]}; median $(median "${CS_BEST[@]}").
${fails:+
Where the CPU was at the first failing step:

$fails}
EOL
}

# cluster_figures RATE: the medians at RATE that a report's headline quotes (latency, CPU, Redis's share).
cluster_figures() {
  local r="$1"
  echo "P99 $(cs_median "$r" P99) ms, P50 $(cs_median "$r" P50) ms, server CPU (nodes + Redis) $(cs_median "$r" CPU) µs/delivery, Redis $(cs_median "$r" REDIS)% of a core ($(cs_median "$r" SHARE)% of the server CPU), $(cs_median "$r" CPD) Redis commands per delivered message, generator $(cs_median "$r" GEN)% of a core, whole machine $(cs_median "$r" MACH)% of 200%"
}

# cs_median RATE FIELD: median of one recorded figure (see cluster_steps' .vals) at RATE over the
# repetitions that ran that step.
cs_median() {
  local r="$1" fld="$2" v f
  local -a vs=()
  for f in "$WORK"/r*-"$r".json.vals; do
    [ -f "$f" ] || continue
    v=$(bash -c ". '$f'; echo \"\$$fld\"")
    [ "$v" = "?" ] || vs+=("$v")
  done
  [ ${#vs[@]} -gt 0 ] && median "${vs[@]}" || echo "?"
}
