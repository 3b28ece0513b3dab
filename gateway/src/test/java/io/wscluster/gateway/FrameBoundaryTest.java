package io.wscluster.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FrameBoundaryTest {
    @Test
    void followsFramesOfEveryLengthEncodingSplitAnywhere() {
        ByteBuf stream = Unpooled.buffer();
        frame(stream, 0x81, 5);        // 7-bit length
        frame(stream, 0x82, 300);      // 16-bit length
        frame(stream, 0x81, 70_000);   // 64-bit length
        byte[] all = new byte[stream.readableBytes()];
        stream.readBytes(all);
        for (int chunk : new int[] {1, 2, 3, 7, 13, 4096, all.length}) {
            FrameBoundary f = new FrameBoundary();
            for (int i = 0; i < all.length; i += chunk) {
                f.follow(Unpooled.wrappedBuffer(all, i, Math.min(chunk, all.length - i)));
                boolean endOfFrame = i + chunk == 7 || i + chunk == 7 + 304 || i + chunk >= all.length;
                if (endOfFrame) {
                    assertThat(f.atBoundary()).as("chunk %d at %d", chunk, i + chunk).isTrue();
                }
            }
            assertThat(f.atBoundary()).isTrue();
            assertThat(f.closeSeen()).isFalse();
        }
    }

    @Test
    void knowsWhenItIsInsideAFrameAndWhenTheNodeSentClose() {
        FrameBoundary f = new FrameBoundary();
        ByteBuf b = Unpooled.buffer();
        frame(b, 0x81, 10);
        f.follow(b.slice(0, 5));
        assertThat(f.atBoundary()).isFalse();
        f.follow(b.slice(5, b.readableBytes() - 5));
        assertThat(f.atBoundary()).isTrue();

        ByteBuf close = NodeLink.closeFrame(1000, "bye");
        f.follow(close);
        assertThat(f.closeSeen()).isTrue();
        assertThat(f.atBoundary()).isTrue();
    }

    @Test
    void theCloseFrameItWritesIsAWellFormedServerFrame() {
        ByteBuf close = NodeLink.closeFrame(NodeLink.CLOSE_SERVICE_RESTART, "node n1 was lost");
        assertThat((int) close.getUnsignedByte(0)).isEqualTo(0x88);
        assertThat((int) close.getUnsignedByte(1)).isEqualTo(2 + 16);
        assertThat(close.getUnsignedShort(2)).isEqualTo(1012);
        assertThat(close.readableBytes()).isEqualTo(4 + 16);
    }

    /** An unmasked frame with {@code n} payload bytes. */
    private static void frame(ByteBuf out, int first, int n) {
        out.writeByte(first);
        if (n < 126) {
            out.writeByte(n);
        } else if (n < 65536) {
            out.writeByte(126).writeShort(n);
        } else {
            out.writeByte(127).writeLong(n);
        }
        out.writeZero(n);
    }
}
