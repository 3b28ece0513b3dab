package io.wscluster.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.resources.QuietLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import io.wscluster.protocol.Futures;

/**
 * {@code GET /api/route?user=&ip=&region=&session=&<sticky-key>=}: where a new connection should
 * go, as JSON, for the nodes and the gateway alike. Where anyone may ask (the gateway's public
 * listener) it is a lookup that writes no sticky mapping; on a node's operator listener, where
 * only a back end with a key (or loopback) asks, the answer is recorded as a placement. {@code 200 {"node","url"}}, or {@code 503}
 * with {@code Retry-After} when no node takes connections.
 */
public final class RouteEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(RouteEndpoint.class);
    /** A failure that repeats for every caller is one line a minute. */
    private static final QuietLog quiet = new QuietLog(log, Level.WARN, Duration.ofMinutes(1));

    /** The answer: HTTP status, JSON body, and the {@code Retry-After} seconds (0: none). */
    public record Reply(int status, String json, int retryAfterSeconds) {
    }

    private final Router router;
    private final String stickyKey;
    private final boolean record;

    /** @param record whether an answer writes the sticky mapping (a placement) or not (a lookup) */
    public RouteEndpoint(Router router, String stickyKey, boolean record) {
        this.router = router;
        this.stickyKey = stickyKey;
        this.record = record;
    }

    /**
     * @param params     the query parameters
     * @param fallbackIp the caller's address, used when the query names no {@code ip}
     */
    public CompletionStage<Reply> handle(Map<String, List<String>> params, String fallbackIp) {
        String ip = first(params, "ip");
        RouteRequest request = new RouteRequest(ip != null ? ip : fallbackIp, first(params, "user"), first(params, "region"),
                first(params, "session"), first(params, stickyKey));
        return (record ? router.select(request) : router.advise(request)).handle((node, e) -> {
            if (e == null) {
                return new Reply(200, body(node), 0);
            }
            Throwable cause = Futures.cause(e);
            if (cause instanceof NoNodeAvailableException none) {
                return new Reply(503, error("unavailable", none.getMessage()), none.retryAfterSeconds());
            }
            // The cause (a Redis client's exception, say) is the log's, not the caller's, who may be anyone on the gateway.
            quiet.log(cause.getClass().getName(), cause, "routing failed");
            return new Reply(500, error("internal", "routing failed"), 0);
        });
    }

    private static String error(String code, String message) {
        ObjectNode err = JSON.createObjectNode();
        err.putObject("error").put("code", code).put("message", message);
        return err.toString();
    }

    private static String body(NodeInfo n) {
        return JSON.createObjectNode().put("node", n.id()).put("url", n.url()).toString();
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }
}
