#!/usr/bin/env bash
# bench/p2p.sh: Point-to-point: 5,000 JWT users, 2,000 user-targeted sends/s from 50 publishers
#
#   bench/p2p.sh [--runs 3] [--warmup 10] [--no-append]
#
# Fresh node(s) per run (java -Xmx1g, embedded bus, loopback), a warmup run, then one `wsc loadtest` run with
# --server-pid; records P99, throughput, loss and server CPU per delivery (see scenario_bench in
# bench/lib.sh) and appends them to docs/benchmarks.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_COMMAND="bench/p2p.sh${*:+ $*}"
scenario_bench "Point-to-point: 5,000 JWT users, 2,000 user-targeted sends/s from 50 publishers" "$@" --node-opts '--jwt-secret bench-secret-bench-secret-32bytes! --client-send authenticated' -- --scenario p2p --connections 5000 --connect-rate 2500 --jwt-secret 'bench-secret-bench-secret-32bytes!' --publishers 50 --rate 2000 --duration 20s --payload-size 100
