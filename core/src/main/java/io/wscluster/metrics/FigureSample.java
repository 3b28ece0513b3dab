package io.wscluster.metrics;

/** The {@link Figure}s of one node at one time: {@code values} indexed by {@link Figure#ordinal()}. */
public record FigureSample(long atMillis, double[] values) {
    public double get(Figure f) {
        return values[f.ordinal()];
    }
}
