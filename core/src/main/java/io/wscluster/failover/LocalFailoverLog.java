package io.wscluster.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The failover log of one process (the embedded cluster): leases and the last 100 records in memory. */
public final class LocalFailoverLog implements FailoverLog {
    private static final int KEEP = 100;

    private final Map<String, Long> leases = new LinkedHashMap<>();
    private final LinkedHashMap<String, FailoverRecord> records = new LinkedHashMap<>();

    @Override
    public synchronized CompletionStage<Boolean> claim(String failedNode, String owner, Duration ttl) {
        long now = System.nanoTime();
        Long until = leases.get(failedNode);
        if (until != null && until - now > 0) {
            return CompletableFuture.completedFuture(false);
        }
        leases.put(failedNode, now + ttl.toNanos());
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletionStage<Boolean> claimed(String node) {
        Long until = leases.get(node);
        return CompletableFuture.completedFuture(until != null && until - System.nanoTime() > 0);
    }

    @Override
    public synchronized CompletionStage<Void> record(FailoverRecord r) {
        records.remove(r.id());
        records.put(r.id(), r);
        while (records.size() > KEEP) {
            records.remove(records.keySet().iterator().next());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<List<FailoverRecord>> recent(int n) {
        List<FailoverRecord> all = new ArrayList<>(records.values());
        List<FailoverRecord> newest = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && newest.size() < n; i--) {
            newest.add(all.get(i));
        }
        return CompletableFuture.completedFuture(newest);
    }
}
