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
 * Batches outgoing bus commands on a connection whose commands are not flushed one by one, at most
 * one flush per {@code maxDelay}: a command that comes when the last flush is at least {@code
 * maxDelay} old goes at once (a quiet node adds no delay); one that comes sooner waits for the
 * flush due {@code maxDelay} after the last, with every command that comes meanwhile, or until
 * {@code maxBatch} commands wait. {@code high} and {@code critical} messages flush at once (with
 * whatever waits before them, so order is kept). When more than {@code maxInFlight} commands await
 * Redis's answer, {@code low} messages are refused and counted: under backpressure they go first.
 *
 * <p>Why not flush whenever Redis has answered everything sent (tried, measured and reverted, see
 * docs/benchmarks.md): under moderate load that sent many tiny flushes, each a system call and a
 * wake-up of the connection's thread, and cost the nodes more CPU than the delay it saved. Here the
 * flushes stay bounded by {@code 1 / maxDelay} per second whatever the load, as with a fixed delay.
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
    /** When the last flush went ({@link System#nanoTime()}); long enough ago at first. */
    private volatile long lastFlushNanos;
    private final LongAdder droppedLow = new LongAdder();

    PublishBatcher(Runnable flush, ScheduledExecutorService timer, int maxBatch, Duration maxDelay, int maxInFlight) {
        this.flush = flush;
        this.timer = timer;
        this.maxBatch = maxBatch;
        this.maxDelayNanos = maxDelay.toNanos();
        this.maxInFlight = maxInFlight;
        this.lastFlushNanos = System.nanoTime() - maxDelayNanos;
    }

    /** Sends whatever waits now (after a command issued outside {@link #submit}, such as a script reload). */
    void flushNow() {
        flushScheduled.set(false);
        waiting.set(0);
        lastFlushNanos = System.nanoTime();
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
            long due = lastFlushNanos + maxDelayNanos - System.nanoTime();
            if (due <= 0) {
                flushWaiting();
            } else {
                timer.schedule(this::flushWaiting, due, TimeUnit.NANOSECONDS);
            }
        }
        return result;
    }

    private void flushWaiting() {
        flushScheduled.set(false);
        if (waiting.getAndSet(0) > 0) {
            lastFlushNanos = System.nanoTime();
            flush.run();
        }
    }

    /** Low-priority messages refused so far. */
    long droppedLow() {
        return droppedLow.sum();
    }
}
