package io.wscluster.client;

/**
 * What happened to a client's connection, for listeners ({@link WscClient#onEvent}).
 *
 * @param type   what happened
 * @param node   the node concerned, when known
 * @param detail a reason, close code or URL, for logs
 */
public record ClientEvent(Type type, String node, String detail) {
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
        /** A room's history no longer reached back to the client's position: the application should reload that room. */
        GAP,
        /** Something failed that the client handles by itself (e.g. a resubscription; it reconnects); detail says what. */
        ERROR,
        /** The client was closed by the application. */
        CLOSED
    }
}
