package io.wscluster.hub;

import io.wscluster.protocol.StreamPosition;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the hub reports what a recorded session (see {@link Session#recorded()}) holds, so that it
 * can be resumed on another connection, and where a resuming session's rooms come from. The
 * failover part implements it over its session store; the hub only calls it.
 *
 * <p>Called on the session's loop; must not block.
 */
public interface SessionRecords {
    /**
     * The rooms a resuming session held, each with the position to resume from; completes with
     * null when there is no record (none, or expired), and fails with a {@code forbidden}
     * {@link io.wscluster.protocol.ProtocolException} when the record is another user's.
     */
    CompletionStage<Map<String, StreamPosition>> resume(Session session);

    /** The session subscribed to {@code room}, starting after {@code from}. */
    void subscribed(Session session, String room, StreamPosition from);

    void unsubscribed(Session session, String room);

    /** The session closed; {@code positions} says, per live room, where its client surely was. */
    void closed(Session session, Map<String, StreamPosition> positions);

    /** Records nothing: sessions do not survive their connection. */
    SessionRecords NONE = new SessionRecords() {
        @Override
        public CompletionStage<Map<String, StreamPosition>> resume(Session session) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void subscribed(Session session, String room, StreamPosition from) {
        }

        @Override
        public void unsubscribed(Session session, String room) {
        }

        @Override
        public void closed(Session session, Map<String, StreamPosition> positions) {
        }
    };
}
