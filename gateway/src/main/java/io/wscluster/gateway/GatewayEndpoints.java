package io.wscluster.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.routing.ClusterReport;
import io.wscluster.routing.NodeDirectory;
import io.wscluster.routing.RouteEndpoint;
import io.wscluster.security.Bearer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's own HTTP endpoints: {@code /health}, {@code /ready} (200 while some node takes
 * connections), {@code /metrics}, {@code /api/cluster} (the nodes as the gateway sees them, without
 * their operator listeners) and {@code /api/route} (a lookup: it writes no sticky mapping).
 * Other plainly written paths are forwarded to a node, but never {@code /admin/*}, nor
 * {@code /api/*} unless the gateway is configured to ({@code forward-api}), and then to a node's operator listener.
 */
final class GatewayEndpoints {
    /** An answer: status, content type, body, {@code Retry-After} seconds (0: none) and {@code Location} (null: none). */
    record Reply(int status, String contentType, byte[] body, int retryAfterSeconds, String location) {
        Reply(int status, String contentType, byte[] body, int retryAfterSeconds) {
            this(status, contentType, body, retryAfterSeconds, null);
        }

        static Reply json(int status, String json) {
            return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), 0);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeDirectory directory;
    private final RouteEndpoint route;
    private final GatewayMetrics metrics;
    private final String apiKey;
    private final io.wscluster.routing.RoutingOptions routing;

    /** @param apiKey the key that opens {@code /metrics} to others than loopback callers (and then to them too); null: loopback only */
    GatewayEndpoints(NodeDirectory directory, RouteEndpoint route, GatewayMetrics metrics, io.wscluster.routing.RoutingOptions routing,
                     String apiKey) {
        this.apiKey = apiKey;
        this.directory = directory;
        this.routing = routing;
        this.route = route;
        this.metrics = metrics;
    }

    /** Whether the gateway answers {@code path} itself; other requests go to a node. */
    static boolean owns(String path) {
        return switch (path) {
            case "/health", "/ready", "/metrics", "/api/route", "/api/cluster", "/dashboard" -> true;
            default -> false;
        };
    }

    /**
     * @param clientIp      the client (the peer, or behind a trusted proxy the client it names)
     * @param authorization the request's {@code Authorization} header, or null
     */
    CompletionStage<Reply> handle(QueryStringDecoder uri, String path, HttpMethod method, String clientIp, String authorization) {
        if (!method.equals(HttpMethod.GET)) {
            return done(Reply.json(405, error("bad_request", "use GET")));
        }
        if ((path.equals("/metrics") || path.equals("/dashboard")) && !metricsAllowed(clientIp, authorization)) {
            return done(apiKey == null ? Reply.json(403, error("forbidden", path + " is served to loopback callers only (set the"
                    + " gateway's api key to open it)")) : Reply.json(401, error("unauthorized", path + " needs Authorization: Bearer"
                    + " <api key>")));
        }
        switch (path) {
            case "/health":
                return done(Reply.json(200, "{\"status\":\"ok\"}"));
            case "/ready":
                long accepting = directory.nodes().stream().filter(NodeInfo::accepting).count();
                return done(Reply.json(accepting > 0 ? 200 : 503, "{\"nodes_accepting\":" + accepting + "}"));
            case "/metrics":
                return done(new Reply(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.registry().scrape().getBytes(StandardCharsets.UTF_8), 0));
            case "/api/cluster":
                return done(Reply.json(200, ClusterReport.withFreshness(ClusterReport.render(directory.nodes(), routing, false),
                        directory.readError(), directory.readAtMillis()).toString()));
            case "/dashboard":
                // The dashboard lives on the nodes' operator listeners, with the live WebSocket it needs: send the operator to one.
                return done(directory.nodes().stream().filter(n -> n.accepting() && n.adminUrl() != null).findFirst()
                        .map(n -> new Reply(307, "application/json", "{}".getBytes(StandardCharsets.UTF_8), 0, n.adminUrl() + "/dashboard"))
                        .orElse(Reply.json(503, error("unavailable", "no active node to show the dashboard"))));
            case "/api/route":
                return route.handle(uri.parameters(), clientIp).thenApply(r ->
                        new Reply(r.status(), "application/json", r.json().getBytes(StandardCharsets.UTF_8), r.retryAfterSeconds()));
            default:
                throw new IllegalArgumentException("not a gateway endpoint: " + path);
        }
    }

    /** {@code {"error":{"code","message"}}}, the error shape of protocol.md. */
    static String error(String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("code", code).put("message", message);
        return root.toString();
    }

    private static CompletionStage<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }

    /** Without a key, loopback callers only; with one, whoever shows it (compared in constant time), as on nodes. */
    private boolean metricsAllowed(String clientIp, String authorization) {
        if (apiKey == null) {
            return clientIp != null && (clientIp.startsWith("127.") || clientIp.equals("::1") || clientIp.equals("0:0:0:0:0:0:0:1"));
        }
        String shown = Bearer.credential(authorization);
        shown = shown == null ? "" : shown;
        return java.security.MessageDigest.isEqual(shown.getBytes(StandardCharsets.UTF_8), apiKey.getBytes(StandardCharsets.UTF_8));
    }
}
