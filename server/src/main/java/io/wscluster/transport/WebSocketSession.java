package io.wscluster.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.ReferenceCountUtil;
import io.wscluster.hub.Hub;
import io.wscluster.hub.HubShard;
import io.wscluster.hub.Session;
import io.wscluster.hub.SessionRecord;
import io.wscluster.protocol.ClientFrame;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.FrameParser;
import io.wscluster.protocol.ProtocolException;
import io.wscluster.security.Principal;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket connection: the hub's {@link Session} on one side, the last handler of the channel's
 * pipeline on the other.
 *
 * <p>Outbound bytes are bounded twice: Netty's own queue up to the channel's high water mark, then
 * an overflow queue of at most {@code outboundLimit} bytes that fills only while the socket is not
 * writable. A client that lets the overflow grow past the limit is a slow consumer: its queue is
 * dropped and it is closed with 1008, so it costs a bounded amount of memory and never delays
 * anyone else.
 */
final class WebSocketSession extends Session {
    private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
    /** How long a closing connection may take to flush its close frame before it is cut. */
    private static final long CLOSE_GRACE_MILLIS = 2000;

    private final Hub hub;
    private final HubShard shard;
    private final int outboundLimit;
    private final int maxMessageSize;
    final Handler handler = new Handler();
    private ChannelHandlerContext ctx;
    /** Frames ({@link WebSocketFrame}, or pre-framed {@link ByteBuf}s) waiting for the socket to drain. */
    private ArrayDeque<Object> overflow;
    /** True when permessage-deflate was negotiated: every frame must pass the compressor. */
    private boolean compressed;
    private long overflowBytes;
    private boolean closing;
    /** Last time anything arrived from the client, in {@link System#nanoTime()}; read by the ping sweep. */
    long lastSeenNanos = System.nanoTime();
    long lastPingNanos = lastSeenNanos;

    WebSocketSession(String id, Principal principal, Encoding encoding, Hub hub, HubShard shard, int outboundLimit,
                     int maxMessageSize) {
        super(id, principal, encoding);
        this.hub = hub;
        this.shard = shard;
        this.outboundLimit = outboundLimit;
        this.maxMessageSize = maxMessageSize;
    }

    void open(SessionRecord record) {
        hub.open(this, shard, record);
    }

