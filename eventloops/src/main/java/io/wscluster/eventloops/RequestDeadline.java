package io.wscluster.eventloops;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadlines of an HTTP connection before it upgrades, against slowloris: its first request must be
 * complete within {@code requestTimeout} of the connection opening, each later one within {@code
 * idleTimeout} of the one before (a keep-alive connection that says nothing is closed), and a
 * connection carries at most {@code maxRequests} requests. A byte a second does not reset anything:
 * the clock runs for the whole request. Placed after the HTTP aggregator, so each message it sees
 * is a complete request; the upgrade removes it.
 */
public final class RequestDeadline extends ChannelDuplexHandler {
    public static final String NAME = "request-deadline";

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final int maxRequests;
    private int requests;
    private ScheduledFuture<?> timer;

    public RequestDeadline(Duration requestTimeout, Duration idleTimeout, int maxRequests) {
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.maxRequests = maxRequests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx, requestTimeoutNanos);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx, requestTimeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (++requests > maxRequests) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        // The next request (on a keep-alive connection) must come within the idle timeout.
        arm(ctx, idleTimeoutNanos);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx, long nanos) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                ctx.close();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
