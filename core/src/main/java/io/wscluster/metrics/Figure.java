package io.wscluster.metrics;

import java.util.Locale;

/**
 * The key figures a node keeps a history of, checks alert rules against and shows on the
 * dashboard: each read from one meter of the node's registry, and how the figures of several nodes
 * make the cluster's.
 */
public enum Figure {
    CONNECTIONS(Source.GAUGE, "wsc_connections", Across.SUM, 1),
    MESSAGES_IN_PER_SEC(Source.RATE, "wsc_messages_in", Across.SUM, 1),
    MESSAGES_OUT_PER_SEC(Source.RATE, "wsc_messages_out", Across.SUM, 1),
    BYTES_IN_PER_SEC(Source.RATE, "wsc_bytes_in", Across.SUM, 1),
    BYTES_OUT_PER_SEC(Source.RATE, "wsc_bytes_out", Across.SUM, 1),
    ERRORS_PER_SEC(Source.RATE, "wsc_errors", Across.SUM, 1),
    SLOW_CONSUMER_CLOSES_PER_MIN(Source.RATE, "wsc_slow_consumers_closed", Across.SUM, 60),
    P50_DELIVERY_MS(Source.PERCENTILE, NodeMetrics.DELIVERY_LATENCY, Across.MAX, 0.5),
    P95_DELIVERY_MS(Source.PERCENTILE, NodeMetrics.DELIVERY_LATENCY, Across.MAX, 0.95),
    P99_DELIVERY_MS(Source.PERCENTILE, NodeMetrics.DELIVERY_LATENCY, Across.MAX, 0.99),
    P99_PUBLISH_MS(Source.PERCENTILE, NodeMetrics.PUBLISH_LATENCY, Across.MAX, 0.99),
    CPU(Source.GAUGE, "process.cpu.usage", Across.MEAN, 1),
    UTILISATION(Source.GAUGE, "wsc_node_utilisation", Across.MEAN, 1),
    HEAP_USED_MB(Source.GAUGE, "jvm.memory.used", Across.SUM, 1.0 / (1 << 20), "area", "heap"),
    DIRECT_MEMORY_MB(Source.GAUGE, "wsc_netty_direct_memory", Across.SUM, 1.0 / (1 << 20)),
    REDIS_UP(Source.GAUGE, "wsc_redis_up", Across.MIN, 1),
    FAILOVERS_RUNNING(Source.GAUGE, "wsc_failovers_running", Across.SUM, 1),
    ALERTS_FIRING(Source.GAUGE, "wsc_alerts_firing", Across.SUM, 1);

    /** How a figure is read from its meter. */
    enum Source {
        /** The sum of the meter's gauges over their tags, times {@link #factor}. */
        GAUGE,
        /** The growth of the sum of the meter's counters over their tags since the last sample, per second, times {@link #factor}. */
        RATE,
        /** The percentile {@link #factor} of the meter's timer over its window, in milliseconds. */
        PERCENTILE
    }

    /** How the figures of several nodes at one time make the cluster's. */
    public enum Across { SUM, MEAN, MAX, MIN }

    final Source source;
    final String meter;
    final Across across;
    final double factor;
    /** Tags the meter's series must have to count (key, value, ...). */
    final String[] tags;
    private final String wireName = name().toLowerCase(Locale.ROOT);

    Figure(Source source, String meter, Across across, double factor, String... tags) {
        this.tags = tags;
        this.source = source;
        this.meter = meter;
        this.across = across;
        this.factor = factor;
    }

    /** The name in the API, the dashboard and alert rules: {@code p99_delivery_ms}. */
    public String wireName() {
        return wireName;
    }

    public Across across() {
        return across;
    }

    /** The figure named {@code name}, or an exception listing the names. */
    public static Figure parse(String name) {
        for (Figure f : values()) {
            if (f.wireName.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no figure '" + name + "'; the figures are " + names());
    }

    public static String names() {
        StringBuilder out = new StringBuilder();
        for (Figure f : values()) {
            out.append(out.length() == 0 ? "" : ", ").append(f.wireName);
        }
        return out.toString();
    }
}
