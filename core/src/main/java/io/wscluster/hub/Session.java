package io.wscluster.hub;

import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.OutboundFrame;
import io.wscluster.security.PerSecondLimit;
import io.wscluster.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One client connection as the hub sees it: who it is, its encoding, its subscriptions, and the
 * {@link Connection} its frames go out through. Everything except {@link #id()}, {@link
 * #principal()}, {@link #encoding()} and {@link #send} must be used on the session's shard
 * executor (its event loop).
 */
public final class Session {
    private final String id;
    private volatile Principal principal;
    private final Encoding encoding;
    private final Connection connection;
    private final SessionRecord record;
    HubShard shard;
    /** Position in the shard's session array, kept by the shard. */
    int index = -1;
    boolean dirty;
    /** The hub has forgotten this session (its connection ended); nothing is written to it any more. */
    boolean closed;
    /** This connection's number on its node, set when it opens (see {@link Hub#presenceKey}). */
    long serial;
    /** The code the server closed the connection with first, for {@code wsc_connections_closed}; null when the client left. */
    volatile CloseCode closedWith;
    Map<String, Subscription> subscriptions;
    /**
     * No subscription token of this session expires before this (epoch ms; it may be earlier than
     * the earliest, after an unsubscribe): the sweep's one comparison per session ({@link RoomGrants#expire}).
     */
    long grantsExpireAt = Long.MAX_VALUE;
    /** Completes when this session's latest publish went to the bus: publishes asked of a back end keep their order. */
    CompletionStage<Void> publishTurn = CompletableFuture.completedFuture(null);
    /** This session's allowance of writes, made on its first write. */
    WriteBudget budget;
    /** This session's allowance of rooms, made on its first subscribe, publish or history read that needs one. */
    RoomBudget rooms;
    /** Refusals of requests other than writes in the current second, made on the first ({@link ClientRequests}). */
    PerSecondLimit refusals;
    /** Requests other than subscribes awaiting an answer ({@code max-pending-requests}). */
    int pending;
    /** Room messages held back while the connection's queue is full (rooms that drop rather than disconnect); null when none. */
    Backlog backlog;
    /** When the session was made, for the operator's list of connections. */
    final long openedAtMillis = System.currentTimeMillis();

    public Session(String id, Principal principal, Encoding encoding, Connection connection, SessionRecord record) {
        this.id = Objects.requireNonNull(id, "id");
        this.principal = Objects.requireNonNull(principal, "principal");
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.record = Objects.requireNonNull(record, "record");
    }

    public String id() {
        return id;
    }

    public Principal principal() {
        return principal;
    }

    /** A refreshed token's principal: same user, new expiry and grants. On the session's loop. */
    void principal(Principal refreshed) {
        principal = refreshed;
    }

    /** The user id, or null when anonymous. */
    public String userId() {
        return principal.userId();
    }

    public Encoding encoding() {
        return encoding;
    }

    /** The transport's connection of this session. */
    public Connection connection() {
        return connection;
    }

    /** What the connection asked of this session's record: a new one, a resume, or none. */
    public SessionRecord record() {
        return record;
    }

    /** Whether the session's rooms and positions are recorded for a resume on another connection. */
    public boolean recorded() {
        return record != SessionRecord.OWN_POSITIONS;
    }

    /** The rooms this session is subscribed to (including ones still being set up). */
    public Set<String> rooms() {
        return subscriptions == null ? Set.of() : Collections.unmodifiableSet(subscriptions.keySet());
    }

    /**
     * Encodes {@code frame} in this session's encoding and queues it; it is flushed at the end of the
     * event-loop turn. Callable from any thread: off the session's loop it hops onto it.
     */
    public void send(OutboundFrame frame) {
        if (shard != null && !shard.inExecutor()) {
            shard.executor().execute(() -> send(frame));
            return;
        }
        if (closed) {
            return;
        }
        connection.write(encoding.encode(connection.alloc(), frame));
        markDirty();
    }

    /** Queues a shared encoded message. */
    void deliver(SharedFrame frame) {
        if (closed) {
            return;
        }
        connection.write(frame);
        markDirty();
    }

    /** Whether a message of a room that drops rather than disconnects must be held back: the socket's queue is full, or others wait. */
    boolean holdsBack() {
        return backlog != null || !connection.writable();
    }

    /** Holds {@code frame} back for {@code sub}, dropping what its policy says; writes at once what the connection takes. */
    void holdBack(Subscription sub, SharedFrame frame) {
        if (backlog == null) {
            backlog = new Backlog();
        }
        int dropped = backlog.hold(sub, frame);
        if (dropped > 0 && shard != null) {
            shard.metrics().overflowDropped(sub.overflow.wireName(), dropped);
        }
        if (connection.writable()) {
            drainBacklog();
        }
    }

    /** Writes what was held back while the connection takes more (the transport calls it when the socket drains). */
    void drainBacklog() {
        if (backlog != null) {
            backlog.drain(this);
            if (backlog.isEmpty()) {
                backlog = null;
            }
        }
    }

    /** Releases what was held back: the session is gone. */
    void dropBacklog() {
        if (backlog != null) {
            backlog.release();
            backlog = null;
        }
    }

    private void markDirty() {
        if (shard != null) {
            shard.markDirty(this);
        } else {
            connection.flush();
        }
    }

    void flush() {
        connection.flush();
    }

    /**
     * Whether everything written to this session has left the process (see {@link
     * Connection#drained()}); never while messages are held back for it, which its subscriptions'
     * positions already count.
     */
    boolean drained() {
        return !closed && backlog == null && connection.drained();
    }

    Map<String, Subscription> subscriptionsForUpdate() {
        if (subscriptions == null) {
            subscriptions = new HashMap<>(4);
        }
        return subscriptions;
    }

    /**
     * Closes the connection of a client that floods (1008 {@code reason}; see {@link
     * Connection#closeForAbuse}), counted in {@code wsc_abuse_closes_total} under {@code kind}.
     * On the session's loop.
     */
    public void closeForAbuse(String kind, String reason) {
        if (isClosing()) {
            return;
        }
        if (shard != null) {
            shard.metrics().abuseClose(kind);
        }
        if (closedWith == null) {
            closedWith = CloseCode.POLICY_VIOLATION;
        }
        connection.closeForAbuse(reason);
    }

    /** Closes the connection with a WebSocket close code and reason, after what is queued. */
    public void close(CloseCode code, String reason) {
        if (closedWith == null) {
            closedWith = code;
        }
        connection.close(code, reason);
    }

    /** Whether the connection is closed or closing (a drain skips those). On the session's loop. */
    public boolean isClosing() {
        return closed || connection.isClosing();
    }

    /** The client's address as text, for logs and hooks: behind a trusted proxy ({@code trusted-proxies}), the client it names. */
    public String remoteAddress() {
        return connection.remoteAddress();
    }
}
