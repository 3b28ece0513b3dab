#!/usr/bin/env bash
# bench/gateway.sh: what the gateway costs: latency added, CPU per relayed message, memory per connection.
#
#   bench/gateway.sh [--subscribers 1000] [--rates "10 40"] [--duration 20] [--warmup 10] [--runs 3]
#                    [--idle 9000] [--payload 100] [--no-append]
#
# Each repetition starts a fresh redis-server, one node (java -Xmx1g, --redis) and one gateway
# (java -Xmx1g, `wsc gateway --redis`, same cluster), all on loopback. After a warmup through the
# gateway, for each rate it runs the same `wsc loadtest --scenario fanout` (N subscribers of one
# room, one publisher) straight to the node and then through the gateway, alternating, and records
# P50/P99 of both, the node's and the gateway's CPU (from /proc, over the measured phase) and the
# gateway's CPU per relayed message (deliveries + publishes + acks). Then it holds --idle idle
# connections through the gateway (testkit's IdleConnections; each costs the gateway two sockets,
# so at most ~9,900 fit under a 20,000 open-files limit) and measures the gateway's live heap and
# RSS growth per connection after a full GC. Medians over repetitions. Appends to
# docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--subscribers SUBS 1000" "--rates RATES 10 40" "--duration DURATION 20" "--warmup WARMUP 10" "--runs RUNS 3" \
    "--idle IDLE 9000" "--payload PAYLOAD 100" -- "$@"
bench_init gateway
bench_build
[ -d testkit/target/classes ] || mvn -B -q -ntp -Dmaven.test.skip=true -pl testkit -am install >"$WORK/testkit-build.log" 2>&1 || true
[ -d testkit/target/classes ] || die "testkit classes are needed for the idle-connection generator (mvn -pl testkit -am install)"
cp -r testkit/target/classes "$WORK/testkit-classes"
read -r -a rates <<<"$RATES"

GW_PID="" GW_URL="" GW_HTTP=""
start_gateway() {
  local port logf="$WORK/gateway.log" _
  port="$(free_port)"
  # The idle connections below come from 127.0.0.2 and up, at 1000 a second.
  bench_env "$(java -jar "$JAR" gateway --help 2>/dev/null || true)"
  env "${BENCH_ENV[@]}" java -Xmx1g -jar "$JAR" gateway --host 127.0.0.1 --port "$port" --redis "$REDIS_URL" --cluster "$1" >"$logf" 2>&1 </dev/null &
  GW_PID=$!
  BENCH_PIDS+=("$GW_PID")
  GW_URL="ws://127.0.0.1:$port/ws" GW_HTTP="http://127.0.0.1:$port"
  wait_ready "$GW_HTTP" 30 || die "gateway not ready within 30 s: $(tail -5 "$logf")"
  log "gateway: pid $GW_PID, $GW_URL"
}

# Per measured-phase second: ticks of the node and of the gateway.
declare -A S_T=() S_N=() S_G=()
sample() { S_T[$1]=$(date +%s.%N); S_N[$1]=$(cpu_ticks "${NODE_PID[n1]}"); S_G[$1]=$(cpu_ticks "$GW_PID"); }
# window D: % of one core of the node (W_NODE) and of the gateway (W_GW) over seconds 0..D-1.
window() {
  local a="" b="" s
  for s in "${!S_T[@]}"; do
    [ "$s" -le $(($1 - 1)) ] || continue
    if [ -z "$a" ] || [ "$s" -lt "$a" ]; then a=$s; fi
    if [ -z "$b" ] || [ "$s" -gt "$b" ]; then b=$s; fi
  done
  W_NODE="?" W_GW="?"
  [ -n "$a" ] && [ "$b" -gt "$a" ] || return 0
  W_NODE=$(awk -v x="${S_N[$a]}" -v y="${S_N[$b]}" -v t0="${S_T[$a]}" -v t1="${S_T[$b]}" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (y - x) / hz / (t1 - t0) * 100 }')
  W_GW=$(awk -v x="${S_G[$a]}" -v y="${S_G[$b]}" -v t0="${S_T[$a]}" -v t1="${S_T[$b]}" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (y - x) / hz / (t1 - t0) * 100 }')
}

