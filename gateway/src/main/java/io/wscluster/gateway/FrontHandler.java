package io.wscluster.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wscluster.cluster.NodeInfo;
import io.wscluster.eventloops.EventLoops;
import io.wscluster.eventloops.RequestDeadline;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.protocol.RequestPaths;
import io.wscluster.resources.QuietLog;
import io.wscluster.routing.NoNodeAvailableException;
import io.wscluster.routing.RouteRequest;
import io.wscluster.security.Bearer;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.security.TokenVerifier;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import io.wscluster.protocol.Futures;

/**
 * A client's connection until it is relayed: answers the gateway's HTTP endpoints, forwards other
 * HTTP requests to a node ({@link HttpForward}), and for a WebSocket upgrade picks a node, connects to it, forwards the upgrade with
 * {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}, passes the
 * node's answer back, and on {@code 101} turns both channels into a byte relay. The client's
 * channel stops reading until then, so nothing it sends early is lost or reordered.
 */
final class FrontHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(FrontHandler.class);
    /** A client that provokes the same failure again and again costs one line a minute per kind of failure. */
    private static final QuietLog quiet = new QuietLog(log, Level.WARN, Duration.ofMinutes(1));
    static final String CODEC = "http";
    static final String AGGREGATOR = "aggregator";

    private final GatewayCore core;
    /** What this connection holds of the per-address limits since its accept. */
    private final ConnectionLimiter.Ticket ticket;

    FrontHandler(GatewayCore core, ConnectionLimiter.Ticket ticket) {
        this.core = core;
        this.ticket = ticket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (isUpgrade(request)) {
            upgrade(ctx, request);
            return;
        }
        String path = RequestPaths.raw(request.uri());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (GatewayEndpoints.owns(path)) {
            core.endpoints().handle(new QueryStringDecoder(request.uri()), path, request.method(), clientIp(ctx, request),
                            request.headers().get(HttpHeaderNames.AUTHORIZATION))
                    .whenComplete((reply, e) -> ctx.executor().execute(() -> respond(ctx, reply, keepAlive)));
            return;
        }
        if (!forwardable(path)) {
            respond(ctx, GatewayEndpoints.Reply.json(404, GatewayEndpoints.error("not_found", "no endpoint " + path)), keepAlive);
            return;
        }
        boolean api = api(path);
        NodeInfo node;
        try {
            // A node whose operator listener the gateway cannot reach is left out of the API's turns while another can serve.
            node = api ? core.anyNode(n -> core.operatorAddress().of(n).uri() != null) : core.anyNode();
        } catch (NoNodeAvailableException e) {
            refuse(ctx, e);
            return;
        }
        OperatorAddress.Target operator = api ? core.operatorAddress().of(node) : null;
        if (operator != null && operator.uri() == null) {
            reply(ctx, HttpResponseStatus.BAD_GATEWAY, operator.problem(), 0);
            return;
        }
        FullHttpRequest forward = forwardedRequest(ctx, request);
        forward.content().writeBytes(request.content());
        if (operator != null) {
            HttpForward.forwardToOperator(core, ctx, node, operator.uri(), forward, keepAlive);
        } else {
            HttpForward.forward(core, ctx, node, forward, keepAlive);
        }
    }

    /**
     * Whether a request for {@code path} may go on to a node: a plainly written path, never an
     * operator path ({@code /admin/*}), and {@code /api/*} only when the gateway is told to forward it.
     */
    private boolean forwardable(String path) {
        return RequestPaths.plain(path) && !path.startsWith("/admin/") && !path.equals("/admin") && (core.options().forwardApi() || !api(path));
    }

    /** The HTTP API: nodes serve it on their operator listener only. */
    private static boolean api(String path) {
        return path.startsWith("/api/") || path.equals("/api");
    }

    private static boolean isUpgrade(FullHttpRequest r) {
        return r.method().equals(HttpMethod.GET) && r.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        ctx.channel().config().setAutoRead(false);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, List<String>> q = uri.parameters();
        String ip = clientIp(ctx, request);
        ConnectionLimiter.Refusal refusal = ticket.admitAddress(ip);
        if (refusal != null) {
            respond(ctx, new GatewayEndpoints.Reply(429, "application/json", GatewayEndpoints.error("rate_limited", refusal.message())
                    .getBytes(StandardCharsets.UTF_8), refusal.retryAfterSeconds()), false);
            return;
        }
        String user;
        try {
            user = userOf(request, q);
        } catch (ProtocolException e) {
            respond(ctx, GatewayEndpoints.Reply.json(401, GatewayEndpoints.error("unauthorized", e.getMessage())), false);
            return;
        }
        RouteRequest route = new RouteRequest(ip, user, first(q, "region"), first(q, "session"),
                first(q, core.options().routing().stickyKey()));
        FullHttpRequest forward = forwardedRequest(ctx, request);
        NodeInfo hinted = core.hinted(first(q, "node"));
        if (hinted != null) {
            connect(ctx, hinted, forward, route, true);
            return;
        }
        core.router().select(route).whenComplete((node, e) -> ctx.executor().execute(() -> {
            if (e != null) {
                forward.release();
                refuse(ctx, e);
            } else {
                connect(ctx, node, forward, route, true);
            }
        }));
    }

    /** Connects to {@code node}; when it refuses, marks it suspect and tries once more elsewhere. */
    private void connect(ChannelHandlerContext ctx, NodeInfo node, FullHttpRequest forward, RouteRequest route, boolean mayRetry) {
        URI target;
        try {
            target = URI.create(node.url());
        } catch (IllegalArgumentException e) {
            forward.release();
            reply(ctx, HttpResponseStatus.BAD_GATEWAY, "node " + node.id() + " advertises an unusable URL: " + node.url(), 0);
            return;
        }
        Channel client = ctx.channel();
        BackHandler back = new BackHandler(core, client, node.id());
        Bootstrap b = new Bootstrap().group(client.eventLoop()).channel(EventLoops.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) core.options().connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        core.tlsToNode(ch, target);
                        ch.pipeline().addLast(CODEC, new HttpClientCodec())
                                .addLast(AGGREGATOR, new HttpObjectAggregator(64 * 1024))
                                .addLast(back);
                    }
                });
        int port = GatewayCore.portOf(target);
        b.connect(target.getHost(), port).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                if (!client.isActive()) {
                    forward.release();
                    f.channel().close();
                    return;
                }
                if (mayRetry) {
                    // A node that sheds load answers 503: the same upgrade then goes once to another node.
                    back.elsewhere(forward.retainedDuplicate(), again -> tryAnother(ctx, node, again, route,
                            HttpResponseStatus.SERVICE_UNAVAILABLE, "node " + node.id() + " is over its load limits and no other node was found: retry later",
                            5));
                }
                forward.setUri(target.getRawPath() + (forward.uri().contains("?") ? forward.uri().substring(forward.uri().indexOf('?')) : ""));
                forward.headers().set(HttpHeaderNames.HOST, target.getHost() + ":" + port);
                f.channel().writeAndFlush(forward);
                return;
            }
            core.suspect(node.id());
            if (mayRetry && client.isActive()) {
                tryAnother(ctx, node, forward, route, HttpResponseStatus.BAD_GATEWAY, "node " + node.id() + " did not accept the connection", 1);
            } else {
                forward.release();
                reply(ctx, HttpResponseStatus.BAD_GATEWAY, "node " + node.id() + " did not accept the connection", 1);
            }
        });
    }

    /**
     * {@code node} did not take the upgrade: the router's next choice gets it (once), or the client
     * {@code status} when the router has no other node.
     */
    private void tryAnother(ChannelHandlerContext ctx, NodeInfo node, FullHttpRequest forward, RouteRequest route,
                            HttpResponseStatus status, String why, int retryAfterSeconds) {
        Channel client = ctx.channel();
        core.router().select(route).whenComplete((other, e) -> client.eventLoop().execute(() -> {
            if (e != null || other.id().equals(node.id()) || !client.isActive()) {
                forward.release();
                reply(ctx, status, why, retryAfterSeconds);
            } else {
                connect(ctx, other, forward, route, false);
            }
        }));
    }

    /** The upgrade as the node should see it: same method, path, query and headers, plus the forwarding headers. */
    private FullHttpRequest forwardedRequest(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpRequest f = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                Unpooled.buffer(request.content().readableBytes()));
        HttpHeaders h = f.headers().set(request.headers());
        String remote = remoteIp(ctx.channel());
        if (!core.proxies().trusts(remote)) {
            // A client's own X-Forwarded-* headers are not passed on as if a proxy had written them.
            h.remove("X-Forwarded-For").remove("X-Forwarded-Proto").remove("X-Forwarded-Host");
        }
        String prior = h.get("X-Forwarded-For");
        h.set("X-Forwarded-For", prior == null ? remote : prior + ", " + remote);
        if (!h.contains("X-Forwarded-Proto")) {
            h.set("X-Forwarded-Proto", ctx.pipeline().get("tls") != null ? "https" : "http");
        }
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null && !h.contains("X-Forwarded-Host")) {
            h.set("X-Forwarded-Host", host);
        }
        return f;
    }

    private void refuse(ChannelHandlerContext ctx, Throwable e) {
        Throwable cause = Futures.cause(e);
        if (cause instanceof NoNodeAvailableException none) {
            core.metrics().refused(GatewayMetrics.NO_NODE);
            reply(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, none.getMessage(), none.retryAfterSeconds());
        } else {
            quiet.log(cause.getClass().getName(), cause, "routing failed");
            // The cause, its library's class name included, is the log's: the client learns only that it failed.
            reply(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "routing failed", 0);
        }
    }

    /** A JSON error ({@code unavailable} for 502 and 503, as protocol.md), then the connection closes. */
    static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String message, int retryAfterSeconds) {
        String body = GatewayEndpoints.error(status.code() == 500 ? "internal" : "unavailable", message);
        GatewayEndpoints.Reply r = new GatewayEndpoints.Reply(status.code(), "application/json", body.getBytes(StandardCharsets.UTF_8),
                retryAfterSeconds);
        respond(ctx, r, false);
    }

    static void respond(ChannelHandlerContext ctx, GatewayEndpoints.Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        if (reply.retryAfterSeconds() > 0) {
            response.headers().setInt(HttpHeaderNames.RETRY_AFTER, reply.retryAfterSeconds());
        }
        if (reply.location() != null) {
            response.headers().set(HttpHeaderNames.LOCATION, reply.location());
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The peer, or behind a trusted proxy the client it names ({@link TrustedProxies}). */
    private String clientIp(ChannelHandlerContext ctx, FullHttpRequest request) {
        return core.proxies().clientIp(remoteIp(ctx.channel()), request.headers().get("X-Forwarded-For"));
    }

    static String remoteIp(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }

    /**
     * The user to place a connection by: the {@code sub} of its token, verified with the gateway's
     * {@code jwt-secret}. A gateway without one places every connection as anonymous (the node
     * still authenticates it): an unverified {@code sub} would let anyone pick another user's node
     * and write their sticky mapping. A token that fails verification is refused here, with 401.
     */
    private String userOf(FullHttpRequest request, Map<String, List<String>> q) {
        TokenVerifier verifier = core.tokens();
        if (verifier == null) {
            return null;
        }
        String token = first(q, "token");
        if (token == null) {
            token = Bearer.credential(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        }
        return token == null || token.isEmpty() ? null : verifier.verify(token).userId();
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection failed", cause);
        ctx.close();
    }

    /** Installs the client side of the relay in place of the HTTP handlers; bytes the codec still holds follow. */
    static void startRelay(Channel client, Relay toNode) {
        client.pipeline().remove(AGGREGATOR);
        if (client.pipeline().get(RequestDeadline.NAME) != null) {
            client.pipeline().remove(RequestDeadline.NAME);
        }
        client.pipeline().replace(FrontHandler.class, "relay", toNode);
        client.pipeline().remove(CODEC);
    }
}
