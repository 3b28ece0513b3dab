/**
 * Membership: the node registry, node states, the load figures each node reports, and the events
 * nodes announce (join, update, leave). {@link io.wscluster.cluster.Membership} is the door;
 * {@link io.wscluster.cluster.LocalMembership} is the in-process implementation (a node alone is
 * a cluster of one; nodes sharing a registry see each other), and the Redis one lives in the redis
 * module.
 */
package io.wscluster.cluster;
