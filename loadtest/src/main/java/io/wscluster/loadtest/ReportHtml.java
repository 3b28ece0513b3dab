package io.wscluster.loadtest;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The report as one self-contained HTML file, to open from disk or attach to an issue: inline CSS,
 * charts as inline SVG drawn here, nothing fetched. It shows the summary of {@link ReportTable},
 * latency per second, the latency distribution and throughput per second.
 *
 * <p>The distribution is drawn like HdrHistogram's plots: the x axis is {@code log10(1 / (1 - p))},
 * so 0%, 90%, 99%, 99.9% and 99.99% are evenly spaced and the tail gets the room it deserves. The
 * 100% point (the maximum) has no place on that axis; it is drawn at the right edge.
 *
 * <p>Every string from the report (scenario, URLs, error kinds) is escaped.
 */
public final class ReportHtml {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 40;
    private static final int TOP = 30;
    private static final int BOTTOM = 44;
    /** Points per halving of the remaining distance to 100%; HdrHistogram's own output uses 5. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    /** The distribution axis ends between 99.9% (3) and 99.99999% (7), as far as the data goes. */
    private static final int MIN_NINES = 3;
    private static final int MAX_NINES = 7;
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String CSS = "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:800px;color:#222}"
            + "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}table{border-collapse:collapse}"
            + "td{padding:2px 12px 2px 0;vertical-align:top}td:first-child{color:#666;white-space:nowrap}"
            + "td+td{white-space:pre}.empty{color:#666;font-style:italic}svg{display:block}svg text{font-size:11px;fill:#444}";

    private ReportHtml() {
    }

    record Series(String name, String color, double[] x, double[] y) {
    }

    record Tick(double at, String label) {
    }

    /** An axis from {@code from} to {@code to}, with ticks inside that span. */
    record Axis(String label, double from, double to, List<Tick> ticks) {
        /** From zero up to the round tick at or above {@code max}: for values. */
        static Axis fromZero(String label, double max, DoubleFunction<String> format) {
            List<Tick> ticks = ReportHtml.ticks(0, max, format);
            return new Axis(label, 0, ticks.get(ticks.size() - 1).at(), ticks);
        }

        /** Exactly the data's span, round ticks inside it: for time, where blank space would mislead. */
        static Axis tight(String label, double min, double max, DoubleFunction<String> format) {
            double to = max > min ? max : min + 1;
            return new Axis(label, min, to, ReportHtml.ticks(min, to, format).stream()
                    .filter(t -> t.at() >= min - 1e-9 && t.at() <= to + 1e-9).toList());
        }
    }

    public static void write(RunReport r, Path file) throws IOException {
        Files.writeString(file, render(r));
    }

