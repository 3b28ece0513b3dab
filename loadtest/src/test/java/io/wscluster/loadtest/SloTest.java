package io.wscluster.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The typical report ({@link Reports#typical()}): message latency p50 50.0, p95 95.0, p99 99.0,
 * p99.9 and max 100.0 ms; connect latency 2 ms; nothing lost; 100 sent/s, 10000 delivered/s.
 */
class SloTest {

    @ParameterizedTest
    @ValueSource(strings = {"p50<60ms", "p95<96", "p99<100ms", "p999<=101ms", "max<0.2s", "p99<100000us",
            "p99<100000µs", "connect_p99<3ms", "connect_max<=2.1", "loss=0", "loss_rate=0", "loss_rate<0.1%",
            "success>=99.9%", "success>=0.999", "success=100%", "success=1", "duplicates=0", "out_of_order<1",
            "errors=0", "delivered_per_sec>=10000", "sent_per_sec>99.5", "p50>40ms", "p50>=.04s", "P99 < 100 ms"})
    void everyMetricOpAndUnitIsMetByTheTypicalRun(String spec) {
        assertThat(Slo.parse(spec).violations(Reports.typical().build())).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "p50<40ms            | p50 50.0 ms is not < 40 ms",
            "p95<=90             | p95 95.0 ms is not <= 90 ms",
            "p99<10ms            | p99 99.0 ms is not < 10 ms",
            "p99<99000us         | p99 99007 us is not < 99000 us",
            "p999<0.05s          | p999 0.100 s is not < 0.05 s",
            "max=10              | max 100.0 ms is not = 10 ms",
            "connect_p99<1ms     | connect_p99 2.00 ms is not < 1 ms",
            "connect_max<1500us  | connect_max 2000 us is not < 1500 us",
            "loss>0              | loss 0 is not > 0",
            "success<50%         | success 100% is not < 50%",
            "success<0.5         | success 1 is not < 0.5",
            "duplicates>=1       | duplicates 0 is not >= 1",
            "out_of_order>0      | out_of_order 0 is not > 0",
            "errors>0            | errors 0 is not > 0",
            "delivered_per_sec>=20000 | delivered_per_sec 10000 is not >= 20000",
            "sent_per_sec<=50    | sent_per_sec 100 is not <= 50",
    })
    void everyMetricSaysHowItWasMissed(String spec, String violation) {
        assertThat(Slo.parse(spec).violations(Reports.typical().build())).containsExactly(violation);
    }

    @Test
    void lossZeroMetAndMissed() {
        Slo sut = Slo.parse("loss=0");
        Reports lossy = Reports.typical();
        lossy.rooms.put("room-1", new RoomTally(100, 0, 99_000, 1_000));
        lossy.expectedDirect = 10;
        lossy.receivedDirect = 7;

        assertThat(sut.violations(Reports.typical().build())).isEmpty();
        assertThat(sut.violations(lossy.build())).containsExactly("loss 1003 is not = 0");
    }

    @Test
    void lossRateAsFractionOrPercent() {
        Reports lossy = Reports.typical();
        lossy.rooms.put("room-1", new RoomTally(100, 0, 99_000, 1_000)); // 1% lost

        assertThat(Slo.parse("loss_rate<0.5%,loss_rate<=0.01,loss_rate<0.001").violations(lossy.build()))
                .containsExactly("loss_rate 1% is not < 0.5%", "loss_rate 0.01 is not < 0.001");
    }

    @Test
    void successAtTheLimitIsMetDespiteFloatNoise() {
        Reports b = Reports.typical();
        b.connectAttempts = 1000;
        b.connectFailures = 1;

        assertThat(Slo.parse("success>=99.9%,success>=0.999").violations(b.build())).isEmpty();
        assertThat(Slo.parse("success>=99.95%").violations(b.build())).containsExactly("success 99.9% is not >= 99.95%");
    }

    @Test
    void errorsCountEveryKind() {
        Reports b = Reports.typical();
        b.errors.put("disconnected", 2L);
        b.errors.put("error 429", 3L);

        assertThat(Slo.parse("errors<=5").violations(b.build())).isEmpty();
        assertThat(Slo.parse("errors=0").violations(b.build())).containsExactly("errors 5 is not = 0");
    }

    @Test
    void cpuIsMissedWhenNotMeasured() {
        Reports measured = Reports.typical();
        measured.serverCpuMicros = 310_000; // 3.1 us per delivery

        assertThat(Slo.parse("cpu_us<5").violations(Reports.typical().build()))
                .containsExactly("cpu_us not measured: use --server-pid");
        assertThat(Slo.parse("cpu_us<5").violations(measured.build())).isEmpty();
        assertThat(Slo.parse("cpu_us<3").violations(measured.build())).containsExactly("cpu_us 3.10 is not < 3");
    }

    @Test
    void latencyIsMissedWhenNothingWasMeasured() {
        assertThat(Slo.parse("p99<10ms,connect_max<1s,loss=0").violations(Reports.empty().build())).containsExactly(
                "p99 not measured: no messages in this run", "connect_max not measured: no connections in this run");
    }

    @Test
    void reportsEveryMissedTargetInOrder() {
        assertThat(Slo.parse("p99<10ms,loss=0,p50<1ms,success>=99.9%").violations(Reports.typical().build()))
                .containsExactly("p99 99.0 ms is not < 10 ms", "p50 50.0 ms is not < 1 ms");
    }

    @Test
    void normalizesTheSpec() {
        assertThat(Slo.parse(" P99 < 10 ms , loss=0,success>=99.9%")).hasToString("p99<10ms,loss=0,success>=99.9%");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "p99<<10             | --slo: 'p99<<10' is not <metric><op><value>, e.g. p99<10ms",
            "p99 10ms            | --slo: 'p99 10ms' is not <metric><op><value>, e.g. p99<10ms",
            "p99<ms              | --slo: 'p99<ms' is not <metric><op><value>, e.g. p99<10ms",
            "p99<-1ms            | --slo: 'p99<-1ms' is not <metric><op><value>, e.g. p99<10ms",
            "p99==1              | --slo: 'p99==1' is not <metric><op><value>, e.g. p99<10ms",
            "p99<10ms;loss=0     | --slo: 'p99<10ms;loss=0' is not <metric><op><value>, e.g. p99<10ms",
            "p99<10kg            | --slo: 'p99<10kg' has unit 'kg'; p99 takes ms, us or s",
            "loss=0ms            | --slo: 'loss=0ms' has unit 'ms'; loss takes no unit",
            "errors<1%           | --slo: 'errors<1%' has unit '%'; errors takes no unit",
            "p99<10%             | --slo: 'p99<10%' has unit '%'; p99 takes ms, us or s",
            "success>=99.9       | --slo: 'success>=99.9' is a fraction above 1; write 99.9% for a percentage",
            "loss_rate<1ms       | --slo: 'loss_rate<1ms' has unit 'ms'; loss_rate takes a fraction or %",
            "success>=101%       | --slo: 'success>=101%' is above 100%",
    })
    void badTargetsAreNamed(String spec, String message) {
        assertThatThrownBy(() -> Slo.parse(spec)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void unknownMetricsListTheKnownOnes() {
        assertThatThrownBy(() -> Slo.parse("p99<10ms,p98<10ms")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--slo: 'p98<10ms' has unknown metric 'p98'; known: p50, p95, p99, p999, max, ")
                .hasMessageEndingWith("sent_per_sec, cpu_us")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "p99<10ms,", ",loss=0", "p99<10ms,,loss=0"})
    void emptySpecsAndTargetsAreRefused(String spec) {
        assertThatThrownBy(() -> Slo.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--slo: empty");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> Slo.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--slo: empty");
    }
}
