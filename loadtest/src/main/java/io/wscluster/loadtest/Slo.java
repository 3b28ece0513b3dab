package io.wscluster.loadtest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Service-level objectives a run must meet, from {@code --slo}; a run that misses one fails.
 *
 * <p>Grammar (whitespace around the parts is allowed):
 *
 * <pre>
 * spec   = target *( "," target )
 * target = metric op number [ unit ]
 * op     = "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "="
 * number = digits [ "." digits ]          (no sign, no exponent)
 * </pre>
 *
 * <table>
 * <caption>Metrics</caption>
 * <tr><th>metric</th><th>what</th><th>units</th></tr>
 * <tr><td>p50, p95, p99, p999, max</td><td>message latency</td><td>ms (default), us, s</td></tr>
 * <tr><td>connect_p99, connect_max</td><td>connect latency</td><td>ms (default), us, s</td></tr>
 * <tr><td>loss</td><td>messages lost ({@link RunReport#lost()})</td><td>none</td></tr>
 * <tr><td>loss_rate</td><td>lost / expected (0 when nothing was expected)</td><td>fraction, or %</td></tr>
 * <tr><td>success</td><td>connection success rate</td><td>fraction, or %</td></tr>
 * <tr><td>duplicates, out_of_order</td><td>counts</td><td>none</td></tr>
 * <tr><td>errors</td><td>all errors of every kind</td><td>none</td></tr>
 * <tr><td>delivered_per_sec, sent_per_sec</td><td>message rates</td><td>none</td></tr>
 * <tr><td>cpu_us</td><td>server CPU microseconds per delivered message</td><td>none</td></tr>
 * </table>
 *
 * <p>Example: {@code p99<10ms,p999<50ms,loss=0,success>=99.9%,cpu_us<5}. A fraction without
 * {@code %} above 1 is refused ({@code success>=99.9} is almost certainly meant as a percentage).
 *
 * <p>A target that cannot be judged is missed: a latency target in a run without messages (or
 * connections, for connect latency), {@code cpu_us} without {@code --server-pid}. Latencies are
 * HdrHistogram's, as in the report, so they may read up to 0.1% above the recorded value.
 * Comparisons forgive float noise ({@code 0.999 >= 99.9%} holds).
 */
public final class Slo {
    private static final Pattern TARGET =
            Pattern.compile("([A-Za-z0-9_]+)\\s*(<=|>=|<|>|=)\\s*(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*([A-Za-zµ%]*)");
    private static final double TOLERANCE = 1e-9;

    private final List<Target> targets;

    private Slo(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    private enum Kind { LATENCY, CONNECT_LATENCY, COUNT, RATE, FRACTION, CPU }

    private enum Metric {
        P50(Kind.LATENCY, r -> r.messageLatency().getValueAtPercentile(50) / 1000.0),
        P95(Kind.LATENCY, r -> r.messageLatency().getValueAtPercentile(95) / 1000.0),
        P99(Kind.LATENCY, r -> r.messageLatency().getValueAtPercentile(99) / 1000.0),
        P999(Kind.LATENCY, r -> r.messageLatency().getValueAtPercentile(99.9) / 1000.0),
        MAX(Kind.LATENCY, r -> r.messageLatency().getMaxValue() / 1000.0),
        CONNECT_P99(Kind.CONNECT_LATENCY, r -> r.connectLatency().getValueAtPercentile(99) / 1000.0),
        CONNECT_MAX(Kind.CONNECT_LATENCY, r -> r.connectLatency().getMaxValue() / 1000.0),
        LOSS(Kind.COUNT, RunReport::lost),
        LOSS_RATE(Kind.FRACTION, r -> r.expected() <= 0 ? 0 : (double) r.lost() / r.expected()),
        SUCCESS(Kind.FRACTION, RunReport::successRate),
        DUPLICATES(Kind.COUNT, RunReport::duplicates),
        OUT_OF_ORDER(Kind.COUNT, RunReport::outOfOrder),
        ERRORS(Kind.COUNT, r -> r.errors().values().stream().mapToLong(Long::longValue).sum()),
        DELIVERED_PER_SEC(Kind.RATE, RunReport::deliveredPerSec),
        SENT_PER_SEC(Kind.RATE, RunReport::sentPerSec),
        CPU_US(Kind.CPU, RunReport::serverCpuUsPerDelivery);

        final Kind kind;
        /** In ms for latencies, as a fraction for rates of success and loss. */
        final ToDoubleFunction<RunReport> measure;

        Metric(Kind kind, ToDoubleFunction<RunReport> measure) {
            this.kind = kind;
            this.measure = measure;
        }

        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Metric of(String name) {
            for (Metric m : values()) {
                if (m.cliName().equals(name)) {
                    return m;
                }
            }
            return null;
        }
    }

    private enum Op {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double measured, double limit) {
            boolean equal = Math.abs(measured - limit) <= TOLERANCE * Math.max(1, Math.max(Math.abs(measured), Math.abs(limit)));
            return switch (this) {
                case LT -> measured < limit && !equal;
                case LE -> measured < limit || equal;
                case GT -> measured > limit && !equal;
                case GE -> measured > limit || equal;
                case EQ -> equal;
            };
        }

        static Op of(String symbol) {
            return Arrays.stream(values()).filter(o -> o.symbol.equals(symbol)).findFirst().orElseThrow();
        }
    }

    /**
     * One objective. {@code limit} is in the metric's own unit (ms, fraction); {@code unit} and
     * {@code number} are as written, to speak the user's language when it is missed.
     */
    private record Target(Metric metric, Op op, double limit, String number, String unit) {
        @Override
        public String toString() {
            return metric.cliName() + op.symbol + number + unit;
        }
    }

    /** Parses {@code spec} (see the class comment); the message of the exception names the bad part. */
    public static Slo parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--slo: empty; expected targets such as p99<10ms,loss=0");
        }
        List<Target> targets = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String text = part.trim();
            if (text.isEmpty()) {
                throw new IllegalArgumentException("--slo: empty target in '" + spec + "'");
            }
            targets.add(target(text));
        }
        return new Slo(targets);
    }

    private static Target target(String text) {
        Matcher m = TARGET.matcher(text);
        if (!m.matches()) {
            throw bad(text, "is not <metric><op><value>, e.g. p99<10ms");
        }
        Metric metric = Metric.of(m.group(1).toLowerCase(Locale.ROOT));
        if (metric == null) {
            throw bad(text, "has unknown metric '" + m.group(1) + "'; known: "
                    + Arrays.stream(Metric.values()).map(Metric::cliName).collect(Collectors.joining(", ")));
        }
        String number = m.group(3);
        double value = Double.parseDouble(number);
        String unit = m.group(4);
        double limit = switch (metric.kind) {
            case LATENCY, CONNECT_LATENCY -> switch (unit) {
                case "", "ms" -> value;
                case "us", "µs" -> value / 1000;
                case "s" -> value * 1000;
                default -> throw bad(text, "has unit '" + unit + "'; " + metric.cliName() + " takes ms, us or s");
            };
            case FRACTION -> fraction(text, metric, number, unit);
            case COUNT, RATE, CPU -> {
                if (!unit.isEmpty()) {
                    throw bad(text, "has unit '" + unit + "'; " + metric.cliName() + " takes no unit");
                }
                yield value;
            }
        };
        return new Target(metric, Op.of(m.group(2)), limit, number, unit);
    }

    private static double fraction(String text, Metric metric, String number, String unit) {
        double value = Double.parseDouble(number);
        if (unit.equals("%")) {
            if (value > 100) {
                throw bad(text, "is above 100%");
            }
            return value / 100;
        }
        if (!unit.isEmpty()) {
            throw bad(text, "has unit '" + unit + "'; " + metric.cliName() + " takes a fraction or %");
        }
        if (value > 1) {
            throw bad(text, "is a fraction above 1; write " + number + "% for a percentage");
        }
        return value;
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("--slo: '" + text + "' " + why);
    }

    /** One line per missed target, such as {@code p99 12.3 ms is not < 10 ms}; empty when all are met. */
    public List<String> violations(RunReport r) {
        List<String> missed = new ArrayList<>();
        for (Target t : targets) {
            String name = t.metric().cliName();
            String unmeasured = unmeasured(t.metric(), r);
            if (unmeasured != null) {
                missed.add(name + " not measured: " + unmeasured);
                continue;
            }
            double measured = t.metric().measure.applyAsDouble(r);
            if (!t.op().holds(measured, t.limit())) {
                missed.add(name + " " + shown(t, measured) + " is not " + t.op().symbol + " " + t.number() + unitShown(t));
            }
        }
        return missed;
    }

    private static String unmeasured(Metric metric, RunReport r) {
        return switch (metric.kind) {
            case LATENCY -> r.messageLatency().getTotalCount() == 0 ? "no messages in this run" : null;
            case CONNECT_LATENCY -> r.connectLatency().getTotalCount() == 0 ? "no connections in this run" : null;
            case CPU -> r.serverCpuUsPerDelivery() < 0 ? "use --server-pid" : null;
            default -> null;
        };
    }

    /** The measured value in the unit the target was written in. */
    private static String shown(Target t, double measured) {
        return switch (t.metric().kind) {
            case LATENCY, CONNECT_LATENCY -> ReportTable.significant(switch (t.unit()) {
                case "us", "µs" -> measured * 1000;
                case "s" -> measured / 1000;
                default -> measured;
            }) + unitShown(t);
            case FRACTION -> t.unit().equals("%") ? trimmed(measured * 100) + "%" : trimmed(measured);
            case COUNT -> Long.toString(Math.round(measured));
            case RATE -> ReportTable.rate(measured);
            case CPU -> ReportTable.significant(measured);
        };
    }

    private static String unitShown(Target t) {
        return switch (t.metric().kind) {
            case LATENCY, CONNECT_LATENCY -> " " + (t.unit().isEmpty() ? "ms" : t.unit());
            default -> t.unit();
        };
    }

    /** Up to six decimals, rounded down (98.99999 stays below 99), without trailing zeros. */
    private static String trimmed(double v) {
        return BigDecimal.valueOf(v).setScale(9, RoundingMode.HALF_UP).setScale(6, RoundingMode.FLOOR)
                .stripTrailingZeros().toPlainString();
    }

    /** The targets, normalized: {@code p99<10ms,loss=0}. */
    @Override
    public String toString() {
        return targets.stream().map(Target::toString).collect(Collectors.joining(","));
    }
}
