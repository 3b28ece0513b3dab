package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsTest {
    private final Alerts alerts = new Alerts(AlertRule.parseAll("slow: p99_delivery_ms > 10 for 30s; down: redis_up < 1 critical"));

    private static FigureSample at(long seconds, double p99, double redisUp) {
        double[] v = new double[Figure.values().length];
        v[Figure.P99_DELIVERY_MS.ordinal()] = p99;
        v[Figure.REDIS_UP.ordinal()] = redisUp;
        return new FigureSample(seconds * 1000, v);
    }

    @Test
    void aRuleFiresOnlyOnceItsConditionHeldForItsDurationAndResolvesWhenItStops() {
        assertThat(alerts.check(at(0, 20, 1))).isEmpty();
        assertThat(alerts.check(at(20, 25, 1))).as("held 20 of 30 s").isEmpty();
        List<Alerts.Transition> fired = alerts.check(at(30, 30, 1));
        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.rule().name()).isEqualTo("slow");
            assertThat(t.state()).isEqualTo("firing");
            assertThat(t.value()).isEqualTo(30);
        });
        assertThat(alerts.check(at(40, 40, 1))).as("fires once").isEmpty();
        assertThat(alerts.firing()).singleElement().satisfies(f -> {
            assertThat(f.value()).isEqualTo(40);
            assertThat(f.sinceMillis()).isEqualTo(30_000);
        });
        assertThat(alerts.firing(AlertRule.Severity.WARNING)).isEqualTo(1);
        assertThat(alerts.check(at(50, 5, 1))).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo("resolved"));
        assertThat(alerts.firing()).isEmpty();
        assertThat(alerts.recent()).extracting(Alerts.Transition::state).containsExactly("firing", "resolved");
    }

    @Test
    void aBreakInTheConditionRestartsItsClock() {
        alerts.check(at(0, 20, 1));
        alerts.check(at(20, 5, 1));
        assertThat(alerts.check(at(40, 20, 1))).isEmpty();
        assertThat(alerts.check(at(60, 20, 1))).as("held 20 s since the break").isEmpty();
        assertThat(alerts.check(at(70, 20, 1))).hasSize(1);
    }

    @Test
    void aRuleWithoutDurationFiresAtOnce() {
        assertThat(alerts.check(at(0, 0, 0))).singleElement().satisfies(t -> assertThat(t.rule().name()).isEqualTo("down"));
        assertThat(alerts.firing(AlertRule.Severity.CRITICAL)).isEqualTo(1);
    }
}
