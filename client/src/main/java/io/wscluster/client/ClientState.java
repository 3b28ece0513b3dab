package io.wscluster.client;

/** Where a {@link WscClient} is. */
public enum ClientState {
    /** Opening its first connection: requests wait for its welcome. */
    CONNECTING,
    /** Welcomed by a node: requests go out. */
    CONNECTED,
    /** Between two connections: requests wait for the next welcome (see {@link WscClient}), subscriptions are made again then. */
    RECONNECTING,
    /** Closed by the application. */
    CLOSED
}
