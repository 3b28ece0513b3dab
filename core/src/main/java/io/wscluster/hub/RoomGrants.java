package io.wscluster.hub;

import io.wscluster.codec.ClientFrame;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.codec.ServerFrames;
import io.wscluster.security.SubscriptionGrant;
import java.util.Iterator;

/**
 * Keeps the rooms a session holds within what its tokens grant as time passes, as Centrifugo does
 * with subscription tokens: a room held only by a subscription token ends when that token expires,
 * unless the client renews it ({@code refresh} with the room); a refreshed connection token ends
 * the rooms it no longer grants. An ended room is left as an {@code unsubscribe} leaves it, and the
 * client gets {@code unsubscribed} with a reason.
 *
 * <p>Expiry is looked at by the transport's periodic sweep ({@link #expire}), which also pings and
 * closes connections whose token expired: one comparison per session per sweep, nothing per
 * subscription and nothing on delivery. All on the session's loop.
 */
public final class RoomGrants {
    /** The {@code reason} of {@code unsubscribed} when a subscription token expired unrenewed. */
    static final String EXPIRED = "subscription token expired";
    /** The {@code reason} of {@code unsubscribed} when a refreshed connection token no longer grants the room. */
    static final String WITHDRAWN = "not granted by the refreshed token";

    private final ClientRequests requests;

    RoomGrants(ClientRequests requests) {
        this.requests = requests;
    }

    /** Records that {@code sub} is held by {@code grant} (null: by no subscription token), until it expires. */
    void held(Subscription sub, SubscriptionGrant grant) {
        sub.byToken = grant != null;
        sub.tokenExpiresAt = grant == null ? 0 : grant.expiresAtMillis();
        if (sub.tokenExpiresAt > 0) {
            sub.session.grantsExpireAt = Math.min(sub.session.grantsExpireAt, sub.tokenExpiresAt);
        }
    }

    /**
     * The sweep's look at {@code s}: ends its live subscriptions whose subscription token expired by
     * {@code nowMillis} and that nothing else grants (those others grant lose the token's extra
     * reads only). Costs one comparison unless one of its tokens is due. On the session's loop.
     */
    public void expire(Session s, long nowMillis) {
        if (nowMillis < s.grantsExpireAt) {
            return;
        }
        long next = Long.MAX_VALUE;
        if (s.subscriptions != null && !s.closed) {
            for (Iterator<Subscription> it = s.subscriptions.values().iterator(); it.hasNext(); ) {
                Subscription sub = it.next();
                if (!sub.byToken || sub.tokenExpiresAt == 0) {
                    continue;
                }
                if (nowMillis < sub.tokenExpiresAt || !sub.live) {
                    // A pending one is checked again when it turns live (SubscribeFlow).
                    next = Math.min(next, sub.tokenExpiresAt);
                } else if (requests.permissions.keeps(s, sub, nowMillis)) {
                    sub.byToken = false; // the rules grant the room by themselves
                    sub.tokenExpiresAt = 0;
                } else {
                    it.remove();
                    end(s, sub, EXPIRED);
                }
            }
        }
        s.grantsExpireAt = next;
    }

    /** A {@code refresh}: of the connection's token, or with a room, of that room's subscription token. */
    void refresh(Session s, ClientFrame.Refresh f) {
        if (f.room() != null) {
            renew(s, f);
            return;
        }
        s.principal(requests.permissions.refreshed(s, f.token()));
        s.send(ServerFrames.refreshed(f.id(), null, s.principal().expiresAtMillis()));
        if (s.subscriptions == null) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Iterator<Subscription> it = s.subscriptions.values().iterator(); it.hasNext(); ) {
            Subscription sub = it.next();
            // A pending one is checked when it turns live, under the principal of then.
            if (sub.live && !requests.permissions.keeps(s, sub, now)) {
                it.remove();
                end(s, sub, WITHDRAWN);
            }
        }
    }

    /**
     * A room's subscription token renewed in place: the subscription, its position and its stream
     * are untouched, so nothing is lost or repeated; only its expiry moves. A refused token changes
     * nothing: the one held stands until it expires.
     */
    private void renew(Session s, ClientFrame.Refresh f) {
        Subscription sub = s.subscriptions == null ? null : s.subscriptions.get(f.room());
        if (sub == null) {
            throw ProtocolException.badRequest("not subscribed to room '" + f.room() + "': subscribe with the token");
        }
        SubscriptionGrant grant = requests.permissions.grant(s, f.room(), f.token());
        held(sub, grant);
        s.send(ServerFrames.refreshed(f.id(), f.room(), grant.expiresAtMillis()));
    }

    /** Leaves {@code sub}'s room, already taken off its session, as an unsubscribe would, and tells the client why. */
    private void end(Session s, Subscription sub, String reason) {
        requests.leaveRoom(sub);
        requests.records.unsubscribed(s, sub.room);
        s.send(ServerFrames.unsubscribed(sub.room, reason));
    }
}