# step REPORT URL RATE: one fanout run; sets P50 P99 LOST DPS W_NODE W_GW
step() {
  S_T=() S_N=() S_G=()
  RL_ON_PROGRESS=sample
  run_loadtest "$1" --timeout $((DURATION + 150)) -- --url "$2" --scenario fanout --connections "$SUBS" --connect-rate 2000 \
      --publishers 1 --rooms 1 --payload-size "$PAYLOAD" --rate "$3" --duration "${DURATION}s" || true
  RL_ON_PROGRESS=""
  [ -s "$1" ] || die "loadtest wrote no report: $(tail -5 "$1.out")"
  window "$DURATION"
  P50=$(jf "$1" .message_latency_ms.p50) P99=$(jf "$1" .message_latency_ms.p99) LOST=$(jf "$1" .lost) DPS=$(jf "$1" .delivered_per_sec)
}

heap_kb() { { jcmd "$1" GC.heap_info || true; } | awk '/heap/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { gsub(/[K,]/, "", $(i+1)); print $(i+1); exit } }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
gw_connections() { curl -s --max-time 5 "$GW_HTTP/metrics" | awk '$1 == "wsc_gateway_connections" { printf "%d", $2 }'; }

rows=""
declare -a HEAP_B=() RSS_B=()
declare -A D_P99=() G_P99=() D_P50=() G_P50=() GW_US=() GW_PCT=()
for run in $(seq "$RUNS"); do
  start_redis
  start_node n1 -Xmx1g -- --redis "$REDIS_URL" --cluster "gw$run"
  start_gateway "gw$run"
  log "run $run/$RUNS: warmup through the gateway at ${rates[0]} msg/s for ${WARMUP}s"
  run_loadtest "$WORK/warm-$run.json" --timeout $((WARMUP + 150)) -- --url "$GW_URL" --scenario fanout --connections "$SUBS" \
      --connect-rate 2000 --publishers 1 --rooms 1 --payload-size "$PAYLOAD" --rate "${rates[0]}" --duration "${WARMUP}s" || true
  for r in "${rates[@]}"; do
    step "$WORK/d-$run-$r.json" "${NODE_URL[n1]}" "$r"
    rows+="| $run | $r | direct | $DPS | $P50 | $P99 | $LOST | $W_NODE% | - | - |"$'\n'
    D_P99[$run-$r]=$P99 D_P50[$run-$r]=$P50
    step "$WORK/g-$run-$r.json" "$GW_URL" "$r"
    # Relayed messages per second: every delivery and every publish, and its ack.
    us=$(awk -v g="$W_GW" -v d="$DPS" -v r="$r" 'BEGIN { if (g != "?" && d > 0) printf "%.2f", g / 100 * 1e6 / (d + 2 * r); else print "?" }')
    rows+="| $run | $r | gateway | $DPS | $P50 | $P99 | $LOST | $W_NODE% | $W_GW% | $us |"$'\n'
    G_P99[$run-$r]=$P99 G_P50[$run-$r]=$P50 GW_US[$run-$r]=$us GW_PCT[$run-$r]=$W_GW
    log "run $run rate $r: direct p99 ${D_P99[$run-$r]} ms, gateway p99 $P99 ms, gateway CPU $W_GW% ($us us/relayed message)"
  done
  # Idle connections through the gateway: its heap and RSS per connection.
  jcmd "$GW_PID" GC.run >/dev/null; sleep 1
  h0=$(heap_kb "$GW_PID") r0=$(rss_kb "$GW_PID")
  rm -f "$WORK/stop"
  java -Xmx512m -cp "$WORK/testkit-classes:$JAR" io.wscluster.testkit.IdleConnections --url "$GW_URL" --connections "$IDLE" \
      --rate 1000 --hold 600s --compression false --stop-file "$WORK/stop" >"$WORK/idle-$run.log" 2>&1 </dev/null &
  gen=$!
  BENCH_PIDS+=("$gen")
  for _ in $(seq 120); do [ "$(gw_connections)" -ge "$IDLE" ] 2>/dev/null && break; sleep 1; done
  held=$(gw_connections)
  sleep 3
  jcmd "$GW_PID" GC.run >/dev/null; sleep 1
  h1=$(heap_kb "$GW_PID") r1=$(rss_kb "$GW_PID")
  touch "$WORK/stop"
  for _ in $(seq 300); do kill -0 "$gen" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$gen"
  HEAP_B+=("$(( (h1 - h0) * 1024 / held ))") RSS_B+=("$(( (r1 - r0) * 1024 / held ))")
  log "run $run: $held idle connections through the gateway: heap +$((h1 - h0)) KiB, RSS +$((r1 - r0)) KiB"
  stop_pid "$GW_PID"; stop_node n1; stop_redis
done

summary=""
for r in "${rates[@]}"; do
  dp=() gp=() dd=() gu=() gc=()
  for run in $(seq "$RUNS"); do
    dp+=("${D_P99[$run-$r]}") gp+=("${G_P99[$run-$r]}")
    dd+=("$(awk -v a="${D_P99[$run-$r]}" -v b="${G_P99[$run-$r]}" 'BEGIN { printf "%.3f", b - a }')")
    gu+=("${GW_US[$run-$r]}") gc+=("${GW_PCT[$run-$r]}")
  done
  summary+="| $r msg/s × $SUBS = $((r * SUBS)) deliveries/s | $(median "${dp[@]}") | $(median "${gp[@]}") | $(median "${dd[@]}") (${dd[*]}) | $(median "${gc[@]}")% | $(median "${gu[@]}") |"$'\n'
done

cat >"$WORK/report.md" <<EOR

## Gateway cost: $SUBS subscribers through the gateway against straight to the node, $(date -u +%Y-%m-%d)

One node and one gateway on one Redis, loopback; the same fan-out load (one room, $SUBS subscribers, one
publisher, ${PAYLOAD}-byte payload, ${DURATION} s) straight to the node and through \`wsc gateway\`, alternating, median
of $RUNS repetition(s). Targets: added P99 under 1 ms; a gateway connection within a node's per-connection memory budget
(3 KB of live heap, 6 KB of RSS).

| load | P99 direct (ms) | P99 through the gateway (ms) | added P99 (ms; per run) | gateway CPU | gateway µs per relayed message |
| --- | --- | --- | --- | --- | --- |
$summary
Idle connections held through the gateway ($IDLE per run): **$(median "${HEAP_B[@]}") B of live heap** and **$(median "${RSS_B[@]}") B of RSS** per connection
(runs: heap ${HEAP_B[*]}; RSS ${RSS_B[*]}).

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- node (from a copy of the jar): \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n1 --redis <redis> --cluster gw<run>\`;
  gateway: \`java -Xmx1g -jar cli/target/wsc.jar gateway --host 127.0.0.1 --port <free> --redis <redis> --cluster gw<run>\`; fresh per repetition;
  both with the limits a generator would hit lifted (bench_env in bench/lib.sh: the idle connections come from 127.0.0.2 and up)
- load: \`wsc loadtest --url <node or gateway> --scenario fanout --connections $SUBS --connect-rate 2000 --publishers 1 --rooms 1 --payload-size $PAYLOAD --rate <r> --duration ${DURATION}s\`
- CPU: from \`/proc/<pid>/stat\` over seconds 0 to $((DURATION - 1)) of the measured phase, % of one core; a relayed message is a
  delivery, a publish or its ack (deliveries/s + 2 × rate)
- memory: \`jcmd <gateway> GC.run\`, heap used from \`GC.heap_info\` and \`VmRSS\`, before and after opening the idle connections
  (\`java -cp testkit/target/classes:cli/target/wsc.jar io.wscluster.testkit.IdleConnections --url <gateway> --connections $IDLE --rate 1000\`)

| run | rate (msg/s) | path | delivered/s | P50 (ms) | P99 (ms) | lost | node CPU | gateway CPU | gateway µs/relayed message |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$rows
EOR
append_doc "$WORK/report.md"
