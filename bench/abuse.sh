#!/usr/bin/env bash
# bench/abuse.sh: honest clients' latency while one abusive client floods pings, subscribes and
# publishes, and what the limits cost on the fast path.
#
#   bench/abuse.sh [--runs 3] [--connections 1000] [--rate 500] [--duration 20] [--warmup 10] [--no-append]
#
# Per repetition, three fresh nodes one after another (java -Xmx1g, embedded bus, loopback), each
# warmed with one run of its workload, then one measured `wsc loadtest --scenario rooms` run (rooms of 10, 20
# publishers at RATE msg/s in total: 25 a second each, within one client's default limits):
#   limits    the node's default limits (only room-publish opened to the generator's anonymous clients);
#   abused    the same, with `wsc abuse-probe` flooding from 127.0.0.2 all through the measured run;
#   no-limits the per-client limits lifted, as the other benchmarks run: the fast path without them.
# The honest clients come from 127.0.0.1, which address-limit-exempt leaves alone. Medians of the
# repetitions are appended to docs/benchmarks.md: the abused P99 against the limits one (the target is
# within 20 %), and limits against no-limits (the cost of checking the limits on every message).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--runs RUNS 3" "--connections CONNS 1000" "--rate RATE 500" "--duration DURATION 20" "--warmup WARMUP 10" -- "$@"
bench_init abuse
bench_build

# The defaults, given as options: they override what start_node lifts for generators.
DEFAULT_LIMITS=(--client-publish-rate 100 --client-publish-bytes 256KiB --user-publish-rate 200 --client-rooms-per-minute 1000
  --max-pending-requests 100 --max-connections-per-address 100 --connection-rate-per-address 20)

# abuse_probe SOURCE SECONDS OUT: one abusive client from SOURCE for SECONDS and a few more, in the
# background (sets probe). At the lowest CPU priority: an attacker brings its own CPU, and what is
# measured is what the node's defences leave honest clients, not how two processes share two cores.
abuse_probe() {
  timeout --kill-after=10 $(($2 + 60)) nice -n 19 java -jar "$JAR" abuse-probe --url "$URL" --source "$1" \
      --duration "$(($2 + 6))s" --report-json "$3.json" >"$3.out" 2>&1 </dev/null &
  probe=$!
  BENCH_PIDS+=("$probe")
}

# honest REPORT DURATION: the honest clients' run against the current node.
honest() {
  run_loadtest "$1" --timeout $(($2 + 180)) -- --url "$URL" --scenario rooms --connections "$CONNS" --connect-rate 1000 \
      --room-size 10 --publishers 20 --rate "$RATE" --duration "${2}s" --payload-size 100 --server-pid "$PID" || true
  [ -s "$1" ] || die "loadtest wrote no report: $(tail -5 "$1.out")"
}

: >"$WORK/rows.md"
declare -A P99 CPU
for run in $(seq "$RUNS"); do
  for mode in limits abused no-limits; do
    if [ "$mode" = no-limits ]; then start_node n1 -Xmx1g; else start_node n1 -Xmx1g -- "${DEFAULT_LIMITS[@]}"; fi
    PID="${NODE_PID[n1]}" URL="${NODE_URL[n1]}"
    probe=""
    if [ "$mode" = abused ]; then
      # The abused node is warmed as it is measured: honest clients and an abusive one (from
      # another address, which its penalty does not touch), so that the measured run sees the
      # steady cost of an attack and not the JIT compiling the refusal paths for the first time.
      abuse_probe 127.0.0.3 "$WARMUP" "$WORK/abuse-warm-$run"
    fi
    honest "$WORK/warm-$run-$mode.json" "$WARMUP"
    [ -z "$probe" ] || wait "$probe" 2>/dev/null || true
    probe=""
    if [ "$mode" = abused ]; then
      # Through the whole measured phase (connects included); it stops by itself soon after.
      abuse_probe 127.0.0.2 "$DURATION" "$WORK/abuse-$run"
      sleep 2
    fi
    f="$WORK/r$run-$mode.json"
    honest "$f" "$DURATION"
    [ -z "$probe" ] || wait "$probe" 2>/dev/null || true
    p50=$(jf "$f" .message_latency_ms.p50) p99=$(jf "$f" .message_latency_ms.p99) lost=$(jf "$f" .lost)
    dps=$(jf "$f" .delivered_per_sec) cpu=$(jf "$f" .server_cpu_us_per_delivery)
    abuse="-"
    if [ "$mode" = abused ] && [ -s "$WORK/abuse-$run.json" ]; then
      abuse="$(jf "$WORK/abuse-$run.json" .frames_sent) frames, $(jf "$WORK/abuse-$run.json" .closed_by_node) closes"
    fi
    P99[$mode]="${P99[$mode]:-} $p99" CPU[$mode]="${CPU[$mode]:-} $cpu"
    printf '| %d | %s | %s | %s | %s | %s | %s | %s |\n' "$run" "$mode" "$dps" "$p50" "$p99" "$lost" "$cpu" "$abuse" >>"$WORK/rows.md"
    log "run $run $mode: delivered $dps/s p50 $p50 p99 $p99 ms lost $lost cpu $cpu us/delivery; abuse: $abuse"
    stop_node n1
  done
