package io.wscluster.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wscluster.metrics.NodeMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one record of {@code wsc_delivery_latency_seconds} costs: the delivery path adds one per
 * message and event loop (not per delivery), into a Prometheus registry's timer with P50/P95/P99
 * over a minute, as a node has it. {@code nanoTime} is the clock read that comes with it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LatencyTimerBenchmark {
    private final NodeMetrics metrics = new NodeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private long value = 1_000_000;

    @Benchmark
    public void record() {
        metrics.delivered(value);
        value = value * 1103515245L + 12345L & 0x3FFFFFFL; // 0 to 67 ms, varied so the histogram's buckets vary
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
