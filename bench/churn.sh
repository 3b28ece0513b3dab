#!/usr/bin/env bash
# bench/churn.sh: Churn: 5,000 connections, 200 closed and reopened per second
#
#   bench/churn.sh [--runs 3] [--warmup 10] [--no-append]
#
# Fresh node(s) per run (java -Xmx1g, embedded bus, loopback), a warmup run, then one `wsc loadtest` run with
# --server-pid; records P99, throughput, loss and server CPU per delivery (see scenario_bench in
# bench/lib.sh) and appends them to docs/benchmarks.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_COMMAND="bench/churn.sh${*:+ $*}"
scenario_bench "Churn: 5,000 connections, 200 closed and reopened per second" "$@"  -- --scenario churn --connections 5000 --connect-rate 2500 --churn-rate 200 --duration 20s
