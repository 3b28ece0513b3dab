package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishBatcherTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger flushes = new AtomicInteger();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private PublishBatcher sut(int maxBatch, Duration delay, int maxInFlight) {
        return new PublishBatcher(flushes::incrementAndGet, timer, maxBatch, delay, maxInFlight);
    }

    @Test
    void aCommandAfterAQuietSpellGoesAtOnceAndTheNextWaitsForTheDelay() {
        PublishBatcher sut = sut(100, Duration.ofSeconds(10), 100);
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        assertThat(flushes).hasValue(1);
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        sut.submit(Priority.LOW, CompletableFuture::new);
        assertThat(flushes).hasValue(1);
    }

    @Test
    void aFullBatchGoesAtOnce() {
        PublishBatcher sut = sut(3, Duration.ofSeconds(10), 100);
        sut.submit(Priority.NORMAL, CompletableFuture::new); // after a quiet spell: at once
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        assertThat(flushes).hasValue(1);
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        assertThat(flushes).hasValue(2);
    }

    @Test
    void aPartialBatchGoesAfterTheDelay() {
        PublishBatcher sut = sut(100, Duration.ofMillis(5), 100);
        sut.submit(Priority.LOW, CompletableFuture::new);
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        sut.submit(Priority.NORMAL, CompletableFuture::new);
        await().atMost(Duration.ofSeconds(2)).untilAtomic(flushes, org.hamcrest.Matchers.equalTo(2));
    }

    @Test
    void aSteadyStreamIsFlushedAtMostOncePerDelay() throws InterruptedException {
        PublishBatcher sut = sut(1000, Duration.ofMillis(20), 100_000);
        long start = System.nanoTime();
        int submitted = 0;
        while (System.nanoTime() - start < 200_000_000L && submitted < 100_000) {
            sut.submit(Priority.NORMAL, CompletableFuture::new);
            submitted++;
            Thread.sleep(0, 100_000);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // One at the start, then at most one per 20 ms (and the timer's last), however many came.
        assertThat(flushes.get()).isLessThanOrEqualTo(2 + (int) (elapsedMillis / 20) + 1);
        assertThat(flushes.get()).isLessThan(submitted);
    }

    @Test
    void highAndCriticalNeverWait() {
        PublishBatcher sut = sut(100, Duration.ofSeconds(10), 100);
        sut.submit(Priority.HIGH, CompletableFuture::new);
        assertThat(flushes).hasValue(1);
        sut.submit(Priority.CRITICAL, CompletableFuture::new);
        assertThat(flushes).hasValue(2);
    }

    @Test
    void underBackpressureLowIsRefusedFirstAndCounted() {
        PublishBatcher sut = sut(1, Duration.ZERO, 2);
        CompletableFuture<Object> pending1 = new CompletableFuture<>();
        CompletableFuture<Object> pending2 = new CompletableFuture<>();
        sut.submit(Priority.NORMAL, () -> pending1);
        sut.submit(Priority.NORMAL, () -> pending2);
        CompletableFuture<Object> low = sut.<Object>submit(Priority.LOW, CompletableFuture::new).toCompletableFuture();
        assertThat(low).isCompletedExceptionally();
        try {
            low.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(ProtocolException.class,
                    p -> assertThat(p.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        }
        assertThat(sut.droppedLow()).isEqualTo(1);
        CompletableFuture<Object> pending3 = new CompletableFuture<>();
        assertThat(sut.submit(Priority.NORMAL, () -> pending3).toCompletableFuture()).as("normal still goes")
                .isNotCompletedExceptionally();
        pending1.complete("done");
        pending2.complete("done");
        assertThat(sut.submit(Priority.LOW, CompletableFuture::new).toCompletableFuture()).isNotCompletedExceptionally();
    }
}
