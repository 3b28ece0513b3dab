package io.wscluster.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * Builds a complete server-to-client WebSocket frame (RFC 6455 section 5.2: FIN set, unmasked).
 * A message fanned out to many connections is framed once and the same bytes are written to every
 * socket, instead of a header being built (and small payloads copied) per connection by the
 * WebSocket encoder. The payload is written once, after room for the longest header, and the
 * header goes just in front of it: one buffer, no copy, and the payload alone is a view of it
 * ({@link #payloadOf}) for connections whose frames the transport still has to compress.
 */
public final class WebSocketFraming {
    /** The longest header: opcode, length marker and a 64-bit length. */
    static final int MAX_HEADER = 10;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_BINARY = 0x2;

    private WebSocketFraming() {
    }

    /**
     * A new buffer holding a frame whose payload {@code body} appends; the caller owns it. Up to
     * {@value #MAX_HEADER} bytes in front of the header are unused.
     *
     * @param sizeHint about the payload's length, so that the buffer rarely grows
     */
    public static ByteBuf frame(ByteBufAllocator alloc, int sizeHint, boolean binary, Consumer<ByteBuf> body) {
        ByteBuf out = alloc.buffer(MAX_HEADER + sizeHint);
        try {
            out.writerIndex(MAX_HEADER);
            body.accept(out);
            int length = out.writerIndex() - MAX_HEADER;
            int start = MAX_HEADER - (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10);
            out.setByte(start, 0x80 | (binary ? OPCODE_BINARY : OPCODE_TEXT));
            if (length < 126) {
                out.setByte(start + 1, length);
            } else if (length <= 0xFFFF) {
                out.setByte(start + 1, 126);
                out.setShort(start + 2, length);
            } else {
                out.setByte(start + 1, 127);
                out.setLong(start + 2, length);
            }
            out.readerIndex(start);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The payload of a frame {@link #frame} built: a view sharing its bytes and its reference count. */
    public static ByteBuf payloadOf(ByteBuf frame) {
        return frame.slice(MAX_HEADER, frame.writerIndex() - MAX_HEADER);
    }
}
