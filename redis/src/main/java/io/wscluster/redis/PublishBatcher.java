package io.wscluster.redis;

import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Batches outgoing bus commands on a connection whose commands are not flushed one by one: a batch
 * goes out in one write when {@code maxBatch} commands wait or {@code maxDelay} has passed since the
 * first, whichever comes first. {@code high} and {@code critical} messages flush at once (with
 * whatever waits before them, so order is kept). When more than {@code maxInFlight} commands await
 * Redis's answer, {@code low} messages are refused and counted: under backpressure they go first.
 *
 * <p>Implementation note: Lettuce buffers commands on a connection with auto-flush off until
 * {@code flushCommands()}; this class only decides when to call it. Thread-safe.
 */
final class PublishBatcher {
    private final Runnable flush;
    private final ScheduledExecutorService timer;
    private final int maxBatch;
    private final long maxDelayNanos;
    private final int maxInFlight;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final LongAdder droppedLow = new LongAdder();

    PublishBatcher(Runnable flush, ScheduledExecutorService timer, int maxBatch, Duration maxDelay, int maxInFlight) {
        this.flush = flush;
        this.timer = timer;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.maxInFlight = maxInFlight;
    }

    /** Sends whatever waits now (after a command issued outside {@link #submit}, such as a script reload). */
    void flushNow() {
        flushScheduled.set(false);
        waiting.set(0);
        flush.run();
    }

    /** Dispatches {@code command} (which queues it on the unflushed connection) and decides when it leaves. */
    <T> CompletionStage<T> submit(Priority priority, Supplier<CompletionStage<T>> command) {
        if (priority == Priority.LOW && inFlight.get() >= maxInFlight) {
            droppedLow.increment();
            return CompletableFuture.failedFuture(new ProtocolException(ErrorCode.RATE_LIMITED,
                    "the cluster bus is saturated: low-priority message dropped"));
        }
        inFlight.incrementAndGet();
        CompletionStage<T> result = command.get();
        result.whenComplete((v, e) -> inFlight.decrementAndGet());
        int n = waiting.incrementAndGet();
        if (maxBatch <= 1 || maxDelayNanos == 0 || priority.compareTo(Priority.HIGH) >= 0 || n >= maxBatch) {
            flushNow();
        } else if (flushScheduled.compareAndSet(false, true)) {
            timer.schedule(this::flushWaiting, maxDelayNanos, TimeUnit.NANOSECONDS);
        }
        return result;
    }

    private void flushWaiting() {
        flushScheduled.set(false);
        if (waiting.getAndSet(0) > 0) {
            flush.run();
        }
    }

    /** Low-priority messages refused so far. */
    long droppedLow() {
        return droppedLow.sum();
    }
}
