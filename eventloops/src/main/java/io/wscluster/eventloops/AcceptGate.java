package io.wscluster.eventloops;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The first look at an accepted connection, on the listening channel before Netty hands the
 * connection to an event loop: one the gate refuses (an address over its connection limit, or held
 * back for abuse) is never registered, given a pipeline or read.
 *
 * <p>A refused client tends to reconnect at once, thousands of times a second, and each attempt
 * costs the node a handshake, an accept and a close however early it is refused. So a refused
 * connection is first held, unread, for {@link #HOLD} and only then reset: a client that waits for
 * an answer before it tries again (every reconnect loop does) makes one attempt per connection and
 * {@code HOLD} instead of thousands. Holding costs an open file each, so at most {@link #MAX_HELD}
 * are held at once on a listener; beyond, a refused connection is reset there and then, as all were
 * before. The reset leaves no socket in TIME_WAIT. A client that opens thousands of sockets at once
 * is a firewall's job (security.md says how). Closing the listener resets what it holds.
 *
 * <p>Sharable between listeners: each keeps what it holds on its own listening channel.
 */
@ChannelHandler.Sharable
public final class AcceptGate extends ChannelInboundHandlerAdapter {
    /** How long a refused connection is held before it is reset. */
    public static final Duration HOLD = Duration.ofSeconds(1);
    /** Refused connections held at once per listener: 5 % of the 20,000 open files a process is often allowed. */
    public static final int MAX_HELD = 1_000;

    private static final AttributeKey<Set<Channel>> HELD = AttributeKey.valueOf("wsc-accept-gate-held");

    private final Predicate<Channel> admit;
    private final long holdNanos;
    private final int maxHeld;

    /** @param admit whether an accepted connection may go on; it may set the connection's attributes */
    public AcceptGate(Predicate<Channel> admit) {
        this(admit, HOLD, MAX_HELD);
    }

    AcceptGate(Predicate<Channel> admit, Duration hold, int maxHeld) {
        this.admit = admit;
        this.holdNanos = hold.toNanos();
        this.maxHeld = maxHeld;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (admit.test(child)) {
            ctx.fireChannelRead(child);
            return;
        }
        Set<Channel> held = held(ctx);
        if (held.size() >= maxHeld || !ctx.channel().isActive()) {
            reset(child);
            return;
        }
        held.add(child);
        ctx.executor().schedule(() -> {
            if (held.remove(child)) {
                reset(child);
            }
        }, holdNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Set<Channel> held = held(ctx);
        for (Channel child : new ArrayList<>(held)) {
            reset(child);
        }
        held.clear();
        ctx.fireChannelInactive();
    }

    /** The connections this listener holds; touched on its event loop only. */
    private static Set<Channel> held(ChannelHandlerContext ctx) {
        Set<Channel> held = ctx.channel().attr(HELD).get();
        if (held == null) {
            held = new LinkedHashSet<>();
            ctx.channel().attr(HELD).set(held);
        }
        return held;
    }

    private static void reset(Channel child) {
        try {
            child.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException closedMeanwhile) {
            // the peer went first: a plain close does
        }
        child.unsafe().closeForcibly();
    }
}
