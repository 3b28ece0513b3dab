package io.wscluster.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.wscluster.protocol.Futures;

/**
 * Runs an asynchronous beat (a lease renewal) at a fixed period on the node's scheduler, which
 * it shares with the node's other parts and never shuts down.
 *
 * <p>Implementation notes: the beat only issues Redis commands and returns their stage, so the
 * scheduler's thread never waits on Redis. A beat still in flight when the next one is due makes that one
 * skip, so a slow Redis never piles up renewals. A failed beat is retried at the next period and
 * logged once per outage (when the first beat fails, and again when one succeeds), not once per
 * period. Issuing a beat and {@link #stop()} exclude each other (issuing never waits on Redis), so
 * once the stage of {@code stop()} completes no renewal can reach Redis any more: a deregistration
 * that follows is never undone by a late beat.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final String name;
    private final Duration period;
    private final Supplier<? extends CompletionStage<?>> beat;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean failing = new AtomicBoolean();
    /** System.nanoTime() of the first success after a failure (or of the first success); NOT_HEALTHY while failing. */
    private volatile long healthySince = io.wscluster.cluster.Membership.NOT_HEALTHY;
    private volatile long lastSuccess = io.wscluster.cluster.Membership.NOT_HEALTHY;
    /** Guarded by {@code this}, with {@link #stopped}: no beat is issued once stop() returned. */
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    private boolean stopped;
    private ScheduledFuture<?> ticks; // guarded by this

    /**
     * @param name      what the beat renews, for log lines
     * @param period    time between the starts of two beats
     * @param scheduler the node's scheduler, on which the beats are issued
     * @param beat      issues one renewal; must not block
     */
    Heartbeat(String name, Duration period, ScheduledExecutorService scheduler, Supplier<? extends CompletionStage<?>> beat) {
        this.name = Objects.requireNonNull(name, "name");
        this.period = requirePositive(period, "period");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.beat = Objects.requireNonNull(beat, "beat");
    }

    /**
     * Runs the first beat now and then one every period. The stage completes with the first
     * beat's outcome; later beats run whatever it was.
     */
    synchronized CompletionStage<Void> start() {
        if (stopped) {
            return CompletableFuture.failedFuture(new IllegalStateException(name + " was stopped before it started"));
        }
        CompletableFuture<Void> first = new CompletableFuture<>();
        scheduler.execute(() -> runBeat().whenComplete((v, e) -> {
            if (e == null) {
                first.complete(null);
            } else {
                first.completeExceptionally(e);
            }
        }));
        ticks = scheduler.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return first;
    }

    /** Stops beating; completes once the beat in flight, if any, has ended (however it ended). */
    synchronized CompletionStage<Void> stop() {
        stopped = true;
        if (ticks != null) {
            ticks.cancel(false);
        }
        return inFlight.handle((v, e) -> null);
    }

    private void tick() {
        if (inFlight.isDone()) {
            runBeat();
        }
    }

    private synchronized CompletableFuture<Void> runBeat() {
        if (stopped) {
            return inFlight;
        }
        CompletableFuture<Void> current;
        try {
            current = beat.get().toCompletableFuture().thenApply(v -> null);
        } catch (RuntimeException e) {
            current = CompletableFuture.failedFuture(e);
        }
        inFlight = current;
        long started = System.nanoTime();
        return current.whenComplete((v, e) -> report(started, e));
    }

    /** Something showed the registry lost or froze meanwhile (this node's own record was gone): the healthy time starts again now. */
    void stalled() {
        healthySince = System.nanoTime();
    }

    /** Since when the beats have succeeded without a failure in between; {@code Membership.NOT_HEALTHY} while failing. */
    long healthySinceNanos() {
        return healthySince;
    }

    /** When a beat last succeeded; {@code Membership.NOT_HEALTHY} before the first. */
    long lastSuccessNanos() {
        return lastSuccess;
    }

    private void report(long started, Throwable error) {
        long now = System.nanoTime();
        if (error == null) {
            // A beat that took longer than a period went through a stall (Redis frozen, or slow): the
            // others' records may have lapsed meanwhile, so the healthy time starts again from now.
            if (healthySince == io.wscluster.cluster.Membership.NOT_HEALTHY || now - started > period.toNanos()) {
                healthySince = now;
            }
            lastSuccess = now;
        } else {
            healthySince = io.wscluster.cluster.Membership.NOT_HEALTHY;
        }
        if (error == null) {
            if (failing.compareAndSet(true, false)) {
                log.info("{}: Redis answers again", name);
            }
        } else if (failing.compareAndSet(false, true)) {
            Throwable cause = Futures.cause(error);
            log.warn("{} failed, retrying every {} ms until Redis answers: {}", name, period.toMillis(),
                    cause.toString());
        }
    }

    static Duration requirePositive(Duration d, String argument) {
        Objects.requireNonNull(d, argument);
        if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
            throw new IllegalArgumentException(argument + " must be at least 1 ms, got " + d);
        }
        return d;
    }

    /**
     * Waits for {@code closing} (a part's asynchronous close) a bounded time, for the blocking
     * {@code close()} of the parts that heartbeat; says in the log when it did not finish.
     */
    static void awaitClose(java.util.concurrent.CompletionStage<?> closing, java.time.Duration wait, String what) {
        try {
            closing.toCompletableFuture().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(Heartbeat.class).warn("closing {} did not finish in {}", what, wait);
        }
    }
}
