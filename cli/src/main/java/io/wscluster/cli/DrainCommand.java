package io.wscluster.cli;

import io.wscluster.NodeOptions;
import io.wscluster.cluster.NodeInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wsc drain NODE-ID}: finds the node in the cluster's membership and asks it to drain. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = "Drain a node for a deploy: it stops taking connections, sends its clients to other nodes in paced"
                + " batches (each resumes its session there), then exits.")
public final class DrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NODE-ID", description = "The node to drain, as `wsc status` lists it.")
    String nodeId;

    @Option(names = "--redis", paramLabel = "<url>", description = "The cluster's Redis (also REDIS_URL).")
    String redis;

    @Option(names = "--cluster", paramLabel = "<name>", defaultValue = NodeOptions.DEFAULT_CLUSTER,
            description = "The cluster's name. Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--api-key", paramLabel = "<key>", description = "The nodes' API key, when they require one.")
    String apiKey;

    @Override
    public Integer call() {
        String redisUrl = redis != null ? redis : System.getenv("REDIS_URL");
        NodeInfo node;
        try {
            List<NodeInfo> nodes = ClusterNodes.read(redisUrl, cluster);
            node = nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst().orElse(null);
            if (node == null) {
                System.err.println("wsc drain: no node '" + nodeId + "' in cluster '" + cluster + "' (nodes: "
                        + String.join(", ", nodes.stream().map(NodeInfo::id).toList()) + ")");
                return 2;
            }
        } catch (IllegalStateException e) {
            System.err.println("wsc drain: " + e.getMessage());
            return 2;
        }
        String http = node.url().replaceFirst("^ws", "http").replaceFirst("/ws$", "");
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http + "/admin/drain"))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody());
            if (apiKey != null) {
                request.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                System.err.println("wsc drain: " + http + " answered HTTP " + r.statusCode() + ": " + r.body());
                return 2;
            }
        } catch (Exception e) {
            System.err.println("wsc drain: cannot reach node " + nodeId + " at " + http + " (" + e.getMessage() + ")");
            return 2;
        }
        System.out.println("node " + nodeId + " is draining: its clients move to other nodes; it exits when empty");
        return 0;
    }
}