    static String render(RunReport r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>wsc loadtest: ")
                .append(esc(r.scenario())).append("</title>\n<style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>wsc loadtest: ").append(esc(r.scenario())).append("</h1>\n<p>Started ")
                .append(esc(DATE.format(Instant.ofEpochMilli(r.startedAtMillis())))).append(", measured for ")
                .append(esc(ReportTable.fixed(r.durationSeconds(), 1))).append(" s, against:</p>\n<ul>\n");
        for (String url : r.urls()) {
            h.append("<li><code>").append(esc(url)).append("</code></li>\n");
        }
        h.append("</ul>\n<h2>Summary</h2>\n<table>\n");
        for (String[] row : ReportTable.rows(r)) {
            h.append("<tr><td>").append(esc(row[0])).append("</td><td>").append(esc(row[1])).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Latency over time</h2>\n").append(latencyOverTime(r));
        h.append("<h2>Latency distribution</h2>\n").append(latencyDistribution(r.messageLatency()));
        h.append("<h2>Throughput over time</h2>\n").append(throughputOverTime(r));
        return h.append("</body></html>\n").toString();
    }

    private static String latencyOverTime(RunReport r) {
        if (r.messageLatency().getTotalCount() == 0) {
            return empty("no messages in this run");
        }
        if (r.timeline().isEmpty()) {
            return empty("no timeline in this run");
        }
        double[] seconds = timeline(r, Sample::second);
        List<Series> series = List.of(
                new Series("p50", "#1f77b4", seconds, timeline(r, Sample::p50Ms)),
                new Series("p99", "#ff7f0e", seconds, timeline(r, Sample::p99Ms)),
                new Series("max", "#d62728", seconds, timeline(r, Sample::maxMs)));
        return timeChart(series, Axis.fromZero("latency (ms)", maxY(series), ReportHtml::number));
    }

    private static String throughputOverTime(RunReport r) {
        if (r.timeline().isEmpty()) {
            return empty("no timeline in this run");
        }
        double[] seconds = timeline(r, Sample::second);
        List<Series> series = List.of(
                new Series("delivered/s", "#2ca02c", seconds, timeline(r, Sample::deliveredPerSec)),
                new Series("sent/s", "#1f77b4", seconds, timeline(r, Sample::sentPerSec)));
        double max = maxY(series);
        // One unit for the whole axis: 0, 20k, 40k rather than 5000, 10k.
        double unit = max >= 1e6 ? 1e6 : max >= 1e4 ? 1e3 : 1;
        String suffix = unit == 1e6 ? "M" : unit == 1e3 ? "k" : "";
        DoubleFunction<String> label = v -> v == 0 ? "0" : number(v / unit) + suffix;
        return timeChart(series, Axis.fromZero("messages per second", max, label));
    }

    private static String timeChart(List<Series> series, Axis y) {
        double[] x = series.get(0).x();
        double first = Arrays.stream(x).min().orElse(0);
        double last = Arrays.stream(x).max().orElse(0);
        return lineChart(series, Axis.tight("second of the run", first, last, ReportHtml::number), y);
    }

    private static double maxY(List<Series> series) {
        return series.stream().flatMapToDouble(s -> Arrays.stream(s.y())).max().orElse(0);
    }

    private static String latencyDistribution(Histogram h) {
        if (h.getTotalCount() == 0) {
            return empty("no messages in this run");
        }
        List<double[]> points = new ArrayList<>();
        double maxNines = 0;
        for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double p = v.getPercentileLevelIteratedTo() / 100;
            double nines = p >= 1 ? Double.POSITIVE_INFINITY : Math.log10(1 / (1 - p));
            if (p < 1) {
                maxNines = Math.max(maxNines, nines);
            }
            points.add(new double[] {nines, v.getValueIteratedTo() / 1000.0});
        }
        int axisEnd = Math.min(MAX_NINES, Math.max(MIN_NINES, (int) Math.ceil(maxNines)));
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(points.get(i)[0], axisEnd);
            y[i] = points.get(i)[1];
        }
        List<Tick> xTicks = new ArrayList<>();
        for (int k = 0; k <= axisEnd; k++) {
            BigDecimal level = BigDecimal.ONE.subtract(BigDecimal.ONE.movePointLeft(k)).movePointRight(2);
            xTicks.add(new Tick(k, level.stripTrailingZeros().toPlainString() + "%"));
        }
        return lineChart(List.of(new Series("message latency", "#1f77b4", x, y)), new Axis("percentile", 0, axisEnd, xTicks),
                Axis.fromZero("latency (ms)", h.getMaxValue() / 1000.0, ReportHtml::number));
    }

    /** An SVG line chart of series within the axes' spans, with grid lines at the y ticks and the legend above. */
    static String lineChart(List<Series> series, Axis xAxis, Axis yAxis) {
        double x0 = xAxis.from();
        double x1 = xAxis.to();
        double y0 = yAxis.from();
        double y1 = yAxis.to();
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        DoubleUnaryOperator px = x -> LEFT + (x - x0) / (x1 - x0) * plotW;
        DoubleUnaryOperator py = y -> TOP + (1 - (y - y0) / (y1 - y0)) * plotH;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        for (Tick t : yAxis.ticks()) {
            double y = py.applyAsDouble(t.at());
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, esc(t.label())));
        }
        for (Tick t : xAxis.ticks()) {
            double x = px.applyAsDouble(t.at());
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, TOP + plotH, x, TOP + plotH + 5, x, TOP + plotH + 18, esc(t.label())));
        }
        s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"#888\" points=\"%d,%d %d,%d %d,%d\"/>%n",
                LEFT, TOP, LEFT, TOP + plotH, WIDTH - RIGHT, TOP + plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, HEIGHT - 6, esc(xAxis.label())));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                TOP + plotH / 2, esc(yAxis.label())));
        int legendX = LEFT;
        for (Series ser : series) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"14\">%s</text>%n", legendX, ser.color(), legendX + 18, esc(ser.name())));
            legendX += 30 + 7 * ser.name().length();
        }
        for (Series ser : series) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < ser.x().length; i++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(ser.x()[i]),
                        py.applyAsDouble(ser.y()[i])));
            }
            if (ser.x().length == 1) {
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                        px.applyAsDouble(ser.x()[0]), py.applyAsDouble(ser.y()[0]), ser.color()));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(ser.color()).append("\" points=\"")
                    .append(points.toString().trim()).append("\"/>\n");
        }
        return s.append("</svg>\n").toString();
    }

    /** Round ticks (steps of 1, 2 or 5 times a power of ten) from at or below {@code min} to at or above {@code max}. */
    static List<Tick> ticks(double min, double max, DoubleFunction<String> label) {
        if (!(max > min)) {
            max = min + 1;
        }
        double raw = (max - min) / 8; // 5 to 9 ticks
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
        double start = Math.floor(min / step) * step;
        int n = (int) Math.ceil((max - start) / step - 1e-9);
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            double at = start + i * step;
            ticks.add(new Tick(at, label.apply(at)));
        }
        return ticks;
    }

    /** A tick value without float noise or trailing zeros: 0.6, 20, 2.5. */
    static String number(double v) {
        return v == 0 ? "0" : new BigDecimal(v, new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static double[] timeline(RunReport r, ToDoubleFunction<Sample> f) {
        return r.timeline().stream().mapToDouble(f).toArray();
    }

    private static String empty(String why) {
        return "<p class=\"empty\">" + esc(why) + "</p>\n";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
