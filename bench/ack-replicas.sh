#!/usr/bin/env bash
# bench/ack-replicas.sh: what acknowledgements that wait for a replica cost (ack-replicas 0 against 1).
#
#   bench/ack-replicas.sh [--rates "500 2000 5000 10000"] [--subscribers 10] [--publishers 10] [--duration 15]
#                         [--warmup 10] [--runs 3] [--no-append]
#
# Per setting (0, then 1), repetition and rate: a fresh redis-server master and a replica of it
# (redis-server --replicaof, loopback), one node (java -Xmx1g) on the master with --ack-replicas set,
# warmed once with a fanout run at the second rate (not counted), then `wsc loadtest --scenario fanout`
# with --subscribers connections in one room and --publishers of them publishing --rate msg/s in all
# for --duration seconds. With ack-replicas 1 the node sends Redis WAIT on its publishing connection
# after each placement, and the placements behind it wait too: the figures are delivery latency
# (P50, P99), loss, delivered messages per second and the node's CPU per delivery. Medians over --runs.
# Appends to docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--rates RATES 500 2000 5000 10000" "--subscribers SUBS 10" "--publishers PUBS 10" "--duration DURATION 15" \
    "--warmup WARMUP 10" "--runs RUNS 3" -- "$@"
bench_init ack-replicas
bench_build
read -r -a rates <<<"$RATES"
warm_rate="${rates[1]:-${rates[0]}}"

REPLICA_PID=""
start_replica() {
  local port pid _
  port="$(free_port)"
  # --dir: a replica writes the master's snapshot to disk while it syncs, even with --save "".
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" --replicaof 127.0.0.1 "$REDIS_PORT" \
      >"$WORK/replica-$port.log" 2>&1 </dev/null &
  pid=$!
  BENCH_PIDS+=("$pid")
  for _ in $(seq 100); do
    redis-cli -h 127.0.0.1 -p "$port" info replication 2>/dev/null | grep -q 'master_link_status:up' && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$port" info replication 2>/dev/null | grep -q 'master_link_status:up' || die "the replica did not sync"
  REPLICA_PID=$pid
  log "replica: pid $pid, port $port"
}

step() {
  run_loadtest "$1" --timeout $(($3 + 120)) -- --url "${NODE_URL[n1]}" --scenario fanout --connections "$SUBS" \
      --publishers "$PUBS" --rooms 1 --rate "$2" --duration "${3}s" --server-pid "${NODE_PID[n1]}" || true
  [ -s "$1" ] || die "loadtest wrote no report: $(tail -5 "$1.out")"
}

: >"$WORK/runs.md"
for acks in 0 1; do
  for run in $(seq "$RUNS"); do
    start_redis
    start_replica
    start_node n1 -Xmx1g -- --redis "$REDIS_URL" --cluster "ack$acks$run" --ack-replicas "$acks"
    step "$WORK/warm-$acks-$run.json" "$warm_rate" "$WARMUP"
    for r in "${rates[@]}"; do
      f="$WORK/a$acks-r$r-$run.json"
      step "$f" "$r" "$DURATION"
      printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$acks" "$r" "$run" "$(jf "$f" .delivered_per_sec)" \
          "$(jf "$f" .message_latency_ms.p50)" "$(jf "$f" .message_latency_ms.p99)" "$(jf "$f" .lost)" \
          "$(jf "$f" .server_cpu_us_per_delivery)" >>"$WORK/runs.md"
      log "ack-replicas $acks run $run rate $r: $(tail -1 "$WORK/runs.md")"
    done
    stop_node n1
    stop_pid "$REPLICA_PID"
    stop_redis
  done
done

medians=""
for r in "${rates[@]}"; do
  for acks in 0 1; do
    row="| $acks | $r"
    for field in .delivered_per_sec .message_latency_ms.p50 .message_latency_ms.p99 .lost .server_cpu_us_per_delivery; do
      row+=" | $(median_of_runs "$WORK/a$acks-r$r-" "$field")"
    done
    medians+="$row |"$'\n'
  done
done

cat >"$WORK/report.md" <<EOR

## The cost of ack-replicas 1 (publishes acknowledged once a replica holds them), $(date -u +%Y-%m-%d)

One node (java -Xmx1g) on a redis-server master with one replica (both loopback, no persistence);
\`wsc loadtest --scenario fanout\`: $SUBS connections in one room, $PUBS of them publishing, the rate in all,
${DURATION}-s runs after a ${WARMUP}-s warm-up per node. ack-replicas 1 sends Redis \`WAIT 1 1000\` on the node's
publishing connection after each placement. Medians of $RUNS runs:

| ack-replicas | msg/s offered | delivered/s | P50 (ms) | P99 (ms) | lost | node CPU (µs/delivery) |
| --- | --- | --- | --- | --- | --- | --- |
$medians
Each run:

| ack-replicas | msg/s offered | run | delivered/s | P50 (ms) | P99 (ms) | lost | node CPU (µs/delivery) |
| --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/runs.md")

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
EOR
append_doc "$WORK/report.md"
