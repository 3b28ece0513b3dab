package io.wscluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.hub.ConnectionSnapshot;
import io.wscluster.metrics.AlertsJson;
import io.wscluster.metrics.ConnectionMemory;
import io.wscluster.metrics.HistoryJson;
import io.wscluster.metrics.MetricsOptions;
import io.wscluster.metrics.Monitoring;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.transport.BackendHttp;
import io.wscluster.transport.HttpReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What an operator watches: {@code GET /api/metrics/history} and {@code GET /api/alerts}, this
 * node's, or with {@code scope=cluster} every node's, asked through {@link PeerQueries} and merged;
 * and {@code GET /api/connections/top}, this node's slowest readers and what a connection costs.
 */
public final class MonitorEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

    private final String nodeId;
    private final Monitoring monitoring;
    static final int DEFAULT_TOP = 20;
    static final int MAX_TOP = 1000;

    private final PeerQueries peers;
    private final Supplier<CompletionStage<List<ConnectionSnapshot>>> connections;
    private final ConnectionMemory memory;

    /**
     * @param nodes       the cluster's nodes, as membership lists them
     * @param key         the operator key sent to the other nodes; null on a cluster without keys
     * @param connections this node's sessions as they are now
     */
    public MonitorEndpoints(String nodeId, Monitoring monitoring, Supplier<List<NodeInfo>> nodes, BackendHttp http, String key,
                            Supplier<CompletionStage<List<ConnectionSnapshot>>> connections, ConnectionMemory memory) {
        this.nodeId = nodeId;
        this.monitoring = monitoring;
        this.peers = new PeerQueries(nodeId, nodes, http, key);
        this.connections = connections;
        this.memory = memory;
    }

    /** {@code ?n=20}: the connections furthest behind (most bytes queued, then longest blocked), and memory per connection. */
    CompletionStage<HttpReply> topConnections(FullHttpRequest request) {
        String n = first(new QueryStringDecoder(request.uri()).parameters(), "n");
        int limit;
        try {
            limit = n == null ? DEFAULT_TOP : Integer.parseInt(n);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_TOP) {
            throw ProtocolException.badRequest("n must be a whole number from 1 to " + MAX_TOP);
        }
        int top = limit;
        return connections.get().thenApply(all -> HttpReply.json(200, ConnectionsJson.top(nodeId, all, top, memory.shares()).toString()));
    }

    /** {@code ?window=15m&scope=node|cluster&nodes=true}: {@code nodes} adds each node's own series to a cluster's. */
    CompletionStage<HttpReply> history(FullHttpRequest request) {
        Map<String, List<String>> q = new QueryStringDecoder(request.uri()).parameters();
        Duration window = window(first(q, "window"));
        ObjectNode own = HistoryJson.node(nodeId, monitoring.history(),
                monitoring.history().since(System.currentTimeMillis() - window.toMillis()));
        if (!cluster(first(q, "scope"))) {
            return CompletableFuture.completedFuture(HttpReply.json(200, own.toString()));
        }
        boolean perNode = "true".equals(first(q, "nodes"));
        String asked = window.toMillis() % 1000 == 0 ? window.toSeconds() + "s" : window.toMillis() + "ms";
        return peers.ask("/api/metrics/history?scope=node&window=" + asked, own).thenApply(a -> {
            ObjectNode out = HistoryJson.cluster(monitoring.history(), a.answers(), a.missing());
            if (perNode) {
                out.putObject("by_node").setAll(a.answers());
            }
            return HttpReply.json(200, out.toString());
        });
    }

    /** {@code ?scope=node|cluster}: the rules, what fires now and the recent transitions. */
    CompletionStage<HttpReply> alerts(FullHttpRequest request) {
        Map<String, List<String>> q = new QueryStringDecoder(request.uri()).parameters();
        ObjectNode own = AlertsJson.report(nodeId, monitoring.alerts());
        if (!cluster(first(q, "scope"))) {
            return CompletableFuture.completedFuture(HttpReply.json(200, own.toString()));
        }
        return peers.ask("/api/alerts?scope=node", own).thenApply(a -> {
            ObjectNode out = JSON.createObjectNode().put("scope", "cluster");
            out.set("firing", merged(a.answers(), "firing", "since"));
            out.set("recent", merged(a.answers(), "recent", "at"));
            ObjectNode missing = out.putObject("missing");
            a.missing().forEach(missing::put);
            return HttpReply.json(200, out.toString());
        });
    }

    /** The {@code field} arrays of every node's report in one, newest {@code time} first. */
    private static ArrayNode merged(Map<String, JsonNode> reports, String field, String time) {
        List<JsonNode> all = new ArrayList<>();
        reports.values().forEach(r -> r.path(field).forEach(all::add));
        all.sort(Comparator.comparingLong((JsonNode n) -> n.path(time).asLong()).reversed());
        ArrayNode out = JSON.createArrayNode();
        all.stream().limit(200).forEach(out::add);
        return out;
    }

    private Duration window(String text) {
        if (text == null) {
            return DEFAULT_WINDOW;
        }
        Duration d;
        try {
            d = MetricsOptions.duration(text);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest("window must be a duration such as 15m, 1h or 90s");
        }
        if (d.isNegative() || d.isZero()) {
            throw ProtocolException.badRequest("window must be a duration such as 15m, 1h or 90s");
        }
        return d.compareTo(monitoring.history().window()) > 0 ? monitoring.history().window() : d;
    }

    private static boolean cluster(String scope) {
        if (scope == null || scope.equals("node")) {
            return false;
        }
        if (scope.equals("cluster")) {
            return true;
        }
        throw ProtocolException.badRequest("scope must be node or cluster");
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
