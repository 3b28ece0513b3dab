package io.wscluster.hub;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.wscluster.security.ClientLimits;
import io.wscluster.security.PerSecondLimit;
import java.time.Duration;

/**
 * One connection's allowance of writes: token buckets of messages and bytes a second (Bucket4j),
 * a burst of twice the rate. Used on the session's loop only, so the buckets take no locks; made
 * on a connection's first write, so connections that only read pay nothing.
 */
final class WriteBudget {
    /** Refusals within one second, in multiples of the rate, beyond which the connection is abusive. */
    private static final int ABUSE_FACTOR = 10;

    private final Bucket messages;
    private final Bucket bytes;
    private final PerSecondLimit refusals;

    WriteBudget(ClientLimits limits) {
        messages = limits.publishRate() > 0 ? bucket(limits.publishRate()) : null;
        bytes = limits.publishBytesRate() > 0 ? bucket(limits.publishBytesRate()) : null;
        refusals = new PerSecondLimit((long) ABUSE_FACTOR * Math.max(1, limits.publishRate()));
    }

    private static Bucket bucket(long perSecond) {
        return new LocalBucketBuilder().withSynchronizationStrategy(SynchronizationStrategy.NONE)
                .addLimit(limit -> limit.capacity(2 * perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }

    /** What a write of {@code size} bytes gets. */
    enum Verdict { ALLOWED, REFUSED, ABUSIVE }

    Verdict take(int size) {
        boolean ok = (messages == null || messages.tryConsume(1)) && (bytes == null || size <= 0 || bytes.tryConsume(size));
        if (ok) {
            return Verdict.ALLOWED;
        }
        return refusals.exceeded() ? Verdict.ABUSIVE : Verdict.REFUSED;
    }
}
