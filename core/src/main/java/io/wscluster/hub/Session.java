package io.wscluster.hub;

import io.netty.buffer.ByteBuf;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.Encoding;
import io.wscluster.protocol.OutboundFrame;
import io.wscluster.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One client connection as the hub sees it. The transport extends it with the socket; the hub keeps
 * its subscriptions here. Everything except {@link #id()}, {@link #principal()} and {@link
 * #encoding()} must be used on the session's shard executor (its event loop).
 */
public abstract class Session {
    private final String id;
    private final Principal principal;
    private final Encoding encoding;
    HubShard shard;
    /** Position in the shard's session array, kept by the shard. */
    int index = -1;
    boolean dirty;
    boolean closed;
    /** This connection's number on its node, set by the hub when it opens (see {@link Hub#presenceKey}). */
    long serial;
    Map<String, Subscription> subscriptions;
    /** Whether the session store keeps this session's record (see {@link SessionRecord}). */
    boolean recorded = true;

    protected Session(String id, Principal principal, Encoding encoding) {
        this.id = Objects.requireNonNull(id, "id");
        this.principal = Objects.requireNonNull(principal, "principal");
        this.encoding = Objects.requireNonNull(encoding, "encoding");
    }

    public final String id() {
        return id;
    }

    public final Principal principal() {
        return principal;
    }

    /** The user id, or null when anonymous. */
    public final String userId() {
        return principal.userId();
    }

    public final Encoding encoding() {
        return encoding;
    }

    /** The rooms this session is subscribed to (including ones still being set up). */
    public final Set<String> rooms() {
        return subscriptions == null ? Set.of() : Collections.unmodifiableSet(subscriptions.keySet());
    }

    /**
     * Encodes {@code frame} in this session's encoding and queues it; it is flushed at the end of the
     * event-loop turn. Callable from any thread: off the session's loop it hops onto it.
     */
    public final void send(OutboundFrame frame) {
        if (shard != null && !shard.inExecutor()) {
            shard.executor().execute(() -> send(frame));
            return;
        }
        if (closed) {
            return;
        }
        write(encoding.encode(alloc(), frame));
        markDirty();
    }

    /** Queues a view of a shared encoded message. */
    final void deliver(SharedFrame frame) {
        if (closed) {
            return;
        }
        ByteBuf payload = frame.payload(encoding);
        if (acceptsFramed(payload.readableBytes())) {
            writeFramed(frame.framed(encoding).retainedDuplicate());
        } else {
            write(payload.retainedDuplicate());
        }
        markDirty();
    }

    private void markDirty() {
        if (shard != null) {
            shard.markDirty(this);
        } else {
            flush();
        }
    }

    final Map<String, Subscription> subscriptionsForUpdate() {
        if (subscriptions == null) {
            subscriptions = new HashMap<>(4);
        }
        return subscriptions;
    }

    /** The allocator for frames of this session. */
    protected abstract io.netty.buffer.ByteBufAllocator alloc();

    /** Queues an encoded payload (ownership passes to the transport) without flushing. */
    protected abstract void write(ByteBuf payload);

    /**
     * Whether this connection takes a message of {@code payloadBytes} as a complete, already framed
     * WebSocket frame ({@link #writeFramed}); false where the transport must still transform it
     * (compression).
     */
    protected abstract boolean acceptsFramed(int payloadBytes);

    /** Queues a complete WebSocket frame (ownership passes to the transport) without flushing. */
    protected abstract void writeFramed(ByteBuf frame);

    /** Flushes queued writes to the socket. */
    protected abstract void flush();

    /**
     * Whether everything written to this session so far has left the process (is in the kernel's
     * socket buffer, or beyond): false while bytes wait in the transport's queues, and once the
     * connection is closed. On the session's loop.
     */
    protected abstract boolean drained();

    /** Closes the connection with a WebSocket close code and reason, after what is queued. */
    public abstract void close(CloseCode code, String reason);

    /** Whether the connection is closed or closing (a drain skips those). On the session's loop. */
    public boolean isClosing() {
        return closed;
    }

    /** The client's address as text, for logs and hooks. */
    public abstract String remoteAddress();
}
