/**
 * The Java client SDK. {@link io.wscluster.client.WscClient} is the door: connect to a node, the
 * gateway, or several URLs; subscribe with handlers; publish with acks as futures; and let it keep
 * the connection: it reconnects with backoff and jitter, follows {@code reconnect} frames, resumes
 * its session (or resubscribes with {@code since}) and drops duplicates by offset, so a handler sees
 * each room message once, in order, across node failures and deploys; what it can never get (the
 * history no longer reaches back, or the node dropped messages for a slow reader) it tells
 * listeners of with {@link io.wscluster.client.ClientEvent.Type#GAP}.
 *
 * <p>Inside, each on the client's event loop: {@code Connection} is one WebSocket; {@code Requests}
 * matches replies to requests by id; {@code Subscriptions} keeps each room's handler and position;
 * {@code ReconnectPlan} decides where and when the next connection goes.
 */
package io.wscluster.client;
