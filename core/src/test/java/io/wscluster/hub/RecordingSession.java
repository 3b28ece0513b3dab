package io.wscluster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.Encoding;
import io.wscluster.security.Principal;
import io.wscluster.testsupport.Wire;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session over a connection without a socket: it decodes every payload the hub writes (in the
 * session's own encoding), keeps the frames as trees and releases the buffer, as a transport would
 * after the write. It also counts writes made off the session's loop, which the hub must never do.
 */
final class RecordingSession implements Connection {
    /** The hub's session, whose connection this is. */
    final Session session;
    private final ByteBufAllocator alloc;
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final AtomicInteger writesOffLoop = new AtomicInteger();
    private volatile CloseCode closeCode;
    private volatile String closeReason;
    private volatile boolean framed = true;
    private volatile boolean backlog;
    private volatile boolean writable = true;

    RecordingSession(String id, Principal principal, Encoding encoding, ByteBufAllocator alloc, SessionRecord record) {
        this.session = new Session(id, principal, encoding, this, record);
        this.alloc = alloc;
    }

    String id() {
        return session.id();
    }

    String userId() {
        return session.userId();
    }

    Encoding encoding() {
        return session.encoding();
    }

    java.util.Set<String> rooms() {
        return session.rooms();
    }

    void send(io.wscluster.codec.OutboundFrame frame) {
        session.send(frame);
    }

    /** As if bytes waited in the transport's queues (the client stopped reading), or not any more. */
    void backlog(boolean waiting) {
        backlog = waiting;
    }

    @Override
    public boolean drained() {
        return !backlog;
    }

    /** As if the socket's queue filled (false: the client reads too slowly) or drained again (true). */
    void writable(boolean on) {
        writable = on;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public void write(ByteBuf payload) {
        try {
            if (session.shard != null && !session.shard.inExecutor()) {
                writesOffLoop.incrementAndGet();
            }
            frames.add(Wire.decode(encoding(), payload));
        } finally {
            payload.release();
        }
    }

    /** Takes the shared frame pre-framed or as a payload, as {@link #framed} says, as the transport would. */
    @Override
    public void write(SharedFrame shared) {
        if (framed) {
            writeFramed(shared.framed(encoding()).retainedDuplicate());
        } else {
            write(shared.payload(encoding()).retainedDuplicate());
        }
    }

    /**
     * Takes a complete frame as a socket would, checks its header (FIN, the opcode of this
     * session's encoding, the length) and records the payload.
     */
    private void writeFramed(ByteBuf frame) {
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

    /** Whether this connection takes shared messages pre-framed (as an uncompressed one does). */
    boolean acceptsFramed(int payloadBytes) {
        return framed;
    }

    /** Whether the hub may hand this session pre-framed messages (as for an uncompressed connection). */
    RecordingSession framed(boolean on) {
        framed = on;
        return this;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close(CloseCode code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public void closeForAbuse(String reason) {
        close(CloseCode.POLICY_VIOLATION, reason);
    }

    @Override
    public boolean isClosing() {
        return closeCode != null;
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
