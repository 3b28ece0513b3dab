/**
 * This node's sessions, rooms and users, local fan-out, and what clients may ask of them.
 *
 * <p>{@link io.wscluster.hub.Hub} is local state only: sessions split into {@link
 * io.wscluster.hub.HubShard shards}, one per event loop, whose state is touched only on their own
 * executor, so it needs no locks. {@link io.wscluster.hub.BusBridge} is the way to and from the
 * bus: it subscribes to what some shard holds and hands each bus message to those shards, encoded
 * once ({@link io.wscluster.hub.SharedFrame}), written to every local subscriber as a view of the
 * same buffer and flushed once per event-loop turn. {@link io.wscluster.hub.ClientRequests} sits
 * between the transport and both: a session's opening and end, each request, permissions, and the
 * error a client is told; {@link io.wscluster.hub.RoomGrants} ends the rooms whose grant has run
 * out or been withdrawn, when the transport's periodic sweep asks. The transport reaches a client only through a {@link
 * io.wscluster.hub.Connection}; what keeps sessions resumable plugs in as {@link
 * io.wscluster.hub.SessionRecords}.
 */
package io.wscluster.hub;
