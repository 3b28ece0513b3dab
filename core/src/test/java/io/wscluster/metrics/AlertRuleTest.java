package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRuleTest {
    @Test
    void aRuleReadsAsWritten() {
        AlertRule r = AlertRule.parse("slow: p99_delivery_ms > 10 for 30s critical");
        assertThat(r.name()).isEqualTo("slow");
        assertThat(r.figure()).isEqualTo(Figure.P99_DELIVERY_MS);
        assertThat(r.threshold()).isEqualTo(10);
        assertThat(r.holdFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.severity()).isEqualTo(AlertRule.Severity.CRITICAL);
        assertThat(r.holds(10.5)).isTrue();
        assertThat(r.holds(10)).isFalse();
        assertThat(r.expression()).isEqualTo("p99_delivery_ms > 10 for 30s critical");
    }

    @Test
    void nameDurationAndSeverityAreOptional() {
        AlertRule r = AlertRule.parse("redis_up<1");
        assertThat(r.name()).isEqualTo("redis_up<1");
        assertThat(r.holdFor()).isZero();
        assertThat(r.severity()).isEqualTo(AlertRule.Severity.WARNING);
        assertThat(AlertRule.parse("cpu >= 0.95 for 2m").holdFor()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void defaultStandsForTheShippedRulesAndNoneForNoRule() {
        List<AlertRule> rules = AlertRule.parseAll("default; hot: messages_out_per_sec > 50000 for 1m info");
        assertThat(rules).extracting(AlertRule::name).containsExactly("node-near-capacity", "delivery-p99-over-target",
                "redis-unreachable", "slow-consumer-closes-rising", "failover-running", "hot");
        assertThat(AlertRule.parseAll("none")).isEmpty();
    }

    @Test
    void aWrongRuleIsNamedWithWhatIsWrong() {
        assertThatThrownBy(() -> AlertRule.parseAll("p99_latency > 10")).hasMessageContaining("no figure 'p99_latency'")
                .hasMessageContaining("p99_delivery_ms");
        assertThatThrownBy(() -> AlertRule.parseAll("cpu > high")).hasMessageContaining("'cpu > high' is not [name:] figure op");
        assertThatThrownBy(() -> AlertRule.parseAll("a: cpu > 1; a: cpu < 0")).hasMessageContaining("two rules are named 'a'");
    }
}
