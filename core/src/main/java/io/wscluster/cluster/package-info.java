/**
 * Membership: the node registry, node states and the load figures each node reports. A single node
 * is a cluster of one; the Redis implementation of membership comes with the cluster issue.
 */
package io.wscluster.cluster;
