#!/usr/bin/env bash
# bench/cpu-per-delivery.sh: the node's CPU per delivered message at ~40,000 deliveries/s.
#
#   bench/cpu-per-delivery.sh [--shapes "1000x40 10000x4"] [--duration 20] [--warmup 10] [--runs 3] [--no-append]
#
# A shape SUBSxRATE is SUBS subscribers of one room and one publisher at RATE msg/s (SUBS × RATE
# deliveries/s). Per shape: a fresh node (java -Xmx2g, embedded bus, loopback), one warmup run of
# --warmup seconds (not counted), then --runs runs of --duration seconds of
# `wsc loadtest --scenario fanout --server-pid <node>`; the figure is the median of the runs'
# server_cpu_us_per_delivery (node CPU from /proc/<pid>/stat over the measured phase / deliveries).
# The generator's CPU is recorded too: it shares the 2 cores. Appends to docs/benchmarks.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PAYLOAD=100 TARGET_US=6
bench_opts "--shapes SHAPES 1000x40 10000x4" "--duration DURATION 20" "--warmup WARMUP 10" "--runs RUNS 3" -- "$@"
bench_init cpu-per-delivery
bench_build

one() { # one REPORT SUBS RATE DURATION
  run_loadtest "$1" --timeout $(($4 + 180)) -- --url "${NODE_URL[n1]}" --scenario fanout --connections "$2" \
      --connect-rate 5000 --rate "$3" --duration "${4}s" --payload-size "$PAYLOAD" --server-pid "${NODE_PID[n1]}" || true
  [ -s "$1" ] || die "loadtest wrote no report: $(tail -5 "$1.out")"
}

: >"$WORK/runs.md" ; : >"$WORK/summary.md"
for shape in $SHAPES; do
  subs="${shape%x*}" rate="${shape#*x}"
  start_node n1 -Xmx2g
  log "$shape: warmup ${WARMUP}s"
  one "$WORK/warm-$shape.json" "$subs" "$rate" "$WARMUP"
  cpus=() p99s=() gens=()
  for run in $(seq "$RUNS"); do
    f="$WORK/$shape-$run.json"
    one "$f" "$subs" "$rate" "$DURATION"
    cpu=$(jf "$f" .server_cpu_us_per_delivery) p99=$(jf "$f" .message_latency_ms.p99)
    scpu=$(awk -v u="$(jf "$f" .server_cpu_us)" -v d="$DURATION" 'BEGIN { printf "%.0f", u / 1e4 / d }')
    cpus+=("$cpu") p99s+=("$p99") gens+=("$GEN_CPU_PCT")
    printf '| %s | %d | %s | %s | %s | %s | %s%% | %s%% |\n' "$shape" "$run" "$(jf "$f" .delivered_per_sec)" "$cpu" "$p99" \
        "$(jf "$f" .lost)" "$scpu" "$GEN_CPU_PCT" >>"$WORK/runs.md"
    log "$shape run $run: $cpu us/delivery, p99 $p99 ms, server ${scpu}%, generator ${GEN_CPU_PCT}%"
  done
  stop_node n1
  med=$(median "${cpus[@]}")
  verdict=$(awk -v m="$med" -v t="$TARGET_US" 'BEGIN { print (m <= t) ? "met" : "NOT met" }')
  printf '| %s | %d | **%s** | %s | %s%% | %s |\n' "$shape" $((subs * rate)) "$med" "$(median "${p99s[@]}")" \
      "$(median "${gens[@]}")" "$verdict" >>"$WORK/summary.md"
done

cat >"$WORK/report.md" <<EOF

## Server CPU per delivery at ~40,000 deliveries/s, $(date -u +%Y-%m-%d)

Node CPU (user + system, \`/proc/<pid>/stat\`, over the measured phase) divided by the messages
delivered, fan-out to one room, ${PAYLOAD}-byte payload, JSON. Median of $RUNS runs of ${DURATION}s per shape
after a ${WARMUP}s warmup run on the same node. Target ≤ $TARGET_US µs/delivery (Socket.IO reference: 18 µs).

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- node: \`java -Xmx2g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n1\` (from a copy of the jar), fresh per shape
- generator: \`java -jar cli/target/wsc.jar loadtest --url <node> --scenario fanout --connections <subs> --connect-rate 5000 --rate <r> --duration ${DURATION}s --payload-size $PAYLOAD --server-pid <node pid> --report-json <file>\`
- "gen CPU": the generator's CPU over the measured phase (% of one core; 200% = both cores)

| shape (subs×msg/s) | deliveries/s | median µs/delivery | median P99 (ms) | median gen CPU | target ≤ $TARGET_US µs |
| --- | --- | --- | --- | --- | --- |
$(cat "$WORK/summary.md")

| shape | run | delivered/s | server µs/delivery | P99 (ms) | lost | server CPU | gen CPU |
| --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/runs.md")
EOF
append_doc "$WORK/report.md"
