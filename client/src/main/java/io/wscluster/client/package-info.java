/**
 * The Java client SDK. {@link io.wscluster.client.WscClient} is the door: connect to a node, the
 * gateway, or several URLs; subscribe with handlers; publish with acks as futures; and let it keep
 * the connection: it reconnects with backoff and jitter, follows {@code reconnect} frames,
 * resubscribes with {@code since} and drops duplicates by offset, so a handler sees each room
 * message once, in order, across node failures and deploys; what it can never get (the history no
 * longer reaches back, or the node dropped messages for a slow reader) it tells listeners of with
 * {@link io.wscluster.client.ClientEvent.Type#GAP}. It renews expiring tokens in place, and holds
 * requests made between connections until the next one.
 *
 * <p>Its API shows only its own types and the JDK's: application data is JSON text ({@link
 * io.wscluster.client.RoomMessage#data()}), decoded by a replaceable {@link
 * io.wscluster.client.JsonCodec}; replies are records ({@link io.wscluster.client.Subscribed},
 * {@link io.wscluster.client.Presence}, {@link io.wscluster.client.History}). It depends on the
 * {@code wscluster-protocol} jar (codes, {@code Backoff}), Netty and Jackson, never on the node.
 *
 * <p>Inside, each on the client's event loop: {@code Link} lives the connections' life; {@code
 * Connection} is one WebSocket; {@code Requests} matches replies to requests by id; {@code
 * HeldRequests} keeps what waits for a connection; {@code TokenKeeper} asks for tokens and renews
 * them; {@code Subscriptions} keeps each room's handler and position; {@code ReconnectPlan} decides
 * where and when the next connection goes; {@code KeyedPublish} sees one publish to a certain outcome.
 */
package io.wscluster.client;
