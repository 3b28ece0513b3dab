package io.wscluster.metrics;

import java.time.Duration;
import java.util.List;

/**
 * What a node keeps and watches of its own figures: a history of {@code window} at one sample per
 * {@code resolution}, and alert {@code rules} checked every {@code alertInterval}.
 */
public record MetricsOptions(Duration window, Duration resolution, Duration alertInterval, List<AlertRule> rules) {
    public static final MetricsOptions DEFAULT = new MetricsOptions(Duration.ofHours(1), Duration.ofSeconds(10),
            Duration.ofSeconds(5), AlertRule.parseAll("default"));

    public MetricsOptions {
        rules = List.copyOf(rules);
    }

    public MetricsOptions withWindow(Duration d) {
        return new MetricsOptions(d, resolution, alertInterval, rules);
    }

    public MetricsOptions withResolution(Duration d) {
        return new MetricsOptions(window, d, alertInterval, rules);
    }

    public MetricsOptions withAlertInterval(Duration d) {
        return new MetricsOptions(window, resolution, d, rules);
    }

    public MetricsOptions withRules(List<AlertRule> r) {
        return new MetricsOptions(window, resolution, alertInterval, r);
    }

    /** This, or an exception naming the setting that is out of range. */
    public MetricsOptions checked() {
        if (resolution.toMillis() < 100) {
            throw new IllegalArgumentException("metrics-resolution must be at least 100ms");
        }
        if (window.compareTo(resolution) < 0 || window.toMillis() / resolution.toMillis() > 100_000) {
            throw new IllegalArgumentException("metrics-history must hold 1 to 100000 samples of metrics-resolution");
        }
        if (alertInterval.toMillis() < 100) {
            throw new IllegalArgumentException("alert-interval must be at least 100ms");
        }
        return this;
    }
}
