package io.wscluster.history;

import java.time.Duration;

/**
 * How much of a room's stream is kept: its newest {@link #size} messages, at most {@link #maxBytes}
 * bytes of them, for {@link #ttl} after the room was last used. The same for every room unless the
 * rooms' namespaces say otherwise; asked on every publish, so answers come from memory.
 */
public interface HistoryLimits {

    /** Messages kept for {@code room}; 0 keeps none (offsets still count). */
    int size(String room);

    /** How long {@code room}'s stream outlives its last use. */
    Duration ttl(String room);

    /**
     * Bytes of messages kept for {@code room} at most, oldest dropped first; the newest message is
     * always kept, whatever its size. 0: no byte cap ({@link #size} alone).
     */
    int maxBytes(String room);

    /** {@code size} messages for {@code ttl}, in every room, without a byte cap. */
    static HistoryLimits uniform(int size, Duration ttl) {
        return uniform(size, ttl, 0);
    }

    /** {@code size} messages of at most {@code maxBytes} bytes in all (0: no cap) for {@code ttl}, in every room. */
    static HistoryLimits uniform(int size, Duration ttl, int maxBytes) {
        if (size < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("size and maxBytes must be >= 0, were " + size + " and " + maxBytes);
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

            @Override
            public int maxBytes(String room) {
                return maxBytes;
            }
        };
    }
}
