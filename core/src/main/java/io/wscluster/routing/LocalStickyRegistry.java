package io.wscluster.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The sticky registry of one process (the embedded cluster and the demo): a map whose entries
 * expire {@code ttl} after their last assignment; expired entries are swept every few thousand
 * assignments. Thread-safe.
 */
public final class LocalStickyRegistry implements StickyRegistry {
    private static final int SWEEP_EVERY = 4096;

    private record Entry(String nodeId, long expiresAtNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier clock;
    private final AtomicLong assignments = new AtomicLong();

    public LocalStickyRegistry(Duration ttl) {
        this(ttl, System::nanoTime);
    }

    LocalStickyRegistry(Duration ttl, LongSupplier nanoClock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        this.ttlNanos = ttl.toNanos();
        this.clock = nanoClock;
    }

    @Override
    public CompletionStage<String> lookup(String key) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAtNanos() - clock.getAsLong() <= 0) {
            entries.remove(key, e);
            e = null;
        }
        return CompletableFuture.completedFuture(e == null ? null : e.nodeId());
    }

    @Override
    public CompletionStage<Void> assign(String key, String nodeId) {
        long now = clock.getAsLong();
        entries.put(key, new Entry(nodeId, now + ttlNanos));
        if (assignments.incrementAndGet() % SWEEP_EVERY == 0) {
            entries.values().removeIf(e -> e.expiresAtNanos() - now <= 0);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<String>> keysOf(String nodeId) {
        long now = clock.getAsLong();
        return CompletableFuture.completedFuture(entries.entrySet().stream()
                .filter(e -> e.getValue().nodeId().equals(nodeId) && e.getValue().expiresAtNanos() - now > 0)
                .map(Map.Entry::getKey).sorted().toList());
    }

    @Override
    public double cacheHitRate() {
        return 1;
    }
}
