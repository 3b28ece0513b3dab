#!/usr/bin/env bash
# bench/redis-publish.sh: Redis's own CPU per room message placed by the publish script, by messages per call.
#
#   bench/redis-publish.sh [--batches "1 2 5 10 50"] [--messages 200000] [--rooms 1000] [--subscribers 2]
#                          [--runs 3] [--no-append]
#
# Isolates what a placement costs Redis from the nodes and the generator that share the machine in
# the other benchmarks: a fresh redis-server (loopback, no persistence), the publish script as the
# node ships it (redis/src/main/resources/io/wscluster/redis/publish.lua, loaded with SCRIPT LOAD),
# and --subscribers redis-cli processes subscribed to every room's channel (the nodes of a cluster).
# Per batch size B and run: --messages messages of about 170 bytes, history-size 100, into --rooms
# rooms chosen at random, sent as EVALSHA calls of B messages each through `redis-cli --pipe`; one
# unmeasured pass first fills every stream past its size, so each XADD also trims. The figure is the
# redis-server process's CPU (/proc, user + system) over the measured pass divided by the messages:
# the script's commands, the call itself, reading the calls, answering them and writing every
# PUBLISH to the subscribers. A node batches the publishes that wait for the same flush into one
# call (redis.RoomPublishes): B = 1 is a node under light load, or with --bus-batch-size 1.
# Medians over --runs. Appends to docs/benchmarks.md unless --no-append.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_opts "--batches BATCHES 1 2 5 10 50" "--messages MESSAGES 200000" "--rooms ROOMS 1000" "--subscribers SUBSCRIBERS 2" \
    "--runs RUNS 3" -- "$@"
bench_init redis-publish
SCRIPT=redis/src/main/resources/io/wscluster/redis/publish.lua
[ -f "$SCRIPT" ] || die "run from the repository root ($SCRIPT not found)"
read -r -a batches <<<"$BATCHES"
hz="$(getconf CLK_TCK)"

# calls B SHA SEED: MESSAGES messages as EVALSHA calls of B messages each, in Redis's wire protocol.
calls() {
  awk -v b="$1" -v sha="$2" -v n="$MESSAGES" -v rooms="$ROOMS" -v seed="$3" 'BEGIN {
    srand(seed)
    json = "{\"k\":0,\"r\":\"room-123\",\"d\":{\"seq\":1,\"pad\":\"" sprintf("%100s", "") "\"},\"f\":\"u1\",\"t\":1796610507926,\"p\":1}"
    gsub(/ /, "x", json)
    split("m s c", kind, " ")
    for (c = 0; c < n / b; c++) {
      printf "*%d\r\n$7\r\nEVALSHA\r\n$%d\r\n%s\r\n$%d\r\n%d\r\n", 3 + 3 * b + 2 + 7 * b, length(sha), sha, length(3 * b ""), 3 * b
      for (i = 0; i < b; i++) {
        r[i] = int(rand() * rooms)
        for (k = 1; k <= 3; k++) { key = kind[k] ":{" r[i] "}"; printf "$%d\r\n%s\r\n", length(key), key }
      }
      printf "$7\r\nPUBLISH\r\n$2\r\n60\r\n"
      for (i = 0; i < b; i++) {
        printf "$%d\r\n%s\r\n$3\r\n100\r\n$4\r\n3600\r\n$3\r\nep1\r\n$1\r\n0\r\n$1\r\n0\r\n$1\r\n0\r\n", length(json), json
      }
    }
  }'
}

channels=()
for ((r = 0; r < ROOMS; r++)); do channels+=("c:{$r}"); done
: >"$WORK/runs.md"
for run in $(seq "$RUNS"); do
  for b in "${batches[@]}"; do
    start_redis
    sha="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" script load "$(cat "$SCRIPT")")"
    subs=()
    for ((s = 0; s < SUBSCRIBERS; s++)); do
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" subscribe "${channels[@]}" >/dev/null 2>&1 </dev/null &
      subs+=($!) BENCH_PIDS+=($!)
    done
    sleep 0.5
    calls "$b" "$sha" "$run" >"$WORK/fill.resp"
    calls "$b" "$sha" "$((run + 1000))" >"$WORK/measured.resp"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --pipe <"$WORK/fill.resp" >"$WORK/fill.out" 2>&1 || die "fill failed: $(tail -2 "$WORK/fill.out")"
    before="$(cpu_ticks "$REDIS_PID")"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --pipe <"$WORK/measured.resp" >"$WORK/measured.out" 2>&1 \
        || die "measured pass failed: $(tail -2 "$WORK/measured.out")"
    after="$(cpu_ticks "$REDIS_PID")"
    grep -q 'errors: 0,' "$WORK/measured.out" || die "the script answered errors: $(tail -1 "$WORK/measured.out")"
    length="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" xlen 's:{0}')"
    us="$(awk -v t="$((after - before))" -v hz="$hz" -v n="$MESSAGES" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }')"
    printf '| %s | %s | %s | %s |\n' "$b" "$run" "$us" "$length" >>"$WORK/runs.md"
    log "batch $b run $run: $us us of Redis CPU per message (stream length $length)"
    for p in "${subs[@]}"; do stop_pid "$p"; done
    stop_redis
  done
done

medians=""
for b in "${batches[@]}"; do
  medians+="| $b | $(median $(awk -F' \\| ' -v b="$b" '$1 == "| " b { print $3 }' "$WORK/runs.md")) |"$'\n'
done

cat >"$WORK/report.md" <<EOR

## Redis's CPU per room message placed, by messages per script call, $(date -u +%Y-%m-%d)

A redis-server alone (loopback, no persistence) and $SUBSCRIBERS redis-cli subscribers of every room's channel; the
node's publish script (\`publish.lua\`) called by EVALSHA through \`redis-cli --pipe\` with the given number of
messages per call, $MESSAGES messages of about 170 bytes into $ROOMS rooms at random, history-size 100 (every
stream already full, so each XADD trims). Redis's process CPU over the pass per message; medians of $RUNS runs:

| messages per call | Redis CPU (µs/message) |
| --- | --- |
$medians
Each run (stream length: one room's, after the run):

| messages per call | run | Redis CPU (µs/message) | stream length |
| --- | --- | --- | --- |
$(cat "$WORK/runs.md")

- machine: $(machine); Redis $(redis-server --version | awk '{ print $3 }')
- command: \`$COMMAND\` (from the repository root)
EOR
append_doc "$WORK/report.md"
