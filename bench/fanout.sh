#!/usr/bin/env bash
# bench/fanout.sh: the highest fan-out rate one node sustains with P99 under a bound and no loss.
#
#   bench/fanout.sh [--subscribers 10000] [--rates "1 2 5 10 20 40 80"] [--duration 10] [--warmup 10]
#                   [--runs 3] [--p99-ms 10] [--payload 100] [--connect-rate 5000] [--no-append]
#
# Each repetition starts a fresh node (java -Xmx2g, embedded bus, loopback), warms it with one
# fanout run at the second rate (not counted: JIT warmup dominates the first seconds), then steps the
# publish rate up: every step is a fresh `wsc loadtest --scenario fanout` of N subscribers of one
# room and one publisher for --duration seconds, with --server-pid for the server's CPU per
# delivery. Stepping stops at the first rate with P99 >= --p99-ms or any loss. The figure of a
# repetition is the highest passing rate; the result is the median over repetitions, as delivered
# messages per second, with the median P99 and CPU per delivery at that rate. The generator's own
# CPU (loadtest PID, /proc) is recorded per step: it shares the 2 cores with the node.
# Appends to docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--subscribers SUBS 10000" "--rates RATES 1 2 5 10 20 40 80" "--duration DURATION 10" "--warmup WARMUP 10" \
    "--runs RUNS 3" "--p99-ms P99_MS 10" "--payload PAYLOAD 100" "!--connect-rate CRATE 5000" -- "$@"
bench_init fanout
bench_build
read -r -a rates <<<"$RATES"
warm_rate="${rates[1]:-${rates[0]}}"

# step REPORT RATE DURATION: one fanout run against the current node.
step() {
  run_loadtest "$1" --timeout $(($3 + SUBS / CRATE + 120)) -- --url "$URL" --scenario fanout --connections "$SUBS" \
      --connect-rate "$CRATE" --publishers 1 --rooms 1 --rate "$2" --duration "${3}s" --payload-size "$PAYLOAD" \
      --server-pid "$PID" || true
  [ -s "$1" ] || die "loadtest wrote no report: $(tail -5 "$1.out")"
}

declare -a BEST=()
: >"$WORK/steps.md"
for run in $(seq "$RUNS"); do
  start_node n1 -Xmx2g
  PID="${NODE_PID[n1]}" URL="${NODE_URL[n1]}"
  log "run $run/$RUNS: warmup at $warm_rate msg/s for ${WARMUP}s"
  step "$WORK/warm-$run.json" "$warm_rate" "$WARMUP"
  best=0
  for r in "${rates[@]}"; do
    f="$WORK/r$run-$r.json"
    step "$f" "$r" "$DURATION"
    p99=$(jf "$f" .message_latency_ms.p99) p50=$(jf "$f" .message_latency_ms.p50) lost=$(jf "$f" .lost)
    dps=$(jf "$f" .delivered_per_sec) cpu=$(jf "$f" .server_cpu_us_per_delivery)
    scpu=$(awk -v u="$(jf "$f" .server_cpu_us)" -v d="$DURATION" 'BEGIN { printf "%.0f", u / 1e4 / d }')
    pass=$(awk -v p="$p99" -v l="$lost" -v m="$P99_MS" 'BEGIN { print (p < m && l == 0) ? "yes" : "no" }')
    printf '| %d | %d | %s | %s | %s | %s | %s | %s%% | %s%% | %s |\n' "$run" "$r" "$dps" "$p50" "$p99" "$lost" "$cpu" \
        "$scpu" "$GEN_CPU_PCT" "$pass" >>"$WORK/steps.md"
    log "run $run: rate $r msg/s: delivered $dps/s p99 $p99 ms lost $lost cpu $cpu us/delivery, server ${scpu}% gen ${GEN_CPU_PCT}% -> $pass"
    [ "$pass" = yes ] || break
    best=$r
    eval "P99_$run=\$p99 CPU_$run=\$cpu"
  done
  BEST[$run]=$best
  stop_node n1
done

best_med=$(median "${BEST[@]}")
# P99 and CPU at the median rate: medians over the repetitions that passed that rate.
p99s=() cpus=()
for run in $(seq "$RUNS"); do
  f="$WORK/r$run-$best_med.json"
  if [ "$best_med" != 0 ] && [ -s "$f" ]; then p99s+=("$(jf "$f" .message_latency_ms.p99)"); cpus+=("$(jf "$f" .server_cpu_us_per_delivery)"); fi
done
if [ "$best_med" = 0 ]; then
  headline="no rate passed: even at ${rates[0]} msg/s ($((rates[0] * SUBS)) deliveries/s) the P99 was at or above $P99_MS ms"
  verdict="NOT met"
else
  headline="**$((best_med * SUBS)) deliveries/s** ($best_med msg/s × $SUBS subscribers), P99 $(median "${p99s[@]}") ms, server CPU $(median "${cpus[@]}") µs/delivery"
  verdict="met at $((best_med * SUBS)) deliveries/s"
fi
# The lowest-rate step of each run: the best latency this machine gives for this fan-out.
low_p99=$(median $(for run in $(seq "$RUNS"); do jf "$WORK/r$run-${rates[0]}.json" .message_latency_ms.p99; done))

cat >"$WORK/report.md" <<EOF

## Fan-out to $SUBS subscribers, $(date -u +%Y-%m-%d)

One node (embedded bus), $SUBS WebSocket subscribers of one room, one publisher, ${PAYLOAD}-byte
payload, JSON. Highest publish rate with P99 < $P99_MS ms and zero loss, median of $RUNS
repetitions: $headline. Target "P99 < $P99_MS ms with $SUBS subscribers": **$verdict**. Median P99
at the lowest rate (${rates[0]} msg/s): $low_p99 ms.

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- node: \`java -Xmx2g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n1\` (from a copy of the jar), fresh per repetition
- per step: \`java -jar cli/target/wsc.jar loadtest --url <node> --scenario fanout --connections $SUBS --connect-rate $CRATE --publishers 1 --rooms 1 --rate <r> --duration ${DURATION}s --payload-size $PAYLOAD --server-pid <node pid> --report-json <file>\`,
  after one ${WARMUP}s warmup step at $warm_rate msg/s; each step is a fresh generator JVM (its own JIT warmup is inside the ${DURATION}s)
- "server CPU" is the node's CPU over the measured phase (% of one core; 200% = both cores); "gen CPU" is the
  generator's (loadtest PID and workers, from /proc, over the measured phase)

| run | rate (msg/s) | delivered/s | P50 (ms) | P99 (ms) | lost | server CPU µs/delivery | server CPU | gen CPU | pass |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/steps.md")

Highest passing rate per repetition (msg/s): ${BEST[*]}; median $best_med.
EOF
append_doc "$WORK/report.md"
