package io.wscluster.failover;

import io.wscluster.protocol.StreamPosition;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Session records that outlive their node: for each session, its user and its rooms, each with a
 * position to resume from. A client that reconnects with {@code ?session=<id>} to any node gets its
 * rooms back from here, with every message after the recorded positions.
 *
 * <p>The positions are kept cheaply, and never ahead of what the client got. A session's record is
 * written when it subscribes (its starting position), unsubscribes, and closes (where each room's
 * bytes had surely left the process: exact for a graceful or slow-consumer close). Nothing is
 * written per message: once per period the hub hands over, per room, the earliest position the
 * node's live subscribers are surely at ({@link #positions}), and the store records those for all
 * the node's sessions at once, one period later, for a crash. A resume from the record may
 * therefore repeat messages, which clients drop by offset; it skips none that was still queued in
 * the node (a saturated node, a backlog), and none that had left it a period before a crash. What
 * a client that had stopped reading left unread in the kernels' socket buffers (a slow consumer,
 * typically) can be missing after a resume: only a client that resubscribes with {@code since}
 * (as the SDK does) is exact whatever happened.
 *
 * <p>Thread-safe; never blocks.
 */
public interface SessionStore {
    /** A session as recorded: its user (null when anonymous) and, per room, where to resume. */
    record Saved(String userId, Map<String, StreamPosition> rooms) {
    }

    /** The record of {@code sessionId}, or null when there is none (never existed, or expired). */
    CompletionStage<Saved> load(String sessionId);

    /** {@code sessionId} of {@code userId} subscribed to {@code room}, which was at {@code at}. */
    void subscribed(String sessionId, String userId, String room, StreamPosition at);

    void unsubscribed(String sessionId, String room);

    /**
     * The connection closed; {@code drained} says, per room, where it surely was (a room left out
     * keeps its earlier position). The record stays, for a reconnect, until its TTL.
     */
    void closed(String sessionId, Map<String, StreamPosition> drained);

    /**
     * Per room, the earliest position every live subscriber of this node is surely at; once per
     * period, from the hub. Rooms left out have no subscriber here now.
     */
    void positions(Map<String, StreamPosition> drained);

    /** A store that keeps nothing: sessions do not survive their connection. */
    SessionStore NONE = new SessionStore() {
        @Override
        public CompletionStage<Saved> load(String sessionId) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public void subscribed(String sessionId, String userId, String room, StreamPosition at) {
        }

        @Override
        public void unsubscribed(String sessionId, String room) {
        }

        @Override
        public void closed(String sessionId, Map<String, StreamPosition> drained) {
        }

        @Override
        public void positions(Map<String, StreamPosition> drained) {
        }
    };
}
