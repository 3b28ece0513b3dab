package io.wscluster.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.protocol.CloseCode;

/**
 * The transport's side of a {@link Session}: what the hub needs of a client connection, and nothing
 * of how it is carried. The transport implements it (a WebSocket channel); tests and benchmarks
 * implement it without a socket.
 *
 * <p><b>Threading.</b> Every method is called on the session's event loop (its shard's executor)
 * and must not block. Writes are queued and reach the client at the next {@link #flush()}; the
 * connection bounds what it queues (a client that does not read is the transport's to handle: its
 * slow-consumer policy), so a write never fails towards the hub.
 */
public interface Connection {
    /** The allocator for buffers written to this connection. */
    ByteBufAllocator alloc();

    /** Queues {@code payload}, encoded in the session's encoding, as one data frame; ownership passes to the connection. */
    void write(ByteBuf payload);

    /**
     * Queues a message encoded once for every local subscriber. The connection takes what it
     * sends of it (the payload, or the ready-framed bytes where it transforms nothing, e.g. no
     * compression) as retained duplicates: {@code shared} stays the caller's.
     */
    void write(SharedFrame shared);

    /** Sends what was queued. */
    void flush();

    /** Closes with a WebSocket close code and reason, after what is already queued. Idempotent. */
    void close(CloseCode code, String reason);

    /**
     * Closes with 1008 and {@code reason} a client that broke a limit far beyond what it was told
     * (a flood): the transport may also refuse its address for a while, so that reconnecting does
     * not buy it a fresh allowance every time.
     */
    void closeForAbuse(String reason);

    /**
     * Whether the connection takes more without queuing past its socket's buffer: false while the
     * client reads too slowly to keep up (then rooms that drop rather than disconnect hold their
     * messages back), and once closing. When it turns true again the transport calls {@link
     * ClientRequests#writable}.
     */
    boolean writable();

    /** Whether the connection is closing or closed (a close was sent or received, or the socket is gone). */
    boolean isClosing();

    /**
     * Whether everything written so far has left the process (it is in the kernel's socket buffer,
     * or beyond): false while bytes wait in the transport's queues, and once the connection is
     * closing. What a resume position may be taken from.
     */
    boolean drained();

    /** The client's address as text, for logs and hooks. */
    String remoteAddress();

    /** Bytes written to the connection that have not reached the kernel yet: what its queues hold. */
    default long queuedBytes() {
        return 0;
    }

    /**
     * Since when ({@link System#nanoTime()}) the socket has taken no more bytes (the client reads
     * slower than it is sent, and writes back up in the transport's queue); 0 while it keeps up.
     */
    default long blockedSinceNanos() {
        return 0;
    }

    /** Bytes handed to the socket so far. */
    default long bytesSent() {
        return 0;
    }
}
