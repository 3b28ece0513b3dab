package io.wscluster.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Backoff fast = new Backoff(Duration.ofMillis(1), Duration.ofMillis(8), 2);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void stepsGrowExponentiallyUpToTheMaxAndJitterStaysWithinHalfAStep() {
        Backoff b = Backoff.DEFAULT;
        assertThat(b.step(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.step(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.step(10)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.step(1000)).isEqualTo(Duration.ofSeconds(10));
        for (int i = 0; i < 1000; i++) {
            assertThat(b.delay(3).toMillis()).isBetween(400L, 800L);
        }
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retriesUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String r = fast.retry(() -> calls.incrementAndGet() < 4
                ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                : CompletableFuture.completedFuture("up"), e -> true, 10, timer).toCompletableFuture().join();
        assertThat(r).isEqualTo("up");
        assertThat(calls).hasValue(4);
    }

    @Test
    void givesUpAfterTheAttemptsOrOnAnErrorThatIsNotWorthRetrying() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> fast.retry(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        }, e -> true, 3, timer).toCompletableFuture().join()).isInstanceOf(CompletionException.class).hasMessageContaining("down");
        assertThat(calls).hasValue(3);

        calls.set(0);
        assertThatThrownBy(() -> fast.retry(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalArgumentException("bad"));
        }, e -> !(e instanceof IllegalArgumentException), 5, timer).toCompletableFuture().join()).hasMessageContaining("bad");
        assertThat(calls).hasValue(1);
    }
}
