package io.wscluster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.failover.FailoverRecordJson;
import io.wscluster.codec.Encoding;
import io.wscluster.redis.BusOptions;
import io.wscluster.routing.ClusterReport;
import io.wscluster.routing.RoutingOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wsc status}: the cluster as a table, read from Redis's membership registry
 * ({@code --redis}, what the design's command line names) or from any node's
 * {@code /api/cluster} ({@code --url}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the cluster as a table: nodes, states, connections, load, totals, and rebalancing moves.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--redis", paramLabel = "<url>", description = "Read the cluster from this Redis (also WSC_REDIS or"
            + " REDIS_URL when --url is not given): redis://host:port or redis-cluster://host:port,...")
    String redis;

    @Option(names = "--cluster", paramLabel = "<name>", defaultValue = "${env:WSC_CLUSTER:-" + BusOptions.DEFAULT_CLUSTER + "}",
            description = "The cluster's name (its Redis namespace), with --redis (also WSC_CLUSTER). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--url", paramLabel = "<http-url>",
            description = "Ask the node whose operator listener is here for /api/cluster instead of Redis. Default without --redis,"
                    + " WSC_REDIS and REDIS_URL: http://127.0.0.1:9080 (the operator listener of a node on port 8080).")
    String url;

    @Option(names = "--api-key", paramLabel = "<key>", description = "The node's API or admin key, when it requires one (with"
            + " --url; also WSC_API_KEY).")
    String apiKey;

    @Option(names = "--ca-file", paramLabel = "<file>", description = "With --url: " + OperatorHttp.CA_FILE_HELP)
    String caFile;

    @Override
    public Integer call() {
        String redisUrl = redis != null ? redis : url == null ? ClusterNodes.redisUrl(null) : null;
        try {
            JsonNode view = redisUrl != null ? fromRedis(redisUrl) : fromNode(url != null ? url : "http://127.0.0.1:9080");
            System.out.print(render(view));
            return 0;
        } catch (Failure f) {
            System.err.println("wsc status: " + f.getMessage());
            return 2;
        }
    }

    private JsonNode fromRedis(String redisUrl) {
        try {
            ClusterNodes.Snapshot s = ClusterNodes.snapshot(redisUrl, cluster);
            ObjectNode view = ClusterReport.render(s.nodes(), RoutingOptions.DEFAULT, true);
            var failovers = view.putArray("failovers");
            s.failovers().forEach(f -> failovers.add(FailoverRecordJson.toJson(f)));
            return view;
        } catch (IllegalStateException e) {
            throw new Failure(e.getMessage());
        }
    }

    private JsonNode fromNode(String node) {
        HttpClient http;
        try {
            http = OperatorHttp.client(caFile, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        }
        try {
            HttpResponse<String> r = http.send(get(node, "/api/cluster"), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new Failure(node + " answered HTTP " + r.statusCode() + ": " + r.body());
            }
            ObjectNode view = (ObjectNode) Encoding.JSON.mapper().readTree(r.body());
            HttpResponse<String> f = http.send(get(node, "/api/failovers"), HttpResponse.BodyHandlers.ofString());
            if (f.statusCode() == 200) {
                view.set("failovers", Encoding.JSON.mapper().readTree(f.body()).path("failovers"));
            }
            return view;
        } catch (Failure f) {
            throw f;
        } catch (Exception e) {
            throw new Failure("cannot reach " + node + " (" + OperatorHttp.why(e) + ")");
        }
    }

    private HttpRequest get(String node, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.replaceFirst("/$", "") + path))
                .timeout(Duration.ofSeconds(5));
        String key = apiKey != null ? apiKey : System.getenv("WSC_API_KEY");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request.build();
    }

    static String render(JsonNode cluster) {
        StringBuilder out = new StringBuilder();
        if (cluster.path("stale").asBoolean()) {
            JsonNode asOf = cluster.path("as_of");
            out.append(String.format(Locale.ROOT, "STALE: %s; below is %s%n%n", cluster.path("error").asText(),
                    asOf.canConvertToLong() && asOf.asLong() > 0 ? "the view read at " + java.time.Instant.ofEpochMilli(asOf.asLong())
                            : "no view: none was read yet"));
        }
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
        JsonNode scaling = cluster.path("autoscaling");
        if (scaling.isObject()) {
            out.append(String.format(Locale.ROOT, "%nautoscaling: utilisation %.2f over %d active nodes: run %d (more above %.2f, fewer below %.2f)%n",
                    scaling.path("utilisation").asDouble(), scaling.path("active_nodes").asInt(), scaling.path("desired_nodes").asInt(),
                    scaling.path("scale_up_threshold").asDouble(), scaling.path("scale_down_threshold").asDouble()));
        }
        JsonNode failovers = cluster.path("failovers");
        if (failovers.size() > 0) {
            out.append(String.format(Locale.ROOT, "%nrecent failovers:%n"));
            for (JsonNode f : failovers) {
                out.append(String.format(Locale.ROOT, "  %s: node %s, %s by %s, %d session(s) moved %s, %s%n",
                        java.time.Instant.ofEpochMilli(f.path("started_at").asLong()), f.path("failed_node").asText(),
                        f.path("strategy").asText(), f.path("coordinator").asText(), f.path("sessions_moved").asInt(),
                        f.path("targets"), f.path("outcome").asText()));
            }
        }
        JsonNode i = cluster.path("imbalance");
        if (i.path("imbalanced").asBoolean()) {
            out.append(String.format(Locale.ROOT, "%nimbalanced: spread %.2f > %.2f; to even it out:%n",
                    i.path("spread").asDouble(), i.path("threshold").asDouble()));
            for (JsonNode m : i.path("moves")) {
                out.append(String.format(Locale.ROOT, "  move %d connections from %s to %s%n", m.path("connections").asInt(),
                        m.path("from").asText(), m.path("to").asText()));
            }
        }
        return out.toString();
    }

    private static String percent(double fraction) {
        return Math.round(fraction * 100) + "%";
    }

    private static String rate(double perSec) {
        return String.format(Locale.ROOT, "%.0f", perSec);
    }

    /** A reason to stop, said in one line. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
