package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wscluster.codec.ClientFrame;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FigureSamplerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NodeMetrics metrics = new NodeMetrics(registry);

    @Test
    void gaugesAreReadAsTheyAreAndAbsentMetersAsZero() {
        metrics.connectionOpened();
        metrics.connectionOpened();
        FigureSample s = new FigureSampler(registry).sample(1000);
        assertThat(s.get(Figure.CONNECTIONS)).isEqualTo(2);
        assertThat(s.get(Figure.REDIS_UP)).as("no such gauge here").isZero();
        assertThat(s.atMillis()).isEqualTo(1000);
    }

    @Test
    void countersBecomeRatesSinceThePreviousSample() throws Exception {
        FigureSampler sampler = new FigureSampler(registry);
        for (int i = 0; i < 50; i++) {
            metrics.messageIn(new ClientFrame.Ping(i), 20);
        }
        long start = System.nanoTime();
        Thread.sleep(200);
        FigureSample s = sampler.sample(0);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(s.get(Figure.MESSAGES_IN_PER_SEC)).isBetween(50 / (seconds + 0.1), 50 / 0.2);
        assertThat(s.get(Figure.BYTES_IN_PER_SEC)).isCloseTo(20 * s.get(Figure.MESSAGES_IN_PER_SEC), within(1e-6));
        assertThat(sampler.sample(0).get(Figure.MESSAGES_IN_PER_SEC)).as("nothing since").isZero();
    }

    @Test
    void latencyPercentilesComeFromTheTimersWindowInMilliseconds() {
        // 1,000 deliveries: 990 of 1 ms, 10 of 100 ms. P50 is 1 ms, P99 on the edge, P99.9 would be 100.
        for (int i = 0; i < 990; i++) {
            metrics.delivered(TimeUnit.MILLISECONDS.toNanos(1));
        }
        for (int i = 0; i < 10; i++) {
            metrics.delivered(TimeUnit.MILLISECONDS.toNanos(100));
        }
        FigureSample s = new FigureSampler(registry).sample(0);
        assertThat(s.get(Figure.P50_DELIVERY_MS)).isCloseTo(1, within(0.1));
        assertThat(s.get(Figure.P95_DELIVERY_MS)).isCloseTo(1, within(0.1));
        assertThat(s.get(Figure.P99_DELIVERY_MS)).isBetween(0.9, 101.0);
        assertThat(s.get(Figure.P99_PUBLISH_MS)).as("no publish yet").isZero();
    }
}
