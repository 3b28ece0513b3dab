#!/usr/bin/env bash
# bench/rooms.sh: Rooms: 5,000 connections in 500 rooms of 10, 500 msg/s from 10 publishers (~5,000 deliveries/s)
#
#   bench/rooms.sh [--runs 3] [--warmup 10] [--no-append]
#
# Fresh node(s) per run (java -Xmx1g, embedded bus, loopback), a warmup run, then one `wsc loadtest` run with
# --server-pid; records P99, throughput, loss and server CPU per delivery (see scenario_bench in
# bench/lib.sh) and appends them to docs/benchmarks.md.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_COMMAND="bench/rooms.sh${*:+ $*}"
scenario_bench "Rooms: 5,000 connections in 500 rooms of 10, 500 msg/s from 10 publishers (~5,000 deliveries/s)" "$@"  -- --scenario rooms --connections 5000 --connect-rate 2500 --room-size 10 --publishers 10 --rate 500 --duration 20s --payload-size 100
