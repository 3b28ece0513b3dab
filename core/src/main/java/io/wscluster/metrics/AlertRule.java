package io.wscluster.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition on one {@link Figure} that must hold for a while before it fires:
 * {@code [name:] figure op threshold [for duration] [severity]}, e.g.
 * {@code slow-delivery: p99_delivery_ms > 10 for 30s warning}. Rules come from the
 * {@code alert-rules} setting: a {@code ;}-separated list in which {@code default} stands for
 * {@link #DEFAULTS} and {@code none} for no rule.
 */
public record AlertRule(String name, Figure figure, Comparison comparison, double threshold, Duration holdFor, Severity severity) {
    public enum Comparison {
        ABOVE(">"), AT_LEAST(">="), BELOW("<"), AT_MOST("<="), EQUAL("=="), NOT_EQUAL("!=");

        final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case ABOVE -> value > threshold;
                case AT_LEAST -> value >= threshold;
                case BELOW -> value < threshold;
                case AT_MOST -> value <= threshold;
                case EQUAL -> value == threshold;
                case NOT_EQUAL -> value != threshold;
            };
        }

        static Comparison parse(String symbol) {
            for (Comparison c : values()) {
                if (c.symbol.equals(symbol)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("no comparison '" + symbol + "'");
        }
    }

    public enum Severity {
        INFO, WARNING, CRITICAL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The dangers every node watches unless {@code alert-rules} says otherwise. */
    public static final String DEFAULTS = String.join("; ",
            "node-near-capacity: utilisation > 0.9 for 1m warning",
            "delivery-p99-over-target: p99_delivery_ms > 50 for 1m warning",
            "redis-unreachable: redis_up < 1 for 10s critical",
            "slow-consumer-closes-rising: slow_consumer_closes_per_min > 10 for 1m warning",
            "failover-running: failovers_running > 0 for 0s warning");

    private static final Pattern RULE = Pattern.compile(
            "^(?:([A-Za-z0-9_.-]+)\\s*:\\s*)?([a-z0-9_]+)\\s*(>=|<=|==|!=|>|<)\\s*(-?[0-9.]+(?:[eE]-?[0-9]+)?)"
                    + "(?:\\s+for\\s+([0-9]{1,9})(ms|s|m|h))?(?:\\s+(info|warning|critical))?$");

    public boolean holds(double value) {
        return comparison.holds(value, threshold);
    }

    /** The rule as it is written. */
    public String expression() {
        return figure.wireName() + " " + comparison.symbol + " " + text(threshold) + " for " + seconds(holdFor) + " " + severity.wireName();
    }

    /** The rules of an {@code alert-rules} value, or an exception, its message starting with the setting, naming what is wrong. */
    public static List<AlertRule> parseAll(String text) {
        try {
            return parseList(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("alert-rules: " + e.getMessage(), e);
        }
    }

    private static List<AlertRule> parseList(String text) {
        List<AlertRule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : text.split(";")) {
            String rule = part.trim();
            if (rule.isEmpty() || rule.equals("none")) {
                continue;
            }
            for (AlertRule r : rule.equals("default") ? parseList(DEFAULTS) : List.of(parse(rule))) {
                if (!names.add(r.name())) {
                    throw new IllegalArgumentException("two rules are named '" + r.name() + "'");
                }
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    static AlertRule parse(String rule) {
        Matcher m = RULE.matcher(rule);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + rule + "' is not [name:] figure op threshold [for 30s] [info|warning|critical]");
        }
        Figure figure = Figure.parse(m.group(2));
        double threshold;
        try {
            threshold = Double.parseDouble(m.group(4));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + m.group(4) + "' is not a number in '" + rule + "'");
        }
        Duration holdFor = m.group(5) == null ? Duration.ZERO : MetricsOptions.duration(m.group(5) + m.group(6));
        Severity severity = m.group(7) == null ? Severity.WARNING : Severity.valueOf(m.group(7).toUpperCase(Locale.ROOT));
        Comparison comparison = Comparison.parse(m.group(3));
        String name = m.group(1) != null ? m.group(1) : figure.wireName() + comparison.symbol + text(threshold);
        return new AlertRule(name, figure, comparison, threshold, holdFor, severity);
    }

    private static String text(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
