package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wscluster.protocol.CloseCode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NodeMetrics sut = new NodeMetrics(registry);

    @Test
    void deliveryPercentilesFollowTheLatenciesRecorded() {
        for (int ms = 1; ms <= 100; ms++) { // 1 to 100 ms, once each: P50 about 50 ms, P99 about 99 ms
            sut.delivered(TimeUnit.MILLISECONDS.toNanos(ms));
        }
        Timer t = registry.get(NodeMetrics.DELIVERY_LATENCY).timer();
        assertThat(t.count()).isEqualTo(100);
        ValueAtPercentile[] percentiles = t.takeSnapshot().percentileValues();
        assertThat(percentiles).extracting(ValueAtPercentile::percentile).containsExactly(0.5, 0.95, 0.99);
        for (ValueAtPercentile p : percentiles) {
            double expectedMs = p.percentile() * 100;
            assertThat(p.value(TimeUnit.MILLISECONDS)).as("P%s", p.percentile() * 100).isCloseTo(expectedMs, within(expectedMs * 0.1 + 2));
        }
    }

    @Test
    void closesAreCountedByWhoClosedAndWithWhat() {
        sut.connectionOpened();
        sut.connectionOpened();
        sut.connectionOpened();
        sut.connectionClosed(null);
        sut.connectionClosed(CloseCode.POLICY_VIOLATION);
        assertThat(sut.connections()).isEqualTo(1);
        assertThat(registry.get(NodeMetrics.CONNECTIONS_CLOSED).tag("reason", "client").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(NodeMetrics.CONNECTIONS_CLOSED).tag("reason", "policy_violation").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get(NodeMetrics.CONNECTIONS_CLOSED).tag("reason", "going_away").functionCounter().count()).isZero();
    }
}
