package io.wscluster.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The report as JSON, for scripts and for merging. Top-level fields (stable, documented in
 * loadtest/README.md): {@code scenario}, {@code connections}, {@code success_rate},
 * {@code connect_latency_ms} and {@code message_latency_ms} (each {@code p50}, {@code p95},
 * {@code p99}, {@code p999}, {@code max}), {@code delivered_per_sec}, {@code sent_per_sec},
 * {@code mb_per_sec}, {@code lost}, {@code duplicates}, {@code out_of_order}, {@code errors}, and
 * more. The full histograms travel under {@code histograms} in HdrHistogram's compressed encoding
 * (base64), so merged runs keep exact percentiles.
 */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    public static ObjectNode toJson(RunReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", r.scenario());
        ArrayNode urls = root.putArray("urls");
        r.urls().forEach(urls::add);
        root.put("started_at", r.startedAtMillis());
        root.put("duration_s", r.durationSeconds());
        root.put("connections", r.connectionsPeak());
        root.put("connections_target", r.connectionsTarget());
        root.put("connect_attempts", r.connectAttempts());
        root.put("connect_failures", r.connectFailures());
        root.put("success_rate", round(r.successRate(), 6));
        percentiles(root.putObject("connect_latency_ms"), r.connectLatency());
        percentiles(root.putObject("message_latency_ms"), r.messageLatency());
        root.put("sent", r.sent());
        root.put("delivered", r.delivered());
        root.put("expected", r.expected());
        root.put("sent_per_sec", round(r.sentPerSec(), 1));
        root.put("delivered_per_sec", round(r.deliveredPerSec(), 1));
        root.put("mb_per_sec", round(r.mbPerSec(), 3));
        root.put("bytes_received", r.bytesReceived());
        root.put("lost", r.lost());
        root.put("duplicates", r.duplicates());
        root.put("out_of_order", r.outOfOrder());
        root.put("reconnects", r.reconnects());
        ObjectNode errors = root.putObject("errors");
        r.errors().forEach(errors::put);
        if (r.serverCpuUsPerDelivery() >= 0) {
            root.put("server_cpu_us_per_delivery", round(r.serverCpuUsPerDelivery(), 3));
        } else {
            root.putNull("server_cpu_us_per_delivery");
        }
        root.put("server_cpu_us", r.serverCpuMicros());
        ArrayNode timeline = root.putArray("timeline");
        for (Sample s : r.timeline()) {
            timeline.addObject().put("second", s.second()).put("connections", s.connections())
                    .put("sent_per_sec", round(s.sentPerSec(), 1)).put("delivered_per_sec", round(s.deliveredPerSec(), 1))
                    .put("p50_ms", round(s.p50Ms(), 3)).put("p99_ms", round(s.p99Ms(), 3)).put("max_ms", round(s.maxMs(), 3));
        }
        ObjectNode rooms = root.putObject("rooms");
        r.rooms().forEach((name, t) -> rooms.putObject(name).put("subscribers", t.subscribers()).put("sum_start", t.sumStart())
                .put("received", t.received()).put("last_offset", t.lastOffset()));
        root.put("expected_direct", r.expectedDirect());
        root.put("received_direct", r.receivedDirect());
        ObjectNode histograms = root.putObject("histograms");
        histograms.put("connect_us", encode(r.connectLatency()));
        histograms.put("message_us", encode(r.messageLatency()));
        return root;
    }

    public static String toString(RunReport r) {
        try {
            return JSON.writeValueAsString(toJson(r));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void write(RunReport r, Path file) throws IOException {
        Files.writeString(file, toString(r) + "\n");
    }

    public static RunReport read(Path file) throws IOException {
        try {
            return fromJson(JSON.readTree(Files.readAllBytes(file)));
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a wsc loadtest report: " + e.getMessage(), e);
        }
    }

    public static RunReport fromJson(JsonNode root) {
        List<String> urls = new ArrayList<>();
        root.path("urls").forEach(u -> urls.add(u.asText()));
        Map<String, Long> errors = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("errors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            errors.put(e.getKey(), e.getValue().asLong());
        }
        List<Sample> timeline = new ArrayList<>();
        for (JsonNode s : root.path("timeline")) {
            timeline.add(new Sample(s.path("second").asLong(), s.path("connections").asLong(), s.path("sent_per_sec").asDouble(),
                    s.path("delivered_per_sec").asDouble(), s.path("p50_ms").asDouble(), s.path("p99_ms").asDouble(),
                    s.path("max_ms").asDouble()));
        }
        Map<String, RoomTally> rooms = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("rooms").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            rooms.put(e.getKey(), new RoomTally(t.path("subscribers").asLong(), t.path("sum_start").asLong(),
                    t.path("received").asLong(), t.path("last_offset").asLong()));
        }
        if (!root.has("histograms")) {
            throw new IllegalArgumentException("no 'histograms' field");
        }
        return new RunReport(root.path("scenario").asText(), urls, root.path("started_at").asLong(),
                root.path("duration_s").asDouble(), root.path("connections_target").asLong(), root.path("connections").asLong(),
                root.path("connect_attempts").asLong(), root.path("connect_failures").asLong(),
                decode(root.path("histograms").path("connect_us").asText()), decode(root.path("histograms").path("message_us").asText()),
                root.path("sent").asLong(), root.path("delivered").asLong(), root.path("bytes_received").asLong(),
                root.path("duplicates").asLong(), root.path("out_of_order").asLong(), root.path("reconnects").asLong(),
                errors, timeline, rooms, root.path("expected_direct").asLong(), root.path("received_direct").asLong(),
                root.path("server_cpu_us").asLong());
    }

    private static void percentiles(ObjectNode node, Histogram h) {
        node.put("p50", ms(h.getValueAtPercentile(50)));
        node.put("p95", ms(h.getValueAtPercentile(95)));
        node.put("p99", ms(h.getValueAtPercentile(99)));
        node.put("p999", ms(h.getValueAtPercentile(99.9)));
        node.put("max", ms(h.getMaxValue()));
        node.put("count", h.getTotalCount());
    }

    private static double ms(long micros) {
        return round(micros / 1000.0, 3);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("histogram is not HdrHistogram's compressed encoding", e);
        }
    }
}
