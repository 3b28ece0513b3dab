package io.wscluster.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds the pipeline of a new connection, and only that: the outbound limit every byte to the
 * client passes (first, so that it sees the encoders' output), HTTP codec, body aggregation,
 * permessage-deflate negotiation when enabled, and the router. The upgrade replaces all but the
 * limit.
 */
final class HttpChannelInitializer extends ChannelInitializer<Channel> {
    private final HttpRouter router;
    private final int maxBody;
    private final boolean compression;
    private final int outboundLimit;

    HttpChannelInitializer(HttpRouter router, int maxBody, boolean compression, int outboundLimit) {
        this.router = router;
        this.maxBody = maxBody;
        this.compression = compression;
        this.outboundLimit = outboundLimit;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(OutboundLimiter.NAME, new OutboundLimiter(outboundLimit));
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-aggregator", new LimitedHttpObjectAggregator(maxBody));
        if (compression) {
            // Removes itself after the upgrade, leaving the deflate codec behind when it was negotiated.
            p.addLast("ws-compression", Compression.negotiation(maxBody));
        }
        p.addLast(HttpRouter.NAME, router);
    }
}
