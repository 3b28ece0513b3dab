package io.wscluster.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds a complete server-to-client WebSocket frame (RFC 6455 section 5.2: FIN set, unmasked)
 * around a payload. A message fanned out to many connections is framed once and the same bytes are
 * written to every socket, instead of a header being built (and small payloads copied) per
 * connection by the WebSocket encoder.
 */
public final class WebSocketFraming {
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    private WebSocketFraming() {
    }

    /** A new buffer holding header and payload; the caller owns it. {@code payload} is not consumed. */
    public static ByteBuf frame(ByteBufAllocator alloc, ByteBuf payload, boolean binary) {
        int length = payload.readableBytes();
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf out = alloc.buffer(header + length);
        out.writeByte(0x80 | (binary ? OPCODE_BINARY : OPCODE_TEXT));
        if (length < 126) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
        out.writeBytes(payload, payload.readerIndex(), length);
        return out;
    }
}
