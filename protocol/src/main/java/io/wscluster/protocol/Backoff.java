package io.wscluster.protocol;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Exponential backoff with "equal jitter": attempt n (from 0) waits a random time between half and
 * all of {@code min(max, initial × multiplier^n)}, so clients and nodes that failed together do not
 * retry together, yet each waits at least half its step. The one retry policy of reconnects and
 * Redis steps; immutable.
 */
public record Backoff(Duration initial, Duration max, double multiplier) {
    /** 100 ms, doubling, at most 10 s. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0);

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || !(multiplier >= 1)) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max and multiplier >= 1, got "
                    + initial + ", " + max + ", " + multiplier);
        }
    }

    /** The ceiling of attempt {@code n} (0-based) before jitter. */
    public Duration step(int attempt) {
        double millis = initial.toMillis() * Math.pow(multiplier, Math.min(attempt, 62));
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }

    /** How long attempt {@code n} waits: uniformly between half its step and its step. */
    public Duration delay(int attempt) {
        long step = step(attempt).toMillis();
        return Duration.ofMillis(step / 2 + ThreadLocalRandom.current().nextLong(step - step / 2 + 1));
    }

    /**
     * Runs {@code action} until it succeeds, it fails with an error {@code retryable} refuses, or
     * {@code attempts} attempts have failed (the last error is then the result); waits
     * {@link #delay} between attempts on {@code timer}. Never blocks.
     */
    public <T> CompletionStage<T> retry(Supplier<? extends CompletionStage<T>> action, Predicate<Throwable> retryable,
                                        int attempts, ScheduledExecutorService timer) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(action, retryable, attempts, timer, 0, result);
        return result;
    }

    private <T> void attempt(Supplier<? extends CompletionStage<T>> action, Predicate<Throwable> retryable, int attempts,
                             ScheduledExecutorService timer, int n, CompletableFuture<T> result) {
        CompletionStage<T> stage;
        try {
            stage = action.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((v, e) -> {
            if (e == null) {
                result.complete(v);
            } else if (n + 1 >= attempts || !retryable.test(e)) {
                result.completeExceptionally(e);
            } else {
                timer.schedule(() -> attempt(action, retryable, attempts, timer, n + 1, result),
                        delay(n).toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }
}
