#!/usr/bin/env bash
# bench/idle-100k.sh: 100,000 idle connections held by six nodes; memory per connection on each
# node and in the load generator.
#
#   bench/idle-100k.sh [--connections 100000] [--nodes 6] [--runs 1] [--connect-rate 2000] [--hold 90] [--no-append]
#
# Starts --nodes nodes (each its own JVM, java -Xmx512m, embedded bus, loopback, ~16,700
# connections each: under the 20,000 open-files ceiling per process), warms each with 300
# connections, forces a GC and reads heap used (jcmd GC.run + GC.heap_info) and VmRSS. Then one
# `wsc loadtest --scenario idle` opens the connections round robin over the nodes; the generator
# splits itself over worker processes (the open-files limit decides how many). Once the nodes'
# wsc_connections add up to N, every node is measured again (GC.run, heap after GC, RSS) and the
# generator's workers (children of the loadtest PID) are measured too: heap used after a full GC
# divided by their connections (an upper bound: it includes each worker's fixed heap).
# Appends to docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--connections N 100000" "--nodes NODES 6" "--runs RUNS 1" "--connect-rate CRATE 2000" "--hold HOLD 90" -- "$@"
bench_init idle-100k
bench_build

# Heap after a full GC, in KiB, from G1's "garbage-first heap total <committed>K, used <live>K"
# (or Parallel GC's "PSYoungGen ... used" + "ParOldGen ... used" for the workers).
heap_used_kb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  sleep 1
  { jcmd "$1" GC.heap_info 2>/dev/null || true; } | awk '
    /garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); gsub(/[K,]/, "", v); print v; exit } }
    /PSYoungGen|ParOldGen/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); gsub(/[K,]/, "", v); s += v } }
    END { if (s) print s }'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
conns() { curl -s --max-time 5 "$1/metrics" | awk '$1 == "wsc_connections" { printf "%d", $2 }'; }
total_conns() { local t=0 i c; for i in $(seq "$NODES"); do c=$(conns "${NODE_ADMIN[n$i]}"); t=$((t + ${c:-0})); done; echo "$t"; }

: >"$WORK/nodes.md" ; : >"$WORK/gen.md"
declare -a HEAPS=() RSSS=() GENS=()
for run in $(seq "$RUNS"); do
  urls=() pids=()
  for i in $(seq "$NODES"); do
    start_node "n$i" -Xmx512m
    urls+=(--url "${NODE_URL[n$i]}") pids+=(--server-pid "${NODE_PID[n$i]}")
  done
  log "run $run: warming each node with 300 connections"
  run_loadtest "$WORK/warm-$run.json" --timeout 120 -- "${urls[@]}" --scenario idle --connections $((300 * NODES)) \
      --connect-rate 2000 --duration 1s || die "warmup failed: $(tail -5 "$WORK/warm-$run.json.out")"
  for i in $(seq "$NODES"); do
    until_t=$((SECONDS + 30)); while [ "$(conns "${NODE_ADMIN[n$i]}")" != 0 ] && [ $SECONDS -lt $until_t ]; do sleep 0.5; done
    eval "H0_$i=$(heap_used_kb "${NODE_PID[n$i]}") R0_$i=$(rss_kb "${NODE_PID[n$i]}")"
  done

  log "run $run: opening $N idle connections at $CRATE/s over $NODES nodes, holding ${HOLD}s"
  out="$WORK/idle-$run.json"
  timeout --kill-after=10 $((N / CRATE + HOLD + 300)) java ${JAVA_OPTS:-} -jar "$JAR" loadtest "${urls[@]}" "${pids[@]}" \
      --scenario idle --connections "$N" --connect-rate "$CRATE" --duration "${HOLD}s" --report-json "$out" >"$out.out" 2>&1 </dev/null &
  lt=$!; BENCH_PIDS+=("$lt")
  until_t=$((SECONDS + N / CRATE + 120))
  # Until all are open, or the generator has ended its connect phase (its first measured-second
  # line): connections that failed to connect are then reported, and the held ones measured.
  while [ "$(total_conns)" -lt "$N" ] && ! grep -q '^\[ *[0-9]*s\]' "$out.out"; do
    [ $SECONDS -lt $until_t ] || die "only $(total_conns) of $N connections after $((N / CRATE + 120)) s: $(tail -3 "$out.out")"
    kill -0 "$lt" 2>/dev/null || die "loadtest exited early: $(tail -5 "$out.out")"
    sleep 2
  done
  sleep 3
  held=$(total_conns)
  log "run $run: $held connections open; measuring nodes"
  for i in $(seq "$NODES"); do
    p="${NODE_PID[n$i]}" c=$(conns "${NODE_ADMIN[n$i]}")
    h1=$(heap_used_kb "$p") r1=$(rss_kb "$p")
    eval "h0=\$H0_$i r0=\$R0_$i"
    hb=$(( (h1 - h0) * 1024 / c )) rb=$(( (r1 - r0) * 1024 / c ))
    HEAPS+=("$hb") RSSS+=("$rb")
    printf '| %d | n%d | %d | %d | %d | %d | %d | %d | %d |\n' "$run" "$i" "$c" "$h0" "$h1" "$hb" "$r0" "$r1" "$rb" >>"$WORK/nodes.md"
  done
  jpid="$(pgrep -P "$lt" | head -1 || true)"
  workers=$(pgrep -P "$jpid" 2>/dev/null | tr '\n' ' ' || true)
  nw=$(echo $workers | wc -w)
  log "run $run: measuring the generator (pid $jpid, workers: $workers)"
  for w in $workers; do
    # Each worker holds its share: N / workers (the first N % workers one more).
    wc_=$((held / nw)) h=$(heap_used_kb "$w") r=$(rss_kb "$w")
    GENS+=($(( h * 1024 / wc_ )))
    printf '| %d | %d | ~%d | %d | %d | %d |\n' "$run" "$w" "$wc_" "$h" "$(( h * 1024 / wc_ ))" "$r" >>"$WORK/gen.md"
  done
  [ "$nw" -gt 0 ] || { h=$(heap_used_kb "$jpid"); GENS+=($(( h * 1024 / N ))); printf '| %d | %d | %d | %d | %d | %d |\n' "$run" "$jpid" "$N" "$h" "$(( h * 1024 / N ))" "$(rss_kb "$jpid")" >>"$WORK/gen.md"; }
  log "run $run: waiting for the loadtest to end its hold"
  wait "$lt" || log "loadtest exit status $?"
  summary="$(sed -n '/^scenario/,$p' "$out.out" | grep -E 'connections|connect latency|errors' | tr -s ' ' || true)"
  for i in $(seq "$NODES"); do stop_node "n$i"; done
