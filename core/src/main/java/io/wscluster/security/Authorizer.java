package io.wscluster.security;

/**
 * Decides whether a connection may read or write a room. Called on the connection's event loop for
 * every subscribe, history, presence and publish request: it must answer from memory and never
 * block. The default allows everything.
 */
public interface Authorizer {
    Authorizer ALLOW_ALL = new Authorizer() { };

    /** May {@code principal} subscribe to {@code room} (and read its history and presence)? */
    default boolean canSubscribe(Principal principal, String room) {
        return true;
    }

    /** May {@code principal} publish to {@code room}? */
    default boolean canPublish(Principal principal, String room) {
        return true;
    }
}
