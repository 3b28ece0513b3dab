package io.wscluster.failover;

import io.wscluster.options.Check;
import java.time.Duration;
import java.util.Objects;
import io.wscluster.protocol.Backoff;

/**
 * How failovers run.
 *
 * @param grace    for {@link FailoverStrategy#DELAYED}: how long to wait for the node to come back
 * @param batch    for {@link FailoverStrategy#GRACEFUL}: sessions moved per step
 * @param pace     for {@link FailoverStrategy#GRACEFUL}: time between two steps
 * @param leaseTtl how long the right to handle a failed node lasts unless renewed: the coordinator
 *                 renews it every third of it while the failover runs, and a coordinator that
 *                 dies loses it to another node after at most this long
 * @param retry    the waits between attempts of each Redis step of a failover (reading the failed
 *                 node's mappings, moving each, writing the record)
 * @param attempts how many times each such step is tried before the failover fails (and, its lease
 *                 left to lapse, another survivor tries it)
 * @param sessionTtl how long a session's record (its rooms and positions) outlives its connection,
 *                 for a resume on any node
 */
public record FailoverOptions(FailoverStrategy strategy, Duration grace, int batch, Duration pace, Duration leaseTtl,
                              Backoff retry, int attempts, Duration sessionTtl) {
    public static final FailoverOptions DEFAULT = new FailoverOptions(FailoverStrategy.IMMEDIATE, Duration.ofSeconds(10), 500,
            Duration.ofMillis(100), Duration.ofSeconds(10), backoffFrom(Duration.ofMillis(200)), 5, Duration.ofMinutes(5));

    public FailoverOptions {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(pace, "pace");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(retry, "retry");
        if (leaseTtl.toMillis() < 10) {
            throw new IllegalArgumentException("leaseTtl must be at least 10 ms, got " + leaseTtl);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        Check.setting(sessionTtl != null && sessionTtl.toMillis() >= 1000, "session-ttl", sessionTtl, "at least 1s");
    }

    /** Exponential backoff from {@code first}, doubling up to 25 times it, with jitter. */
    public static Backoff backoffFrom(Duration first) {
        return new Backoff(first, first.multipliedBy(25), 2);
    }

    public FailoverOptions withStrategy(FailoverStrategy s) {
        return new FailoverOptions(s, grace, batch, pace, leaseTtl, retry, attempts, sessionTtl);
    }

    public FailoverOptions withGrace(Duration g) {
        return new FailoverOptions(strategy, g, batch, pace, leaseTtl, retry, attempts, sessionTtl);
    }

    public FailoverOptions withBatch(int b) {
        return new FailoverOptions(strategy, grace, b, pace, leaseTtl, retry, attempts, sessionTtl);
    }

    public FailoverOptions withPace(Duration p) {
        return new FailoverOptions(strategy, grace, batch, p, leaseTtl, retry, attempts, sessionTtl);
    }

    public FailoverOptions withLeaseTtl(Duration t) {
        return new FailoverOptions(strategy, grace, batch, pace, t, retry, attempts, sessionTtl);
    }

    public FailoverOptions withRetry(Backoff b, int n) {
        return new FailoverOptions(strategy, grace, batch, pace, leaseTtl, b, n, sessionTtl);
    }

    public FailoverOptions withSessionTtl(Duration t) {
        return new FailoverOptions(strategy, grace, batch, pace, leaseTtl, retry, attempts, t);
    }
}
