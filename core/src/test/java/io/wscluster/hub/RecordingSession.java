package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.Encoding;
import io.wscluster.security.Principal;
import io.wscluster.testsupport.Wire;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session without a socket: it decodes every payload the hub writes (in the session's own
 * encoding), keeps the frames as trees and releases the buffer, as a transport would after the
 * write. It also counts writes made off the session's loop, which the hub must never do.
 */
final class RecordingSession extends Session {
    private final ByteBufAllocator alloc;
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final AtomicInteger writesOffLoop = new AtomicInteger();
    private volatile CloseCode closeCode;
    private volatile String closeReason;
    private volatile boolean framed = true;
    private volatile boolean backlog;

    RecordingSession(String id, Principal principal, Encoding encoding, ByteBufAllocator alloc) {
        super(id, principal, encoding);
        this.alloc = alloc;
    }

    /** As if bytes waited in the transport's queues (the client stopped reading), or not any more. */
    void backlog(boolean waiting) {
        backlog = waiting;
    }

    @Override
    protected boolean drained() {
        return !backlog && !closed;
    }

    @Override
    protected ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    protected void write(ByteBuf payload) {
        try {
            if (shard != null && !shard.inExecutor()) {
                writesOffLoop.incrementAndGet();
            }
            frames.add(Wire.decode(encoding(), payload));
        } finally {
            payload.release();
        }
    }

    /**
     * Takes a complete frame as a socket would, checks its header (FIN, the opcode of this
     * session's encoding, the length) and records the payload.
     */
    @Override
    protected void writeFramed(ByteBuf frame) {
        try {
            int first = frame.readUnsignedByte();
            int expectedOpcode = encoding().binary() ? 0x2 : 0x1;
            if (first != (0x80 | expectedOpcode)) {
                throw new AssertionError("bad frame header byte " + Integer.toHexString(first));
            }
            int len = frame.readUnsignedByte();
            long length = len == 126 ? frame.readUnsignedShort() : len == 127 ? frame.readLong() : len;
            if (length != frame.readableBytes()) {
                throw new AssertionError("frame says " + length + " bytes, carries " + frame.readableBytes());
            }
            write(frame.retain());
        } finally {
            frame.release();
        }
    }

    @Override
    protected boolean acceptsFramed(int payloadBytes) {
        return framed;
    }

    /** Whether the hub may hand this session pre-framed messages (as for an uncompressed connection). */
    RecordingSession framed(boolean on) {
        framed = on;
        return this;
    }

    @Override
    protected void flush() {
    }

    @Override
    public void close(CloseCode code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public String remoteAddress() {
        return "test:" + id();
    }

    /** Every frame written so far, oldest first. */
    List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    List<JsonNode> frames(String op) {
        return frames.stream().filter(f -> op.equals(f.path("op").textValue())).toList();
    }

    /** Every frame except {@code welcome}. */
    List<JsonNode> framesAfterWelcome() {
        return frames.stream().filter(f -> !"welcome".equals(f.path("op").textValue())).toList();
    }

    /** The offsets of the room messages received for {@code room}, in arrival order. */
    List<Long> offsets(String room) {
        return frames("message").stream().filter(f -> room.equals(f.path("room").textValue()))
                .map(f -> f.get("offset").longValue()).toList();
    }

    int writesOffLoop() {
        return writesOffLoop.get();
    }

    CloseCode closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }
}
