package io.wscluster.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Takes turns between the connections of one event loop: of what one read of a connection brings,
 * at most {@link #BUDGET} WebSocket messages are handled at once; the rest wait here, the
 * connection reads nothing more meanwhile, and they are handled {@code BUDGET} at a time in later
 * tasks of the loop, behind the deliveries and the reads of its other connections.
 *
 * <p>Why: a client can put a thousand requests in one write (64 KB of small subscribes). Handled
 * in one go, at 20 to 50 µs each, they keep the loop, and every other connection on it, waiting
 * 20 to 50 ms: one flood would set the honest clients' tail latency. A client that sends one
 * request at a time, as honest ones do, never waits here.
 *
 * <p>What waits is bounded by one read (the read in progress when reading pauses); its messages
 * keep their order, control frames included. Reading resumes once they are handled, unless the
 * connection stopped reading for good meanwhile ({@code mayRead} false: it is closing).
 */
final class FairReads extends ChannelInboundHandlerAdapter {
    static final String NAME = "ws-fair-reads";
    /** Messages of one connection handled in one turn. */
    static final int BUDGET = 32;

    private final BooleanSupplier mayRead;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** Messages handled in the current read. */
    private int handled;
    private boolean paused;
    private boolean turnScheduled;

    /** @param mayRead whether the connection may read again once the waiting messages are handled */
    FairReads(BooleanSupplier mayRead) {
        this.mayRead = mayRead;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting.isEmpty() && handled < BUDGET) {
            handled++;
            ctx.fireChannelRead(msg);
            return;
        }
        waiting.add(msg);
        if (!paused) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
        }
        scheduleTurn(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handled = 0;
        ctx.fireChannelReadComplete();
    }

    private void scheduleTurn(ChannelHandlerContext ctx) {
        if (!turnScheduled) {
            turnScheduled = true;
            ctx.executor().execute(() -> turn(ctx));
        }
    }

    private void turn(ChannelHandlerContext ctx) {
        turnScheduled = false;
        if (ctx.isRemoved()) {
            return;
        }
        for (int i = 0; i < BUDGET && !waiting.isEmpty(); i++) {
            ctx.fireChannelRead(waiting.poll());
        }
        ctx.fireChannelReadComplete();
        if (!waiting.isEmpty()) {
            scheduleTurn(ctx);
        } else if (paused) {
            paused = false;
            if (mayRead.getAsBoolean() && ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discardWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardWaiting();
    }

    private void discardWaiting() {
        Object m;
        while ((m = waiting.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}
