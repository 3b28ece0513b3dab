package io.wscluster.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wscluster.eventloops.AcceptGate;
import io.wscluster.eventloops.RequestDeadline;
import io.wscluster.eventloops.ServerTls;
import io.wscluster.metrics.NodeMetrics;
import io.wscluster.security.ConnectionLimiter;

/**
 * Builds the pipeline of a new connection, and only that: on the public listener, the per-address connection limit is passed
 * before, at the listener's {@link #gate()} (a connection over it is reset before it has a pipeline; one let in carries its
 * {@link ConnectionLimiter.Ticket} as {@link WebSocketUpgrade#TICKET}, given back when it closes); then TLS when the listener has it, the outbound limit every byte to the
 * client passes (first, so that it sees the encoders' output), HTTP codec, body aggregation, the request deadlines,
 * permessage-deflate negotiation when enabled, and the router. The upgrade replaces all but the
 * limit.
 */
final class HttpChannelInitializer extends ChannelInitializer<Channel> {
    private final HttpRouter router;
    private final TransportOptions options;
    private final boolean compression;
    private final ServerTls tls;
    private final ConnectionLimiter limiter;
    private final AcceptGate gate;
    private final NodeMetrics metrics;

    /**
     * @param tls     the listener's TLS, or null for plain TCP
     * @param limiter the connection limits of the public listener; null on the operator listener, which clients do not reach
     * @param metrics counts the bytes the public listener's connections are sent
     */
    HttpChannelInitializer(HttpRouter router, TransportOptions options, boolean compression, ServerTls tls, ConnectionLimiter limiter,
                           NodeMetrics metrics) {
        this.router = router;
        this.metrics = metrics;
        this.options = options;
        this.compression = compression;
        this.tls = tls;
        this.limiter = limiter;
        this.gate = limiter == null ? null : new AcceptGate(ch -> {
            ConnectionLimiter.Ticket ticket = limiter.accept(WebSocketUpgrade.peerIp(ch));
            ch.attr(WebSocketUpgrade.TICKET).set(ticket);
            return ticket != null;
        });
    }

    /**
     * The listening channel's gate, which counts a connection against its address's limits before it
     * gets a pipeline and refuses one over them; null on a listener without limits.
     */
    AcceptGate gate() {
        return gate;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (limiter != null) {
            ConnectionLimiter.Ticket ticket = ch.attr(WebSocketUpgrade.TICKET).get();
            ch.closeFuture().addListener(closed -> ticket.release());
        }
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc())); // next to the socket: the limit counts what the client is sent
        }
        p.addLast(OutboundLimiter.NAME, new OutboundLimiter(options.outboundBufferLimit(), limiter == null ? null : metrics));
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-aggregator", new LimitedHttpObjectAggregator(options.maxFrameSize()));
        p.addLast(RequestDeadline.NAME, new RequestDeadline(options.requestTimeout(), options.idleTimeout(),
                options.maxRequestsPerConnection()));
        if (compression) {
            // Removes itself after the upgrade, leaving the deflate codec behind when it was negotiated.
            p.addLast("ws-compression", Compression.negotiation(options.maxFrameSize()));
        }
        p.addLast(HttpRouter.NAME, router);
    }
}
