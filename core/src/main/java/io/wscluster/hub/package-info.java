/**
 * This node's sessions, rooms and users, and local fan-out.
 *
 * <p>Sessions are split into {@link io.wscluster.hub.HubShard shards}, one per event loop; a shard's
 * state is touched only on its own executor, so it needs no locks. A message from the bus is
 * encoded once ({@link io.wscluster.hub.SharedFrame}), queued once per shard that has subscribers,
 * written to every local subscriber as a view of the same buffer, and flushed once per event-loop
 * turn.
 */
package io.wscluster.hub;
