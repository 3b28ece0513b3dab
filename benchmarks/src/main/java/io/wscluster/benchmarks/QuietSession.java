package io.wscluster.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.wscluster.hub.Connection;
import io.wscluster.hub.Session;
import io.wscluster.hub.SessionRecord;
import io.wscluster.hub.SharedFrame;
import io.wscluster.protocol.CloseCode;
import io.wscluster.codec.Encoding;
import io.wscluster.security.Principal;

/** A connection with no socket: what the hub writes is released at once, and everything counts as sent. */
final class QuietSession implements Connection {
    /** A new anonymous JSON session over a quiet connection. */
    static Session open(String id) {
        return new Session(id, Principal.ANONYMOUS, Encoding.JSON, new QuietSession(), SessionRecord.NEW);
    }

    @Override
    public ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void write(ByteBuf payload) {
        payload.release();
    }

    /** Takes the pre-framed bytes, as an uncompressed connection does. */
    @Override
    public void write(SharedFrame shared) {
        shared.framed(Encoding.JSON).retainedDuplicate().release();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close(CloseCode code, String reason) {
    }

    @Override
    public void closeForAbuse(String reason) {
    }

    @Override
    public boolean isClosing() {
        return false;
    }

    @Override
    public boolean drained() {
        return true;
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public String remoteAddress() {
        return "benchmark";
    }
}
