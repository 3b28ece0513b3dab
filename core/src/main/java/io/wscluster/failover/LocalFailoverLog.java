package io.wscluster.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The failover log of one process (the embedded cluster): leases and the last 100 records in memory. */
public final class LocalFailoverLog implements FailoverLog {
    private static final int KEEP = 100;

    private record Held(Lease lease, long untilNanos) {
        boolean live() {
            return untilNanos - System.nanoTime() > 0;
        }
    }

    private final Map<String, Held> leases = new HashMap<>();
    private final LinkedHashMap<String, FailoverRecord> records = new LinkedHashMap<>();

    @Override
    public synchronized CompletionStage<Boolean> claim(String incarnation, String owner, Duration ttl) {
        Held h = leases.get(incarnation);
        if (h != null && h.live()) {
            return done(false);
        }
        put(incarnation, new Held(new Lease(Lease.State.HELD, owner), until(ttl)));
        return done(true);
    }

    @Override
    public synchronized CompletionStage<Boolean> renew(String incarnation, String owner, Duration ttl) {
        Held h = leases.get(incarnation);
        if (h == null || !h.live() || h.lease().state() != Lease.State.HELD || !h.lease().detail().equals(owner)) {
            return done(false);
        }
        put(incarnation, new Held(h.lease(), until(ttl)));
        return done(true);
    }

    @Override
    public synchronized CompletionStage<Void> settle(String incarnation, String why, Duration ttl) {
        put(incarnation, new Held(new Lease(Lease.State.SETTLED, why), until(ttl)));
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Lease> lease(String incarnation) {
        Held h = leases.get(incarnation);
        return done(h == null || !h.live() ? Lease.FREE : h.lease());
    }

    @Override
    public synchronized CompletionStage<Void> record(FailoverRecord r) {
        records.remove(r.id());
        records.put(r.id(), r);
        while (records.size() > KEEP) {
            records.remove(records.keySet().iterator().next());
        }
        return done(null);
    }

    @Override
    public synchronized CompletionStage<List<FailoverRecord>> recent(int n) {
        List<FailoverRecord> all = new ArrayList<>(records.values());
        List<FailoverRecord> newest = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && newest.size() < n; i--) {
            newest.add(all.get(i));
        }
        return done(newest);
    }

    /** Keeps the map to live leases (a long-running process sees many incarnations come and go). */
    private void put(String incarnation, Held h) {
        if (leases.size() >= 256) {
            leases.values().removeIf(old -> !old.live());
        }
        leases.put(incarnation, h);
    }

    private static long until(Duration ttl) {
        return System.nanoTime() + ttl.toNanos();
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
