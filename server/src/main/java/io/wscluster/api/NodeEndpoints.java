package io.wscluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wscluster.api.OperatorAccess.Kind;
import io.wscluster.cluster.NodeState;
import io.wscluster.failover.FailoverLog;
import io.wscluster.failover.FailoverRecordJson;
import io.wscluster.hub.BusBridge;
import io.wscluster.codec.Encoding;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Names;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.routing.RouteEndpoint;
import io.wscluster.security.SecurityOptions;
import io.wscluster.transport.HttpCaller;
import io.wscluster.transport.HttpEndpoints;
import io.wscluster.transport.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import io.wscluster.protocol.Futures;

/** The HTTP endpoints of protocol.md for one node. */
public final class NodeEndpoints implements HttpEndpoints {
    private static final ObjectMapper JSON = Encoding.JSON.mapper();
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final DashboardFiles DASHBOARD = new DashboardFiles();

    private final BusBridge bus;
    /** The body of /health, given the node id its {@code member} parameter asks about (null when none). */
    private final java.util.function.Function<String, String> health;
    private final Supplier<NodeState> state;
    private final PrometheusMeterRegistry prometheus;
    private final ClusterView cluster;
    private final RouteEndpoint route;
    private final Runnable drain;
    private final BiConsumer<Integer, String> shed;
    private final FailoverLog failovers;
    private final OperatorAccess access;
    private final byte[] demoPage;
    private final byte[] sdk;
    private final MonitorEndpoints monitor;
    private final Map<String, Route> routes;

    public NodeEndpoints(BusBridge bus, Supplier<NodeState> state, PrometheusMeterRegistry prometheus, ClusterView cluster,
                         RouteEndpoint route, Runnable drain, BiConsumer<Integer, String> shed, FailoverLog failovers,
                         SecurityOptions keys, boolean page, java.util.function.Function<String, String> health,
                         MonitorEndpoints monitor) {
        this.bus = bus;
        this.health = health;
        this.state = state;
        this.prometheus = prometheus;
        this.cluster = cluster;
        this.route = route;
        this.drain = drain;
        this.shed = shed;
        this.failovers = failovers;
        this.access = new OperatorAccess(keys.apiKey(), keys.adminKey(), page);
        this.monitor = monitor;
        this.demoPage = resource("/io/wscluster/api/demo.html");
        this.sdk = resource("/io/wscluster/api/wscluster.js");
        this.routes = routes();
    }

