package io.wscluster.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The node's side of a connection until the node answers the upgrade. On {@code 101} the answer
 * goes to the client and both channels become a relay; a {@code 503} (the node is draining or
 * shedding load) sends the upgrade to another node when the caller gave a way to
 * ({@link #elsewhere}); any other answer (401, 429, ...) goes to the client as it is and both
 * connections close.
 *
 * <p>Implementation note: the node usually sends its first frames ({@code welcome}) in the same
 * read as its {@code 101}. The HTTP codec passes them on as bytes; they are held here and the
 * pipelines are rebuilt in a task after the read, because rebuilding a pipeline while the codec
 * is still handing out that read's messages could send them through removed handlers.
 */
final class BackHandler extends ChannelInboundHandlerAdapter {
    private final GatewayCore core;
    private final Channel client;
    private final String nodeId;
    private final List<ByteBuf> early = new ArrayList<>();
    private boolean answered;
    /** The upgrade again, for another node, and where to send it; null when the answer goes to the client whatever it is. */
    private FullHttpRequest again;
    private Consumer<FullHttpRequest> elsewhere;

    BackHandler(GatewayCore core, Channel client, String nodeId) {
        this.core = core;
        this.client = client;
        this.nodeId = nodeId;
    }

    /** On a 503, {@code elsewhere} gets {@code upgrade} (which it must release) instead of the client getting the 503. */
    void elsewhere(FullHttpRequest upgrade, Consumer<FullHttpRequest> elsewhere) {
        this.again = upgrade;
        this.elsewhere = elsewhere;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered) {
            if (msg instanceof ByteBuf buf) {
                early.add(buf);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (!(msg instanceof FullHttpResponse response)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        answered = true;
        FullHttpResponse copy = new DefaultFullHttpResponse(response.protocolVersion(), response.status(),
                response.content().retain(), response.headers(), response.trailingHeaders());
        response.release();
        if (!client.isActive()) {
            copy.release();
            ctx.close();
            return;
        }
        if (copy.status().code() == HttpResponseStatus.SERVICE_UNAVAILABLE.code() && again != null) {
            core.metrics().nodeShed();
            copy.release();
            ctx.close();
            FullHttpRequest upgrade = again;
            again = null;
            elsewhere.accept(upgrade);
            return;
        }
        releaseAgain();
        if (copy.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            core.metrics().nodeRefused();
            client.writeAndFlush(copy).addListener(ChannelFutureListener.CLOSE);
            ctx.close();
            return;
        }
        ctx.channel().config().setAutoRead(false);
        client.writeAndFlush(copy);
        ctx.executor().execute(() -> relay(ctx));
    }

    /** Both sides become a byte relay; the bytes the node sent right after its 101 go first. */
    private void relay(ChannelHandlerContext ctx) {
        Channel node = ctx.channel();
        if (!client.isActive() || !node.isActive()) {
            releaseEarly();
            client.close();
            node.close();
            return;
        }
        NodeLink fromNode = new NodeLink(nodeId, client, core.metrics().bytesToClients(), core.links(), core::linkLost);
        FrontHandler.startRelay(client, new Relay(node, core.metrics().bytesToNodes()));
        ctx.pipeline().remove(FrontHandler.AGGREGATOR);
        ctx.pipeline().replace(this, "relay", fromNode);
        ctx.pipeline().remove(FrontHandler.CODEC);
        for (ByteBuf b : early) {
            node.pipeline().fireChannelRead(b);
        }
        if (!early.isEmpty()) {
            node.pipeline().fireChannelReadComplete();
        }
        early.clear();
        core.metrics().relayed();
        client.config().setAutoRead(true);
        node.config().setAutoRead(true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        releaseAgain();
        if (!answered && client.isActive()) {
            core.suspect(nodeId);
            ChannelHandlerContext front = client.pipeline().context(FrontHandler.class);
            if (front != null) {
                FrontHandler.reply(front, HttpResponseStatus.BAD_GATEWAY, "node " + nodeId + " closed before answering", 1);
            } else {
                client.close();
            }
        }
    }

    private void releaseAgain() {
        if (again != null) {
            again.release();
            again = null;
        }
    }

    private void releaseEarly() {
        early.forEach(ByteBuf::release);
        early.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
