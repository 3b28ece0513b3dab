/**
 * What the parts of one node share instead of each owning threads, as Lettuce's
 * {@code ClientResources}: {@link io.wscluster.resources.NodeResources} holds the node's one
 * scheduler (heartbeats, refreshes, expiry, drain steps), handed to each part at construction and
 * closed once when the node stops. The parts schedule on it and cancel their own tasks; none
 * creates or shuts down a thread of its own.
 */
package io.wscluster.resources;
