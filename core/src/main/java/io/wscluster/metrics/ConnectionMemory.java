package io.wscluster.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * What a connection costs in memory, live: the JVM heap in use, Netty's direct memory and the
 * kernel's TCP memory, each over the connections that hold it. Heap and direct memory are the
 * node's whole (its caches too), so their shares are upper bounds that approach the true cost as
 * connections dominate. The kernel's share is an estimate: Linux reports TCP memory for the whole
 * machine ({@code /proc/net/sockstat}), so it is that over the machine's TCP sockets, times this
 * node's connections; absent where there is no such file.
 */
public final class ConnectionMemory {
    private static final Path SOCKSTAT = Path.of("/proc/net/sockstat");
    private static final long PAGE = 4096;
    public static final String PER_CONNECTION = "wsc_memory_per_connection_bytes";

    /** The figures at one time; a per-connection figure is 0 without connections, a kernel figure -1 where unknown. */
    public record Shares(int connections, double heapUsedBytes, double directBytes, double kernelBytesPerSocket) {
        public double heapPerConnection() {
            return connections == 0 ? 0 : heapUsedBytes / connections;
        }

        public double directPerConnection() {
            return connections == 0 ? 0 : directBytes / connections;
        }

        /** This node's connections times the machine's TCP memory per socket; -1 where unknown. */
        public double kernelBytes() {
            return kernelBytesPerSocket < 0 ? -1 : kernelBytesPerSocket * connections;
        }
    }

    private final MeterRegistry registry;
    private final IntSupplier connections;
    private final Path sockstat;

    public ConnectionMemory(MeterRegistry registry, IntSupplier connections) {
        this(registry, connections, SOCKSTAT);
    }

    ConnectionMemory(MeterRegistry registry, IntSupplier connections, Path sockstat) {
        this.registry = registry;
        this.connections = connections;
        this.sockstat = sockstat;
    }

    /** Registers {@code wsc_memory_per_connection_bytes{kind=heap|direct|kernel}}. */
    public ConnectionMemory register() {
        // Each gauge reads only its own source: the heap and direct ones never open /proc/net/sockstat.
        Gauge.builder(PER_CONNECTION, this, m -> m.perConnection(m.heapUsed())).tag("kind", "heap")
                .description("Memory per WebSocket connection, by kind: heap and direct are the node's in use over its connections"
                        + " (upper bounds), kernel the machine's TCP memory per socket (an estimate; -1 where unknown)")
                .register(registry);
        Gauge.builder(PER_CONNECTION, this, m -> m.perConnection(m.direct())).tag("kind", "direct").register(registry);
        Gauge.builder(PER_CONNECTION, this, ConnectionMemory::kernelPerSocket).tag("kind", "kernel").register(registry);
        return this;
    }

    public Shares shares() {
        return new Shares(connections.getAsInt(), heapUsed(), direct(), kernelPerSocket());
    }

    private double heapUsed() {
        return FigureSampler.gauges(registry, Figure.HEAP_USED_MB.meter, Figure.HEAP_USED_MB.tags);
    }

    private double direct() {
        return FigureSampler.gauges(registry, Figure.DIRECT_MEMORY_MB.meter);
    }

    private double perConnection(double total) {
        int n = connections.getAsInt();
        return n == 0 ? 0 : total / n;
    }

    /** The machine's TCP memory over its TCP sockets, from {@code TCP: inuse N orphan O tw T alloc A mem M} (M in pages). */
    double kernelPerSocket() {
        try {
            for (String line : Files.readAllLines(sockstat)) {
                if (line.startsWith("TCP:")) {
                    String[] f = line.trim().split("\\s+");
                    long alloc = -1;
                    long mem = -1;
                    for (int i = 1; i + 1 < f.length; i += 2) {
                        if (f[i].equals("alloc")) {
                            alloc = Long.parseLong(f[i + 1]);
                        } else if (f[i].equals("mem")) {
                            mem = Long.parseLong(f[i + 1]);
                        }
                    }
                    return alloc > 0 && mem >= 0 ? (double) mem * PAGE / alloc : -1;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
