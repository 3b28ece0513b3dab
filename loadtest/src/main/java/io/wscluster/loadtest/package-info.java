/**
 * {@code wsc loadtest}: a WebSocket load generator for wscluster (and any server speaking its
 * protocol) with honest measurements: HdrHistogram latencies corrected for coordinated omission,
 * per-subscriber loss, duplicate and order accounting by room offset, server CPU per delivery, and
 * reports that merge across processes and machines.
 *
 * <p>{@link io.wscluster.loadtest.LoadTest} is the door. Inside: {@link
 * io.wscluster.loadtest.Engine} runs one process's share of virtual users, which {@link
 * io.wscluster.loadtest.Connector} connects, {@link io.wscluster.loadtest.Publisher} publishes
 * through on a fixed schedule, and {@link io.wscluster.loadtest.Receiver} accounts frames for; {@link
 * io.wscluster.loadtest.WorkerPool} splits a run over several processes when one process may not
 * open enough sockets; {@link io.wscluster.loadtest.RunReport} is the result, which {@link
 * io.wscluster.loadtest.ReportJson} reads and writes.
 */
package io.wscluster.loadtest;
