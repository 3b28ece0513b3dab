#!/usr/bin/env bash
# bench/failover.sh: how long the clients of a node that dies take to be back, and what they lose.
#
#   bench/failover.sh [--clients "1000 10000"] [--bystanders 2000] [--deliveries 50000] [--duration 20]
#                     [--kill-after 8] [--modes "cold warm"] [--warmup-moves 800] [--warmup-rounds 15]
#                     [--runs 3] [--no-append]
#
# Per client count, mode and repetition: a fresh redis-server and three nodes on it (java -Xmx1g,
# 1-s heartbeat, --history-size 20000), then `wsc failover-probe`: --clients SDK clients (WscClient)
# on n1, the node that will die, with n2 and n3 as their fallbacks, and --bystanders more spread
# over n2 and n3 (the survivors' own clients), all on one room published over HTTP on n2 at
# --deliveries / (clients + bystanders) msg/s. Mode "cold": the survivors run their reconnect path
# for the first time when n1 dies (just-started JVMs). Mode "warm": first, --warmup-rounds times,
# each survivor sends --warmup-moves of its bystanders to the other (POST /admin/shed), as a node
# that has run a while has seen clients come and go. --kill-after seconds into the measured
# publishing, n1 gets SIGKILL; its clients reconnect to n2 or n3 (the SDK picks one at random) and
# resubscribe with since. The probe reports, for those clients, the time from the kill (the first
# lost connection) to their welcome on a survivor, their resubscription and their first message
# (P50, P99, max), the reconnects per second the survivors absorbed, and, over every client,
# messages lost and repeated. Medians over --runs. Appends to docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--clients COUNTS 1000 10000" "--bystanders BYSTANDERS 2000" "--deliveries DELIVERIES 50000" "--duration DURATION 20" \
    "--kill-after KILL_AFTER 8" "--modes MODES cold warm" "--warmup-moves WARMUP 800" "--warmup-rounds ROUNDS 15" "--runs RUNS 3" -- "$@"
for m in $MODES; do
  case "$m" in cold|warm) ;; *) echo "failover: --modes: '$m' is not cold or warm" >&2; exit 2 ;; esac
done
if [[ " $MODES " == *" warm "* ]] && [ $((BYSTANDERS / 2)) -lt "$WARMUP" ]; then
  echo "failover: --warmup-moves $WARMUP needs at least that many bystanders per survivor (--bystanders $((2 * WARMUP)))" >&2; exit 2
fi
bench_init failover
bench_build

# Fields of the probe's report, in table order; the per-run table and the medians use them all.
FIELDS=(clients_moved welcome_ms_p50 welcome_ms_p99 resubscribed_ms_p50 resubscribed_ms_p99 recovery_ms_p50 recovery_ms_p99
        recovery_ms_max reconnects_per_s clients_retried lost repeated)
runs_table="" medians_table=""
for n in $COUNTS; do
  rate=$(( DELIVERIES / (n + BYSTANDERS) )); [ "$rate" -ge 1 ] || rate=1
  for mode in $MODES; do
  moves=0; [ "$mode" = warm ] && moves=$WARMUP
  for run in $(seq "$RUNS"); do
    CL_NODE_OPTS=(--history-size 20000)
    start_cluster 3 "fo$n$mode$run" -Xmx1g
    out="$WORK/probe-$n-$mode-$run"
    java -Xmx3g -jar "$JAR" failover-probe "${CL_URLS[@]}" "${CL_ADMIN_URLS[@]}" --clients "$n" --bystanders "$BYSTANDERS" --rate "$rate" \
        --warmup-moves "$moves" --warmup-rounds "$ROUNDS" --duration "${DURATION}s" --report-json "$out.json" --trace-csv "$out.csv" \
        >"$out.log" 2>&1 </dev/null &
    probe=$!
    BENCH_PIDS+=("$probe")
    for _ in $(seq 6000); do grep -q 'measuring' "$out.log" 2>/dev/null && break; kill -0 "$probe" 2>/dev/null || break; sleep 0.1; done
    grep -q 'measuring' "$out.log" || die "probe did not start measuring: $(tail -5 "$out.log")"
    sleep "$KILL_AFTER"
    log "clients $n $mode run $run: SIGKILL to n1 (pid ${NODE_PID[n1]})"
    kill -KILL "${NODE_PID[n1]}"
    timeout 300 tail --pid="$probe" -f /dev/null || true
    wait "$probe" || true
    [ -s "$out.json" ] || die "probe wrote no report: $(tail -5 "$out.log")"
    row="| $n | $mode | $run | $rate"
    for f in "${FIELDS[@]}"; do row+=" | $(jf "$out.json" ".$f")"; done
    runs_table+="$row |"$'\n'
    log "clients $n $mode run $run: $(cat "$out.json")"
    stop_cluster
  done
  row="| $n | $mode | $rate"
  for f in "${FIELDS[@]}"; do
    row+=" | $(median_of_runs "$WORK/probe-$n-$mode-" ".$f")"
  done
  medians_table+="$row |"$'\n'
  done
done

HEAD="| welcome P50 (ms) | welcome P99 (ms) | resubscribed P50 (ms) | resubscribed P99 (ms) | first message P50 (ms) | first message P99 (ms) | first message max (ms) | reconnects/s absorbed | clients that retried | lost | repeated |"
RULE="| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
cat >"$WORK/report.md" <<EOR

## Failover time: SIGKILL of a node holding 1,000 or 10,000 SDK clients, $(date -u +%Y-%m-%d)

Three nodes on one Redis, loopback; \`wsc failover-probe\` holds the clients (\`WscClient\`, SDK backoff from 50 ms):
N on n1, $BYSTANDERS bystanders spread over n2 and n3, all on one room published over HTTP on n2 at
$DELIVERIES deliveries/s divided by the client count. "cold": the survivors run their reconnect path for the
first time (JVMs started seconds before); "warm": first, $ROUNDS times, each survivor sent $WARMUP of its
bystanders to the other (POST /admin/shed), as nodes that have run a while have seen clients come and go.
$KILL_AFTER s into the measured phase, n1 gets SIGKILL. Times run from the kill (the first lost connection the probe
saw) to each of n1's clients being welcomed by a survivor, resubscribed with since (the server replays what it
missed), and handed its first message; reconnects/s is n1's clients over the time until the last was welcomed;
lost and repeated count, over all clients, accepted messages not handed to the application or handed twice.
Target: P99 under 1 s, never over 2 s; nothing lost. Medians of $RUNS runs:

| clients on n1 | nodes | msg/s | clients moved $HEAD
| --- | --- | --- | --- $RULE
$medians_table
Each run:

| clients on n1 | nodes | run | msg/s | clients moved $HEAD
| --- | --- | --- | --- | --- $RULE
$runs_table
- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- nodes: 3 × \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n<i> --redis <redis> --cluster fo<n><mode><run> --history-size 20000\` (from a copy of the jar), fresh per run
- probe: \`java -Xmx3g -jar cli/target/wsc.jar failover-probe --url <n1> --url <n2> --url <n3> --clients <n> --bystanders $BYSTANDERS --rate <msg/s> --warmup-moves <0 or $WARMUP> --warmup-rounds $ROUNDS --duration ${DURATION}s --report-json <file> --trace-csv <file>\`
EOR
append_doc "$WORK/report.md"
