package io.wscluster.hub;

import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import io.wscluster.security.OverflowPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's membership of one room, confined to the session's shard. Until it is {@code live}
 * (the reply to {@code subscribe} is sent) messages are buffered; afterwards a message is written
 * only if it is newer than the last one delivered, which removes duplicates at the recovery seam.
 */
final class Subscription {
    final Session session;
    final String room;
    /** Position in the room's {@link RoomMembers} array, kept by it for O(1) removal. */
    int index = -1;
    String epoch;
    long lastOffset;
    boolean live;
    /** Made by a session resume, not asked for on this connection: the client's own subscribe replaces it. */
    boolean fromResume;
    /** Granted by a subscription token, which also grants the room's history and presence while it lasts. */
    boolean byToken;
    /**
     * When that token expires (epoch ms; 0: never): the sweep then ends the subscription unless the
     * rules grant the room without it ({@link RoomGrants}). Never looked at on delivery.
     */
    long tokenExpiresAt;
    /** What this subscriber gets of the room when it reads too slowly (its namespace's rule). */
    OverflowPolicy overflow = OverflowPolicy.DISCONNECT;
    /**
     * Where this subscriber surely is: the position of the last message whose bytes had left the
     * process when the hub last looked ({@link HubShard#drainedPositions}), or where it started;
     * and the same one look earlier ({@code settled*}), by when those bytes have also left the
     * kernel's socket buffer unless the client stopped reading. What a resume of this session may
     * start from.
     */
    String drainedEpoch;
    long drainedOffset;
    String settledEpoch;
    long settledOffset;
    /** Messages and {@link StreamRestart}s that came while pending, in order. */
    private List<Object> buffered;

    Subscription(Session session, String room) {
        this.session = session;
        this.room = room;
    }

    /** Offers a live message; returns true when it was written to the session. */
    boolean offer(Message m, SharedFrame frame) {
        if (!live) {
            if (buffered == null) {
                buffered = new ArrayList<>();
            }
            buffered.add(m);
            return false;
        }
        if (!accepts(m)) {
            return false;
        }
        if (overflow != OverflowPolicy.DISCONNECT && session.holdsBack()) {
            session.holdBack(this, frame);
            return true;
        }
        session.deliver(frame);
        return true;
    }

    /**
     * The room's stream does not follow on from what was delivered ({@link StreamRestart}): the
     * subscriber is told, in line with its messages, unless it is already past that point.
     */
    void restart(StreamRestart r) {
        if (!live) {
            if (buffered == null) {
                buffered = new ArrayList<>();
            }
            buffered.add(r);
            return;
        }
        if (tell(r)) {
            session.send(r.frame());
        }
    }

    /** Whether {@code r} concerns this subscriber (it is not past {@code r}'s position); if so, it goes on from there. */
    boolean tell(StreamRestart r) {
        if (!r.rewound() && r.at().epoch().equals(epoch) && lastOffset >= r.at().offset()) {
            return false;
        }
        epoch = r.at().epoch();
        lastOffset = r.at().offset();
        return true;
    }

    /** Records {@code m} as delivered if it is newer than what this subscriber has; returns whether it is. */
    boolean accepts(Message m) {
        if (m.epoch().equals(epoch) && m.offset() <= lastOffset) {
            return false;
        }
        epoch = m.epoch();
        lastOffset = m.offset();
        return true;
    }

    /** Where a resume would start when nothing was sent yet. */
    void startAt(String epoch, long offset) {
        drainedEpoch = settledEpoch = epoch;
        drainedOffset = settledOffset = offset;
    }

    /** One look of the hub: the last look's position settles; what has left the process now becomes the drained one. */
    void look() {
        settledEpoch = drainedEpoch;
        settledOffset = drainedOffset;
        if (session.drained()) {
            drainedEpoch = epoch;
            drainedOffset = lastOffset;
        }
    }

    StreamPosition drained() {
        return new StreamPosition(drainedEpoch, drainedOffset);
    }

    StreamPosition settled() {
        return new StreamPosition(settledEpoch, settledOffset);
    }

    /** Takes the messages and restarts buffered while pending. */
    List<Object> takeBuffered() {
        List<Object> b = buffered == null ? List.of() : buffered;
        buffered = null;
        return b;
    }
}
