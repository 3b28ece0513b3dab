package io.wscluster.failover;

import java.time.Duration;
import java.util.Objects;

/**
 * How failovers run.
 *
 * @param grace    for {@link FailoverStrategy#DELAYED}: how long to wait for the node to come back
 * @param batch    for {@link FailoverStrategy#GRACEFUL}: sessions moved per step
 * @param pace     for {@link FailoverStrategy#GRACEFUL}: time between two steps
 * @param leaseTtl how long one node holds the right to handle a failed node
 */
public record FailoverOptions(FailoverStrategy strategy, Duration grace, int batch, Duration pace, Duration leaseTtl) {
    public static final FailoverOptions DEFAULT = new FailoverOptions(FailoverStrategy.IMMEDIATE, Duration.ofSeconds(10), 500,
            Duration.ofMillis(100), Duration.ofSeconds(60));

    public FailoverOptions {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(pace, "pace");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
    }

    public FailoverOptions withStrategy(FailoverStrategy s) {
        return new FailoverOptions(s, grace, batch, pace, leaseTtl);
    }

    public FailoverOptions withGrace(Duration g) {
        return new FailoverOptions(strategy, g, batch, pace, leaseTtl);
    }

    public FailoverOptions withBatch(int b) {
        return new FailoverOptions(strategy, grace, b, pace, leaseTtl);
    }

    public FailoverOptions withPace(Duration p) {
        return new FailoverOptions(strategy, grace, batch, p, leaseTtl);
    }
}
