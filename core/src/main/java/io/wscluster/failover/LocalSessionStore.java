package io.wscluster.failover;

import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Session records in this process, for the embedded cluster: the nodes of one process share one
 * instance, each through its own {@link #node view}, so a client can resume on another node of it.
 * Records of closed sessions are kept for {@code ttl}. Each node's room positions advance one
 * period behind what it hands over, as on Redis (see {@link RoomPositions}).
 */
public final class LocalSessionStore implements AutoCloseable {
    /** One session: its user, the node it was last on, and per room its position (closed: its own, else where it started). */
    private record Entry(String userId, String nodeId, Map<String, StreamPosition> rooms, Map<String, StreamPosition> closedAt,
                         long closedAtNanos) {
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Map<String, RoomPositions> nodes = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final ScheduledFuture<?> ticks;

    /**
     * @param period    how often positions advance and expired records go: the heartbeat
     * @param scheduler runs that every period; its owner shuts it down
     */
    public LocalSessionStore(Duration ttl, Duration period, ScheduledExecutorService scheduler) {
        this.ttlNanos = ttl.toNanos();
        this.ticks = scheduler.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A store for one node alone; closing what it returns closes the store. */
    public static SessionStore standalone(String nodeId, Duration ttl, Duration period, ScheduledExecutorService scheduler) {
        LocalSessionStore store = new LocalSessionStore(ttl, period, scheduler);
        return store.view(nodeId, store::close);
    }

    /** The store as node {@code nodeId} uses it; it outlives the node. */
    public SessionStore node(String nodeId) {
        return view(nodeId, () -> { });
    }

    private interface View extends SessionStore, AutoCloseable {
        @Override
        void close();
    }

    private View view(String nodeId, Runnable onClose) {
        RoomPositions positions = nodes.computeIfAbsent(nodeId, id -> new RoomPositions());
        return new View() {
            @Override
            public void close() {
                onClose.run();
            }

            @Override
            public CompletionStage<Saved> load(String sessionId) {
                return CompletableFuture.completedFuture(LocalSessionStore.this.load(sessionId));
            }

            @Override
            public void subscribed(String sessionId, String userId, String room, StreamPosition at) {
                Entry e = sessions.compute(sessionId, (id, old) -> old == null || old.closedAtNanos() != 0
                        ? new Entry(userId, nodeId, new HashMap<>(), new HashMap<>(), 0) : old);
                synchronized (e) {
                    e.rooms().put(room, at);
                }
            }

            @Override
            public void unsubscribed(String sessionId, String room) {
                Entry e = sessions.get(sessionId);
                if (e != null) {
                    synchronized (e) {
                        e.rooms().remove(room);
                    }
                }
            }

            @Override
            public void closed(String sessionId, Map<String, StreamPosition> drained) {
                sessions.computeIfPresent(sessionId, (id, e) -> {
                    synchronized (e) {
                        Map<String, StreamPosition> at = new HashMap<>(e.closedAt());
                        drained.forEach((room, p) -> {
                            if (e.rooms().containsKey(room)) {
                                at.put(room, p);
                            }
                        });
                        return new Entry(e.userId(), e.nodeId(), e.rooms(), at, System.nanoTime());
                    }
                });
            }

            @Override
            public void positions(Map<String, StreamPosition> drained) {
                positions.update(drained);
            }
        };
    }

    private SessionStore.Saved load(String sessionId) {
        Entry e = sessions.get(sessionId);
        if (e == null) {
            return null;
        }
        RoomPositions there = nodes.get(e.nodeId());
        Map<String, StreamPosition> rooms = new HashMap<>();
        synchronized (e) {
            e.rooms().forEach((room, at) -> {
                StreamPosition own = e.closedAt().get(room);
                rooms.put(room, own != null ? own : RoomPositions.later(at, there == null ? null : there.lagged(room)));
            });
        }
        return new SessionStore.Saved(e.userId(), rooms);
    }

    private void tick() {
        nodes.values().forEach(RoomPositions::tick);
        long now = System.nanoTime();
        sessions.values().removeIf(e -> e.closedAtNanos() != 0 && now - e.closedAtNanos() > ttlNanos);
    }

    @Override
    public void close() {
        ticks.cancel(false);
    }
}
