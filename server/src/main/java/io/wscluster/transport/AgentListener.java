package io.wscluster.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.wscluster.eventloops.EventLoops;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HAProxy's agent-check on a node (the {@code agent-port} setting): HAProxy connects, the node
 * writes one line (see {@code routing.AgentCheck}) and closes. Whatever HAProxy sends first
 * ({@code agent-send}) is read and ignored.
 */
final class AgentListener {
    /** How long a connection may stay once its line is written, for a peer that never closes. */
    private static final Duration LINGER = Duration.ofSeconds(5);

    private AgentListener() {
    }

    /** Listens on {@code host:port}; each connection gets {@code reply}'s line at once. */
    static Channel bind(EventLoopGroup group, String host, int port, Supplier<String> reply) throws BindException, InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new Reply(reply));
        try {
            return bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            if (e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
                throw new ListenerTakenException("agent-port", host, port);
            }
            throw new IllegalStateException("could not bind agent-port " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Stateless: one instance serves every connection. */
    @ChannelHandler.Sharable
    private static final class Reply extends ChannelInboundHandlerAdapter {
        private final Supplier<String> reply;

        Reply(Supplier<String> reply) {
            this.reply = reply;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // Half-close after the line: closing outright with the peer's agent-send unread makes the
            // kernel reset the connection, which can destroy the line before it is read. The peer
            // closes once it has read it; one that never does is cut after LINGER.
            ctx.writeAndFlush(Unpooled.copiedBuffer(reply.get(), StandardCharsets.US_ASCII)).addListener(f -> {
                if (ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                } else {
                    ctx.close();
                }
            });
            ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset by the peer, say: nothing to report
        }
    }
}
