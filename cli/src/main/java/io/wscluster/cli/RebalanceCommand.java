package io.wscluster.cli;

import io.wscluster.NodeOptions;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.routing.Imbalance;
import io.wscluster.routing.RoutingOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wsc rebalance}: applies the imbalance report's moves, e.g. after a scale-out, so existing connections reach a new node. */
@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = "Even out connections over the nodes: each move of the imbalance report (wsc status) asks a node to send"
                + " that many clients to another, paced like a drain; they resume their sessions there.")
public final class RebalanceCommand implements Callable<Integer> {
    @Option(names = "--redis", paramLabel = "<url>", description = "The cluster's Redis (also REDIS_URL).")
    String redis;

    @Option(names = "--cluster", paramLabel = "<name>", defaultValue = NodeOptions.DEFAULT_CLUSTER,
            description = "The cluster's name. Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--threshold", paramLabel = "<spread>", description = "Move only when the spread exceeds this. Default: 0.2.")
    Double threshold;

    @Option(names = "--dry-run", description = "Print the moves without making them.")
    boolean dryRun;

    @Option(names = "--api-key", paramLabel = "<key>", description = "The nodes' API key, when they require one.")
    String apiKey;

    @Override
    public Integer call() {
        List<NodeInfo> nodes;
        try {
            nodes = ClusterNodes.read(redis != null ? redis : System.getenv("REDIS_URL"), cluster);
        } catch (IllegalStateException e) {
            System.err.println("wsc rebalance: " + e.getMessage());
            return 2;
        }
        Imbalance.Report report = Imbalance.of(nodes, threshold != null ? threshold : RoutingOptions.DEFAULT.imbalanceThreshold());
        if (!report.imbalanced()) {
            System.out.printf("balanced: spread %.2f <= %.2f; nothing to move%n", report.spread(), report.threshold());
            return 0;
        }
        HttpClient http = HttpClient.newHttpClient();
        int failed = 0;
        for (Imbalance.Move m : report.moves()) {
            System.out.printf("move %d connection(s) from %s to %s%n", m.connections(), m.from(), m.to());
            if (dryRun) {
                continue;
            }
            NodeInfo from = nodes.stream().filter(n -> n.id().equals(m.from())).findFirst().orElseThrow();
            String url = from.url().replaceFirst("^ws", "http").replaceFirst("/ws$", "") + "/admin/shed?count=" + m.connections()
                    + "&to=" + URLEncoder.encode(m.to(), StandardCharsets.UTF_8);
            try {
                HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.noBody());
                if (apiKey != null) {
                    r.header("Authorization", "Bearer " + apiKey);
                }
                HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 202) {
                    System.err.println("wsc rebalance: " + m.from() + " answered HTTP " + answer.statusCode() + ": " + answer.body());
                    failed++;
                }
            } catch (Exception e) {
                System.err.println("wsc rebalance: cannot reach " + m.from() + " (" + e.getMessage() + ")");
                failed++;
            }
        }
        return failed == 0 ? 0 : 2;
    }
}
