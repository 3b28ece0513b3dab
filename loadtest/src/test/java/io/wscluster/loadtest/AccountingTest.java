package io.wscluster.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-subscriber accounting by offset, source address ranges, and option checks. */
class AccountingTest {

    private static VirtualUser subscriber() {
        VirtualUser u = new VirtualUser(1, null, "ws://x/ws", null, false, "r");
        u.startOffset = 10;
        u.lastOffset = 10;
        u.epoch = "e";
        return u;
    }

    @Test
    void newOffsetsCountGapsAsMissingAndLateOnesAsOutOfOrder() {
        Stats stats = new Stats();
        VirtualUser u = subscriber();
        assertThat(u.accept("e", 11, stats)).isTrue();
        assertThat(u.accept("e", 14, stats)).isTrue();
        assertThat(u.missing()).isEqualTo(2);
        assertThat(u.accept("e", 12, stats)).isTrue();
        assertThat(stats.outOfOrder.sum()).isEqualTo(1);
        assertThat(u.accept("e", 14, stats)).isFalse();
        assertThat(stats.duplicates.sum()).isEqualTo(1);
        assertThat(u.received).isEqualTo(3);
        assertThat(u.missing()).isEqualTo(1);
    }

    @Test
    void aNewEpochStartsANewStream() {
        Stats stats = new Stats();
        VirtualUser u = subscriber();
        assertThat(u.accept("e2", 1, stats)).isTrue();
        assertThat(u.accept("e2", 2, stats)).isTrue();
        assertThat(stats.duplicates.sum()).isZero();
    }

    @Test
    void sourceAddressRangesExpand() {
        assertThat(SourceAddresses.parse(List.of("127.0.0.2-127.0.0.4", "127.0.1.1"))).hasSize(4);
        assertThatThrownBy(() -> SourceAddresses.parse(List.of("127.0.0.9-127.0.0.2")))
                .hasMessageContaining("--source-ips");
    }

    @Test
    void optionsNameTheBadOption() {
        assertThatThrownBy(() -> LoadTestOptions.builder().connections(0).build()).hasMessageStartingWith("--connections");
        assertThatThrownBy(() -> LoadTestOptions.builder().url("http://x").build()).hasMessageStartingWith("--url");
        assertThatThrownBy(() -> LoadTestOptions.builder().scenario(Scenario.P2P).build()).hasMessageStartingWith("--jwt-secret");
        assertThatThrownBy(() -> Scenario.parse("storm")).hasMessageContaining("reconnect-storm");
    }

    @Test
    void preflightSaysHowManyWorkersAndRefusesWhatCannotFit() {
        long perProcess = Preflight.maxOpenFiles() - Preflight.RESERVED_FILES;
        int connections = (int) Math.min(Integer.MAX_VALUE, perProcess * 2 + 1);
        LoadTestOptions auto = LoadTestOptions.builder().connections(connections).sourceIps(List.of("127.0.0.2-127.0.0.20")).build();
        assertThat(Preflight.workers(auto)).isEqualTo(3);
        LoadTestOptions tooFew = LoadTestOptions.builder().connections(connections).workers(1)
                .sourceIps(List.of("127.0.0.2-127.0.0.20")).build();
        assertThatThrownBy(() -> Preflight.workers(tooFew)).hasMessageContaining("--workers 3").hasMessageContaining("ulimit -n");
        LoadTestOptions noPorts = LoadTestOptions.builder().connections((int) Preflight.ephemeralPorts() + 1).workers(100).build();
        assertThatThrownBy(() -> Preflight.workers(noPorts)).hasMessageContaining("--source-ips 127.0.0.2-");
    }
}
