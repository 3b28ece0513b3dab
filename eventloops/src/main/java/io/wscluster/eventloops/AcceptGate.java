package io.wscluster.eventloops;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.util.function.Predicate;

/**
 * The first look at an accepted connection, on the listening channel before Netty hands the
 * connection to an event loop: one the gate refuses is reset there and then, never registered,
 * given a pipeline or read. A client refused at accept (an address over its connection limit, or
 * held back for abuse) tends to reconnect at once, thousands of times a second; refusing it here
 * costs the node the accept and the close only, and the reset leaves no socket in TIME_WAIT behind
 * each attempt. A firewall in front of the node does the same for less (security.md says how).
 */
@ChannelHandler.Sharable
public final class AcceptGate extends ChannelInboundHandlerAdapter {
    private final Predicate<Channel> admit;

    /** @param admit whether an accepted connection may go on; it may set the connection's attributes */
    public AcceptGate(Predicate<Channel> admit) {
        this.admit = admit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (admit.test(child)) {
            ctx.fireChannelRead(child);
            return;
        }
        child.config().setOption(ChannelOption.SO_LINGER, 0);
        child.unsafe().closeForcibly();
    }
}
