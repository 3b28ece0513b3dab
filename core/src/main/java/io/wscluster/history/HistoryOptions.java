package io.wscluster.history;

import io.wscluster.options.Check;
import java.time.Duration;

/** How much of each room is kept, and for how long. Immutable; build with {@link #builder()}. */
public final class HistoryOptions {
    public static final int DEFAULT_SIZE = 100;
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** No byte cap: a room keeps {@link #DEFAULT_SIZE} messages of at most {@code max-frame-size} each. */
    public static final int DEFAULT_MAX_BYTES = 0;
    public static final int DEFAULT_RECOVERY_CACHE = 20_000;
    /** 64 MiB: 20,000 frames of about 1.5 KB of data, or 500 of 60 KB. */
    public static final int DEFAULT_RECOVERY_CACHE_BYTES = 64 << 20;
    /** The most of one room's newest messages the recovery cache keeps, whatever history-size is. */
    public static final int RECOVERY_CACHE_PER_ROOM = 1000;
    public static final HistoryOptions DEFAULT = builder().build();

    private final int size;
    private final Duration ttl;
    private final int maxBytes;
    private final int recoveryCache;
    private final long recoveryCacheBytes;

    private HistoryOptions(Builder b) {
        size = b.size;
        ttl = b.ttl;
        maxBytes = b.maxBytes;
        recoveryCache = b.recoveryCache;
        recoveryCacheBytes = b.recoveryCacheBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return builder().size(size).ttl(ttl).maxBytes(maxBytes).recoveryCache(recoveryCache).recoveryCacheBytes(recoveryCacheBytes);
    }

    /** {@link #size()}, {@link #ttl()} and {@link #maxBytes()} for every room. */
    public HistoryLimits limits() {
        return HistoryLimits.uniform(size, ttl, maxBytes);
    }

    /** Messages kept per room for recovery and {@code history}; 0 keeps none. */
    public int size() { return size; }
    /** How long an idle room's history is kept. */
    public Duration ttl() { return ttl; }
    /** Bytes of messages kept per room at most (the newest always stays); 0: no byte cap. */
    public int maxBytes() { return maxBytes; }
    /** Recent room messages the node keeps, over all rooms, to answer a subscribe with since without a history read. */
    public int recoveryCache() { return recoveryCache; }
    /** Bytes those recent messages may hold over all rooms, estimated from their data (two encodings each). */
    public long recoveryCacheBytes() { return recoveryCacheBytes; }
    /** How many of one room's newest messages the recovery cache keeps. */
    public int recoveryCachePerRoom() { return Math.min(size, RECOVERY_CACHE_PER_ROOM); }

    /** Builder with every default set; setters check their argument and name the setting in the error. */
    public static final class Builder {
        private int size = DEFAULT_SIZE;
        private Duration ttl = DEFAULT_TTL;
        private int maxBytes = DEFAULT_MAX_BYTES;
        private int recoveryCache = DEFAULT_RECOVERY_CACHE;
        private long recoveryCacheBytes = DEFAULT_RECOVERY_CACHE_BYTES;

        private Builder() {
        }

        public Builder size(int v) {
            Check.setting(v >= 0, "history-size", v, "0 or more");
            size = v;
            return this;
        }

        public Builder ttl(Duration v) {
            Check.setting(v != null && v.toMillis() >= 1000, "history-ttl", v, "at least 1s");
            ttl = v;
            return this;
        }

        public Builder maxBytes(int v) {
            Check.setting(v >= 0, "history-max-bytes", v, "0 (no byte cap) or more bytes");
            maxBytes = v;
            return this;
        }

        public Builder recoveryCache(int v) {
            Check.setting(v >= 0, "recovery-cache", v, "0 (none) or more");
            recoveryCache = v;
            return this;
        }

        public Builder recoveryCacheBytes(long v) {
            Check.setting(v >= 0, "recovery-cache-bytes", v, "0 (none) or more");
            recoveryCacheBytes = v;
            return this;
        }

        public HistoryOptions build() {
            return new HistoryOptions(this);
        }
    }
}
