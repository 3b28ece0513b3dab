#!/usr/bin/env bash
# bench/cluster-rooms.sh: many two-member rooms whose members sit on different nodes of a cluster over Redis.
#
#   bench/cluster-rooms.sh [--rooms 1000] [--rates "500 1000 2000 5000 10000 20000"] [--publishers 30]
#                          [--duration 10] [--warmup 10] [--warmup-runs 2] [--warm-rate 2000] [--runs 3] [--p99-ms 10]
#                          [--nodes 3] [--payload 100] [--connect-rate 2000] [--node-opts "--bus-batch-size 1"] [--no-append]
#
# Each repetition starts a fresh redis-server (loopback, free port, no persistence) and --nodes
# fresh nodes on it (java -Xmx1g, --redis, --cluster), warms them with --warmup-runs runs at --warm-rate (not
# counted), then steps the total message rate: every step is a fresh `wsc loadtest --scenario rooms
# --room-size 2` of 2 × --rooms connections, round robin over the nodes, so the two members of a
# room (consecutive connections) are on different nodes and every message crosses Redis; the first
# --publishers connections publish, round robin over all rooms (2 deliveries per message). Stepping
# stops at the first rate with P99 >= --p99-ms or any loss. Per step the same figures as
# bench/cluster-fanout.sh (nodes' and Redis's CPU, Redis commands per delivery, generator CPU).
# The result is the median over repetitions of the highest passing rate. Appends to
# docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOMS=1000 RATES="500 1000 2000 5000 10000 20000" PUBS=30 DURATION=10 WARMUP=10 WARMUP_RUNS=2 WARM_RATE=2000 RUNS=3 P99_MS=10 NODES=3 PAYLOAD=100 CRATE=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --rooms) ROOMS="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --publishers) PUBS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --warm-rate) WARM_RATE="$2"; shift 2 ;;
    --warmup-runs) WARMUP_RUNS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --p99-ms) P99_MS="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    --payload) PAYLOAD="$2"; shift 2 ;;
    --connect-rate) CRATE="$2"; shift 2 ;;
    --node-opts) read -r -a CL_NODE_OPTS <<<"$2"; shift 2 ;;
    --no-append) NO_APPEND=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "cluster-rooms: unknown argument $1" >&2; exit 2 ;;
  esac
done
COMMAND="bench/cluster-rooms.sh --rooms $ROOMS --rates \"$RATES\" --publishers $PUBS --duration $DURATION --warmup $WARMUP --warmup-runs $WARMUP_RUNS --warm-rate $WARM_RATE --runs $RUNS --p99-ms $P99_MS --nodes $NODES --payload $PAYLOAD${CL_NODE_OPTS[*]:+ --node-opts \"${CL_NODE_OPTS[*]}\"}"
bench_init cluster-rooms
bench_build
CONNS=$((ROOMS * 2))
LT=(--scenario rooms --connections "$CONNS" --connect-rate "$CRATE" --room-size 2 --publishers "$PUBS" --payload-size "$PAYLOAD")
cluster_steps --runs "$RUNS" --rates "$RATES" --duration "$DURATION" --warmup "$WARMUP" --warmup-runs "$WARMUP_RUNS" --warm-rate "$WARM_RATE" \
    --p99-ms "$P99_MS" --nodes "$NODES" --xmx 1g --name rooms -- "${LT[@]}"

best_med=$(median "${CS_BEST[@]}")
if [ "$best_med" = 0 ]; then
  read -r -a rs <<<"$RATES"
  headline="no rate passed: even at ${rs[0]} msg/s the P99 was at or above $P99_MS ms or messages were lost"
  verdict="NOT met"
