package io.wscluster.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.AttributeKey;
import io.wscluster.cluster.NodeState;
import io.wscluster.eventloops.RequestDeadline;
import io.wscluster.hub.ClientRequests;
import io.wscluster.hub.HubShard;
import io.wscluster.hub.Session;
import io.wscluster.hub.SessionRecord;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.codec.Encoding;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.Bearer;
import io.wscluster.security.ConnectionLimiter;
import io.wscluster.security.PermissionProxy;
import io.wscluster.security.Principal;
import io.wscluster.security.RoomPatterns;
import io.wscluster.security.RoomPolicy;
import io.wscluster.security.TokenVerifier;
import io.wscluster.security.TrustedProxies;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import io.wscluster.protocol.Futures;

/**
 * Turns an HTTP connection into a WebSocket session: checks the node is accepting and the
 * connection limits of the client's address, verifies the token, checks the user's connection
 * limit, picks the subprotocol, completes the handshake, and replaces every HTTP handler with the
 * WebSocket ones, so an upgraded connection carries no HTTP state.
 */
final class WebSocketUpgrade {
    /** What a public listener's connection holds of the connection limits, from its accept on. */
    static final AttributeKey<ConnectionLimiter.Ticket> TICKET = AttributeKey.valueOf("wsc-connection-ticket");
    private static final String SUBPROTOCOLS = Encoding.JSON.subprotocol() + "," + Encoding.MSGPACK.subprotocol();

    private final TransportOptions options;
    private final SessionIds sessionIds;
    private final boolean allowAnonymous;
    private final OriginPolicy origins;
    private final TrustedProxies proxies;
    private final ClientRequests requests;
    private final NodeMetrics metrics;
    private final TokenVerifier verifier;
    private final Supplier<NodeState> state;
    private final Map<EventLoop, HubShard> shards;
    private final WebSocketServerHandshakerFactory handshakers;
    private final LoadShedding shedding;

    WebSocketUpgrade(TransportOptions options, boolean allowAnonymous, ClientRequests requests, NodeMetrics metrics, TokenVerifier verifier,
                     Supplier<NodeState> state, Map<EventLoop, HubShard> shards, SessionIds sessionIds) {
        this.options = options;
        this.sessionIds = sessionIds;
        this.allowAnonymous = allowAnonymous;
        this.origins = new OriginPolicy(options.allowedOrigins());
        this.proxies = new TrustedProxies(options.trustedProxies());
        this.requests = requests;
        this.metrics = metrics;
        this.verifier = verifier;
        this.state = state;
        this.shards = shards;
        this.shedding = new LoadShedding(options.maxConnections(), options.shedHeapPercent(), metrics::connections);
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(options.maxFrameSize())
                .allowExtensions(true)
                .closeOnProtocolViolation(true)
                .build();
        // The URL is only echoed in handshake errors; clients reach us through any host name.
        this.handshakers = new WebSocketServerHandshakerFactory("/ws", SUBPROTOCOLS, decoder);
    }

