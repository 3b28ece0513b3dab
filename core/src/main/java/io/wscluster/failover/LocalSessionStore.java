package io.wscluster.failover;

import io.wscluster.protocol.Message;
import io.wscluster.protocol.StreamPosition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Session records in this process, for the embedded cluster: nodes of one process share one
 * instance, so a client can resume on another node of it. Records of closed sessions are kept
 * for {@code ttl}. Room positions advance one period behind, as on Redis (see {@link RoomPositions}).
 */
public final class LocalSessionStore implements SessionStore, AutoCloseable {
    private record Entry(String userId, Map<String, StreamPosition> rooms, long closedAtNanos) {
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final RoomPositions positions = new RoomPositions();
    private final long ttlNanos;
    private final ScheduledExecutorService ticker;

    public LocalSessionStore(Duration ttl, Duration period) {
        this.ttlNanos = ttl.toNanos();
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wsc-sessions");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<Saved> load(String sessionId) {
        Entry e = sessions.get(sessionId);
        if (e == null) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, StreamPosition> rooms = new HashMap<>();
        synchronized (e) {
            e.rooms().forEach((room, at) -> rooms.put(room, RoomPositions.later(at, positions.lagged(room))));
        }
        return CompletableFuture.completedFuture(new Saved(e.userId(), rooms));
    }

    @Override
    public void subscribed(String sessionId, String userId, String room, StreamPosition at) {
        Entry e = sessions.compute(sessionId, (id, old) ->
                old == null || old.closedAtNanos() != 0 ? new Entry(userId, new HashMap<>(), 0) : old);
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
    public void closed(String sessionId) {
        sessions.computeIfPresent(sessionId, (id, e) -> new Entry(e.userId(), e.rooms(), System.nanoTime()));
    }

    @Override
    public void delivered(Message m) {
        positions.delivered(m);
    }

    private void tick() {
        positions.tick();
        long now = System.nanoTime();
        sessions.values().removeIf(e -> e.closedAtNanos() != 0 && now - e.closedAtNanos() > ttlNanos);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
