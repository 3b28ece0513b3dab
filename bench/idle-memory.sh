#!/usr/bin/env bash
# bench/idle-memory.sh: live heap and RSS per idle WebSocket connection on one node.
#
#   bench/idle-memory.sh [--connections 10000] [--runs 3] [--rate 2000] [--compression] [--no-append] [--keep]
#
# Each run starts a fresh node (java -Xmx1g -jar cli/target/wsc.jar node, loopback only, a free
# port), warms it with a few hundred connections, forces a GC and measures (heap used after GC,
# VmRSS), opens N idle connections with testkit's IdleConnections, waits for the node's
# wsc_connections to reach N, forces a GC and measures again. (after - before) / N per run; the
# median over the runs is the figure. --compression makes the clients offer permessage-deflate, as
# browsers do. Appends the results to docs/benchmarks.md unless --no-append.
# Everything it starts it stops by PID (trap on exit); every wait is bounded; loopback only.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # stop_pid, log, die, bench_env
BENCH_NAME=idle-memory

N=10000 RUNS=3 RATE=2000 APPEND=1 KEEP=0 COMPRESSION=false
BUDGET_BYTES=3072   # 3 KiB of live heap per idle connection
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) N="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --compression) COMPRESSION=true; shift ;;
    --no-append) APPEND=0; shift ;;
    --keep) KEEP=1; shift ;;   # keep logs and histograms in the work directory
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "idle-memory: unknown argument $1" >&2; exit 2 ;;
  esac
done
COMMAND="bench/idle-memory.sh --connections $N --runs $RUNS --rate $RATE"
CLIENTS="no compression"
if [ "$COMPRESSION" = true ]; then
  COMMAND="$COMMAND --compression"
  CLIENTS="clients offering permessage-deflate, which the node accepts by default"
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
node_pid="" gen_pid=""

cleanup() {
  stop_pid "$gen_pid"; stop_pid "$node_pid"
  if [ "$KEEP" = 1 ]; then echo "idle-memory: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One process holds at most ~19,900 sockets here (hard limit 20,000 open files).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((N + 500)) ] || die "open-files limit $(ulimit -n) is too low for $N connections"

# maven.test.skip also skips compiling tests: the benchmark needs only main code.
log "building (mvn -q -Dmaven.test.skip=true install)"
mvn -B -q -ntp -Dmaven.test.skip=true install >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "build failed"; }
# Run from copies: other builds in this tree must not swap the jar under a running node. The
# generator runs on the same shaded jar, which holds every library testkit needs (Netty, epoll, core).
cp cli/target/wsc.jar "$work/wsc.jar"
cp -r testkit/target/classes "$work/testkit-classes"
CP="$work/testkit-classes:$work/wsc.jar"

