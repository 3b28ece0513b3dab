package io.wscluster.client;

/**
 * What happened to a client's connection, for listeners ({@link WscClient#onEvent}).
 *
 * @param type   what happened
 * @param node   the node concerned, when known
 * @param detail a reason, close code or URL, for logs; the room for {@link Type#RESUBSCRIBED},
 *               {@link Type#GAP} and {@link Type#UNSUBSCRIBED}; {@code user} or {@code broadcast} for
 *               {@link Type#DIRECT_GAP}
 * @param lost   for a {@link Type#GAP} the server announced with a {@code gap} frame, the offsets it
 *               dropped; null otherwise
 */
public record ClientEvent(Type type, String node, String detail, Lost lost) {
    /**
     * An event without {@link #lost}.
     *
     * @param type   what happened
     * @param node   the node concerned, when known
     * @param detail what the type's description says
     */
    public ClientEvent(Type type, String node, String detail) {
        this(type, node, detail, null);
    }

    /**
     * Offsets {@code from} to {@code to} of a room's epoch {@code epoch} that the server held back
     * for this client, which read too slowly, and dropped some or all of (the room's overflow
     * policy, {@code drop-oldest} or {@code latest-per-key}). Under {@code latest-per-key} some of
     * them may still arrive after the event, in order; the others never do.
     *
     * @param epoch the room's epoch
     * @param from  the first offset dropped
     * @param to    the last offset dropped
     */
    public record Lost(String epoch, long from, long to) {
    }

    /** What happened. */
    public enum Type {
        /** Connected and welcomed; detail says whether the session was resumed. */
        CONNECTED,
        /** The connection ended; the client will reconnect unless it was closed. */
        DISCONNECTED,
        /** The server asked the client to move (drain, rebalance, failover, shutdown); detail is the reason and URL. */
        MOVE_REQUESTED,
        /**
         * A room was subscribed again on a new connection and the server replays what the client
         * missed from there; detail is the room. (When it cannot, {@link #GAP} comes instead.)
         */
        RESUBSCRIBED,
        /**
         * Messages of a room will never reach the handler; detail is the room. Either a
         * resubscription found that the room's history no longer reached back to the client's
         * position ({@link #lost} null: the application should reload that room), or the server
         * dropped messages it held back for this client, which read too slowly ({@link #lost} says
         * which offsets; the handler goes on with the messages after them). To have the dropped
         * ones, the application reads them with {@link WscClient#history(String, String, long, int)}
         * since {@code lost.from() - 1}.
         */
        GAP,
        /**
         * The server ended a room's subscription by itself (the subscription token that granted it
         * expired, or a refreshed token no longer grants it); detail is the room. The client has
         * dropped the subscription: no message of the room follows and it is not subscribed again
         * on a reconnect.
         */
        UNSUBSCRIBED,
        /**
         * Messages sent to this client's user ({@code send}; detail {@code user}) or broadcast
         * (detail {@code broadcast}) may have been lost on their way to its node (the node's
         * connection to Redis broke for a while). They carry no offsets and no history keeps them:
         * the application that depends on them should reload what they carry.
         */
        DIRECT_GAP,
        /**
         * The connection's token was renewed in place ({@code refresh}) with a token from the
         * supplier of {@link ClientOptions#withTokenSupplier}; detail is its expiry (epoch ms), or
         * {@code none}.
         */
        TOKEN_REFRESHED,
        /**
         * Something failed that the client handles by itself (a resubscription, a token refresh, the
         * token supplier: it retries with backoff; a hung node: it reconnects); detail says what.
         */
        ERROR,
        /** The client was closed by the application. */
        CLOSED
    }
}
