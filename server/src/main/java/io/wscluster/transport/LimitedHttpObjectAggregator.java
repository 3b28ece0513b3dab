package io.wscluster.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.wscluster.protocol.ErrorCode;

/** Aggregates HTTP bodies up to a limit and answers a larger one with a JSON {@code too_large} error. */
final class LimitedHttpObjectAggregator extends HttpObjectAggregator {
    private final int maxBody;

    LimitedHttpObjectAggregator(int maxBody) {
        super(maxBody);
        this.maxBody = maxBody;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        HttpResponses.write(ctx, HttpReply.error(ErrorCode.TOO_LARGE, "body larger than " + maxBody + " bytes"), false);
    }
}
