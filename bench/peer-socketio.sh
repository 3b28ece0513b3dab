#!/usr/bin/env bash
# bench/peer-socketio.sh: wscluster side by side with Socket.IO 4 and its Redis adapter, one generator for both.
#
#   bench/peer-socketio.sh [--pair-rates "1000 4000 8000 12000 16000"] [--room-rates "20 50 100"]
#                          [--rooms 1000] [--subscribers 1000] [--duration 20] [--warmup 5] [--warm-run 20] [--runs 3]
#                          [--node-jvm "-Xmx1g"] [--no-append]
#
# Starts two Socket.IO 4 servers (bench/peer/socketio-server.js, @socket.io/redis-adapter) on one
# redis-server and two wscluster nodes (java -Xmx1g, history kept: history-size 100) on another, all
# on loopback, once for the whole run, and drives both with bench/peer/generator.js, a small Node
# generator of its own (why not `wsc loadtest`: a Socket.IO client speaks Engine.IO and Socket.IO's
# packet format, which the Java generator does not; one Node process with `ws` and socket.io-client
# puts both systems behind the same client runtime, event loop and clock). Workloads: "pairs",
# --rooms rooms of two members, one on each server, each member publishing every other message
# of its room (every message crosses servers), at each of --pair-rates msg/s; "big-room", one room
# of --subscribers members over both servers and one publisher, at each of --room-rates msg/s.
# First, one run of each system at the second pair rate for --warm-run s, not recorded (the JVM's JIT
# and Node's warm up on it). Per workload, rate and run, Socket.IO then wscluster: --warmup s of publishing not counted,
# then --duration s measured: P50/P99 of delivery latency, loss, the CPU of each server process and
# of each Redis over the measured phase (/proc), and Redis commands per message published
# (INFO stats), and the generator's own CPU (it shares the 2 cores: a generator near a full core
# measures itself). Medians over --runs. npm packages are installed into bench/peer/node_modules at the
# versions package-lock.json pins. Appends to docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--pair-rates PAIR_RATES 1000 4000 8000 12000 16000" "--room-rates ROOM_RATES 20 50 100" "--rooms ROOMS 1000" \
    "--subscribers SUBS 1000" "--duration DURATION 20" "--warmup WARMUP 5" "--warm-run WARM_RUN 20" "--runs RUNS 3" \
    "--node-jvm NODE_JVM -Xmx1g" -- "$@"
bench_init peer-socketio
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed (Node.js 20 or later)"
log "installing the generator's and Socket.IO's npm packages (npm ci in bench/peer)"
(cd bench/peer && npm ci --no-audit --no-fund >"$WORK/npm.log" 2>&1) || die "npm ci failed: $(tail -5 "$WORK/npm.log")"
bench_build

# The Socket.IO side: its own Redis, two servers.
start_redis
SIO_REDIS_PID=$REDIS_PID SIO_REDIS_PORT=$REDIS_PORT
declare -a SIO_PID=() SIO_URL=()
for i in 1 2; do
  node bench/peer/socketio-server.js "$REDIS_URL" >"$WORK/sio-$i.log" 2>&1 </dev/null &
  pid=$!
  BENCH_PIDS+=("$pid")
  port=""
  for _ in $(seq 100); do
    port="$(grep -o '^listening [0-9]*' "$WORK/sio-$i.log" | awk '{ print $2 }' || true)"
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || die "Socket.IO server $i did not start: $(tail -5 "$WORK/sio-$i.log")"
  SIO_PID+=("$pid") SIO_URL+=("http://127.0.0.1:$port")
  log "Socket.IO server $i: pid $pid, port $port"
done

# The wscluster side: its own Redis, two nodes, history kept.
start_redis
WSC_REDIS_PID=$REDIS_PID WSC_REDIS_PORT=$REDIS_PORT
for n in n1 n2; do
  # shellcheck disable=SC2086 # the JVM options are words
  start_node "$n" $NODE_JVM -- --redis "$REDIS_URL" --cluster peer --history-size 100
done
WSC_PIDS=("${NODE_PID[n1]}" "${NODE_PID[n2]}") WSC_URLS="${NODE_URL[n1]},${NODE_URL[n2]}"

commands() { redis-cli -h 127.0.0.1 -p "$1" info stats 2>/dev/null | tr -d '\r' | awk -F: '$1 == "total_commands_processed" { print $2 }'; }
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }

