package io.wscluster.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.concurrent.TimeUnit;

/**
 * Reads the {@link Figure}s from a node's meter registry: gauges as they are, counters as their
 * growth per second since this sampler's previous sample, latencies as the percentiles of their
 * timers' one-minute windows. A meter that is not there (a gauge of a part this node does not run)
 * reads 0. One sampler per series of samples, called from one thread at a time.
 */
public final class FigureSampler {
    private final MeterRegistry registry;
    private final double[] lastCounts = new double[Figure.values().length];
    private long lastNanos;

    public FigureSampler(MeterRegistry registry) {
        this.registry = registry;
        lastNanos = System.nanoTime();
        for (Figure f : Figure.values()) {
            if (f.source == Figure.Source.RATE) {
                lastCounts[f.ordinal()] = count(f.meter);
            }
        }
    }

    /** The figures now, at {@code atMillis}; rates over the time since the previous call (or since this sampler was made). */
    public FigureSample sample(long atMillis) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        double[] values = new double[Figure.values().length];
        for (Figure f : Figure.values()) {
            values[f.ordinal()] = switch (f.source) {
                case GAUGE -> gauges(registry, f.meter, f.tags) * f.factor;
                case RATE -> {
                    double count = count(f.meter);
                    double grown = Math.max(0, count - lastCounts[f.ordinal()]);
                    lastCounts[f.ordinal()] = count;
                    yield grown / seconds * f.factor;
                }
                case PERCENTILE -> percentileMillis(f.meter, f.factor);
            };
        }
        return new FigureSample(atMillis, values);
    }

    /** The sum of the gauges named {@code name} with {@code tags} (key, value, ...); a gauge that reads NaN counts 0. */
    static double gauges(MeterRegistry registry, String name, String... tags) {
        double sum = 0;
        for (Gauge g : registry.find(name).tags(tags).gauges()) {
            double v = g.value();
            sum += Double.isFinite(v) ? v : 0;
        }
        return sum;
    }

    private double count(String name) {
        double sum = 0;
        for (Meter m : registry.find(name).meters()) {
            if (m instanceof FunctionCounter c) {
                sum += c.count();
            } else if (m instanceof io.micrometer.core.instrument.Counter c) {
                sum += c.count();
            }
        }
        return sum;
    }

    private double percentileMillis(String name, double percentile) {
        Timer timer = registry.find(name).timer();
        if (timer == null) {
            return 0;
        }
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            if (Math.abs(v.percentile() - percentile) < 1e-9) {
                return v.value(TimeUnit.NANOSECONDS) / 1e6;
            }
        }
        return 0;
    }
}
