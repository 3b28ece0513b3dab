package io.wscluster.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wscluster.codec.Encoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * One simulated client. Its state outlives a connection, so a reconnect resumes where it was:
 * the room it reads, the offsets it has seen, its session id. Touched only on the event loop of
 * its current connection (and by the engine between connections).
 */
final class VirtualUser {
    final int index;
    final String userId;
    final String url;
    final InetSocketAddress source;
    final boolean publisher;
    /** The room this user reads, or null. */
    final String room;
    volatile Channel channel;
    volatile boolean welcomed;
    volatile boolean subscribed;
    /** True once the current connection attempt ended in welcome or failure (counted once). */
    volatile boolean settled;
    /** True while the engine closed this user's connection on purpose and will reconnect it. */
    volatile boolean reconnecting;
    /** When the current connection attempt started, in {@link System#nanoTime()}. */
    volatile long connectStartNanos;
    String session;
    String epoch;
    /** Offset the first subscription started at; -1 until subscribed. */
    long startOffset = -1;
    long lastOffset;
    /** Distinct room messages received. */
    long received;
    /** Offsets skipped so far, some of which may still arrive late; null while there are none. */
    Gaps gaps;
    long nextId;
    /** This publisher's requests awaiting their ack: request id to room ("" for send and broadcast). */
    final java.util.Map<Long, String> pending;

    VirtualUser(int index, String userId, String url, InetSocketAddress source, boolean publisher, String room) {
        this.index = index;
        this.userId = userId;
        this.url = url;
        this.source = source;
        this.publisher = publisher;
        this.room = room;
        this.pending = publisher ? new java.util.HashMap<>() : null;
    }

    /** Writes {@code frame} on the current connection without flushing: the caller flushes once for what it wrote. */
    void write(ObjectNode frame, Encoding encoding) {
        try {
            ByteBuf buf = Unpooled.wrappedBuffer(encoding.mapper().writeValueAsBytes(frame));
            channel.write(encoding.binary() ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf), channel.voidPromise());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records offsets {@code from..to} as not received (yet). */
    void skip(long from, long to) {
        if (from <= to) {
            if (gaps == null) {
                gaps = new Gaps();
            }
            gaps.add(from, to);
        }
    }

    long missing() {
        return gaps == null ? 0 : gaps.count();
    }

    /**
     * Accounts a room message by offset: a new offset counts as received (with the skipped ones as
     * missing), an old one that was missing as late (out of order), any other as a duplicate.
     * Returns true when the message is new to this user.
     */
    boolean accept(String messageEpoch, long offset, Stats stats) {
        if (epoch != null && !epoch.equals(messageEpoch)) {
            // History was lost on the server: a new stream starts; what was missing stays missing.
            epoch = messageEpoch;
            lastOffset = offset;
            received++;
            return true;
        }
        epoch = messageEpoch;
        if (offset > lastOffset) {
            skip(lastOffset + 1, offset - 1);
            lastOffset = offset;
            received++;
            return true;
        }
        if (gaps != null && gaps.fill(offset)) {
            received++;
            stats.outOfOrder.increment();
            return true;
        }
        stats.duplicates.increment();
        return false;
    }
}