    @Override
    public CompletionStage<HttpReply> handle(FullHttpRequest request, String path, HttpCaller caller) {
        Route route = routes.get(path);
        try {
            if (route == null || !access.visible(route.kind(), caller)) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "no endpoint " + path);
            }
            access.check(route.kind(), request.headers(), caller);
            if (!request.method().equals(route.method())) {
                return done(HttpReply.error(405, ErrorCode.BAD_REQUEST, "use " + route.method() + " for " + path));
            }
            return route.handler().apply(request, caller);
        } catch (ProtocolException e) {
            return done(error(e));
        }
    }

    /** The dashboard's WebSocket: for callers who may read the operator endpoints. */
    @Override
    public HttpReply watcherRefusal(FullHttpRequest request, HttpCaller caller) {
        try {
            access.check(Kind.READ, request.headers(), caller);
            return null;
        } catch (ProtocolException e) {
            return error(e);
        }
    }

    private Map<String, Route> routes() {
        Route page = new Route(Kind.PAGE, HttpMethod.GET,
                (r, c) -> done(new HttpReply(200, "text/html; charset=utf-8", demoPage, Map.of())));
        Map<String, Route> all = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("/", page),
                Map.entry("/index.html", page),
                // The JavaScript SDK the page is built on (clients/js), for the page and for anyone trying it.
                Map.entry("/wscluster.js", new Route(Kind.PAGE, HttpMethod.GET, (r, c) -> done(new HttpReply(200,
                        "text/javascript; charset=utf-8", sdk, Map.of("Cache-Control", "private, max-age=300"))))),
                // What a node that may be cut off from Redis asks its peers before it fences itself (NodeFence).
                Map.entry("/health", new Route(Kind.CLIENT, HttpMethod.GET, (r, c) -> {
                    List<String> member = new QueryStringDecoder(r.uri()).parameters().get("member");
                    return done(HttpReply.json(200, health.apply(member == null || member.isEmpty() ? null : member.get(0))));
                })),
                Map.entry("/ready", new Route(Kind.CLIENT, HttpMethod.GET, (r, c) -> ready())),
                Map.entry("/metrics", new Route(Kind.METRICS, HttpMethod.GET, (r, c) -> done(new HttpReply(200, PROMETHEUS_TYPE,
                        prometheus.scrape().getBytes(StandardCharsets.UTF_8), Map.of())))),
                Map.entry("/api/cluster", new Route(Kind.PAGE, HttpMethod.GET,
                        (r, c) -> cluster.toJson(c.operator()).thenApply(json -> HttpReply.json(200, json.toString())))),
                Map.entry("/api/route", new Route(Kind.READ, HttpMethod.GET, (r, c) -> route(r))),
                Map.entry("/api/metrics/history", new Route(Kind.READ, HttpMethod.GET, (r, c) -> monitor.history(r))),
                Map.entry("/api/alerts", new Route(Kind.READ, HttpMethod.GET, (r, c) -> monitor.alerts(r))),
                Map.entry("/api/connections/top", new Route(Kind.READ, HttpMethod.GET, (r, c) -> monitor.topConnections(r))),
                Map.entry("/admin/shed", new Route(Kind.ADMIN, HttpMethod.POST, (r, c) -> shed(r))),
                Map.entry("/api/failovers", new Route(Kind.READ, HttpMethod.GET, (r, c) -> failovers.recent(50).thenApply(list -> {
                    ObjectNode out = JSON.createObjectNode();
                    var array = out.putArray("failovers");
                    list.forEach(f -> array.add(FailoverRecordJson.toJson(f)));
                    return HttpReply.json(200, out.toString());
                }))),
                Map.entry("/admin/drain", new Route(Kind.ADMIN, HttpMethod.POST, (r, c) -> {
                    drain.run();
                    return done(HttpReply.json(202, "{\"state\":\"" + state.get().wireName() + "\"}"));
                })),
                Map.entry("/api/publish", new Route(Kind.PUBLISH, HttpMethod.POST, (r, c) -> publish(body(r)))),
                Map.entry("/api/send", new Route(Kind.PUBLISH, HttpMethod.POST, (r, c) -> send(body(r)))),
                Map.entry("/api/broadcast", new Route(Kind.PUBLISH, HttpMethod.POST, (r, c) -> broadcast(body(r))))));
        DASHBOARD.replies().forEach((path, reply) -> all.put(path, new Route(Kind.READ, HttpMethod.GET, (r, c) -> done(reply))));
        return Map.copyOf(all);
    }

    /** {@code POST /admin/shed?count=N&to=NODE}: a rebalancing move, as {@code wsc rebalance} makes them. */
    private CompletionStage<HttpReply> shed(FullHttpRequest request) {
        Map<String, List<String>> q = new QueryStringDecoder(request.uri()).parameters();
        String to = q.getOrDefault("to", List.of("")).get(0);
        int count;
        try {
            count = Integer.parseInt(q.getOrDefault("count", List.of("")).get(0));
        } catch (NumberFormatException e) {
            throw ProtocolException.badRequest("count must be a whole number of connections");
        }
        if (count < 1 || to.isEmpty()) {
            throw ProtocolException.badRequest("give count (at least 1) and to (a node id)");
        }
        try {
            shed.accept(count, to);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest(e.getMessage());
        }
        return done(HttpReply.json(202, "{\"moving\":" + count + ",\"to\":" + JSON.valueToTree(to) + "}"));
    }

    /** The client's address is the query's {@code ip}, else the first {@code X-Forwarded-For} hop. */
    private CompletionStage<HttpReply> route(FullHttpRequest request) {
        String forwarded = request.headers().get("X-Forwarded-For");
        String ip = forwarded == null ? null : forwarded.split(",")[0].trim();
        return route.handle(new QueryStringDecoder(request.uri()).parameters(), ip).thenApply(r -> {
            HttpReply reply = HttpReply.json(r.status(), r.json());
            return r.retryAfterSeconds() > 0 ? reply.withRetryAfter(r.retryAfterSeconds()) : reply;
        });
    }

    private CompletionStage<HttpReply> ready() {
        NodeState s = state.get();
        return done(HttpReply.json(s == NodeState.ACTIVE ? 200 : 503, "{\"state\":\"" + s.wireName() + "\"}"));
    }

    private CompletionStage<HttpReply> publish(ObjectNode body) {
        String room = Names.requireRoom(text(body, "room"));
        Message m = Message.toRoom(room, data(body), null, priority(body));
        String key = text(body, "idempotency_key");
        if (key != null && !Names.isIdempotencyKey(key)) {
            throw ProtocolException.badRequest("idempotency_key must be 1 to " + Names.MAX_IDEMPOTENCY_KEY + " printable ASCII characters");
        }
        // The API's callers share one scope: an application that publishes through it keys its own messages.
        return answer(bus.publish(m, key == null ? null : "api:" + key), placed -> {
            ObjectNode out = JSON.createObjectNode().put("epoch", placed.epoch()).put("offset", placed.offset());
            return HttpReply.json(200, out.toString());
        });
    }

    private CompletionStage<HttpReply> send(ObjectNode body) {
        String user = Names.requireUser(text(body, "user"));
        return answer(bus.send(Message.toUser(user, data(body), null, priority(body))), v -> HttpReply.json(200, "{}"));
    }

    private CompletionStage<HttpReply> broadcast(ObjectNode body) {
        return answer(bus.broadcast(Message.toAll(data(body), null, priority(body))), v -> HttpReply.json(200, "{}"));
    }

    private static <T> CompletionStage<HttpReply> answer(CompletionStage<T> stage, java.util.function.Function<T, HttpReply> ok) {
        return stage.handle((value, error) -> {
            if (error == null) {
                return ok.apply(value);
            }
            Throwable cause = Futures.cause(error);
            if (cause instanceof ProtocolException pe) {
                return error(pe);
            }
            return error(new ProtocolException(ErrorCode.UNAVAILABLE, "the cluster bus is unavailable; nothing was accepted"));
        });
    }

    private static ObjectNode body(FullHttpRequest request) {
        JsonNode tree;
        try (InputStream in = new io.netty.buffer.ByteBufInputStream(request.content().duplicate())) {
            tree = JSON.readTree(in);
        } catch (IOException e) {
            throw ProtocolException.badRequest("body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw ProtocolException.badRequest("body must be a JSON object");
        }
        return (ObjectNode) tree;
    }

    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw ProtocolException.badRequest("'" + field + "' must be a string");
        }
        return v == null || v.isNull() ? null : v.textValue();
    }

    private static Payload data(ObjectNode body) {
        JsonNode data = body.get("data");
        if (data == null) {
            throw ProtocolException.badRequest("missing field 'data'");
        }
        return Payload.of(data);
    }

    private static Priority priority(ObjectNode body) {
        return Priority.parse(text(body, "priority"));
    }

    /** An error answer; a missing or wrong key asks a browser for it (Basic), so that an operator can open the dashboard. */
    private static HttpReply error(ProtocolException e) {
        HttpReply reply = HttpReply.error(e.code(), e.getMessage());
        return e.code() == ErrorCode.UNAUTHORIZED ? reply.withHeader("WWW-Authenticate", OperatorAccess.CHALLENGE) : reply;
    }

    /** An endpoint: who may reach it, the one method it takes and what answers it. */
    private record Route(Kind kind, HttpMethod method, BiFunction<FullHttpRequest, HttpCaller, CompletionStage<HttpReply>> handler) {
    }

    private static CompletionStage<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static byte[] resource(String name) {
        try (InputStream in = NodeEndpoints.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
