/**
 * The gateway: a WebSocket-aware reverse proxy. {@link io.wscluster.gateway.Gateway} is the door.
 * Each client upgrade is placed on a node by the routing part (algorithm and stickiness), the
 * upgrade is forwarded with {@code X-Forwarded-For}, and from the node's {@code 101} on the
 * gateway relays bytes both ways. It learns the nodes from membership, and closes a lost node's
 * clients with 1012 so that they reconnect and land on a healthy node.
 */
package io.wscluster.gateway;
