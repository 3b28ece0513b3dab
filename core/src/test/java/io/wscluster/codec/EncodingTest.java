package io.wscluster.codec;

import static io.wscluster.testsupport.Wire.decode;
import static io.wscluster.testsupport.Wire.encodeToTree;
import static io.wscluster.testsupport.Wire.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.wscluster.testsupport.TrackingAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import io.wscluster.protocol.ErrorCode;
import io.wscluster.protocol.Priority;
import io.wscluster.protocol.ReconnectReason;
import io.wscluster.protocol.StreamPosition;

class EncodingTest {

    @Test
    void subprotocolsAndFrameTypes() {
        assertThat(Encoding.JSON.subprotocol()).isEqualTo("wsc.v1.json");
        assertThat(Encoding.JSON.binary()).isFalse();
        assertThat(Encoding.MSGPACK.subprotocol()).isEqualTo("wsc.v1.msgpack");
        assertThat(Encoding.MSGPACK.binary()).isTrue();
    }

    @Test
    void forSubprotocol() {
        assertThat(Encoding.forSubprotocol("wsc.v1.json")).isEqualTo(Encoding.JSON);
        assertThat(Encoding.forSubprotocol("wsc.v1.msgpack")).isEqualTo(Encoding.MSGPACK);
        assertThat(Encoding.forSubprotocol("wsc.v2.json")).isNull();
        assertThat(Encoding.forSubprotocol(null)).isNull();
    }

    static Stream<OutboundFrame> everyFrame() {
        Message room = ServerFramesTest.roomMessage();
        return Stream.of(
                ServerFrames.welcome("7f3c9a", "node-1", "alice", 25000, false),
                ServerFrames.welcome("7f3c9a", "node-1", null, 25000, true),
                ServerFrames.subscribed(1, "prices", new StreamPosition("e1", 58), true),
                ServerFrames.unsubscribed(2, "prices"),
                ServerFrames.ack(3, 58),
                ServerFrames.ack(3, -1),
                ServerFrames.presence(4, "lobby", List.of("alice", "bob"), 3),
                ServerFrames.history(5, "prices", new StreamPosition("e1", 58), List.of(room.at("e1", 57), room)),
                ServerFrames.pong(6),
                ServerFrames.reply(7, tree("{\"nested\":{\"list\":[1,2.5,\"s\",null,false]},\"big\":9007199254740993}")),
                ServerFrames.error(8, ErrorCode.UNAVAILABLE, "bus down"),
                ServerFrames.reconnect(ReconnectReason.FAILOVER, "ws://h:1/ws", 250),
                room,
                new Message(Message.Target.USER, null, "alice", null, 0, Payload.of(tree("{\"k\":\"v\"}")), "bob", 1L, Priority.NORMAL),
                new Message(Message.Target.BROADCAST, null, null, null, 0, Payload.of(tree("\"x\"")), null, 1L, Priority.NORMAL));
    }

    @ParameterizedTest
    @MethodSource("everyFrame")
    void messagePackCarriesTheSameObjectsAsJson(OutboundFrame frame) {
        assertThat(encodeToTree(Encoding.MSGPACK, frame)).isEqualTo(encodeToTree(Encoding.JSON, frame));
    }

    @Test
    void messagePackIsBinaryAndNotJsonText() {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf buf = Encoding.MSGPACK.encode(alloc, ServerFrames.pong(1));
        try {
            assertThat(buf.getUnsignedByte(buf.readerIndex()) & 0xf0).as("a MessagePack fixmap").isEqualTo(0x80);
        } finally {
            buf.release();
        }
    }

    @Test
    void encodeGivesTheCallerTheOnlyReference() {
        TrackingAllocator alloc = new TrackingAllocator();
        for (Encoding e : Encoding.values()) {
            ByteBuf buf = e.encode(alloc, ServerFrames.pong(1));
            assertThat(buf.refCnt()).isEqualTo(1);
            assertThat(decode(e, buf)).isEqualTo(tree("{\"op\":\"pong\",\"id\":1}"));
            buf.release();
        }
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void aFrameThatFailsToWriteLeaksNoBuffer() {
        TrackingAllocator alloc = new TrackingAllocator();
        OutboundFrame broken = g -> {
            g.writeStartObject();
            throw new IllegalStateException("boom");
        };
        OutboundFrame failingIo = g -> {
            throw new IOException("disk full");
        };
        for (Encoding e : Encoding.values()) {
            assertThatThrownBy(() -> e.encode(alloc, broken)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> e.encode(alloc, failingIo)).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(alloc.allocated()).isNotEmpty();
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void largeFramesGrowTheBuffer() {
        String big = "x".repeat(100_000);
        for (Encoding e : Encoding.values()) {
            assertThat(encodeToTree(e, ServerFrames.error(1, ErrorCode.INTERNAL, big)).get("message").textValue()).isEqualTo(big);
        }
    }
}
