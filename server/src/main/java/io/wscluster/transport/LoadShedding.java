package io.wscluster.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Whether the node takes one more connection. It refuses (the upgrade gets 503 and
 * {@code Retry-After}, and the node goes on serving the clients it has) while it holds
 * {@code max-connections}, and while its heap after the last collection is above
 * {@code shed-heap-percent} of the maximum, until that falls {@value #HYSTERESIS} points below,
 * so a node at the edge does not flap. Nothing to reset: it accepts again by itself.
 *
 * <p>The heap figure is what the collector left, not what is in use now (garbage would make it
 * jump); it is read at most every {@value #HEAP_READ_MILLIS} ms, so a connection flood costs no
 * JMX call per upgrade. Thread-safe: called by every event loop.
 */
final class LoadShedding {
    static final int HYSTERESIS = 10;
    static final long HEAP_READ_MILLIS = 100;
    /** Asked of a client refused for load: long enough for the load to move, short enough to come back soon. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final int maxConnections;
    private final int heapPercent;
    private final IntSupplier connections;
    private final IntSupplier heapAfterGcPercent;
    private volatile boolean overMemory;
    private volatile long heapReadAt;
    private volatile int heapRead;

    /** @param heapPercent 0: never refuse for memory */
    LoadShedding(int maxConnections, int heapPercent, IntSupplier connections, IntSupplier heapAfterGcPercent) {
        this.maxConnections = maxConnections;
        this.heapPercent = heapPercent;
        this.connections = connections;
        this.heapAfterGcPercent = heapAfterGcPercent;
    }

    LoadShedding(int maxConnections, int heapPercent, IntSupplier connections) {
        this(maxConnections, heapPercent, connections, LoadShedding::heapAfterLastCollectionPercent);
    }

    /** Why a new connection is refused now ({@code connections} or {@code memory}), or null when it is welcome. */
    String refusal() {
        if (connections.getAsInt() >= maxConnections) {
            return "connections";
        }
        return heapPercent > 0 && overMemory() ? "memory" : null;
    }

    private boolean overMemory() {
        long now = System.nanoTime();
        if (now - heapReadAt > HEAP_READ_MILLIS * 1_000_000) {
            heapRead = heapAfterGcPercent.getAsInt();
            heapReadAt = now;
            overMemory = overMemory ? heapRead >= heapPercent - HYSTERESIS : heapRead >= heapPercent;
        }
        return overMemory;
    }

    /** The heap the last collection left, in percent of the maximum (0 when the JVM does not say). */
    static int heapAfterLastCollectionPercent() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        if (max <= 0) {
            return 0;
        }
        long used = 0;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP && pool.isValid() ? pool.getCollectionUsage() : null;
            if (after != null) {
                used += after.getUsed();
            }
        }
        return (int) (used * 100 / max);
    }
}
