package io.wscluster.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;

/**
 * Relays the bytes one channel reads to its peer, flushing once per read burst, and stops reading
 * while the peer cannot keep up (its outbound buffer is over the high watermark), so a slow reader
 * on one side never grows memory on the gateway. Both channels share one event loop.
 */
class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final LongAdder bytes;
    private boolean pending;

    Relay(Channel peer, LongAdder bytes) {
        this.peer = peer;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        bytes.add(buf.readableBytes());
        observe(buf);
        peer.write(buf, peer.voidPromise());
        pending = true;
    }

    /** Sees each buffer before it is passed on (the node-to-client side follows frame headers). */
    void observe(ByteBuf buf) {
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pending) {
            pending = false;
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }
    }

    /** This channel drained below the low watermark: the peer may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        peerLost(ctx);
    }

    /** This side closed: by default the peer closes too, once what was written to it is sent. */
    void peerLost(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset connection; the other side follows from channelInactive
    }
}
