#!/usr/bin/env bash
# bench/broadcast.sh: Broadcast: 5,000 connections, 4 broadcasts/s (~20,000 deliveries/s)
#
#   bench/broadcast.sh [--runs 3] [--warmup 10] [--no-append]
#
# Fresh node(s) per run (java -Xmx1g, embedded bus, loopback), a warmup run, then one `wsc loadtest` run with
# --server-pid; records P99, throughput, loss and server CPU per delivery (see scenario_bench in
# bench/lib.sh) and appends them to docs/benchmarks.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_COMMAND="bench/broadcast.sh${*:+ $*}"
scenario_bench "Broadcast: 5,000 connections, 4 broadcasts/s (~20,000 deliveries/s)" "$@" --node-opts "--client-broadcast anyone" -- --scenario broadcast --connections 5000 --connect-rate 2500 --rate 4 --duration 20s --payload-size 100