done

heap_med=$(median "${HEAPS[@]}") rss_med=$(median "${RSSS[@]}") gen_med=$(median "${GENS[@]}")
v() { awk -v m="$1" -v t="$2" 'BEGIN { print (m <= t) ? "met" : "NOT met" }'; }
cat >"$WORK/report.md" <<EOF

## $N idle connections on $NODES nodes, $(date -u +%Y-%m-%d)

$N idle WebSocket connections (JSON, no rooms, no compression) spread round robin over $NODES
nodes, each its own JVM on this machine, held by one \`wsc loadtest --scenario idle\` that split
itself over worker processes; $held connections were open when measured. $RUNS run(s)$([ "$RUNS" = 1 ] && echo " (one run only, for time: treat as indicative)").
Medians over nodes (and runs): **$heap_med B of live heap** per connection (target ≤ 3072: **$(v "$heap_med" 3072)**),
**$rss_med B of RSS growth** per connection (target ≤ 6144: **$(v "$rss_med" 6144)**); generator
**$gen_med B of heap** per connection (target ≤ 4096: **$(v "$gen_med" 4096)**).

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- nodes: \`java -Xmx512m -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n<i>\` × $NODES, each warmed with 300 connections
- generator: \`java -jar cli/target/wsc.jar loadtest --url <n1> ... --url <n$NODES> --server-pid <each node> --scenario idle --connections $N --connect-rate $CRATE --duration ${HOLD}s\`
- node heap: \`jcmd <pid> GC.run\` then "used" of \`jcmd <pid> GC.heap_info\`, before (after the warmup, 0 connections) and
  with the connections open; RSS from VmRSS of \`/proc/<pid>/status\`. Generator: the same on each worker process
  (children of the loadtest PID, Parallel GC), heap used after GC / its connections, fixed heap included (upper bound)
- loadtest summary: $(echo "$summary" | tr '\n' ';')

| run | node | connections | heap before (KiB) | heap after (KiB) | heap B/conn | RSS before (KiB) | RSS after (KiB) | RSS B/conn |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/nodes.md")
| **median** | | | | | **$heap_med** | | | **$rss_med** |

Generator workers:

| run | worker pid | connections | heap used after GC (KiB) | heap B/conn | RSS (KiB) |
| --- | --- | --- | --- | --- | --- |
$(cat "$WORK/gen.md")
| **median** | | | | **$gen_med** | |
EOF
append_doc "$WORK/report.md"
