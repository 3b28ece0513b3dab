package io.wscluster.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.MessageSizeEstimator;
import io.netty.util.ReferenceCountUtil;
import io.wscluster.metrics.NodeMetrics;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * The one bound on what a connection may hold for its client: every byte written to the socket
 * passes here (WebSocket frames, pongs, close frames, HTTP responses), as the pipeline's first
 * handler, after every encoder.
 *
 * <p>Netty's own outbound buffer takes writes up to the channel's high water mark; past it this
 * handler queues them, in order, and hands them on as the socket drains. A client that lets the
 * queue grow past {@code limit} bytes is too slow a reader: the queue is dropped (its buffers
 * released) and {@link #OVERFLOW} is fired inbound, for the handler of the connection's stage to
 * apply the slow-consumer policy (an HTTP connection is closed; a WebSocket one is closed with 1008
 * {@code slow consumer}). From then on writes pass straight through, so that the close can go out;
 * the connection writes nothing else once closing. Memory per connection is therefore bounded by
 * the high water mark plus {@code limit}, whatever the client does.
 *
 * <p>One instance per channel; on its event loop only.
 */
final class OutboundLimiter extends ChannelDuplexHandler {
    static final String NAME = "outbound-limit";

    /** The user event fired when the queue passed its limit and was dropped. */
    enum Overflow { OVERFLOW }

    static final Overflow OVERFLOW = Overflow.OVERFLOW;

    private final int limit;
    /** Counts the bytes handed to the socket; null where they are not counted (the operator listener). */
    private final NodeMetrics metrics;
    private ArrayDeque<Pending> queue;
    private long queuedBytes;
    /** When the queue began ({@link System#nanoTime()}): since when the socket has not taken everything; 0 with no queue. */
    private long queuedSinceNanos;
    /** Bytes handed on towards the socket. */
    private long written;
    private boolean overflowed;
    private MessageSizeEstimator.Handle sizes;

    OutboundLimiter(int limit, NodeMetrics metrics) {
        this.limit = limit;
        this.metrics = metrics;
    }

    private record Pending(Object message, ChannelPromise promise, int size) {
    }

    /** Since when writes have waited here ({@link System#nanoTime()}); 0 while none wait. */
    long queuedSinceNanos() {
        return queuedSinceNanos;
    }

    /** Bytes handed on towards the socket since the connection opened. */
    long written() {
        return written;
    }

    /** Bytes waiting here for the socket to drain (beyond what Netty's outbound buffer holds). */
    long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        sizes = ctx.channel().config().getMessageSizeEstimator().newHandle();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (overflowed || (queue == null && ctx.channel().isWritable())) {
            handedOn(sizes.size(msg));
            ctx.write(msg, promise);
            return;
        }
        if (queue == null) {
            queue = new ArrayDeque<>();
            queuedSinceNanos = System.nanoTime();
        }
        int size = sizes.size(msg);
        queue.add(new Pending(msg, promise, size));
        queuedBytes += size;
        if (queuedBytes > limit) {
            overflowed = true;
            discard();
            ctx.fireUserEventTriggered(OVERFLOW);
        }
    }

    /** Counts {@code size} bytes going on towards the socket: the connection's own count and the node's. */
    private void handedOn(int size) {
        written += size;
        if (metrics != null) {
            metrics.bytesOut(size);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void drain(ChannelHandlerContext ctx) {
        if (queue == null) {
            return;
        }
        Pending p;
        while (ctx.channel().isWritable() && (p = queue.poll()) != null) {
            queuedBytes -= p.size();
            handedOn(p.size());
            ctx.write(p.message(), p.promise());
        }
        if (queue.isEmpty()) {
            queue = null;
            queuedSinceNanos = 0;
        }
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        discard();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }

    /** Drops what is queued: its buffers are released, its writers told (a void promise is not: nobody listens). */
    void discard() {
        if (queue == null) {
            return;
        }
        ClosedChannelException dropped = null;
        for (Pending p : queue) {
            ReferenceCountUtil.release(p.message());
            if (!p.promise().isVoid()) {
                dropped = dropped != null ? dropped : new ClosedChannelException();
                p.promise().tryFailure(dropped);
            }
        }
        queue = null;
        queuedBytes = 0;
        queuedSinceNanos = 0;
    }
}
