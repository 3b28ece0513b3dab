package io.wscluster.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * A token bucket (Bucket4j) per key (a client address, a user id): {@code capacity} tokens, refilled
 * at {@code perSecond}. Thread-safe.
 *
 * <p>Bounded however many keys come: a bucket unused for as long as it takes to refill from empty
 * is full again, exactly as a new one, so it is dropped after that long without losing anything
 * (with capacity 20 at 20 a second, after one second). Beyond {@code maxKeys} buckets the least
 * used are dropped sooner, which at worst gives their keys a fresh bucket: a flood from that many
 * addresses at once is what the per-address connection cap and the open-files limit bound.
 */
public final class RateBuckets {
    /** Buckets kept at most, for the limits of the node and the gateway: a few megabytes under any flood. */
    public static final long DEFAULT_MAX_KEYS = 65_536;

    private final long capacity;
    private final long perSecond;
    private final Cache<String, Bucket> buckets;

    public RateBuckets(long capacity, long perSecond, long maxKeys) {
        if (capacity < 1 || perSecond < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("capacity, rate and keys must be positive");
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        long refillNanos = (capacity * 1_000_000_000L + perSecond - 1) / perSecond;
        // Upkeep on the calling thread: no pool thread is woken from an event loop for it.
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofNanos(refillNanos)).maximumSize(maxKeys)
                .executor(Runnable::run).build();
    }

    /** Takes a token of {@code key}'s bucket: 0 when taken, else the nanoseconds until one will be there. */
    public long tryTake(String key) {
        ConsumptionProbe probe = buckets.get(key, k -> newBucket()).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** The buckets held now (expired ones may linger until the next upkeep). */
    public long keys() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private Bucket newBucket() {
        return Bucket.builder().addLimit(limit -> limit.capacity(capacity).refillGreedy(perSecond, Duration.ofSeconds(1))).build();
    }
}
