/**
 * Routing: where a new connection goes. {@link io.wscluster.routing.Router} is the door: it keeps
 * a client on the node it had while that node is healthy ({@link io.wscluster.routing.Stickiness},
 * {@link io.wscluster.routing.StickyRegistry}), and otherwise lets a
 * {@link io.wscluster.routing.LoadBalancer} of the {@link io.wscluster.routing.Algorithm}s choose
 * among the nodes that take connections. {@link io.wscluster.routing.Imbalance} measures how
 * evenly the cluster is loaded and says which node should shed how many connections to which.
 * Nodes come from membership through a {@link io.wscluster.routing.NodeDirectory}.
 */
package io.wscluster.routing;
