package io.wscluster.metrics;

import java.time.Duration;
import java.util.List;

/**
 * What a node keeps and watches of its own figures: a history of {@code window} at one sample per
 * {@code resolution}, and a fresh sample every {@code interval}: checked against the alert
 * {@code rules} and published live.
 */
public record MetricsOptions(Duration window, Duration resolution, Duration interval, List<AlertRule> rules) {
    // Before DEFAULT, whose rules are parsed with it.
    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    public static final MetricsOptions DEFAULT = new MetricsOptions(Duration.ofHours(1), Duration.ofSeconds(10),
            Duration.ofSeconds(2), AlertRule.parseAll("default"));

    public MetricsOptions {
        rules = List.copyOf(rules);
    }

    public MetricsOptions withWindow(Duration d) {
        return new MetricsOptions(d, resolution, interval, rules);
    }

    public MetricsOptions withResolution(Duration d) {
        return new MetricsOptions(window, d, interval, rules);
    }

    public MetricsOptions withInterval(Duration d) {
        return new MetricsOptions(window, resolution, d, rules);
    }

    public MetricsOptions withRules(List<AlertRule> r) {
        return new MetricsOptions(window, resolution, interval, r);
    }

    /** A duration as alert rules and history windows are written: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 1h}. */
    public static Duration duration(String text) {
        java.util.regex.Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s, 15m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** This, or an exception naming the setting that is out of range. */
    public MetricsOptions checked() {
        if (resolution.toMillis() < 100) {
            throw new IllegalArgumentException("metrics-resolution must be at least 100ms");
        }
        if (window.compareTo(resolution) < 0 || window.toMillis() / resolution.toMillis() > 100_000) {
            throw new IllegalArgumentException("metrics-history must hold 1 to 100000 samples of metrics-resolution");
        }
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("metrics-interval must be at least 100ms");
        }
        return this;
    }
}