# step SYSTEM SCENARIO RATE RUN: one generator run; writes $WORK/<system>-<scenario>-<rate>-<run>.json
# with the generator's report and, over the measured phase, the servers' and Redis's CPU and commands.
step() {
  local system="$1" scenario="$2" rate="$3" run="$4" urls redis_port redis_pid
  local -a servers
  if [ "$system" = socketio ]; then
    urls="${SIO_URL[0]},${SIO_URL[1]}" servers=("${SIO_PID[@]}") redis_port=$SIO_REDIS_PORT redis_pid=$SIO_REDIS_PID
  else
    urls="$WSC_URLS" servers=("${WSC_PIDS[@]}") redis_port=$WSC_REDIS_PORT redis_pid=$WSC_REDIS_PID
  fi
  local out="$WORK/$system-$scenario-$rate-$run"
  timeout --kill-after=10 $((WARMUP + DURATION + 180)) node bench/peer/generator.js --system "$system" --urls "$urls" \
      --scenario "$scenario" --rooms "$ROOMS" --subscribers "$SUBS" --rate "$rate" --duration "$DURATION" --warmup "$WARMUP" \
      --report "$out.gen.json" >"$out.log" 2>&1 </dev/null &
  local gen=$! s0="" r0="" c0="" t0="" g0="" s1="" r1="" c1="" t1="" g1="" _
  BENCH_PIDS+=("$gen")
  for _ in $(seq $(((WARMUP + DURATION + 180) * 5))); do
    kill -0 "$gen" 2>/dev/null || break
    if [ -z "$s0" ] && grep -q '^measuring' "$out.log"; then
      s0=$(ticks "${servers[@]}") r0=$(cpu_ticks "$redis_pid") c0=$(commands "$redis_port") t0=$(date +%s.%N) g0=$(tree_ticks "$gen")
    fi
    if [ -n "$s0" ] && [ -z "$s1" ] && grep -q '^measured' "$out.log"; then
      s1=$(ticks "${servers[@]}") r1=$(cpu_ticks "$redis_pid") c1=$(commands "$redis_port") t1=$(date +%s.%N) g1=$(tree_ticks "$gen")
    fi
    sleep 0.2
  done
  wait "$gen" || true
  [ -s "$out.gen.json" ] && [ -n "$s1" ] || die "$system $scenario $rate: the generator gave no report: $(tail -5 "$out.log")"
  jq --argjson s "$((s1 - s0))" --argjson r "$((r1 - r0))" --argjson c "$((c1 - c0))" --argjson g "$((g1 - g0))" --argjson hz "$CLK_TCK" \
      --arg secs "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
    . + { server_cpu_us_per_delivery: (if .delivered > 0 then ($s / $hz * 1e6 / .delivered * 100 | round / 100) else null end),
          redis_cpu_us_per_message: (if .published > 0 then ($r / $hz * 1e6 / .published * 100 | round / 100) else null end),
          redis_commands_per_message: (if .published > 0 then ($c / .published * 100 | round / 100) else null end),
          server_cpu_pct: ($s / $hz / ($secs | tonumber) * 100 | round),
          redis_cpu_pct: ($r / $hz / ($secs | tonumber) * 100 | round),
          generator_cpu_pct: ($g / $hz / ($secs | tonumber) * 100 | round) }' "$out.gen.json" >"$out.json"
  log "$system $scenario $rate run $run: $(cat "$out.json")"
}

FIELDS=(published_per_sec p50_ms p99_ms lost duplicated server_cpu_us_per_delivery redis_cpu_us_per_message redis_commands_per_message server_cpu_pct redis_cpu_pct
        generator_cpu_pct)
warm_rate=$(echo "$PAIR_RATES" | awk '{ print ($2 != "" ? $2 : $1) }')
for system in socketio wscluster; do
  log "warm-up: $system, pairs at $warm_rate msg/s for ${WARM_RUN} s (not recorded)"
  DURATION_SAVED=$DURATION DURATION=$WARM_RUN
  step "$system" pairs "$warm_rate" warm
  DURATION=$DURATION_SAVED
done
rows="" runs_rows=""
workloads=()
for r in $PAIR_RATES; do workloads+=("pairs:$r"); done
for r in $ROOM_RATES; do workloads+=("big-room:$r"); done
for w in "${workloads[@]}"; do
  scenario="${w%%:*}" rate="${w##*:}"
  for run in $(seq "$RUNS"); do
    for system in socketio wscluster; do
      step "$system" "$scenario" "$rate" "$run"
      row="| $scenario | $rate | $system | $run"
      for f in "${FIELDS[@]}"; do row+=" | $(jf "$WORK/$system-$scenario-$rate-$run.json" ".$f")"; done
      runs_rows+="$row |"$'\n'
    done
  done
  for system in socketio wscluster; do
    row="| $scenario | $rate | $system"
    for f in "${FIELDS[@]}"; do
      row+=" | $(median_of_runs "$WORK/$system-$scenario-$rate-" ".$f")"
    done
    rows+="$row |"$'\n'
  done
done

HEAD="| published/s | P50 (ms) | P99 (ms) | lost | duplicated | server CPU (µs/delivery) | Redis CPU (µs/message) | Redis commands/message | servers' CPU (% of a core) | Redis CPU (% of a core) | generator CPU (% of a core) |"
RULE="| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
cat >"$WORK/report.md" <<EOR

## Side by side with Socket.IO 4 and its Redis adapter, $(date -u +%Y-%m-%d)

Two Socket.IO $(jq -r .version bench/peer/node_modules/socket.io/package.json) servers (\`@socket.io/redis-adapter\` $(jq -r .version bench/peer/node_modules/@socket.io/redis-adapter/package.json), WebSocket transport) on one redis-server,
two wscluster nodes (java -Xmx1g, \`--history-size 100\`: every message stored with an offset, and acknowledged) on
another, one Node generator for both (\`bench/peer/generator.js\`: \`ws\` for wscluster, socket.io-client for
Socket.IO), all on this machine's 2 cores. "pairs": $ROOMS rooms of two members, one on each server, each member
publishing every other message of its room; every message is delivered to both members (its publisher's copy
on its own server, the other's across). "big-room": one room of $SUBS members over both servers, one publisher.
After one unrecorded ${WARM_RUN}-s run per system, per step ${WARMUP} s of publishing not counted, then ${DURATION} s measured; CPU from /proc over the measured phase, per delivery
for the two servers together, per published message for Redis. Medians of $RUNS runs, Socket.IO and wscluster
alternating:

| workload | msg/s offered | system $HEAD
| --- | --- | --- $RULE
$rows
Each run:

| workload | msg/s offered | system | run $HEAD
| --- | --- | --- | --- $RULE
$runs_rows
- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
EOR
append_doc "$WORK/report.md"
