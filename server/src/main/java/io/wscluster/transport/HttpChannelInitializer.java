package io.wscluster.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.wscluster.eventloops.RequestDeadline;
import io.wscluster.eventloops.ServerTls;

/**
 * Builds the pipeline of a new connection, and only that: TLS when the listener has it, the outbound limit every byte to the
 * client passes (first, so that it sees the encoders' output), HTTP codec, body aggregation, the request deadlines,
 * permessage-deflate negotiation when enabled, and the router. The upgrade replaces all but the
 * limit.
 */
final class HttpChannelInitializer extends ChannelInitializer<Channel> {
    private final HttpRouter router;
    private final TransportOptions options;
    private final boolean compression;
    private final ServerTls tls;

    /** @param tls the listener's TLS, or null for plain TCP */
    HttpChannelInitializer(HttpRouter router, TransportOptions options, boolean compression, ServerTls tls) {
        this.router = router;
        this.options = options;
        this.compression = compression;
        this.tls = tls;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc())); // next to the socket: the limit counts what the client is sent
        }
        p.addLast(OutboundLimiter.NAME, new OutboundLimiter(options.outboundBufferLimit()));
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
