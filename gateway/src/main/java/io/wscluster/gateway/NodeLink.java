package io.wscluster.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The node-to-client half of a relayed connection. It follows the node's frames
 * ({@link FrameBoundary}) so that when the node is lost (its connection drops without a close
 * frame, or membership declares it failed) the client gets a WebSocket close 1012 ("service
 * restart", protocol.md) and reconnects, rather than a bare TCP reset.
 */
final class NodeLink extends Relay {
    static final int CLOSE_SERVICE_RESTART = 1012;
    static final int CLOSE_GOING_AWAY = 1001;

    private final String nodeId;
    private final Channel client;
    private final FrameBoundary frames = new FrameBoundary();
    private final Consumer<String> onLost;
    private final Links links;
    private Channel upstream;
    private boolean clientClosing;

    /**
     * @param onLost called with the node id when the node's connection dropped without a close frame
     */
    NodeLink(String nodeId, Channel client, LongAdder bytes, Links links, Consumer<String> onLost) {
        super(client, bytes);
        this.nodeId = nodeId;
        this.client = client;
        this.links = links;
        this.onLost = onLost;
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        upstream = ctx.channel();
        links.add(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        links.remove(this);
        super.channelInactive(ctx);
    }

    /** Membership lost the node (crashed, frozen, cut off): drop the link and send its client away, on the event loop. */
    void nodeFailed() {
        closeBoth(CLOSE_SERVICE_RESTART, "node " + nodeId + " failed");
    }

    /** Closes the client with {@code code} and the node's side with it, on the event loop. */
    void closeBoth(int code, String reason) {
        upstream.eventLoop().execute(() -> {
            closeClient(code, reason);
            upstream.close();
        });
    }

    @Override
    void observe(ByteBuf buf) {
        frames.follow(buf);
    }

    @Override
    void peerLost(ChannelHandlerContext ctx) {
        if (clientClosing) {
            return;
        }
        if (frames.closeSeen() || !client.isActive()) {
            // The node closed on purpose (its close frame is on its way), or the client left first
            // and the gateway closed this side after it.
            super.peerLost(ctx);
            return;
        }
        onLost.accept(nodeId);
        closeClient(CLOSE_SERVICE_RESTART, "node " + nodeId + " was lost");
    }

    /**
     * Closes the client with {@code code} when the stream is between frames (else without a close
     * frame: one cannot be added inside a frame), after whatever was already relayed; once. On the
     * event loop.
     */
    private void closeClient(int code, String reason) {
        if (clientClosing || !client.isActive()) {
            return;
        }
        clientClosing = true;
        if (frames.atBoundary() && !frames.closeSeen()) {
            client.writeAndFlush(closeFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** An unmasked (server-to-client) close frame with a status code and a reason of at most 123 bytes. */
    static ByteBuf closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 123);
        ByteBuf frame = Unpooled.buffer(4 + n);
        frame.writeByte(0x88).writeByte(2 + n).writeShort(code).writeBytes(text, 0, n);
        return frame;
    }
}
