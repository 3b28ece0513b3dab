package io.wscluster.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.wscluster.resources.NodeResources;

/**
 * The meters of the process a node or gateway runs in: JVM memory (heap, and the direct buffer
 * pool), garbage collection, threads, classes, CPU, open files, uptime, Netty's buffer allocator,
 * and the build ({@code wsc_build}). Micrometer's binders, named as Micrometer names them.
 */
public final class ProcessMeters {
    public static final String BUILD = "wsc_build";
    public static final String NETTY_DIRECT = "wsc_netty_direct_memory";
    public static final String NETTY_HEAP = "wsc_netty_heap_memory";

    private ProcessMeters() {
    }

    /** Binds them to {@code registry}; the garbage collection listeners go when {@code resources} close. */
    public static void bindTo(MeterRegistry registry, NodeResources resources) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        resources.own(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider netty) {
            Gauge.builder(NETTY_DIRECT, netty, p -> p.metric().usedDirectMemory()).baseUnit("bytes")
                    .description("Direct memory held by Netty's buffer allocator (socket buffers, encoded frames)").register(registry);
            Gauge.builder(NETTY_HEAP, netty, p -> p.metric().usedHeapMemory()).baseUnit("bytes")
                    .description("Heap memory held by Netty's buffer allocator").register(registry);
        }
        Gauge.builder(BUILD, () -> 1).description("Always 1; the labels say which build and which Java run here")
                .tag("version", version()).tag("java", System.getProperty("java.version", "unknown")).register(registry);
    }

    /** The version the jar's manifest names, or {@code dev} when run from classes. */
    static String version() {
        String v = ProcessMeters.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
