package io.wscluster.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.Message;
import io.wscluster.protocol.WebSocketFraming;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One message encoded at most once per encoding, shared by every local subscriber: as a payload
 * (for connections whose frames the transport still has to compress) and as a complete WebSocket
 * frame (for all others). Each shard that receives it holds one reference and {@link #release
 * releases} it after writing; writers take {@link ByteBuf#retainedDuplicate() retained
 * duplicates}, so the bytes live until the last socket write completes and are never copied.
 */
final class SharedFrame {
    private final Message message;
    private final ByteBufAllocator alloc;
    private final AtomicInteger holders;
    private final ByteBuf[] payloads = new ByteBuf[Encoding.values().length];
    private final ByteBuf[] framed = new ByteBuf[Encoding.values().length];

    SharedFrame(Message message, ByteBufAllocator alloc, int holders) {
        this.message = message;
        this.alloc = alloc;
        this.holders = new AtomicInteger(holders);
    }

    Message message() {
        return message;
    }

    /** The encoded payload; the caller must not release it (take a retained duplicate). */
    synchronized ByteBuf payload(Encoding encoding) {
        int i = encoding.ordinal();
        if (payloads[i] == null) {
            payloads[i] = encoding.encode(alloc, message);
        }
        return payloads[i];
    }

    /** The payload framed as a complete WebSocket frame; the caller must not release it. */
    synchronized ByteBuf framed(Encoding encoding) {
        int i = encoding.ordinal();
        if (framed[i] == null) {
            framed[i] = WebSocketFraming.frame(alloc, payload(encoding), encoding.binary());
        }
        return framed[i];
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            synchronized (this) {
                releaseAll(payloads);
                releaseAll(framed);
            }
        }
    }

    private static void releaseAll(ByteBuf[] bufs) {
        for (int i = 0; i < bufs.length; i++) {
            if (bufs[i] != null) {
                bufs[i].release();
                bufs[i] = null;
            }
        }
    }
}
