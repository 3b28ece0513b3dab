package io.wscluster.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history of {@code GET /api/metrics/history} as JSON, in columns (what chart libraries
 * take): {@code at}, the samples' times in Unix seconds, and {@code figures}, one array per
 * {@link Figure} aligned with it. A cluster's history is its nodes' merged: samples in the same
 * resolution step are one time, their figures combined as each {@link Figure.Across} says.
 */
public final class HistoryJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryJson() {
    }

    /** One fresh sample of a node, as published live: {@code {"node","at","figures":{name: value}}}. */
    public static ObjectNode live(String nodeId, FigureSample sample) {
        ObjectNode out = JSON.createObjectNode().put("node", nodeId).put("at", sample.atMillis());
        ObjectNode figures = out.putObject("figures");
        for (Figure f : Figure.values()) {
            figures.put(f.wireName(), round(sample.get(f)));
        }
        return out;
    }

    /** One node's samples. */
    public static ObjectNode node(String nodeId, MetricHistory history, List<FigureSample> samples) {
        ObjectNode out = header("node", history);
        out.put("node", nodeId);
        ArrayNode at = out.putArray("at");
        samples.forEach(s -> at.add(s.atMillis() / 1000.0));
        ObjectNode figures = out.putObject("figures");
        for (Figure f : Figure.values()) {
            ArrayNode column = figures.putArray(f.wireName());
            samples.forEach(s -> column.add(round(s.get(f))));
        }
        return out;
    }

    /**
     * The cluster's history from its nodes' ({@link #node} answers, keyed by node id): each time
     * step holds the nodes that have a sample in it. {@code missing} names the nodes that gave none,
     * with why.
     */
    public static ObjectNode cluster(MetricHistory history, Map<String, JsonNode> nodes, Map<String, String> missing) {
        long step = Math.max(1, history.resolution().toMillis());
        // Per time step, per figure: the values of the nodes that have a sample in that step.
        TreeMap<Long, double[][]> steps = new TreeMap<>();
        int n = 0;
        for (JsonNode node : nodes.values()) {
            JsonNode at = node.path("at");
            for (int i = 0; i < at.size(); i++) {
                long key = Math.round(at.get(i).asDouble() * 1000) / step;
                double[][] cell = steps.computeIfAbsent(key, k -> absent(nodes.size()));
                for (Figure f : Figure.values()) {
                    JsonNode column = node.path("figures").path(f.wireName());
                    cell[f.ordinal()][n] = column.has(i) ? column.get(i).asDouble() : Double.NaN;
                }
            }
            n++;
        }
        ObjectNode out = header("cluster", history);
        out.set("nodes", JSON.valueToTree(nodes.keySet()));
        ObjectNode missed = out.putObject("missing");
        missing.forEach(missed::put);
        ArrayNode at = out.putArray("at");
        ArrayNode count = out.putArray("node_count");
        ObjectNode figures = out.putObject("figures");
        for (Map.Entry<Long, double[][]> e : steps.entrySet()) {
            at.add(e.getKey() * step / 1000.0);
            count.add(counted(e.getValue()[0]));
        }
        for (Figure f : Figure.values()) {
            ArrayNode column = figures.putArray(f.wireName());
            for (double[][] cell : steps.values()) {
                column.add(round(combine(f.across(), cell[f.ordinal()])));
            }
        }
        return out;
    }

    private static ObjectNode header(String scope, MetricHistory history) {
        ObjectNode out = JSON.createObjectNode().put("scope", scope)
                .put("resolution_seconds", history.resolution().toMillis() / 1000.0)
                .put("window_seconds", history.window().toSeconds());
        return out;
    }

    /** A time step's values, every node absent (NaN) until it brings a sample. */
    private static double[][] absent(int nodes) {
        double[][] cell = new double[Figure.values().length][nodes];
        for (double[] values : cell) {
            java.util.Arrays.fill(values, Double.NaN);
        }
        return cell;
    }

    private static int counted(double[] values) {
        int n = 0;
        for (double v : values) {
            n += Double.isNaN(v) ? 0 : 1;
        }
        return n;
    }

    static double combine(Figure.Across across, double[] values) {
        double out = across == Figure.Across.MIN ? Double.POSITIVE_INFINITY : across == Figure.Across.MAX ? Double.NEGATIVE_INFINITY : 0;
        int n = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            n++;
            out = switch (across) {
                case SUM, MEAN -> out + v;
                case MAX -> Math.max(out, v);
                case MIN -> Math.min(out, v);
            };
        }
        if (n == 0) {
            return 0;
        }
        return across == Figure.Across.MEAN ? out / n : out;
    }

    /** To three decimals: what the answers carry. */
    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
