package io.wscluster.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTableTest {

    @Test
    void showsTheKeyFiguresOfATypicalRun() {
        String sut = ReportTable.render(Reports.typical().build());

        assertThat(sut).contains(
                "scenario            fanout\n",
                "duration            10.0 s\n",
                "connections         100 (success 100.00%, 100 attempts, 0 failed)\n",
                "connect latency     p50 2.00 ms   p99 2.00 ms   max 2.00 ms\n",
                "message latency     p50 50.0 ms   p95 95.0 ms   p99 99.0 ms   p99.9 100.0 ms   max 100.0 ms\n",
                "messages            sent 100/s   delivered 10000/s   5.20 MB/s\n",
                "accounting          expected 100000   received 100000   lost 0   duplicates 0   out of order 0\n",
                "reconnects          0\n",
                "errors              none\n");
    }

    @Test
    void everyValueStartsInTheSameColumn() {
        Reports b = Reports.typical();
        b.errors.put("disconnected", 3L);
        List<String> lines = ReportTable.render(b.build()).lines().toList();

        assertThat(lines).hasSizeGreaterThan(9).allSatisfy(line -> {
            assertThat(line.charAt(19)).isEqualTo(' ');
            assertThat(line.charAt(20)).isNotEqualTo(' ');
        });
    }

    @Test
    void serverCpuIsNotMeasuredWithoutAServerPid() {
        assertThat(ReportTable.render(Reports.typical().build()))
                .contains("server CPU          not measured (use --server-pid)\n");
    }

    @Test
    void serverCpuPerDeliveredMessageWhenMeasured() {
        Reports b = Reports.typical();
        b.serverCpuMicros = 310_000; // over 100000 deliveries

        assertThat(ReportTable.render(b.build())).contains("server CPU          3.10 µs per delivered message\n");
    }

    @Test
    void errorsOneLinePerKindMostFrequentFirst() {
        Reports b = Reports.typical();
        b.errors.put("disconnected", 3L);
        b.errors.put("closed by server: 1001 going\naway", 12L);

        assertThat(ReportTable.render(b.build())).contains(
                "errors              12  closed by server: 1001 going away\n"
                + "                     3  disconnected\n");
    }

    @Test
    void lossFailuresAndTargetMissed() {
        Reports b = Reports.typical();
        b.rooms.put("room-1", new RoomTally(100, 0, 99_000, 1_000));
        b.connectionsPeak = 99_999;
        b.connectionsTarget = 100_000;
        b.connectAttempts = 100_000;
        b.connectFailures = 1;
        b.duplicates = 4;
        b.outOfOrder = 5;
        b.reconnects = 6;

        String sut = ReportTable.render(b.build());

        // 99.999% must not round up to a perfect 100.00%.
        assertThat(sut).contains("connections         99999 of 100000 (success 99.99%, 100000 attempts, 1 failed)\n",
                "expected 100000   received 99000   lost 1000   duplicates 4   out of order 5\n",
                "reconnects          6\n");
    }

    @Test
    void submillisecondLatenciesKeepTheirDigits() {
        Reports b = Reports.typical();
        b.messageLatency = Reports.histogram();
        b.messageLatency.recordValue(412);

        assertThat(ReportTable.render(b.build())).contains("p50 0.412 ms");
    }

    @Test
    void anEmptyRunSaysSo() {
        String sut = ReportTable.render(Reports.empty().build());

        assertThat(sut).contains(
                "connections         0 of 100 (no connection attempts)\n",
                "connect latency     none\n",
                "message latency     no messages\n",
                "messages            sent 0/s   delivered 0/s   0.00 MB/s\n",
                "accounting          expected 0   received 0   lost 0   duplicates 0   out of order 0\n");
    }

    @Test
    void numberFormats() {
        assertThat(ReportTable.significant(0)).isEqualTo("0");
        assertThat(ReportTable.significant(0.4123)).isEqualTo("0.412");
        assertThat(ReportTable.significant(8.434)).isEqualTo("8.43");
        assertThat(ReportTable.significant(20.14)).isEqualTo("20.1");
        assertThat(ReportTable.significant(1520.4)).isEqualTo("1520");
        assertThat(ReportTable.rate(2.5)).isEqualTo("2.5");
        assertThat(ReportTable.rate(99_999.6)).isEqualTo("100000");
        assertThat(ReportTable.percent(0.9999)).isEqualTo("99.99%");
        assertThat(ReportTable.percent(1)).isEqualTo("100.00%");
    }
}
