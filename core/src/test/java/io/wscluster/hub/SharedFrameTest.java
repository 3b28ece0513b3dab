package io.wscluster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.netty.buffer.ByteBuf;
import io.wscluster.codec.Encoding;
import io.wscluster.codec.Message;
import io.wscluster.codec.Payload;
import io.wscluster.protocol.Priority;
import io.wscluster.testsupport.TrackingAllocator;
import io.wscluster.testsupport.Wire;
import org.junit.jupiter.api.Test;

class SharedFrameTest {
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final Message message = Message.toRoom("r", Payload.of(IntNode.valueOf(1)), "alice", Priority.NORMAL).at("e", 1);

    @Test
    void encodesAtMostOncePerEncoding() {
        SharedFrame sut = new SharedFrame(message, alloc, 1);
        ByteBuf json = sut.payload(Encoding.JSON);
        assertThat(sut.payload(Encoding.JSON)).isSameAs(json);
        ByteBuf msgpack = sut.payload(Encoding.MSGPACK);
        assertThat(sut.payload(Encoding.MSGPACK)).isSameAs(msgpack);
        assertThat(alloc.allocated()).hasSize(2);
        assertThat(Wire.decode(Encoding.JSON, json)).isEqualTo(Wire.decode(Encoding.MSGPACK, msgpack))
                .isEqualTo(Wire.encodeToTree(Encoding.JSON, message));
        sut.release();
    }

    @Test
    void theLastHolderReleasesTheBytes() {
        SharedFrame sut = new SharedFrame(message, alloc, 3);
        ByteBuf json = sut.payload(Encoding.JSON);
        ByteBuf view = json.retainedDuplicate();
        sut.release();
        sut.release();
        assertThat(json.refCnt()).isEqualTo(2);
        sut.release();
        assertThat(json.refCnt()).as("a writer's view keeps the bytes").isEqualTo(1);
        view.release();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void nothingEncodedNothingToRelease() {
        SharedFrame sut = new SharedFrame(message, alloc, 1);
        sut.release();
        assertThat(alloc.allocated()).isEmpty();
    }
}