    void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.method() != HttpMethod.GET) {
            HttpResponses.write(ctx, HttpReply.error(405, ErrorCode.BAD_REQUEST, "use GET to open a WebSocket"), false);
            return;
        }
        if (state.get() != NodeState.ACTIVE) {
            HttpResponses.write(ctx, HttpReply.error(ErrorCode.UNAVAILABLE, "node is " + state.get().wireName()
                    + ": connect to another node").withRetryAfter(1), false);
            return;
        }
        String overloaded = shedding.refusal();
        if (overloaded != null) {
            metrics.shed(overloaded);
            HttpReply busy = HttpReply.error(ErrorCode.UNAVAILABLE, "node is at its " + (overloaded.equals("memory") ? "shed-heap-percent"
                    : "max-connections") + " limit: connect to another node or retry later");
            HttpResponses.write(ctx, busy.withRetryAfter(LoadShedding.RETRY_AFTER_SECONDS), false);
            return;
        }
        // Behind a trusted proxy (the gateway, a load balancer) the client is the hop it names.
        String remote = proxies.clientIp(peerIp(ctx.channel()), request.headers().get("X-Forwarded-For"));
        if (refused(ctx, ctx.channel().attr(TICKET).get().admitAddress(remote))) {
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!origins.allows(origin, request.headers().get(HttpHeaderNames.HOST), request.headers().get("X-Forwarded-Host"))) {
            HttpResponses.write(ctx, HttpReply.error(ErrorCode.FORBIDDEN, "pages of this origin may not connect (allowed-origins)"),
                    false);
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        Principal principal;
        try {
            principal = identify(request, query);
        } catch (ProtocolException e) {
            HttpResponses.write(ctx, HttpReply.error(e.code(), e.getMessage()), false);
            return;
        }
        String asked = first(query, "session");
        WebSocketServerHandshaker handshaker = handshakers.newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        // An id this cluster did not issue to this user (made up, another user's, or signed under a
        // key since lost with Redis) is never taken: the client gets a new session and is told why,
        // rather than a refusal it would retry with the same id forever.
        boolean keep = asked != null && sessionIds.issuedTo(asked, principal.userId());
        String sessionId = keep ? asked : sessionIds.issue(principal.userId());
        // ?resume=false keeps the id (for sticky routing) without a record: a client that knows its
        // own positions resubscribes with since, which is exact where the record may lag.
        SessionRecord record = asked == null ? SessionRecord.NEW : !keep ? SessionRecord.REISSUED
                : "false".equals(first(query, "resume")) ? SessionRecord.OWN_POSITIONS : SessionRecord.RESUME;
        PermissionProxy proxy = requests.proxy();
        if (!proxy.asksOnConnect()) {
            handshake(ctx, request, handshaker, principal, sessionId, record, remote);
            return;
        }
        // The back end decides first; the request waits for it, and the connection reads nothing meanwhile.
        request.retain();
        ctx.channel().config().setAutoRead(false);
        proxy.connect(principal, sessionId, remote, forwardedHeaders(request)).whenCompleteAsync((admitted, error) -> {
            try {
                ctx.channel().config().setAutoRead(true);
                if (!ctx.channel().isActive()) {
                    return;
                }
                if (error != null) {
                    Throwable cause = Futures.cause(error);
                    ProtocolException refused = cause instanceof ProtocolException pe ? pe
                            : new ProtocolException(ErrorCode.UNAVAILABLE, "the application's connect check failed");
                    HttpResponses.write(ctx, HttpReply.error(refused.code(), refused.getMessage()), false);
                    return;
                }
                handshake(ctx, request, handshaker, admitted, sessionId, record, remote);
            } finally {
                request.release();
            }
        }, ctx.executor());
    }

    /**
     * An operator's WebSocket on the operator listener, whose endpoints let the caller watch: a
     * session that may read the nodes' own rooms ({@link #WATCHER}) and nothing more, on any node
     * state (a draining node is still watched). A browser's request must come from a page of the
     * listener's own origin, so that no other site can open it with the operator's credentials.
     */
    void upgradeOperator(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            HttpResponses.write(ctx, HttpReply.error(ErrorCode.BAD_REQUEST, "/ws opens the operators' WebSocket: ask for it with"
                    + " Upgrade: websocket"), false);
            return;
        }
        if (!SAME_ORIGIN.allows(request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.HOST), null)) {
            HttpResponses.write(ctx, HttpReply.error(ErrorCode.FORBIDDEN, "only pages of this listener may open its WebSocket"), false);
            return;
        }
        WebSocketServerHandshaker handshaker = handshakers.newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        handshake(ctx, request, handshaker, WATCHER, sessionIds.issue(null), SessionRecord.NEW, peerIp(ctx.channel()));
    }

    private static final OriginPolicy SAME_ORIGIN = new OriginPolicy(List.of());

    /** Who an operator's WebSocket is: nobody's user, reading the nodes' own rooms only. */
    static final Principal WATCHER = new Principal(null, 0, RoomPatterns.of(List.of(RoomPolicy.SYSTEM_PREFIX + "*")), RoomPatterns.NONE);

    private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, WebSocketServerHandshaker handshaker, Principal principal,
                           String sessionId, SessionRecord record, String remote) {
        ConnectionLimiter.Ticket ticket = ctx.channel().attr(TICKET).get();
        if (ticket != null && refused(ctx, ticket.admitUser(principal.userId()))) {
            return;
        }
        handshaker.handshake(ctx.channel(), request).addListener(f -> {
            if (f.isSuccess()) {
                install(ctx, handshaker, principal, sessionId, record, remote);
            } else {
                ctx.close();
            }
        });
    }

    /** What the connect check sees of the request: the headers a back end authenticates browsers by. */
    private static Map<String, String> forwardedHeaders(FullHttpRequest request) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (CharSequence name : List.of(HttpHeaderNames.COOKIE, HttpHeaderNames.ORIGIN, HttpHeaderNames.USER_AGENT)) {
            String value = request.headers().get(name);
            if (value != null) {
                headers.put(name.toString(), value);
            }
        }
        return headers;
    }

    static String peerIp(Channel ch) {
        return ch.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress().getHostAddress()
                : String.valueOf(ch.remoteAddress());
    }

    /** Answers 429 with the limit's reason and when to try again, when a connection limit refused the connection. */
    private static boolean refused(ChannelHandlerContext ctx, ConnectionLimiter.Refusal refusal) {
        if (refusal == null) {
            return false;
        }
        HttpResponses.write(ctx, HttpReply.error(ErrorCode.RATE_LIMITED, refusal.message()).withRetryAfter(refusal.retryAfterSeconds()),
                false);
        return true;
    }

    /**
     * Who connects: the verified token of the {@code Authorization} header or of {@code ?token=},
     * else anonymous where allowed. A credential that is there but malformed (another scheme, an
     * empty token) is refused: a client that meant to authenticate is never let in as anonymous.
     */
    private Principal identify(FullHttpRequest request, QueryStringDecoder query) {
        String token = null;
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null) {
            token = Bearer.credential(auth);
            if (token == null || token.isEmpty()) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, "malformed Authorization header: expected Bearer <jwt>");
            }
        }
        if (token == null) {
            token = first(query, "token");
            if (token != null && token.isBlank()) {
                throw new ProtocolException(ErrorCode.UNAUTHORIZED, "empty token: give ?token=<jwt>, or no token to connect anonymously");
            }
        }
        if (token != null) {
            return verifier.verify(token);
        }
        if (!allowAnonymous) {
            throw new ProtocolException(ErrorCode.UNAUTHORIZED, "a token is required: send Authorization: Bearer <jwt> or ?token=<jwt>");
        }
        return Principal.ANONYMOUS;
    }

    private void install(ChannelHandlerContext ctx, WebSocketServerHandshaker handshaker, Principal principal, String sessionId,
                         SessionRecord record, String remote) {
        Encoding encoding = Encoding.forSubprotocol(handshaker.selectedSubprotocol());
        if (encoding == null) {
            encoding = Encoding.JSON;
        }
        HubShard shard = shards.get(ctx.channel().eventLoop());
        FrameHandler frames = new FrameHandler(requests, metrics, options.maxFrameSize());
        ChannelPipeline p = ctx.pipeline();
        p.addBefore(HttpRouter.NAME, "ws-utf8", new Utf8FrameValidator(true));
        p.addBefore(HttpRouter.NAME, "ws-aggregator", new WebSocketFrameAggregator(options.maxFrameSize()));
        p.replace(HttpRouter.NAME, FrameHandler.NAME, frames);
        if (p.get(RequestDeadline.NAME) != null) {
            p.remove(RequestDeadline.NAME); // a WebSocket is kept alive by pings, not by request deadlines
        }
        WebSocketConnection connection = new WebSocketConnection(p.context(frames), encoding,
                p.get(WebSocketExtensionEncoder.class) != null, remote);
        p.addBefore(FrameHandler.NAME, FairReads.NAME, new FairReads(() -> !connection.isClosing()));
        Session session = new Session(sessionId, principal, encoding, connection, record);
        frames.attach(session, connection);
        requests.open(session, shard);
    }

    private static String first(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
