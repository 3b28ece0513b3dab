package io.wscluster.metrics;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Samples this process's load: CPU, heap, and message rates from the node's counters. {@link
 * #sample()} is called periodically (every heartbeat); readers get the figures of the last sample.
 */
public final class LoadSampler {
    private final NodeMetrics metrics;
    private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long lastNanos = System.nanoTime();
    private long lastIn;
    private long lastOut;
    private long lastErrors;
    private volatile Load load = new Load(0, 0, 0, 0, 0);

    /**
     * One sample's figures; fractions from 0 to 1, rates per second; {@code errorRate}: errors
     * answered per message received over the interval, at most 1.
     */
    public record Load(double cpu, double memory, double messagesInPerSec, double messagesOutPerSec, double errorRate) {
    }

    public LoadSampler(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    public synchronized void sample() {
        long now = System.nanoTime();
        long in = metrics.messagesInTotal();
        long out = metrics.messagesOutTotal();
        long errors = metrics.errorsTotal();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        double cpu = Math.max(0, os.getProcessCpuLoad());
        var heap = memory.getHeapMemoryUsage();
        double mem = heap.getMax() > 0 ? (double) heap.getUsed() / heap.getMax() : 0;
        double errorRate = Math.min(1, (double) (errors - lastErrors) / Math.max(1, in - lastIn));
        load = new Load(cpu, mem, (in - lastIn) / seconds, (out - lastOut) / seconds, errorRate);
        lastNanos = now;
        lastIn = in;
        lastOut = out;
        lastErrors = errors;
    }

    public Load load() {
        return load;
    }
}