    @Override
    protected ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    protected void write(ByteBuf payload) {
        WebSocketFrame frame = encoding().binary() ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload);
        enqueue(frame);
    }

    /** Messages the deflater would skip anyway (see {@link Compression}) go out pre-framed. */
    @Override
    protected boolean acceptsFramed(int payloadBytes) {
        return !compressed || payloadBytes < Compression.MIN_SIZE;
    }

    /** A complete frame passes the WebSocket encoder untouched (it encodes only frame objects). */
    @Override
    protected void writeFramed(ByteBuf frame) {
        enqueue(frame);
    }

    /**
     * Writes a {@link WebSocketFrame} or a pre-framed {@link ByteBuf} in order with everything queued
     * before it, or overflows it while the socket is full.
     */
    private void enqueue(Object frame) {
        if (closing) {
            ReferenceCountUtil.release(frame);
            return;
        }
        if (overflow == null && ctx.channel().isWritable()) {
            ctx.write(frame, ctx.voidPromise());
            return;
        }
        overflow(frame);
        if (overflowBytes > outboundLimit) {
            hub.metrics().slowConsumer();
            dropOverflow();
            close(CloseCode.POLICY_VIOLATION, "slow consumer");
        }
    }

    private void overflow(Object frame) {
        if (overflow == null) {
            overflow = new ArrayDeque<>();
        }
        overflow.add(frame);
        overflowBytes += size(frame);
    }

    private static int size(Object frame) {
        return frame instanceof ByteBuf b ? b.readableBytes() : ((WebSocketFrame) frame).content().readableBytes();
    }

    @Override
    protected void flush() {
        ctx.flush();
    }

    /** Nothing in the overflow and nothing in Netty's outbound buffer, written or not yet flushed. */
    @Override
    protected boolean drained() {
        if (overflow != null || closing || ctx == null) {
            return false;
        }
        io.netty.channel.ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() == 0;
    }

    /**
     * Closes after everything already queued: the close frame takes its place in line, the channel
     * closes once it is written, and a client that never reads is cut after a grace period.
     */
    @Override
    public boolean isClosing() {
        return closing || super.isClosing();
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        CloseWebSocketFrame frame = new CloseWebSocketFrame(code.code(), reason);
        if (overflow == null) {
            ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        } else {
            overflow(frame);
            ctx.flush();
        }
        ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(ctx.channel().remoteAddress());
    }

    /** The connection's pipeline, for tests that check what an upgraded connection carries. */
    io.netty.channel.ChannelPipeline pipeline() {
        return ctx.pipeline();
    }

    void ping() {
        if (!closing) {
            lastPingNanos = System.nanoTime();
            ctx.writeAndFlush(new PingWebSocketFrame(), ctx.voidPromise());
        }
    }

    private void dropOverflow() {
        if (overflow != null) {
            for (Object f : overflow) {
                ReferenceCountUtil.release(f);
            }
            overflow = null;
            overflowBytes = 0;
        }
    }

    private void drainOverflow() {
        if (overflow == null) {
            return;
        }
        Object f;
        while (ctx.channel().isWritable() && (f = overflow.poll()) != null) {
            overflowBytes -= size(f);
            if (f instanceof CloseWebSocketFrame) {
                ctx.write(f).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.write(f, ctx.voidPromise());
            }
        }
        if (overflow.isEmpty()) {
            overflow = null;
        }
        ctx.flush();
    }

    private void onData(WebSocketFrame frame) {
        // The decoder limits bytes on the wire; after permessage-deflate a message can be larger.
        if (frame.content().readableBytes() > maxMessageSize) {
            close(CloseCode.MESSAGE_TOO_BIG, "message larger than the maximum");
            return;
        }
        boolean binary = frame instanceof BinaryWebSocketFrame;
        if (binary != encoding().binary()) {
            close(CloseCode.UNSUPPORTED_DATA, binary ? "binary frame on " + encoding().subprotocol()
                    : "text frame on " + encoding().subprotocol());
            return;
        }
        ClientFrame request;
        try {
            request = FrameParser.parse(encoding(), frame.content());
        } catch (ProtocolException e) {
            hub.reject(this, e);
            return;
        }
        hub.onFrame(this, request);
    }

    /** The pipeline's last handler: frames in, lifecycle events to the hub. */
    final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
            compressed = context.pipeline().get(WebSocketExtensionEncoder.class) != null;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            lastSeenNanos = System.nanoTime();
            WebSocketFrame frame = (WebSocketFrame) msg;
            try {
                if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                    if (!closing) {
                        onData(frame);
                    }
                } else if (frame instanceof PingWebSocketFrame) {
                    context.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), context.voidPromise());
                } else if (frame instanceof CloseWebSocketFrame close) {
                    closing = true;
                    dropOverflow();
                    int status = close.statusCode() < 0 ? CloseCode.NORMAL.code() : close.statusCode();
                    context.writeAndFlush(new CloseWebSocketFrame(status, "")).addListener(ChannelFutureListener.CLOSE);
                } else if (frame instanceof ContinuationWebSocketFrame) {
                    close(CloseCode.PROTOCOL_ERROR, "unexpected continuation frame");
                }
                // Pong frames only prove liveness, recorded above.
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            if (context.channel().isWritable()) {
                drainOverflow();
            }
            context.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            closing = true;
            dropOverflow();
            hub.closed(WebSocketSession.this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (cause instanceof TooLongFrameException || cause instanceof io.netty.handler.codec.compression.DecompressionException) {
                close(CloseCode.MESSAGE_TOO_BIG, "message larger than the maximum");
            } else if (cause instanceof CorruptedWebSocketFrameException || cause instanceof CorruptedFrameException) {
                // The decoder has already answered with the right close code.
                context.close();
            } else if (cause instanceof java.io.IOException) {
                context.close();
            } else {
                log.warn("closing session {} after an unexpected error", id(), cause);
                close(CloseCode.INTERNAL_ERROR, "internal error");
            }
        }
    }

}
