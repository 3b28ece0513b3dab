#!/usr/bin/env bash
# bench/failover.sh: how long the clients of a node that dies take to receive again, and what they lose.
#
#   bench/failover.sh [--clients "1000 10000"] [--deliveries 50000] [--duration 20] [--kill-after 8] [--runs 1] [--no-append]
#
# Per client count and repetition: a fresh redis-server and three nodes on it (java -Xmx1g, 1-s
# heartbeat, --history-size 20000), then `wsc failover-probe`: that many SDK clients (WscClient)
# spread over the three nodes on one room, and a publisher on n2 at --deliveries / clients msg/s
# (so the load is the same whatever the count) for --duration seconds. --kill-after seconds into
# publishing the script sends SIGKILL to n1; its clients reconnect to n2 and n3 and resubscribe with
# since. The probe reports, for those clients, the time from losing the connection to the first
# message after (P50, P99, max), and, for all, messages lost and repeated. Appends to
# docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COUNTS="1000 10000" DELIVERIES=50000 DURATION=20 KILL_AFTER=8 RUNS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) COUNTS="$2"; shift 2 ;;
    --deliveries) DELIVERIES="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --kill-after) KILL_AFTER="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --no-append) NO_APPEND=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "failover: unknown argument $1" >&2; exit 2 ;;
  esac
done
COMMAND="bench/failover.sh --clients \"$COUNTS\" --deliveries $DELIVERIES --duration $DURATION --kill-after $KILL_AFTER --runs $RUNS"
bench_init failover
bench_build

rows=""
for n in $COUNTS; do
  rate=$(( DELIVERIES / n )); [ "$rate" -ge 1 ] || rate=1
  for run in $(seq "$RUNS"); do
    CL_NODE_OPTS=(--history-size 20000)
    start_cluster 3 "fo$n$run" -Xmx1g
    out="$WORK/probe-$n-$run"
    java -Xmx3g -jar "$JAR" failover-probe "${CL_URLS[@]}" --publish-url "${NODE_URL[n2]}" --clients "$n" --rate "$rate" \
        --duration "${DURATION}s" --report-json "$out.json" >"$out.log" 2>&1 </dev/null &
    probe=$!
    BENCH_PIDS+=("$probe")
    for _ in $(seq 1800); do grep -q 'publishing' "$out.log" 2>/dev/null && break; kill -0 "$probe" 2>/dev/null || break; sleep 0.1; done
    grep -q 'publishing' "$out.log" || die "probe did not start publishing: $(tail -5 "$out.log")"
    sleep "$KILL_AFTER"
    log "clients $n run $run: SIGKILL to n1 (pid ${NODE_PID[n1]})"
    kill -KILL "${NODE_PID[n1]}"
    timeout 300 tail --pid="$probe" -f /dev/null || true
    wait "$probe" || true
    [ -s "$out.json" ] || die "probe wrote no report: $(tail -5 "$out.log")"
    rows+="| $n | $rate | $((n * rate)) | $(jf "$out.json" .clients_moved) | $(jf "$out.json" .recovery_ms_p50) | $(jf "$out.json" .recovery_ms_p99) | $(jf "$out.json" .recovery_ms_max) | $(jf "$out.json" .messages) | $(jf "$out.json" .lost) | $(jf "$out.json" .repeated) |"$'\n'
    log "clients $n run $run: $(cat "$out.json")"
    stop_cluster
  done
done

cat >"$WORK/report.md" <<EOR

## Failover time: SIGKILL of one of three nodes under 1,000 and 10,000 SDK clients, $(date -u +%Y-%m-%d)

Three nodes on one Redis, loopback; \`wsc failover-probe\` holds the clients (\`WscClient\`, SDK backoff from 50 ms)
on one room, spread over the nodes, and a publisher on n2; the publish rate is $DELIVERIES deliveries/s divided by the
client count. --kill-after s into publishing, n1 gets SIGKILL. "recovery" is, per client of n1, the time from losing
its connection to its first message after; lost and repeated count, over all clients, accepted messages not handed to
the application or handed twice. Target: P99 under 1 s, never over 2 s; nothing lost.

| clients | msg/s | deliveries/s | clients moved | recovery P50 (ms) | recovery P99 (ms) | recovery max (ms) | messages | lost | repeated |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$rows
- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- nodes: 3 × \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n<i> --redis <redis> --cluster fo<n><run> --history-size 20000\` (from a copy of the jar), fresh per run
- probe: \`java -Xmx3g -jar cli/target/wsc.jar failover-probe --url <n1> --url <n2> --url <n3> --publish-url <n2> --clients <n> --rate <msg/s> --duration ${DURATION}s --report-json <file>\`
EOR
append_doc "$WORK/report.md"
