package io.wscluster.hub;

/**
 * Application callbacks on a session's lifecycle. They run on the session's event loop and must
 * not block.
 */
public interface HubHooks {
    HubHooks NONE = new HubHooks() { };

    /**
     * A connection was accepted, before its {@code welcome}. Throw a {@link
     * io.wscluster.protocol.ProtocolException} to refuse it: the client receives that error and the
     * connection closes with 1008.
     */
    default void onConnect(Session session) {
    }

    /** A connection closed; its subscriptions are already gone. */
    default void onDisconnect(Session session) {
    }
}
