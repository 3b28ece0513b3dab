package io.wscluster.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebSocketFramingTest {

    @ParameterizedTest
    @CsvSource({
            "0, false, 2", "125, false, 2", "126, true, 4", "65535, false, 4", "65536, true, 10", "200000, false, 10"})
    void headerFollowsRfc6455LengthForms(int length, boolean binary, int headerLength) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        ByteBuf payload = Unpooled.wrappedBuffer(bytes);
        ByteBuf buffer = WebSocketFraming.frame(UnpooledByteBufAllocator.DEFAULT, 16, binary, out -> out.writeBytes(payload.duplicate()));
        ByteBuf frame = buffer.slice(); // what a socket write sends: the readable bytes
        try {
            assertThat(frame.readableBytes()).isEqualTo(headerLength + length);
            assertThat(frame.getUnsignedByte(0)).isEqualTo((short) (0x80 | (binary ? 2 : 1)));
            int second = frame.getUnsignedByte(1);
            assertThat(second & 0x80).as("server frames are not masked").isZero();
            long declared = second < 126 ? second : second == 126 ? frame.getUnsignedShort(2) : frame.getLong(2);
            assertThat(declared).isEqualTo(length);
            assertThat(frame.slice(headerLength, length)).isEqualTo(payload);
            assertThat(WebSocketFraming.payloadOf(buffer)).isEqualTo(payload);
            if (length > 0) {
                WebSocketFraming.payloadOf(buffer).setByte(0, 0x7f);
                assertThat(frame.getByte(headerLength)).as("the payload is a view of the frame, not a copy").isEqualTo((byte) 0x7f);
            }
        } finally {
            buffer.release();
        }
    }
}