# Heap after a full GC, in KiB, from G1's "garbage-first heap total <committed>K, used <live>K".
heap_kb() { { jcmd "$1" GC.heap_info || true; } | awk -v f="$2" '/heap/ && /used/ { for (i = 1; i <= NF; i++) if ($i == f) { gsub(/[K,]/, "", $(i+1)); print $(i+1); exit } }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
connections() { curl -s --max-time 5 "$HTTP/metrics" | awk '$1 == "wsc_connections" { printf "%d", $2 }'; }
gc() { jcmd "$1" GC.run >/dev/null || die "jcmd GC.run failed"; sleep 1; }
histogram() { jcmd "$1" GC.class_histogram >"$2" || die "jcmd GC.class_histogram failed"; }
# Waits up to $2 seconds for wsc_connections to equal $1.
await_connections() {
  local want="$1" until=$((SECONDS + $2))
  while [ "$(connections)" != "$want" ]; do
    [ $SECONDS -lt $until ] || die "wsc_connections is $(connections), not $want, after $2 s"
    [ -z "$gen_pid" ] || kill -0 "$gen_pid" 2>/dev/null || die "generator exited early: $(tail -3 "$work/gen.log")"
    sleep 1
  done
}
# Runs IdleConnections in the background; the hold ends when $work/stop appears (or after 10 min).
start_generator() {
  rm -f "$work/stop"
  java -Xmx512m -cp "$CP" io.wscluster.testkit.IdleConnections --url "$URL" --connections "$1" --rate "$RATE" \
      --hold 600s --compression "$COMPRESSION" --stop-file "$work/stop" >"$work/gen.log" 2>&1 </dev/null &
  gen_pid=$!
}
stop_generator() {
  touch "$work/stop"
  for _ in $(seq 600); do kill -0 "$gen_pid" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$gen_pid"; gen_pid=""
}

# The connections come from 127.0.0.2 and up, at --rate a second: the per-address limits are lifted.
bench_env "$(java -jar "$work/wsc.jar" node --help 2>/dev/null || true)"
declare -a HEAP RSS LIVE
for run in $(seq "$RUNS"); do
  log "run $run/$RUNS: starting node"
  env "${BENCH_ENV[@]}" java -Xmx1g -jar "$work/wsc.jar" node --host 127.0.0.1 --port 0 >"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 300); do grep -q 'listening on ws://' "$work/node.log" && break; kill -0 "$node_pid" || break; sleep 0.1; done
  URL="$(grep -o 'ws://127\.[0-9.]*:[0-9]*/ws' "$work/node.log" | head -1 || true)"
  [ -n "$URL" ] || die "node did not start: $(tail -5 "$work/node.log")"
  HTTP="$(grep -o 'operator listener http://127\.[0-9.]*:[0-9]*' "$work/node.log" | head -1 | sed 's/^operator listener //' || true)"   # /metrics
  TRANSPORT="$(grep -o '([a-z]* transport' "$work/node.log" | head -1 | tr -d '(' || true)"   # "epoll transport"

  # Warm-up: the first connections load classes and fill one-off caches; keep them out of the delta.
  start_generator 300
  await_connections 300 60
  stop_generator
  await_connections 0 30

  gc "$node_pid"
  heap0=$(heap_kb "$node_pid" used); committed0=$(heap_kb "$node_pid" total); rss0=$(rss_kb "$node_pid")
  [ -n "$heap0" ] && [ -n "$committed0" ] && [ -n "$rss0" ] || die "could not read the node's heap or RSS"
  histogram "$node_pid" "$work/hist0-$run"

  log "run $run/$RUNS: opening $N connections at $RATE/s"
  start_generator "$N"
  await_connections "$N" $((N / RATE + 120))
  sleep 2
  gc "$node_pid"
  heap1=$(heap_kb "$node_pid" used); committed1=$(heap_kb "$node_pid" total); rss1=$(rss_kb "$node_pid")
  [ -n "$heap1" ] && [ -n "$committed1" ] && [ -n "$rss1" ] || die "could not read the node's heap or RSS"
  histogram "$node_pid" "$work/hist1-$run"
  [ "$(connections)" = "$N" ] || die "connections dropped during the measurement"
  stop_generator
  grep -q "closed: opened $N of $N, failed 0, lost during hold 0" "$work/gen.log" || die "generator: $(tail -2 "$work/gen.log")"
  stop_pid "$node_pid"; node_pid=""

  HEAP[$run]=$(( (heap1 - heap0) * 1024 / N ))
  RSS[$run]=$(( (rss1 - rss0) * 1024 / N ))
  live0=$(awk '$1 == "Total" { print $3 }' "$work/hist0-$run"); live1=$(awk '$1 == "Total" { print $3 }' "$work/hist1-$run")
  LIVE[$run]=$(( (live1 - live0) / N ))
  printf '| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n' "$run" "$heap0" "$heap1" "${HEAP[$run]}" "${LIVE[$run]}" \
      $(( (committed1 - committed0) * 1024 / N )) "$rss0" "$rss1" "${RSS[$run]}" >>"$work/runs.md"
  log "run $run/$RUNS: heap ${HEAP[$run]} B/conn (histogram ${LIVE[$run]} B/conn), RSS ${RSS[$run]} B/conn"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
heap_med=$(median "${HEAP[@]}"); rss_med=$(median "${RSS[@]}"); live_med=$(median "${LIVE[@]}")
# The histograms shown are those of the run whose heap figure is the median.
mrun=$RUNS
for run in $(seq "$RUNS"); do
  if [ "${HEAP[$run]}" = "$heap_med" ]; then mrun=$run; break; fi
done
verdict=$([ "$heap_med" -le "$BUDGET_BYTES" ] && echo "within budget" || echo "OVER budget")

# Per-class growth between the two histograms: what one idle connection is made of.
awk -v n="$N" 'FNR == NR && $1 ~ /^[0-9]+:$/ { b[$4] = $3; c[$4] = $2; next }
     $1 ~ /^[0-9]+:$/ { d = $3 - b[$4]; if (d > 0) printf "%d %.2f %s\n", d, ($2 - c[$4]) / n, $4 }' \
    "$work/hist0-$mrun" "$work/hist1-$mrun" | sort -rn | head -15 |
  awk -v n="$N" '{ printf "| `%s` | %s | %.0f |\n", $3, $2, $1 / n }' >"$work/delta.md"
top3=$(head -3 "$work/delta.md" | awk -F'|' '{ gsub(/ /, "", $2); gsub(/ /, "", $4); printf "%s%s (%s B)", (NR > 1 ? ", " : ""), $2, $4 }')

report() {
  cat <<EOF

## Idle connection memory$([ "$COMPRESSION" = true ] && echo ", permessage-deflate"), $(date -u +%Y-%m-%d)

$N idle WebSocket connections (JSON subprotocol, no rooms, $CLIENTS) on one node with the
embedded bus. Median of $RUNS runs: **$heap_med B of live heap** and **$rss_med B of RSS** per
connection; budget $BUDGET_BYTES B of live heap: **$verdict**.

- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $(java -version 2>&1 | head -1), $TRANSPORT
- command: \`$COMMAND\` (from the repository root)
- node: \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0\` (run from a copy of the jar)${BENCH_ENV[*]:+ with \`${BENCH_ENV[*]}\`}, fresh per run, warmed with 300 connections
- generator: \`java -Xmx512m -cp testkit/target/classes:cli/target/wsc.jar io.wscluster.testkit.IdleConnections --url <node>/ws --connections $N --rate $RATE --hold 600s --compression $COMPRESSION\`
- before and after: \`jcmd <pid> GC.run\`, then heap used from \`jcmd <pid> GC.heap_info\`, RSS from \`VmRSS\` in \`/proc/<pid>/status\`;
  "histogram" is the growth of the live total of \`jcmd <pid> GC.class_histogram\`; "heap committed" is the growth of
  what G1 keeps committed after the GC (its "total"), heap that RSS pays for beyond the live data

| run | heap before (KiB) | heap after (KiB) | heap B/conn | histogram B/conn | heap committed B/conn | RSS before (KiB) | RSS after (KiB) | RSS B/conn |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$work/runs.md")
| **median** | | | **$heap_med** | **$live_med** | | | | **$rss_med** |

Growth per connection by class (run $mrun; the largest: $top3):

| class | instances/conn | B/conn |
| --- | --- | --- |
$(cat "$work/delta.md")

Top of \`jcmd <pid> GC.class_histogram | head -25\` with the $N connections open (run $mrun):

\`\`\`
$(head -25 "$work/hist1-$mrun")
\`\`\`
EOF
}

report >"$work/report.md"
cat "$work/report.md"
if [ "$APPEND" = 1 ]; then
  if [ ! -f docs/benchmarks.md ]; then
    mkdir -p docs
    printf '# Benchmarks\n\nHow we measure: scripts under `bench/` start real nodes and real clients on loopback and\nprint the exact command beside each result. Quote medians of several runs, never a best run:\nthis is a 2-core machine shared by the node and its load generator, so single runs are noisy.\n' >docs/benchmarks.md
  fi
  cat "$work/report.md" >>docs/benchmarks.md
  log "appended to docs/benchmarks.md"
fi