else
  headline="**$best_med msg/s** ($(cs_median "$best_med" DPS) deliveries/s): P99 $(cs_median "$best_med" P99) ms, P50 $(cs_median "$best_med" P50) ms, server CPU (nodes + Redis) $(cs_median "$best_med" CPU) µs/delivery, Redis $(cs_median "$best_med" REDIS)% of a core ($(cs_median "$best_med" SHARE)% of the server CPU), $(cs_median "$best_med" CPD) Redis commands per delivered message, generator $(cs_median "$best_med" GEN)% of a core, whole machine $(cs_median "$best_med" MACH)% of 200%"
  verdict=$(awk -v b="$best_med" 'BEGIN { print (b >= 20000) ? "met" : "NOT met" }')" at $best_med msg/s"
  [ "$P99_MS" -le 10 ] || verdict="not judged here (relaxed bound P99 < $P99_MS ms, for capacity): $best_med msg/s"
fi
fails=""
for run in $(seq "$RUNS"); do
  [ -n "${CS_FAIL[$run]}" ] || continue
  . "$WORK/r$run-${CS_FAIL[$run]}.json.vals"
  fails+="- run $run, first failing step ${CS_FAIL[$run]} msg/s: P99 $P99 ms, lost $LOST; CPU (% of one core) nodes $NODE (sum $NSUM), Redis $REDIS, generator $GEN (together $(awk -v n="$NSUM" -v r="$REDIS" -v g="$GEN" 'BEGIN { printf "%.0f", n + r + g }')%); whole machine $MACH% of 200%"$'\n'
done

cat >"$WORK/report.md" <<EOR

## Cluster rooms: $ROOMS rooms of two members on different nodes, $NODES nodes and Redis, P99 < $P99_MS ms${CL_NODE_OPTS[*]:+, nodes with \`${CL_NODE_OPTS[*]}\`}, $(date -u +%Y-%m-%d)

$NODES nodes on one Redis (\`--redis\`, \`--cluster\`), $CONNS WebSocket connections in $ROOMS rooms of 2, round robin over
the nodes so that the two members of every room are on different nodes (every message crosses Redis),
$PUBS publishers publishing round robin over all rooms (2 deliveries per message), ${PAYLOAD}-byte payload, JSON.
Highest total message rate with P99 < $P99_MS ms and zero loss, median of $RUNS repetition(s)$([ "$RUNS" = 1 ] && echo " (one only, for time: indicative)"):
$headline. Target "≥ 20,000 msg/s at P99 < 10 ms" (Socket.IO + Redis adapter on this machine: ~2,000 msg/s at
P99 < 50 ms, losing messages at 12,000): **$verdict**.

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- Redis: \`redis-server --port <free> --bind 127.0.0.1 --save "" --appendonly no --daemonize no\` ($(redis-server --version | awk '{ print $3 }')), fresh per repetition
- nodes: $NODES × \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n<i> --redis redis://127.0.0.1:<port> --cluster rooms<run>${CL_NODE_OPTS[*]:+ ${CL_NODE_OPTS[*]}}\` (from a copy of the jar), fresh per repetition
- per step: \`java -jar cli/target/wsc.jar loadtest --url <n1> --url <n2> --url <n3> --server-pid <n1> --server-pid <n2> --server-pid <n3> --server-pid <redis> ${LT[*]} --rate <r> --duration ${DURATION}s --report-json <file>\`,
  after $WARMUP_RUNS warmup runs of ${WARMUP}s at $WARM_RATE msg/s on the fresh cluster (after one only, each node's C2 compiler still
  spent ~3.5 s of CPU in the first measured run, recompiling once the warmup's connections had closed and new ones came); each step is a fresh generator JVM (its own JIT warmup is inside the ${DURATION}s)
- columns as in the cluster fan-out section: CPU in % of one core over seconds 0 to $((DURATION - 1)) of the measured phase; "cmds/delivery" =
  Redis commands per second / delivered per second (per published message: twice that)

| run | rate (msg/s) | delivered/s | P50 (ms) | P99 (ms) | worst 1-s P99 after 3 s (ms) | lost | server µs/delivery | node CPU | nodes sum | Redis CPU | Redis share | gen CPU | machine CPU | Redis cmd/s | cmds/delivery | pass |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/steps.md")

Highest passing rate per repetition (msg/s): ${CS_BEST[*]}; median $best_med.
${fails:+
Where the CPU was at the first failing step:

$fails}
EOR
append_doc "$WORK/report.md"
