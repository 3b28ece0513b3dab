package io.wscluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionMemoryTest {
    @TempDir
    Path dir;

    @Test
    void sharesAreTheNodesMemoryOverItsConnectionsAndTheKernelsPerSocket() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Gauge.builder("jvm.memory.used", () -> 300.0).tag("area", "heap").tag("id", "eden").register(registry);
        Gauge.builder("jvm.memory.used", () -> 100.0).tag("area", "heap").tag("id", "old").register(registry);
        Gauge.builder("jvm.memory.used", () -> 999.0).tag("area", "nonheap").tag("id", "code").register(registry);
        Gauge.builder("wsc_netty_direct_memory", () -> 80.0).register(registry);
        Path sockstat = dir.resolve("sockstat");
        Files.writeString(sockstat, "sockets: used 300\nTCP: inuse 10 orphan 0 tw 2 alloc 20 mem 5\nUDP: inuse 1 mem 0\n");
        ConnectionMemory.Shares s = new ConnectionMemory(registry, () -> 4, sockstat).shares();
        assertThat(s.heapPerConnection()).isEqualTo(100);
        assertThat(s.directPerConnection()).isEqualTo(20);
        assertThat(s.kernelBytesPerSocket()).as("5 pages over 20 sockets").isEqualTo(1024);
        assertThat(s.kernelBytes()).isEqualTo(4096);
    }

    @Test
    void withoutSockstatTheKernelShareIsUnknownAndWithoutConnectionsNothingIsDivided() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectionMemory.Shares s = new ConnectionMemory(registry, () -> 0, dir.resolve("absent")).shares();
        assertThat(s.kernelBytesPerSocket()).isEqualTo(-1);
        assertThat(s.kernelBytes()).isEqualTo(-1);
        assertThat(s.heapPerConnection()).isZero();
    }
}
