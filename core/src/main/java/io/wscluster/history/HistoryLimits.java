package io.wscluster.history;

import java.time.Duration;

/**
 * How much of a room's stream is kept: its newest {@link #size} messages, for {@link #ttl} after the
 * room was last used. The same for every room unless the rooms' namespaces say otherwise; asked on
 * every publish, so answers come from memory.
 */
public interface HistoryLimits {

    /** Messages kept for {@code room}; 0 keeps none (offsets still count). */
    int size(String room);

    /** How long {@code room}'s stream outlives its last use. */
    Duration ttl(String room);

    /** {@code size} messages for {@code ttl}, in every room. */
    static HistoryLimits uniform(int size, Duration ttl) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
        java.util.Objects.requireNonNull(ttl, "ttl");
        return new HistoryLimits() {
            @Override
            public int size(String room) {
                return size;
            }

            @Override
            public Duration ttl(String room) {
                return ttl;
            }
        };
    }
}
