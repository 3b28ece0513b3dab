package io.wscluster.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A worker process of a split run. Talks to its {@link WorkerPool} over standard streams, one JSON
 * object a line: it reads its options, answers {@code ready} once its connections are open, waits
 * for {@code go}, then sends a {@code sample} every second and its {@code report} at the end.
 */
public final class Worker {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Worker() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LoadTestOptions options = JSON.readValue(in.readLine(), LoadTestOptions.class);
        Engine engine = new Engine(options, s -> send(out, JSON.valueToTree(s), "sample"));
        RunReport report = engine.run(() -> {
            send(out, JSON.createObjectNode(), "ready");
            try {
                String line = in.readLine();
                if (!"go".equals(line)) {
                    throw new IllegalStateException("worker expected 'go', got " + line);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ObjectNode msg = JSON.createObjectNode();
        msg.set("report", ReportJson.toJson(report));
        send(out, msg, "report");
        out.flush();
        System.exit(0);
    }

    private static synchronized void send(PrintStream out, com.fasterxml.jackson.databind.JsonNode body, String type) {
        ObjectNode msg = body.isObject() ? ((ObjectNode) body).deepCopy() : JSON.createObjectNode();
        msg.put("type", type);
        out.println(msg.toString());
    }
}
