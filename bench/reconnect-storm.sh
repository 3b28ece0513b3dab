#!/usr/bin/env bash
# bench/reconnect-storm.sh: Reconnect storm: 5,000 subscribers of 10 rooms, 20 msg/s, half dropped at once mid-run and resumed with since
#
#   bench/reconnect-storm.sh [--runs 3] [--warmup 10] [--no-append]
#
# Fresh node(s) per run (java -Xmx1g, embedded bus, loopback), a warmup run, then one `wsc loadtest` run with
# --server-pid; records P99, throughput, loss and server CPU per delivery (see scenario_bench in
# bench/lib.sh) and appends them to docs/benchmarks.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_COMMAND="bench/reconnect-storm.sh${*:+ $*}"
scenario_bench "Reconnect storm: 5,000 subscribers of 10 rooms, 20 msg/s, half dropped at once mid-run and resumed with since" "$@"  -- --scenario reconnect-storm --connections 5000 --connect-rate 2500 --rooms 10 --rate 20 --storm-share 0.5 --duration 20s --payload-size 100
