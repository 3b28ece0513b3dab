package io.wscluster.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.wscluster.codec.Encoding;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads every frame a virtual user receives and accounts it in the run's {@link Stats}: deliveries
 * with their latency and per-room order, acks of the user's publishes, errors, the welcome (which
 * settles the connection attempt and subscribes the user's room) and the subscription's start.
 * Runs on the event loop of the user's connection.
 */
final class Receiver {
    private final LoadTestOptions o;
    private final Stats stats;
    private final Encoding encoding;
    private final AtomicInteger welcomed = new AtomicInteger();
    private final AtomicInteger subscribed = new AtomicInteger();

    Receiver(LoadTestOptions options, Stats stats, Encoding encoding) {
        this.o = options;
        this.stats = stats;
        this.encoding = encoding;
    }

    /** Connection attempts settled by a welcome so far. */
    int welcomed() {
        return welcomed.get();
    }

    /** Users whose first subscription was confirmed so far. */
    int subscribed() {
        return subscribed.get();
    }

    void onFrame(VirtualUser user, ByteBuf content) {
        Inbound in;
        try {
            in = Inbound.parse(encoding, content);
        } catch (IOException e) {
            stats.error("unreadable frame");
            return;
        }
        if (in.op == null) {
            stats.error("frame without op");
            return;
        }
        switch (in.op) {
            case "message": onMessage(user, in, content.readableBytes()); break;
            case "ack": onAck(user, in); break;
            case "welcome": onWelcome(user, in); break;
            case "subscribed": onSubscribed(user, in); break;
            case "error": onError(user, in); break;
            default: break; // pong, unsubscribed, reconnect: nothing to count
        }
    }

    private void onMessage(VirtualUser user, Inbound in, int bytes) {
        long latency = in.stamp < 0 ? -1 : MicroClock.nowMicros() - in.stamp;
        if (in.room != null) {
            if (user.room != null && user.room.equals(in.room) && !user.accept(in.epoch, in.offset, stats)) {
                return;
            }
        } else {
            stats.receivedDirect.increment();
        }
        stats.delivered(latency, bytes);
    }

    private void onAck(VirtualUser user, Inbound in) {
        if (user.pending == null) {
            return;
        }
        String room = user.pending.remove(in.id);
        if (room == null) {
            return;
        }
        if (room.isEmpty()) {
            stats.acked(null, 0);
            stats.expectedDirect.add(o.scenario() == Scenario.BROADCAST ? o.totalUsers() : 1);
        } else {
            stats.acked(room, in.offset);
        }
    }

    private void onWelcome(VirtualUser user, Inbound in) {
        if (user.settled) {
            return; // failed by the deadline already
        }
        user.settled = true;
        user.welcomed = true;
        user.session = in.session;
        stats.connected((System.nanoTime() - user.connectStartNanos) / 1000);
        welcomed.incrementAndGet();
        if (user.room != null) {
            ObjectNode sub = encoding.mapper().createObjectNode().put("op", "subscribe").put("room", user.room);
            if (user.startOffset >= 0) {
                sub.putObject("since").put("epoch", user.epoch).put("offset", user.lastOffset);
            }
            user.write(sub, encoding);
            user.channel.flush();
        }
    }

    private void onSubscribed(VirtualUser user, Inbound in) {
        if (user.startOffset < 0) {
            user.startOffset = in.offset;
            user.lastOffset = in.offset;
            user.epoch = in.epoch;
            subscribed.incrementAndGet();
        } else {
            if (!in.recovered && in.offset > user.lastOffset) {
                // The history did not reach back: what was published meanwhile is lost to this user.
                user.skip(user.lastOffset + 1, in.offset);
                user.lastOffset = in.offset;
                user.epoch = in.epoch;
            }
            if (user.reconnecting) {
                user.reconnecting = false;
                stats.reconnects.increment();
            }
        }
        user.subscribed = true;
    }

    private void onError(VirtualUser user, Inbound in) {
        stats.error("error " + in.code);
        if (user.pending != null && in.id > 0) {
            user.pending.remove(in.id);
        }
    }
}
