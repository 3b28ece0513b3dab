package io.wscluster.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the byte and kind counting of issue 16 adds to the delivery path: per socket write, the
 * outbound limiter sizes the frame and adds it to {@code wsc_bytes_out_total} (a {@code LongAdder})
 * and to the connection's own count ({@code write}); per message and drain, the event loop bumps
 * its table of deliveries by kind and priority ({@code outSlot}). Two threads, as two event loops
 * share the adder on this machine's two cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class ByteCountBenchmark {
    private final NodeMetrics metrics = new NodeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private final ByteBuf frame = Unpooled.directBuffer(160).writeZero(140);
    private final Message message = Message.toRoom("room", Payload.of(com.fasterxml.jackson.databind.node.TextNode.valueOf("x")), null,
            Priority.NORMAL);

    /** One thread's own state: its size estimator, its connection's count and its loop's table. */
    @State(Scope.Thread)
    public static class Loop {
        final MessageSizeEstimator.Handle sizes = DefaultMessageSizeEstimator.DEFAULT.newHandle();
        final int[] counts = new int[NodeMetrics.OUT_SLOTS];
        long written;
    }

    @Benchmark
    public long write(Loop loop) {
        int size = loop.sizes.size(frame);
        loop.written += size;
        metrics.bytesOut(size);
        return loop.written;
    }

    @Benchmark
    public int outSlot(Loop loop) {
        return ++loop.counts[NodeMetrics.outSlot(message)];
    }
}
