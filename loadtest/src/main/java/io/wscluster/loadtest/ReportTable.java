package io.wscluster.loadtest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The end-of-run summary as aligned plain text, one figure per line:
 *
 * <pre>
 * scenario            fanout
 * duration            60.0 s
 * connections         10000 (success 100.00%, 10000 attempts, 0 failed)
 * connect latency     p50 1.23 ms   p99 8.41 ms   max 20.1 ms
 * message latency     p50 0.912 ms   p95 2.10 ms   p99 4.30 ms   p99.9 7.00 ms   max 12.0 ms
 * messages            sent 1000/s   delivered 100000/s   5.20 MB/s
 * accounting          expected 1000000   received 1000000   lost 0   duplicates 0   out of order 0
 * reconnects          0
 * server CPU          3.10 µs per delivered message
 * errors              none
 * </pre>
 *
 * <p>Latencies keep about three significant digits (HdrHistogram's precision); counts and rates are
 * plain integers, so scripts can cut them out. {@link #rows} gives the same figures as label and
 * value pairs for {@link ReportHtml}.
 */
public final class ReportTable {
    private static final int LABEL_WIDTH = 20;

    private ReportTable() {
    }

    public static String render(RunReport r) {
        StringBuilder out = new StringBuilder();
        for (String[] row : rows(r)) {
            out.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%s%n", row[0], row[1]));
        }
        return out.toString();
    }

    /** The summary as {label, value} pairs; continuation lines (more errors) have an empty label. */
    static List<String[]> rows(RunReport r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("scenario", printable(r.scenario())));
        rows.add(row("duration", fixed(r.durationSeconds(), 1) + " s"));
        rows.add(row("connections", connections(r)));
        Histogram c = r.connectLatency();
        rows.add(row("connect latency", c.getTotalCount() == 0 ? "none"
                : percentiles(c, new double[] {50, 99}, new String[] {"p50", "p99"})));
        Histogram m = r.messageLatency();
        rows.add(row("message latency", m.getTotalCount() == 0 ? "no messages"
                : percentiles(m, new double[] {50, 95, 99, 99.9}, new String[] {"p50", "p95", "p99", "p99.9"})));
        rows.add(row("messages", "sent " + rate(r.sentPerSec()) + "/s   delivered " + rate(r.deliveredPerSec())
                + "/s   " + fixed(r.mbPerSec(), 2) + " MB/s"));
        rows.add(row("accounting", "expected " + r.expected() + "   received " + received(r) + "   lost " + r.lost()
                + "   duplicates " + r.duplicates() + "   out of order " + r.outOfOrder()));
        rows.add(row("reconnects", Long.toString(r.reconnects())));
        double cpu = r.serverCpuUsPerDelivery();
        rows.add(row("server CPU", cpu >= 0 ? significant(cpu) + " µs per delivered message"
                : "not measured (use --server-pid)"));
        errors(r.errors(), rows);
        return rows;
    }

    private static String connections(RunReport r) {
        String open = r.connectionsTarget() > 0 && r.connectionsTarget() != r.connectionsPeak()
                ? r.connectionsPeak() + " of " + r.connectionsTarget() : Long.toString(r.connectionsPeak());
        if (r.connectAttempts() == 0) {
            return open + " (no connection attempts)";
        }
        return open + " (success " + percent(r.successRate()) + ", " + r.connectAttempts() + " attempts, "
                + r.connectFailures() + " failed)";
    }

    private static String percentiles(Histogram h, double[] levels, String[] names) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < levels.length; i++) {
            s.append(names[i]).append(' ').append(ms(h.getValueAtPercentile(levels[i]) / 1000.0)).append("   ");
        }
        return s.append("max ").append(ms(h.getMaxValue() / 1000.0)).toString();
    }

    /** Most frequent first; server-supplied reasons are part of the kind, so control characters go. */
    private static void errors(Map<String, Long> errors, List<String[]> rows) {
        if (errors.isEmpty()) {
            rows.add(row("errors", "none"));
            return;
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(errors.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        int width = sorted.stream().mapToInt(e -> Long.toString(e.getValue()).length()).max().orElse(1);
        for (int i = 0; i < sorted.size(); i++) {
            Map.Entry<String, Long> e = sorted.get(i);
            rows.add(row(i == 0 ? "errors" : "", String.format(Locale.ROOT, "%" + width + "d  %s", e.getValue(),
                    printable(e.getKey()))));
        }
    }

    /** Distinct messages that arrived among those expected: the counterpart of {@link RunReport#expected()}. */
    static long received(RunReport r) {
        long received = r.receivedDirect();
        for (RoomTally t : r.rooms().values()) {
            received += t.received();
        }
        return received;
    }

    private static String[] row(String label, String value) {
        return new String[] {label, value};
    }

    /** Milliseconds with about three significant digits: 0.412 ms, 8.43 ms, 20.1 ms, 1520 ms. */
    static String ms(double ms) {
        return significant(ms) + " ms";
    }

    /** About three significant digits, never more than three decimals, no exponent. */
    static String significant(double v) {
        double a = Math.abs(v);
        if (v == 0) {
            return "0";
        }
        return fixed(v, a < 1 ? 3 : a < 10 ? 2 : a < 1000 ? 1 : 0);
    }

    /** A rate as a plain integer; a single decimal only below 10, where rounding would hide it. */
    static String rate(double perSec) {
        return perSec >= 10 || perSec == Math.rint(perSec) ? fixed(perSec, 0) : fixed(perSec, 1);
    }

    /** A fraction as a percentage with two decimals, rounded down so that a failure never shows as 100.00%. */
    static String percent(double fraction) {
        // Rounded to 6 places first, so that 0.9999 * 100 = 99.98999... still reads 99.99%.
        return BigDecimal.valueOf(fraction * 100).setScale(6, RoundingMode.HALF_UP).setScale(2, RoundingMode.FLOOR)
                .toPlainString() + "%";
    }

    static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Keeps a line a line: control characters (a newline in a server's close reason) become spaces. */
    static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", " ");
    }
}
