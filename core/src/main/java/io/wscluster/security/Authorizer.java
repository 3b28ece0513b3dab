package io.wscluster.security;

/**
 * Decides whether a connection may read or write a room, send to a user or broadcast. Called on the
 * connection's event loop for every such request: it must answer from memory and never block. The
 * default allows everything; a node composes it with its configuration ({@link #within}).
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

    /** May {@code principal} send to every connection of {@code user}? */
    default boolean canSend(Principal principal, String user) {
        return true;
    }

    /** May {@code principal} broadcast to every connection of the cluster? */
    default boolean canBroadcast(Principal principal) {
        return true;
    }

    /**
     * This authorizer within the configured limits: client {@code send} and {@code broadcast} only
     * where {@code send} and {@code broadcast} reach the principal, and then only as this one allows.
     */
    default Authorizer within(ClientReach send, ClientReach broadcast) {
        Authorizer app = this;
        return new Authorizer() {
            @Override
            public boolean canSubscribe(Principal principal, String room) {
                return app.canSubscribe(principal, room);
            }

            @Override
            public boolean canPublish(Principal principal, String room) {
                return app.canPublish(principal, room);
            }

            @Override
            public boolean canSend(Principal principal, String user) {
                return send.allows(principal) && app.canSend(principal, user);
            }

            @Override
            public boolean canBroadcast(Principal principal) {
                return broadcast.allows(principal) && app.canBroadcast(principal);
            }
        };
    }
}