done

# shellcheck disable=SC2086
m() { median $1; }
p_lim=$(m "${P99[limits]}") p_ab=$(m "${P99[abused]}") p_no=$(m "${P99[no-limits]}")
c_lim=$(m "${CPU[limits]}") c_no=$(m "${CPU[no-limits]}")
ratio=$(awk -v a="$p_ab" -v b="$p_lim" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2) ? "met" : "NOT met" }')
cost=$(awk -v a="$c_lim" -v b="$c_no" 'BEGIN { printf "%+.1f", (b > 0 ? (a / b - 1) * 100 : 0) }')

cat >"$WORK/report.md" <<EOF2

## Abuse: honest clients' P99 while one client floods, $(date -u +%Y-%m-%d)

One node (embedded bus), $CONNS honest connections in rooms of 10 with 20 publishers at $RATE msg/s
in total (100-byte payloads), from 127.0.0.1; in the **abused** runs one abusive client on
127.0.0.2 floods pings it never reads the answers of, subscribes to new rooms and publishes 1 KB
messages as fast as its sockets take them, each flood on its own connection and reconnecting
whenever the node closes it. Medians of $RUNS repetitions: honest P99 **$p_ab ms abused against
$p_lim ms** (ratio $ratio; target within 1.2: **$verdict**). The limits on the fast path: server CPU
$c_lim µs/delivery with the default limits against $c_no without them ($cost %), P99 $p_lim against $p_no ms.

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root)
- node: \`java -Xmx1g -jar cli/target/wsc.jar node --host 127.0.0.1 --port 0 --node-id n1 --room-publish anyone\` and, but in the
  no-limits runs, the default limits as options (\`${DEFAULT_LIMITS[*]}\`); fresh per mode and repetition, warmed with one ${WARMUP}s run
  of its workload (for the abused node, with an abusive client from 127.0.0.3 as well: the measured run sees an attack's steady cost,
  not the JIT compiling the refusal paths the first time, which costs a fresh node about 1.5 s of CPU once)
- honest clients: \`java -jar cli/target/wsc.jar loadtest --url <node> --scenario rooms --connections $CONNS --connect-rate 1000 --room-size 10 --publishers 20 --rate $RATE --duration ${DURATION}s --payload-size 100 --server-pid <node pid>\`
- abusive client: \`nice -n 19 java -jar cli/target/wsc.jar abuse-probe --url <node> --source 127.0.0.2 --duration $((DURATION + 6))s\`, started 2 s before the measured run
  (it shares the machine's 2 cores with the node and the honest generator, at the lowest CPU priority: an attacker brings its
  own CPU; the node still pays for every connection it accepts and refuses)

| run | mode | delivered/s | P50 (ms) | P99 (ms) | lost | server CPU µs/delivery | abusive client |
| --- | --- | --- | --- | --- | --- | --- | --- |
$(cat "$WORK/rows.md")
EOF2
append_doc "$WORK/report.md"
