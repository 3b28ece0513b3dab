package io.wscluster.hub;

import io.wscluster.codec.ClientFrame;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.ClientLimits;
import io.wscluster.security.PerSecondLimit;
import io.wscluster.security.RateBuckets;
import io.wscluster.security.UserLimits;

/**
 * What one connection, and one user over its connections on this node, may still ask: requests
 * awaiting an answer, writes a second (messages and bytes), subscriptions, rooms a minute. Each
 * check refuses with {@code rate_limited} and leaves the connection open; a connection that goes
 * on far over a limit is closed as abusive (1008). On the session's loop, but the user's buckets,
 * which are shared and thread-safe.
 */
final class ClientBudgets {
    /** Refusals a second, other than of writes, past which a connection is closed as abusive. */
    static final int ABUSIVE_REFUSALS = 100;

    final ClientLimits limits;
    private final UserLimits userLimits;
    /** Each user's writes on this node over all its connections; null when not limited. */
    private final RateBuckets userWrites;

    ClientBudgets(ClientLimits limits, UserLimits userLimits) {
        this.limits = limits;
        this.userLimits = userLimits;
        int userRate = userLimits.publishRate();
        this.userWrites = userRate > 0 ? new RateBuckets(2L * userRate, userRate, RateBuckets.DEFAULT_MAX_KEYS) : null;
    }

    /** Takes what {@code frame} ({@code bytes} on the wire) costs the session and its user, or throws {@code rate_limited}. */
    void take(Session s, ClientFrame frame, int bytes) {
        requireRoomForRequest(s, frame);
        if (isWrite(frame)) {
            if (limits.limitsWrites()) {
                spend(s, bytes);
            }
            if (userWrites != null && s.userId() != null) {
                spendUsers(s);
            }
        }
    }

    /**
     * Counts a refusal other than a write's (those count in the write budget): a client that goes
     * on asking for what it was refused ({@value #ABUSIVE_REFUSALS} a second, say subscribes past
     * max-subscriptions) is closed (1008), so a flood costs a second of answers, not an hour.
     */
    void refused(Session s) {
        if (s.refusals == null) {
            s.refusals = new PerSecondLimit(ABUSIVE_REFUSALS);
        }
        if (s.refusals.exceeded()) {
            s.closeForAbuse("refusals", "asking again and again for what was refused");
        }
    }

    static boolean isWrite(ClientFrame frame) {
        return frame instanceof ClientFrame.Publish || frame instanceof ClientFrame.Send || frame instanceof ClientFrame.Broadcast;
    }

    /** Takes a write from the session's budget; refuses it with {@code rate_limited}, and closes an abusive session. */
    private void spend(Session s, int bytes) {
        if (s.budget == null) {
            s.budget = new WriteBudget(limits);
        }
        WriteBudget.Verdict verdict = s.budget.take(bytes);
        if (verdict == WriteBudget.Verdict.ALLOWED) {
            return;
        }
        if (verdict == WriteBudget.Verdict.ABUSIVE) {
            s.closeForAbuse("write-rate", "writing far over the rate limit");
        }
        throw new ProtocolException(ErrorCode.RATE_LIMITED, "over this connection's write rate (" + limits.publishRate()
                + " messages and " + limits.publishBytesRate() + " bytes a second): slow down");
    }

    /**
     * Takes a write from its user's allowance on this node, shared by all the user's connections, so
     * that more connections do not write more; refuses it with {@code rate_limited}.
     */
    private void spendUsers(Session s) {
        if (userWrites.tryTake(s.userId()) > 0) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "over this user's write rate on this node (" + userLimits.publishRate()
                    + " messages a second over all its connections, user-publish-rate): slow down");
        }
    }

    /** Throws {@code rate_limited} when the session has as many requests awaiting an answer as a connection may. */
    private void requireRoomForRequest(Session s, ClientFrame frame) {
        if (limits.limitsPending() && s.pending >= limits.maxPending() && !(frame instanceof ClientFrame.Subscribe)) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "at most " + limits.maxPending()
                    + " requests awaiting an answer per connection (max-pending-requests): wait for the answers");
        }
    }

    /** Throws {@code rate_limited} when the session holds as many subscriptions as a connection may. */
    void requireRoomForSubscription(Session s) {
        if (s.subscriptions != null && s.subscriptions.size() >= limits.maxSubscriptions()) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "at most " + limits.maxSubscriptions()
                    + " subscriptions per connection (max-subscriptions): unsubscribe first");
        }
    }

    /**
     * Throws {@code rate_limited} when {@code room} would be one more room than the session may
     * make Redis keep this minute; a room it is subscribed to was counted when it subscribed.
     */
    void requireRoomBudget(Session s, String room) {
        if (!limits.limitsRooms() || s.subscriptions != null && s.subscriptions.containsKey(room)) {
            return;
        }
        if (s.rooms == null) {
            s.rooms = new RoomBudget(limits.roomsPerMinute());
        }
        if (!s.rooms.take(room)) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "at most " + limits.roomsPerMinute()
                    + " rooms a minute per connection (client-rooms-per-minute): wait, or keep to rooms already used");
        }
    }

}
