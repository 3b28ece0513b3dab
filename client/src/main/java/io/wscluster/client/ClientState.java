package io.wscluster.client;

/** Where a {@link WscClient} is. */
public enum ClientState {
    /** Opening its first connection. */
    CONNECTING,
    /** Welcomed by a node: requests go out. */
    CONNECTED,
    /** Between two connections: requests fail fast, subscriptions wait for the next welcome. */
    RECONNECTING,
    /** Closed by the application. */
    CLOSED
}
