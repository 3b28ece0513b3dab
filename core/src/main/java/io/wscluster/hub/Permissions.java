package io.wscluster.hub;

import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.Authorizer;
import io.wscluster.security.OverflowPolicy;
import io.wscluster.security.Principal;
import io.wscluster.security.RoomAction;
import io.wscluster.security.RoomPolicy;
import io.wscluster.security.SubscriptionGrant;
import io.wscluster.security.TokenVerifier;
import java.util.Objects;

/**
 * What a session may do, asked before a request touches the bus: the configured room rules first
 * ({@link RoomPolicy}: namespaces, token grants, subscription tokens), then the embedding API's
 * {@link Authorizer}. A refusal is a {@code forbidden} error that says which rule refused; nothing
 * changes. Runs on the session's loop, from memory.
 */
final class Permissions {
    private final RoomPolicy rooms;
    private final Authorizer app;
    private final TokenVerifier tokens;

    Permissions(RoomPolicy rooms, Authorizer app, TokenVerifier tokens) {
        this.rooms = rooms;
        this.app = app;
        this.tokens = tokens;
    }

    /**
     * Throws {@code forbidden} unless the session may subscribe to {@code room}, with the subscription
     * {@code token} when it shows one (null: none). Returns what the token granted (null: no token).
     */
    SubscriptionGrant subscribe(Session s, String room, String token) {
        SubscriptionGrant grant = token == null ? null : grant(s, room, token);
        check(rooms.refusal(RoomAction.SUBSCRIBE, s.principal(), room, grant != null));
        if (!app.canSubscribe(s.principal(), room)) {
            throw forbidden("no subscribe permission on room '" + room + "'");
        }
        return grant;
    }

    /**
     * Whether {@code s} may keep {@code sub} at {@code nowMillis}: whether subscribing again now, as
     * its principal and with its subscription token while that lasts, would be allowed. The back
     * end ({@link io.wscluster.security.PermissionProxy}) is not asked again: it answers subscribes.
     */
    boolean keeps(Session s, Subscription sub, long nowMillis) {
        boolean token = sub.byToken && (sub.tokenExpiresAt == 0 || nowMillis < sub.tokenExpiresAt);
        return rooms.refusal(RoomAction.SUBSCRIBE, s.principal(), sub.room, token) == null
                && app.canSubscribe(s.principal(), sub.room);
    }

    /** Throws {@code forbidden} unless the session may publish to, or read the history or presence of, {@code room}. */
    void require(Session s, RoomAction action, String room) {
        check(rooms.refusal(action, s.principal(), room, action.reads() && subscribedByToken(s, room)));
        // The authorizer's canSubscribe answers for every read of the room.
        boolean publish = action == RoomAction.PUBLISH;
        if (!(publish ? app.canPublish(s.principal(), room) : app.canSubscribe(s.principal(), room))) {
            throw forbidden("no " + (publish ? "publish" : "subscribe") + " permission on room '" + room + "'");
        }
    }

    /**
     * Whether {@code s} holds {@code room} by a subscription token that has not expired, which grants
     * reading it (not publishing); expired, it grants nothing even before the sweep ends the room.
     */
    private static boolean subscribedByToken(Session s, String room) {
        Subscription sub = s.subscriptions == null ? null : s.subscriptions.get(room);
        return sub != null && sub.byToken && (sub.tokenExpiresAt == 0 || System.currentTimeMillis() < sub.tokenExpiresAt);
    }

    void requireSend(Session s, String user) {
        if (!app.canSend(s.principal(), user)) {
            throw forbidden("no permission to send to users (client-send on the node)");
        }
    }

    void requireBroadcast(Session s) {
        if (!app.canBroadcast(s.principal())) {
            throw forbidden("no permission to broadcast (client-broadcast on the node)");
        }
    }

    /** Whether presence is kept for {@code room}'s namespace. */
    boolean tracksPresence(String room) {
        return rooms.namespaceOf(room).trackPresence();
    }

    /** What a slow reader gets of {@code room}: its namespace's overflow rule. */
    OverflowPolicy overflow(String room) {
        return rooms.namespaceOf(room).overflow();
    }

    /** The principal of {@code token} when it is valid and for the same user; the session's grants and expiry become its. */
    Principal refreshed(Session s, String token) {
        Principal next = tokens.verify(token);
        if (!Objects.equals(next.userId(), s.userId())) {
            throw forbidden("a refreshed token must be for the same user; reconnect to change users");
        }
        return next;
    }

    /** What the subscription {@code token} grants when it is valid and for {@code room} and this session's user; else {@code forbidden}. */
    SubscriptionGrant grant(Session s, String room, String token) {
        SubscriptionGrant grant;
        try {
            grant = tokens.verifySubscription(token);
        } catch (ProtocolException e) {
            throw forbidden("subscription token refused: " + e.getMessage());
        }
        if (!grant.room().equals(room)) {
            throw forbidden("the subscription token is for another room");
        }
        if (!grant.isFor(s.principal())) {
            throw forbidden("the subscription token is for another user");
        }
        return grant;
    }

    private static void check(String refusal) {
        if (refusal != null) {
            throw forbidden(refusal);
        }
    }

    private static ProtocolException forbidden(String why) {
        return new ProtocolException(ErrorCode.FORBIDDEN, why);
    }
}
