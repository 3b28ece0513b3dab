package io.wscluster.gateway;

import io.netty.buffer.ByteBuf;

/**
 * Follows the WebSocket frames a node sends its client, reading only their headers (2 to 14
 * bytes; payloads are skipped by length, never copied), to know two things: whether the stream
 * is between frames, so a close frame the gateway adds never lands inside a frame, and whether the
 * node already sent a close frame, so a closing node is not mistaken for a lost one. One per relayed
 * connection, used on its event loop only.
 */
final class FrameBoundary {
    private static final int OPCODE_CLOSE = 0x8;

    private final byte[] header = new byte[14];
    private int headerBytes;
    private long payloadLeft;
    private boolean closeSeen;

    /** Follows {@code buf}'s readable bytes (without consuming them). */
    void follow(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= skip;
                i += skip;
                continue;
            }
            header[headerBytes++] = buf.getByte(i++);
            int needed = headerLength();
            if (headerBytes == needed) {
                if ((header[0] & 0x0f) == OPCODE_CLOSE) {
                    closeSeen = true;
                }
                payloadLeft = payloadLength();
                headerBytes = 0;
            }
        }
    }

    /** Between two frames: a frame written now would not split one. */
    boolean atBoundary() {
        return headerBytes == 0 && payloadLeft == 0;
    }

    /** The node sent a close frame: it is closing this connection on purpose. */
    boolean closeSeen() {
        return closeSeen;
    }

    /** Header length once its first two bytes are known (14 at most); 2 until then. */
    private int headerLength() {
        if (headerBytes < 2) {
            return 2;
        }
        int len7 = header[1] & 0x7f;
        int masked = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + masked;
    }

    private long payloadLength() {
        int len7 = header[1] & 0x7f;
        if (len7 < 126) {
            return len7;
        }
        if (len7 == 126) {
            return ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        }
        long n = 0;
        for (int k = 2; k < 10; k++) {
            n = (n << 8) | (header[k] & 0xffL);
        }
        return n;
    }
}
