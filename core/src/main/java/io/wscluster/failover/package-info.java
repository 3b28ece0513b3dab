/**
 * Failover: what lets a client lose its node and nothing else. {@link
 * io.wscluster.failover.SessionStore} keeps a compact record per session (user, rooms, positions)
 * where any node can read it, so a client that reconnects with {@code ?session=} gets its rooms
 * back with every message it missed; {@link io.wscluster.protocol.Backoff} is the one retry policy
 * (exponential with jitter) for reconnects and Redis steps.
 */
package io.wscluster.failover;
