package io.wscluster.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.Message;
import io.wscluster.protocol.WebSocketFraming;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One message encoded at most once per encoding, shared by every local subscriber: as a payload
 * (for connections whose frames the transport still has to compress) and as a complete WebSocket
 * frame (for all others). Each shard that receives it holds one reference and {@link #release
 * releases} it after writing; writers take {@link ByteBuf#retainedDuplicate() retained
 * duplicates}, so the bytes live until the last socket write completes and are never copied.
 */
public final class SharedFrame {
    private final Message message;
    private final ByteBufAllocator alloc;
    private final AtomicInteger holders;
    private final AtomicReferenceArray<ByteBuf> payloads = new AtomicReferenceArray<>(Encoding.values().length);
    private final AtomicReferenceArray<ByteBuf> framed = new AtomicReferenceArray<>(Encoding.values().length);
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

    /** The encoded payload; the caller must not release it (take a retained duplicate). */
    public ByteBuf payload(Encoding encoding) {
        int i = encoding.ordinal();
        ByteBuf b = payloads.get(i);
        return b != null ? b : build(payloads, i, () -> encoding.encode(alloc, message));
    }

    /** The payload framed as a complete WebSocket frame; the caller must not release it. */
    public ByteBuf framed(Encoding encoding) {
        int i = encoding.ordinal();
        ByteBuf b = framed.get(i);
        return b != null ? b : build(framed, i, () -> WebSocketFraming.frame(alloc, payload(encoding), encoding.binary()));
    }

    /** Builds a slot once; every later read is a plain volatile read, without a lock, on the delivery path. */
    private synchronized ByteBuf build(AtomicReferenceArray<ByteBuf> slots, int i, java.util.function.Supplier<ByteBuf> make) {
        ByteBuf b = slots.get(i);
        if (b == null) {
            b = make.get();
            slots.set(i, b);
        }
        return b;
    }

    /** One more holder, who must {@link #release} it; only while the caller's own holding keeps it alive. */
    void retain() {
        holders.incrementAndGet();
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            synchronized (this) {
                releaseAll(payloads);
                releaseAll(framed);
            }
        }
    }

    private static void releaseAll(AtomicReferenceArray<ByteBuf> bufs) {
        for (int i = 0; i < bufs.length(); i++) {
            ByteBuf b = bufs.getAndSet(i, null);
            if (b != null) {
                b.release();
            }
        }
    }
}
