package io.wscluster.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.Message;
import io.wscluster.codec.WebSocketFraming;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One message encoded at most once per encoding, shared by every local subscriber: one buffer per
 * encoding holds the complete WebSocket frame (for most connections), and the payload alone is a
 * view of it (for connections whose frames the transport still has to compress). Each shard that
 * receives it holds one reference and {@link #release releases} it after writing; writers take
 * {@link ByteBuf#retainedDuplicate() retained duplicates}, so the bytes live until the last
 * socket write completes and are never copied.
 */
public final class SharedFrame {
    /** Room for what surrounds the data in a message frame, so that the buffer rarely grows. */
    private static final int FIELDS_SIZE = 160;
    private final Message message;
    private final ByteBufAllocator alloc;
    private final AtomicInteger holders;
    // Built once each, under this lock; read without it on the delivery path (volatile).
    private volatile ByteBuf jsonFrame;
    private volatile ByteBuf jsonPayload;
    private volatile ByteBuf msgpackFrame;
    private volatile ByteBuf msgpackPayload;
    /** When the node got the message ({@link System#nanoTime()}), for the delivery latency. */
    final long arrivedNanos = System.nanoTime();
    /** The bytes the recent frames count it for ({@link RecentBudget#cost}); -1 until counted. Under its run's lock. */
    int recentCost = -1;

    SharedFrame(Message message, ByteBufAllocator alloc, int holders) {
        this.message = message;
        this.alloc = alloc;
        this.holders = new AtomicInteger(holders);
    }

    public Message message() {
        return message;
    }

    /** The encoded payload, a view of {@link #framed}; the caller must not release it (take a retained duplicate). */
    public ByteBuf payload(Encoding encoding) {
        ByteBuf b = encoding == Encoding.JSON ? jsonPayload : msgpackPayload;
        if (b == null) {
            build(encoding);
            b = encoding == Encoding.JSON ? jsonPayload : msgpackPayload;
        }
        return b;
    }

    /** The payload framed as a complete WebSocket frame; the caller must not release it. */
    public ByteBuf framed(Encoding encoding) {
        ByteBuf b = encoding == Encoding.JSON ? jsonFrame : msgpackFrame;
        if (b == null) {
            build(encoding);
            b = encoding == Encoding.JSON ? jsonFrame : msgpackFrame;
        }
        return b;
    }

    private synchronized void build(Encoding encoding) {
        if ((encoding == Encoding.JSON ? jsonFrame : msgpackFrame) != null) {
            return;
        }
        ByteBuf frame = WebSocketFraming.frame(alloc, message.data().utf8Length() + FIELDS_SIZE, encoding.binary(),
                out -> encoding.encodeInto(out, message));
        ByteBuf payload = WebSocketFraming.payloadOf(frame);
        if (encoding == Encoding.JSON) {
            jsonPayload = payload;
            jsonFrame = frame;
        } else {
            msgpackPayload = payload;
            msgpackFrame = frame;
        }
    }

    /** One more holder, who must {@link #release} it; only while the caller's own holding keeps it alive. */
    void retain() {
        holders.incrementAndGet();
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            synchronized (this) {
                release(jsonFrame);
                release(msgpackFrame);
                jsonFrame = null;
                jsonPayload = null;
                msgpackFrame = null;
                msgpackPayload = null;
            }
        }
    }

    private static void release(ByteBuf frame) {
        if (frame != null) {
            frame.release();
        }
    }
}
