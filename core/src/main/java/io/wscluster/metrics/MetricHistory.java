package io.wscluster.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's recent {@link FigureSample}s, one per {@code resolution}, as many as fit in {@code
 * window} (an hour at 10 s by default: 360 samples of 18 figures, about 60 KB): the oldest is
 * dropped as a new one comes. Thread-safe.
 */
public final class MetricHistory {
    private final Duration window;
    private final Duration resolution;
    private final FigureSample[] ring;
    private int next;
    private int size;

    public MetricHistory(Duration window, Duration resolution) {
        this.window = window;
        this.resolution = resolution;
        this.ring = new FigureSample[(int) Math.max(1, window.toMillis() / Math.max(1, resolution.toMillis()))];
    }

    public Duration window() {
        return window;
    }

    public Duration resolution() {
        return resolution;
    }

    public synchronized void add(FigureSample sample) {
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The samples taken at or after {@code fromMillis}, oldest first. */
    public synchronized List<FigureSample> since(long fromMillis) {
        List<FigureSample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            FigureSample s = ring[(next - size + i + ring.length) % ring.length];
            if (s.atMillis() >= fromMillis) {
                out.add(s);
            }
        }
        return out;
    }

    /** The newest sample, or null before the first. */
    public synchronized FigureSample latest() {
        return size == 0 ? null : ring[(next - 1 + ring.length) % ring.length];
    }
}
