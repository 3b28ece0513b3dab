package io.wscluster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wscluster.protocol.Encoding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wsc status}: the cluster as a table, as any of its nodes sees it. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the cluster as a table: nodes, states, connections, load, and totals.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "<http-url>", defaultValue = "http://127.0.0.1:8080",
            description = "Any node of the cluster. Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--api-key", paramLabel = "<key>", description = "The nodes' API key, when they require one.")
    String apiKey;

    @Override
    public Integer call() {
        JsonNode cluster;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceFirst("/$", "") + "/api/cluster"))
                    .timeout(Duration.ofSeconds(5));
            if (apiKey != null) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                System.err.println("wsc status: " + url + " answered HTTP " + r.statusCode() + ": " + r.body());
                return 2;
            }
            cluster = Encoding.JSON.mapper().readTree(r.body());
        } catch (Exception e) {
            System.err.println("wsc status: cannot reach " + url + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return 2;
        }
        System.out.print(render(cluster));
        return 0;
    }

    static String render(JsonNode cluster) {
        StringBuilder out = new StringBuilder();
        String format = "%-14s %-9s %-28s %11s %9s %6s %6s %10s %11s%n";
        out.append(String.format(Locale.ROOT, format, "NODE", "STATE", "URL", "CONNECTIONS", "CAPACITY", "CPU", "HEAP", "IN/S", "OUT/S"));
        for (JsonNode n : cluster.path("nodes")) {
            out.append(String.format(Locale.ROOT, format, n.path("id").asText(), n.path("state").asText(), n.path("url").asText(),
                    n.path("connections").asLong(), n.path("capacity").asLong(), percent(n.path("cpu").asDouble()),
                    percent(n.path("memory").asDouble()), rate(n.path("messages_in_per_sec").asDouble()),
                    rate(n.path("messages_out_per_sec").asDouble())));
        }
        JsonNode t = cluster.path("totals");
        out.append(String.format(Locale.ROOT, format, "total", t.path("nodes").asLong() + " nodes", "",
                t.path("connections").asLong(), "", "", "", rate(t.path("messages_in_per_sec").asDouble()),
                rate(t.path("messages_out_per_sec").asDouble())));
        return out.toString();
    }

    private static String percent(double fraction) {
        return Math.round(fraction * 100) + "%";
    }

    private static String rate(double perSec) {
        return String.format(Locale.ROOT, "%.0f", perSec);
    }
}
