package io.wscluster.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.wscluster.hub.Session;
import io.wscluster.protocol.CloseCode;
import io.wscluster.protocol.Encoding;
import io.wscluster.security.Principal;

/** A session with no socket: what the hub writes is released at once, and everything counts as sent. */
final class QuietSession extends Session {
    QuietSession(String id) {
        super(id, Principal.ANONYMOUS, Encoding.JSON);
    }

    @Override
    protected ByteBufAllocator alloc() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    protected void write(ByteBuf payload) {
        payload.release();
    }

    @Override
    protected boolean acceptsFramed(int payloadBytes) {
        return true;
    }

    @Override
    protected void writeFramed(ByteBuf frame) {
        frame.release();
    }

    @Override
    protected void flush() {
    }

    @Override
    protected boolean drained() {
        return true;
    }

    @Override
    public void close(CloseCode code, String reason) {
    }

    @Override
    public String remoteAddress() {
        return "benchmark";
    }
}
