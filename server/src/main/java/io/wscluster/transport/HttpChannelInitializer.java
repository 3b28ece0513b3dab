package io.wscluster.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds the pipeline of a new connection, and only that: HTTP codec, body aggregation,
 * permessage-deflate negotiation when enabled, and the router. The upgrade replaces all of them.
 */
final class HttpChannelInitializer extends ChannelInitializer<Channel> {
    private final HttpRouter router;
    private final int maxBody;
    private final boolean compression;

    HttpChannelInitializer(HttpRouter router, int maxBody, boolean compression) {
        this.router = router;
        this.maxBody = maxBody;
        this.compression = compression;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("http", new HttpServerCodec());
        p.addLast("http-aggregator", new LimitedHttpObjectAggregator(maxBody));
        if (compression) {
            // Removes itself after the upgrade, leaving the deflate codec behind when it was negotiated.
            p.addLast("ws-compression", Compression.negotiation(maxBody));
        }
        p.addLast(HttpRouter.NAME, router);
    }
}
