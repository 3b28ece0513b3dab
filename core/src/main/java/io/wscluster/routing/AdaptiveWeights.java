package io.wscluster.routing;

import java.util.Locale;

/**
 * The weights of the {@link Adaptive} score; they need not add up to 1. Parsed from
 * {@code "capacity,cpu,memory,errors,throughput"}, e.g. the default {@code "0.4,0.2,0.2,0.1,0.1"}.
 */
public record AdaptiveWeights(double capacity, double cpu, double memory, double errors, double throughput) {
    public static final AdaptiveWeights DEFAULT = new AdaptiveWeights(0.40, 0.20, 0.20, 0.10, 0.10);

    public AdaptiveWeights {
        double[] all = {capacity, cpu, memory, errors, throughput};
        double sum = 0;
        for (double w : all) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("adaptive weights must be finite and >= 0");
            }
            sum += w;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("adaptive weights must not all be 0");
        }
    }

    /** Throws {@link IllegalArgumentException} naming what is wrong. */
    public static AdaptiveWeights parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 5) {
            throw new IllegalArgumentException("expected five comma-separated weights (capacity,cpu,memory,errors,throughput), got '"
                    + text + "'");
        }
        double[] w = new double[5];
        for (int i = 0; i < 5; i++) {
            try {
                w[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: '" + parts[i].trim() + "' in '" + text + "'");
            }
        }
        return new AdaptiveWeights(w[0], w[1], w[2], w[3], w[4]);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s,%s,%s,%s,%s", capacity, cpu, memory, errors, throughput);
    }
}
