package io.wscluster.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wscluster.hub.Connection;
import io.wscluster.hub.SharedFrame;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.Encoding;
import io.wscluster.security.ConnectionLimiter;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket channel as the hub's {@link Connection}: frames in the session's encoding, written
 * from the pipeline's last handler, so that each passes the WebSocket (and deflate) encoders and
 * then the {@link OutboundLimiter}. A message shared by many subscribers goes out as the bytes
 * framed once for all of them, except where the deflate encoder must still see it.
 */
final class WebSocketConnection implements Connection {
    /** How long a closing connection may take to flush its close frame before it is cut. */
    private static final long CLOSE_GRACE_MILLIS = 2000;

    private final ChannelHandlerContext ctx;
    private final OutboundLimiter limiter;
    private final Encoding encoding;
    /** permessage-deflate was negotiated: frames worth compressing must pass the compressor. */
    private final boolean compressed;
    private boolean closing;
    /** Last time anything arrived from the client, in {@link System#nanoTime()}; read by the ping sweep. */
    long lastSeenNanos = System.nanoTime();
    long lastPingNanos = lastSeenNanos;

    /** @param ctx the context of the pipeline's last handler, which all writes start from */
    private final String remote;
    /** @param remote the client's address: the peer's, or behind a trusted proxy the client it names */
    WebSocketConnection(ChannelHandlerContext ctx, Encoding encoding, boolean compressed, String remote) {
        this.ctx = ctx;
        this.remote = remote;
        this.limiter = ctx.pipeline().get(OutboundLimiter.class);
        this.encoding = encoding;
        this.compressed = compressed;
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void write(ByteBuf payload) {
        if (closing) {
            payload.release();
            return;
        }
        ctx.write(encoding.binary() ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload), ctx.voidPromise());
    }

    /** A frame the deflater would skip anyway (see {@link Compression}) goes out pre-framed: the WebSocket encoder passes bytes untouched. */
    @Override
    public void write(SharedFrame shared) {
        if (closing) {
            return;
        }
        ByteBuf payload = shared.payload(encoding);
        if (!compressed || payload.readableBytes() < Compression.MIN_SIZE) {
            ctx.write(shared.framed(encoding).retainedDuplicate(), ctx.voidPromise());
        } else {
            write(payload.retainedDuplicate());
        }
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    /**
     * Closes after everything already queued: the close frame takes its place in line, the channel
     * closes once it is written, and a client that never reads is cut after a grace period.
     */
    @Override
    public void close(CloseCode code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        stopReading();
        ctx.writeAndFlush(new CloseWebSocketFrame(code.code(), reason)).addListener(ChannelFutureListener.CLOSE);
        cutAfterGrace();
    }

    /** Closes with 1008; the client's address is refused for a while ({@link ConnectionLimiter.Ticket#abusive()}). */
    @Override
    public void closeForAbuse(String reason) {
        ConnectionLimiter.Ticket ticket = ctx.channel().attr(WebSocketUpgrade.TICKET).get();
        if (ticket != null) {
            ticket.abusive();
        }
        close(CloseCode.POLICY_VIOLATION, reason);
    }

    /** The client sent a close frame: what is queued for it is dropped, and its close is answered with its own code. */
    void closeReceived(int status) {
        boolean first = !closing;
        closing = true;
        stopReading();
        limiter.discard();
        ctx.writeAndFlush(new CloseWebSocketFrame(status, "")).addListener(ChannelFutureListener.CLOSE);
        if (first) {
            cutAfterGrace();
        }
    }

    /** The socket is gone. */
    void closed() {
        closing = true;
        limiter.discard();
    }

    /**
     * A closing connection reads no more: what a client sends after its close or ours would only be
     * read and dropped, and a flooding client (pings, say) would keep a loop busy with it until the
     * grace period ends. Its writes back up into its own socket instead.
     */
    private void stopReading() {
        ctx.channel().config().setAutoRead(false);
    }

    private void cutAfterGrace() {
        ctx.executor().schedule(() -> ctx.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** Netty's queue is under its high water mark and nothing waits in the limiter. */
    @Override
    public boolean writable() {
        return !closing && ctx.channel().isWritable() && limiter.queuedBytes() == 0;
    }

    /** Nothing waits in the limiter, and nothing in Netty's outbound buffer, written or not yet flushed. */
    @Override
    public boolean drained() {
        if (closing || limiter.queuedBytes() > 0) {
            return false;
        }
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() == 0;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public long queuedBytes() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return limiter.queuedBytes() + (out == null ? 0 : out.totalPendingWriteBytes());
    }

    @Override
    public long blockedSinceNanos() {
        return limiter.queuedSinceNanos();
    }

    @Override
    public long bytesSent() {
        return limiter.written();
    }

    void ping() {
        if (!closing) {
            lastPingNanos = System.nanoTime();
            ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
        }
    }

    /** The connection's pipeline, for tests that check what an upgraded connection carries. */
    io.netty.channel.ChannelPipeline pipeline() {
        return ctx.pipeline();
    }
}
