package io.wscluster.failover;

import io.wscluster.protocol.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Session records that outlive their node: for each session, its user and its rooms, each with a
 * position to resume from. A client that reconnects with {@code ?session=<id>} to any node gets its
 * rooms back from here, with every message after the recorded positions.
 *
 * <p>The positions are kept cheaply: a session's record is written when it subscribes or
 * unsubscribes, not per message; per message, a node only notes each room's newest offset
 * ({@link #delivered}, a field write), and records the rooms' positions for all its sessions at
 * once, periodically, one period behind (so that what a crash left in socket buffers is sent
 * again). A resumed position is therefore at or before what the client received: a resume may
 * repeat messages, which clients drop by offset, and never skips one.
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

    /** The connection closed: the record stays, for a reconnect, until its TTL. */
    void closed(String sessionId);

    /** {@code m}, a room message, was fanned out on this node. Called per message: must be a map write at most. */
    void delivered(Message m);

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
        public void closed(String sessionId) {
        }

        @Override
        public void delivered(Message m) {
        }
    };
}
