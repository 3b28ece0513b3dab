package io.wscluster.security;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per key (a client address, a user id), each held against a maximum.
 * Thread-safe. A key's entry lives only while it holds a connection, so the map is bounded by the
 * open connections themselves, whatever number of keys come and go.
 */
public final class ConnectionCounts {
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    /** Counts one more connection of {@code key} unless it already holds {@code max}; says whether it did. */
    public boolean tryAcquire(String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= max) {
                return n;
            }
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    /** One connection of {@code key} ended; the key is forgotten with its last. */
    public void release(String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The connections {@code key} holds now. */
    public int count(String key) {
        return counts.getOrDefault(key, 0);
    }

    /** How many keys hold a connection now. */
    public int keys() {
        return counts.size();
    }
}
