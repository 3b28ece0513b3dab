package io.wscluster.cli;

import io.wscluster.cluster.NodeInfo;
import io.wscluster.redis.BusOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of the commands that act on a running cluster ({@code drain}, {@code rebalance}): where it is and its API key. */
final class ClusterAccess {
    @Option(names = "--redis", paramLabel = "<url>", description = "The cluster's Redis (also REDIS_URL).")
    String redis;

    @Option(names = "--cluster", paramLabel = "<name>", defaultValue = BusOptions.DEFAULT_CLUSTER,
            description = "The cluster's name. Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--api-key", paramLabel = "<key>", description = "The nodes' API key, when they require one.")
    String apiKey;

    private final HttpClient http = HttpClient.newHttpClient();

    /** @throws IllegalStateException with a one-line reason */
    List<NodeInfo> nodes() {
        return ClusterNodes.read(redis != null ? redis : System.getenv("REDIS_URL"), cluster);
    }

    /**
     * POSTs to {@code path} of {@code node}'s HTTP API; returns null on {@code 202}, else a one-line reason.
     */
    String adminPost(NodeInfo node, String path) {
        return adminPost(node.id(), node.url(), path);
    }

    /** The same for a node known by its id and WebSocket URL. */
    String adminPost(String nodeId, String wsUrl, String path) {
        String base = wsUrl.replaceFirst("^ws", "http").replaceFirst("/ws$", "");
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody());
            if (apiKey != null) {
                r.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 202 ? null : nodeId + " answered HTTP " + answer.statusCode() + ": " + answer.body();
        } catch (Exception e) {
            return "cannot reach node " + nodeId + " at " + base + " (" + e.getMessage() + ")";
        }
    }
}
