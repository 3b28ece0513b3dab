#!/usr/bin/env bash
# bench/faults.sh: the fault suite run long, with a history checker; results into docs/reliability.md.
#
#   bench/faults.sh [--runs 2] [--scenarios all] [--no-append]
#
# Runs FaultScenariosIT (cli/src/test/java/io/wscluster/cli) with -Dwsc.faults.scale=long, --runs
# times: per scenario a fresh redis-server, a fault-injecting proxy in front of it per node, three
# `wsc node` processes, 51 Java SDK subscribers in 10 rooms over the nodes and three SDK publishers
# (one per node, an idempotency key on every publish) at 110 msg/s. 2 s after publishing starts the
# fault is injected (20 s where it lasts: resets of one node's link every 2 s, every link 500 ms
# away; 15 s for one node's link blackholed or discarding; Redis frozen 5 s; Redis killed and
# restarted empty; Redis refusing writes 10 s; two nodes killed at once; a node killed while another
# drains into it); publishing goes on 10 s after it, then the checker follows every acknowledged
# publish to every subscriber of its room. --scenarios takes a comma-separated list of the test's
# scenario names. Every loop of the test is bounded; traffic stays on loopback. Appends to
# docs/reliability.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--runs RUNS 2" "--scenarios SCENARIOS all" -- "$@"
bench_init faults
log "building (mvn -q -DskipTests install)"
mvn -B -q -ntp -DskipTests install >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }

REPORT="$WORK/faults.jsonl"
failed_runs=0
for run in $(seq "$RUNS"); do
  log "run $run of $RUNS: scenarios $SCENARIOS"
  if ! timeout 1800 mvn -B -q -ntp verify -pl cli -Dtest=FaultScenariosIT -Dsurefire.failIfNoSpecifiedTests=false \
      -Dwsc.faults="$SCENARIOS" -Dwsc.faults.scale=long -Dwsc.faults.report="$REPORT" >"$WORK/run-$run.log" 2>&1; then
    failed_runs=$((failed_runs + 1))
    grep -E 'FAIL|Expect|as \[' "$WORK/run-$run.log" | head -20 >&2 || true
  fi
done
[ -s "$REPORT" ] || die "no scenario reported: $(tail -20 "$WORK/run-1.log")"

rows=$(jq -r '[.scenario, (.fault_ms / 1000 | floor), .result.acked,
    (.result.failed | to_entries | map("\(.key) \(.value)") | join(", ") | if . == "" then "none" else . end),
    .result.lost, .result.told, .result.gap_events, .result.duplicated, .result.reordered, .result.recovery_ms,
    .result.disconnected_healthy, .result.disconnected_faulted] | "| " + (map(tostring) | join(" | ")) + " |"' "$REPORT")

cat >"$WORK/report.md" <<EOR

### Fault scenarios with the Java SDK, $(date -u +%Y-%m-%d)

Three \`wsc node\` processes (1-s heartbeat, \`--history-size 1000\`), each reaching one redis-server through its own
fault-injecting proxy (\`testkit.FaultProxy\`); 51 SDK subscribers (\`WscClient\`, 5-s keep-alive) in 10 rooms, each
on one node with the other two as fallbacks; three SDK publishers, one per node, 110 msg/s in all, each publish
with an idempotency key (the SDK retries every unknown outcome with it). The fault starts 2 s into publishing;
publishing goes on 10 s after it ends; then every acknowledged publish is followed to every subscriber of its room.
One row per scenario and run ($RUNS runs$([ "$failed_runs" -gt 0 ] && echo ", $failed_runs of them with a failed check")):

- **not acked**: publishes that got an error instead of an ack, by code (\`unavailable\`: certainly not stored).
- **lost silently**: acknowledged messages a subscriber never received and was not told of (must be 0).
- **told**: acknowledged messages a subscriber never received after a \`GAP\` event for the room;
  **gap events**: subscribers that got one.
- **duplicated**, **reordered**: a publish's message received twice (by its content, so a retried publish stored
  twice would show), or an offset not above the one before in the same epoch (both must be 0).
- **recovery**: from the fault's end to the last subscriber receiving a message published after it (a room gets
  a message every 90 ms or so, so about 100 ms is no delay at all).
- **healthy disconnected**: subscribers of nodes the fault did not take away that lost their connection (must
  be 0); **moved**: subscribers of the node(s) taken away that moved.

| scenario | fault (s) | acked | not acked | lost silently | told | gap events | duplicated | reordered | recovery (ms) | healthy disconnected | moved |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$rows

- machine: $(machine)
- command: \`$COMMAND\` (from the repository root; the test is \`FaultScenariosIT\`, the checker \`HistoryChecker\`)
EOR
append_doc "$WORK/report.md" docs/reliability.md
[ "$failed_runs" -eq 0 ] || die "$failed_runs run(s) had a failed check: see the rows above"
