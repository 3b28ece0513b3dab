package io.wscluster.hub;

import io.netty.buffer.ByteBufAllocator;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Message;
import io.wscluster.protocol.StreamPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * This node's sessions, rooms and users, and local fan-out: local state only, as centrifuge's
 * {@code hub.go}. It knows nothing of the bus or of requests: {@link BusBridge} hands it what the
 * bus delivers, {@link ClientRequests} changes who holds what.
 *
 * <p>The transport creates one {@link HubShard} per event loop with {@link #newShard} before any
 * session opens. A shard's sessions and memberships are touched only on its own loop, so the state
 * needs no locks; a message for the node is encoded once ({@link SharedFrame}) and queued once per
 * shard that has holders of it.
 */
public final class Hub {
    private final String nodeId;
    private final NodeMetrics metrics;
    private final ByteBufAllocator alloc;
    private final List<HubShard> shards = new ArrayList<>();
    private volatile HubShard[] shardArray = new HubShard[0];
    private final AtomicLong connectionSerial = new AtomicLong();
    /** Completed, and dropped, when the last session leaves. */
    private final List<CompletableFuture<Void>> emptyWaiters = new CopyOnWriteArrayList<>();

    public Hub(HubConfig config) {
        this.nodeId = config.nodeId();
        this.metrics = config.metrics();
        this.alloc = config.alloc();
    }

    /** Creates the shard for one event loop; call once per loop, before any session opens. */
    public synchronized HubShard newShard(Executor executor, BooleanSupplier inExecutor) {
        HubShard shard = new HubShard(shards.size(), executor, inExecutor, metrics);
        shards.add(shard);
        shardArray = shards.toArray(new HubShard[0]);
        return shard;
    }

    int shardCount() {
        return shardArray.length;
    }

    public String nodeId() {
        return nodeId;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    // ---- local state, on the session's loop ----

    void add(Session s, HubShard shard) {
        s.serial = connectionSerial.incrementAndGet();
        shard.add(s);
        metrics.connectionOpened();
    }

    void remove(Session s) {
        s.shard.remove(s);
        metrics.connectionClosed(s.closedWith);
        if (metrics.connections() == 0) {
            emptied();
        }
    }

    /** Completes when no session is open (at once when none is), e.g. for a stop that waits for its clients to leave. */
    public CompletionStage<Void> whenEmpty() {
        CompletableFuture<Void> empty = new CompletableFuture<>();
        emptyWaiters.add(empty);
        if (metrics.connections() == 0) {
            emptied();
        }
        return empty;
    }

    private void emptied() {
        for (CompletableFuture<Void> f : emptyWaiters) {
            emptyWaiters.remove(f);
            f.complete(null);
        }
    }

    /** Registers the session under its user; returns true when it is the user's first on its shard. */
    boolean addUser(Session s) {
        return s.shard.addUserSession(s);
    }

    /** Returns true when the session was its user's last on its shard. */
    boolean removeUser(Session s) {
        return s.shard.removeUserSession(s);
    }

    /** Adds a pending subscription to its session and its shard; returns true when it is the room's first on the shard. */
    boolean join(Subscription sub) {
        sub.session.subscriptionsForUpdate().put(sub.room, sub);
        return sub.session.shard.addMember(sub);
    }

    /** Takes a subscription off its shard (not off its session); returns true when it was the room's last there. */
    boolean leave(Subscription sub) {
        return sub.session.shard.removeMember(sub);
    }

    /**
     * A connection's key in presence: unique in the cluster, unlike the session id, which a
     * reconnecting client reuses while its old connection may still be open. Built when needed so
     * an idle connection does not carry it.
     */
    String presenceKey(Session s) {
        return nodeId + "/" + s.serial;
    }

    // ---- fan-out, from any thread ----

    /** Hands {@code message} to every shard in {@code on}, as one shared frame; keeps it in {@code recent} first, if given. */
    void fanOut(Message message, ShardSet on, RecentFrames recent) {
        // This call holds one reference until every shard has its own.
        SharedFrame frame = new SharedFrame(message, alloc, 1);
        if (recent != null) {
            // Before the shards are chosen: a subscriber that reads the recent frames and misses this
            // one joined its shard before the choice, so that shard gets it live. Choosing first would
            // lose it for a shard that joined in between.
            frame.retain();
            recent.add(frame);
        }
        for (HubShard shard : shardArray) {
            if (on.contains(shard)) {
                frame.retain();
                shard.enqueue(frame);
            }
        }
        frame.release();
    }

    /** Tells the room's subscribers on the shards in {@code on}, in line with its messages, that its stream restarts. */
    void restarted(StreamRestart restart, ShardSet on) {
        for (HubShard shard : shardArray) {
            if (on.contains(shard)) {
                shard.enqueue(restart);
            }
        }
    }

    /** Hands {@code gap} to the shards in {@code on} (every shard when null), in line with their frames. */
    void missed(DirectGap gap, ShardSet on) {
        for (HubShard shard : shardArray) {
            if (on == null || on.contains(shard)) {
                shard.enqueue(gap);
            }
        }
    }

    /** Hands {@code message} to every shard, for every session. */
    void broadcast(Message message) {
        HubShard[] all = shardArray;
        SharedFrame frame = new SharedFrame(message, alloc, all.length);
        for (HubShard shard : all) {
            shard.enqueue(frame);
        }
    }

    // ---- operators ----

    /** Every session of this node as it is now: one pass on each shard's loop; completes when every shard has answered. */
    public CompletionStage<List<ConnectionSnapshot>> connections() {
        return onEveryShard(shard -> {
            List<ConnectionSnapshot> found = new ArrayList<>(shard.sessionCount());
            long now = System.nanoTime();
            shard.forEachSession(s -> found.add(ConnectionSnapshot.of(s, now)));
            return found;
        }).thenApply(parts -> {
            List<ConnectionSnapshot> merged = new ArrayList<>();
            parts.forEach(merged::addAll);
            return merged;
        });
    }

    /** {@code onLoop} run on each shard's own loop; completes with every shard's answer once all have answered. */
    private <T> CompletionStage<List<T>> onEveryShard(java.util.function.Function<HubShard, T> onLoop) {
        HubShard[] all = shardArray;
        List<CompletableFuture<T>> parts = new ArrayList<>(all.length);
        for (HubShard shard : all) {
            CompletableFuture<T> part = new CompletableFuture<>();
            shard.executor().execute(() -> part.complete(onLoop.apply(shard)));
            parts.add(part);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
    }

    // ---- positions ----

    /**
     * Per room, the earliest position this node's live, recorded subscribers are surely at (their
     * bytes left the process; see {@link HubShard#drainedPositions}): where this node's sessions may
     * resume after a crash. One pass over the subscriptions on each shard's loop; completes when
     * every shard has answered.
     */
    public CompletionStage<Map<String, StreamPosition>> drainedPositions() {
        return onEveryShard(shard -> {
            Map<String, StreamPosition> found = new HashMap<>();
            shard.drainedPositions(found);
            return found;
        }).thenApply(parts -> {
            Map<String, StreamPosition> merged = new HashMap<>();
            parts.forEach(p -> p.forEach((room, at) -> merged.merge(room, at, StreamPosition::earlier)));
            return merged;
        });
    }
}
