package io.wscluster.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.Message;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One message encoded at most once per encoding, shared by every local subscriber. Each shard that
 * receives it holds one reference and {@link #release releases} it after writing; writers take
 * {@link ByteBuf#retainedDuplicate() retained duplicates}, so the bytes live until the last socket
 * write completes and are never copied.
 */
final class SharedFrame {
    private final Message message;
    private final ByteBufAllocator alloc;
    private final AtomicInteger holders;
    private ByteBuf json;
    private ByteBuf msgpack;

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
        if (encoding == Encoding.JSON) {
            if (json == null) {
                json = encoding.encode(alloc, message);
            }
            return json;
        }
        if (msgpack == null) {
            msgpack = encoding.encode(alloc, message);
        }
        return msgpack;
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            synchronized (this) {
                if (json != null) {
                    json.release();
                }
                if (msgpack != null) {
                    msgpack.release();
                }
            }
        }
    }
}
