package io.wscluster.failover;

import io.wscluster.hub.Hub;
import io.wscluster.hub.Session;
import io.wscluster.hub.SessionRecords;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.StreamPosition;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The hub's session records kept in a {@link SessionStore}, so that a session survives its
 * connection and its node: what each recorded session subscribes to and from where, where it was
 * when it closed, and once per period where the node's live subscribers surely are ({@link
 * #recordPositions}). A resume is granted only to the same user (or to anonymous for anonymous).
 * Sessions that keep their own positions ({@link Session#recorded()} false) leave no record.
 */
public final class StoredSessions implements SessionRecords {
    private final SessionStore store;

    public StoredSessions(SessionStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public CompletionStage<Map<String, StreamPosition>> resume(Session session) {
        return store.load(session.id()).thenApply(saved -> {
            if (saved != null && !Objects.equals(saved.userId(), session.userId())) {
                throw new ProtocolException(ErrorCode.FORBIDDEN, "this session id belongs to another user");
            }
            return saved == null ? null : saved.rooms();
        });
    }

    @Override
    public void subscribed(Session session, String room, StreamPosition from) {
        if (session.recorded()) {
            store.subscribed(session.id(), session.userId(), room, from);
        }
    }

    @Override
    public void unsubscribed(Session session, String room) {
        if (session.recorded()) {
            store.unsubscribed(session.id(), room);
        }
    }

    @Override
    public void closed(Session session, Map<String, StreamPosition> positions) {
        if (session.recorded()) {
            store.closed(session.id(), positions);
        }
    }

    /**
     * Hands the store, per room, the earliest position the hub's live, recorded subscribers are
     * surely at ({@link Hub#drainedPositions}): where this node's sessions may resume after a crash.
     * Call once per period; completes when handed over.
     */
    public CompletionStage<Void> recordPositions(Hub hub) {
        return hub.drainedPositions().thenAccept(store::positions);
    }
}
