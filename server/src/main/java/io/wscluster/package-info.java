/**
 * A node, and the way to embed one: {@link io.wscluster.WsCluster} is the facade and embedding API,
 * {@link io.wscluster.NodeOptions} what a node is configured with, {@link
 * io.wscluster.NodeBootstrap} the one place that picks an implementation of each part and wires
 * them (with the one switch on the backend), {@link io.wscluster.NodeLifecycle} what moves a node
 * from serving to drained or stopped, and {@link io.wscluster.LocalNodes} several nodes of one
 * cluster in one process (the demo and the tests). The parts themselves live in their own
 * packages: {@code transport}, {@code api}, {@code config} here, the rest in core and redis.
 */
package io.wscluster;
